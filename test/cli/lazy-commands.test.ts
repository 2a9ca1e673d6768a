/**
 * `--help` and usage errors answer without loading what the commands need to work: each
 * command's work is imported only when it runs (src/cli/commands/index.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAVY_PACKAGES, runLogged } from './import-log.ts';
import { DEV_BIN } from './run-cli.ts';

const heavy = (packages: Set<string>) => HEAVY_PACKAGES.filter((p) => packages.has(p));

describe('the CLI from the sources (through tsx)', () => {
  it.each([
    [['--help'], 0],
    [['crawl', '--help'], 0],
    [['worker', '--help'], 0],
    [['no-such-command'], 2],
    [['crawl', '--legislature', 'eight'], 2],
    [['runs', '--limit', '0'], 2],
    [['webhooks', '--help'], 0],
    [['webhooks', 'retry'], 2],
    [['webhooks', 'show', 'not-an-event'], 2],
    [['serve', '--help'], 0],
    [['serve', '--port', 'http'], 2],
    [['export', '--format', 'xml'], 2],
  ])('answers %j with exit %i and loads none of the heavy packages', async (args, code) => {
    const r = await runLogged(DEV_BIN, args);
    expect(r.code, r.stderr).toBe(code);
    expect(r.packages.has('commander')).toBe(true);
    expect(heavy(r.packages)).toEqual([]);
  });

  it('does load them when a command runs (the check sees them)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sq-lazy-'));
    try {
      const r = await runLogged(DEV_BIN, ['healthcheck'], { DATA_DIR: dataDir });
      expect(r.code, r.stderr).toBe(0);
      expect(heavy(r.packages)).toEqual(expect.arrayContaining(['pg', 'zod', 'pino']));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
