/**
 * What ships: `npm run build` (tsc → dist/, migrations copied beside the compiled migrate.js)
 * and the compiled bin run by plain node, with no tsx. The build runs here first, so this
 * never checks a stale dist/; the other CLI tests run the sources (bin/senate-questions.js).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAVY_PACKAGES, runLogged } from './import-log.ts';
import { COMPILED_BIN } from './run-cli.ts';

const exec = promisify(execFile);

describe('the compiled bin (dist/bin/senate-questions.js)', () => {
  let dataDir: string;

  beforeAll(async () => {
    await exec('npm', ['run', 'build'], { encoding: 'utf8' });
    dataDir = mkdtempSync(path.join(tmpdir(), 'sq-compiled-'));
  }, 300_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints the help with plain node, loading neither tsx nor the heavy packages', async () => {
    const r = await runLogged(COMPILED_BIN, ['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: senate-questions \[options\] \[command\]/);
    expect([...r.packages].filter((p) => p === 'tsx' || HEAVY_PACKAGES.includes(p))).toEqual([]);
  });

  it('exits 2 on a usage error, loading none of the heavy packages', async () => {
    const r = await runLogged(COMPILED_BIN, ['show']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'id'/);
    expect([...r.packages].filter((p) => HEAVY_PACKAGES.includes(p))).toEqual([]);
  });

  it('migrates an embedded database from the SQL files copied into dist/, then reports it healthy', async () => {
    const env = { DATA_DIR: dataDir };
    const migrated = await runLogged(COMPILED_BIN, ['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/^applied \d+ migration\(s\) \(1(, \d+)*\) on embedded database in .*; schema version \d+\n$/);
    expect(migrated.packages.has('tsx')).toBe(false);
    const health = await runLogged(COMPILED_BIN, ['healthcheck'], env);
    expect(health.code, health.stderr).toBe(0);
    expect(health.stdout).toBe(`database: embedded, ${dataDir} writable\n`);
  });
});
