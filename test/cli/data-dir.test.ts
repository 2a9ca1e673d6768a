import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoHint, requireEmbeddedDatabase } from '../../src/cli/data-dir.ts';
import { runCli } from './run-cli.ts';

describe('after `npm run demo` (its data in ./data/demo), in the project folder', () => {
  let dir: string;
  let before: string;
  beforeEach(() => {
    before = process.cwd();
    dir = mkdtempSync(path.join(tmpdir(), 'data-dir-'));
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(before);
    rmSync(dir, { recursive: true, force: true });
  });

  it('`runs` with the default DATA_DIR says there is no database there and gives the command that reads the demo, without creating ./data', async () => {
    mkdirSync(path.join(dir, 'data/demo/pglite'), { recursive: true });
    const r = await runCli(['runs'], { cwd: dir, env: { DATA_DIR: './data' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("there is no database in DATA_DIR=./data yet: crawl first (senate-questions crawl); the demo's data is in ./data/demo: DATA_DIR=./data/demo senate-questions runs");
    expect(existsSync(path.join(dir, 'data/pglite'))).toBe(false);
  });

  it('`show` does the same', async () => {
    mkdirSync(path.join(dir, 'data/demo/pglite'), { recursive: true });
    const r = await runCli(['show', '8-3'], { cwd: dir, env: { DATA_DIR: './data' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DATA_DIR=./data/demo senate-questions show 8-3');
  });

  it('without demo data, says only that there is no database yet', () => {
    expect(() => requireEmbeddedDatabase({ dataDir: './data', databaseUrl: undefined }, 'runs')).toThrow(/^there is no database in DATA_DIR=\.\/data yet: crawl first \(senate-questions crawl\)$/);
  });

  it('leaves a DATA_DIR set on purpose, and PostgreSQL, alone', () => {
    mkdirSync(path.join(dir, 'data/demo/pglite'), { recursive: true });
    expect(() => requireEmbeddedDatabase({ dataDir: './elsewhere', databaseUrl: undefined }, 'runs')).not.toThrow();
    expect(() => requireEmbeddedDatabase({ dataDir: './data', databaseUrl: 'postgres://h/d' }, 'runs')).not.toThrow();
    expect(demoHint({ dataDir: './elsewhere', databaseUrl: undefined }, 'runs')).toBe('');
  });
});
