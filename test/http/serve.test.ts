/**
 * `senate-questions serve` in its own process on the embedded default (PGlite in DATA_DIR):
 * full-text search stemmed in French and Dutch (migration 0013 on PGlite), a question, the
 * OpenAPI description, then a clean stop on SIGTERM that lets go of the embedded database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { DEV_BIN, runCli } from '../cli/run-cli.ts';
import { NAMED, store } from './fixtures.ts';

describe('senate-questions serve on the embedded database', () => {
  let dataDir: string;
  let child: ChildProcess;
  let base: string;
  let exited: Promise<number | null>;
  let stderr = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sq-serve-'));
    const db = await openDb({ dataDir });
    await migrate(db);
    await store(db, NAMED);
    await db.close();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    child = spawn(process.execPath, [DEV_BIN, 'serve', '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    exited = new Promise((r) => child.on('exit', (code) => r(code)));
    base = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const json = async (url: string) => {
    const res = await fetch(`${base}${url}`);
    return { status: res.status, body: (await res.json()) as { items: { id: string }[] } & Record<string, unknown> };
  };

  it('listens on 127.0.0.1 by default', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('searches in French and in Dutch, stemmed', async () => {
    expect((await json(`/api/questions?q=${encodeURIComponent('réponses')}`)).body.items.map((q) => q.id)).toEqual(['8-1']);
    expect((await json('/api/questions?q=vragen')).body.items.map((q) => q.id)).toEqual(['8-2']);
    expect((await json('/api/questions?overdue=true')).body.items.map((q) => q.id)).toEqual(['8-1']);
  });

  it('gives a question, a 404 problem, and the OpenAPI description', async () => {
    const q = await json('/api/questions/8-2');
    expect(q.status).toBe(200);
    expect(q.body.id).toBe('8-2');
    const missing = await fetch(`${base}/api/questions/8-77`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await json('/openapi.json')).body.openapi).toBe('3.1.0');
  });

  it('serves the dashboard at the root, /metrics, and is ready on the embedded database', async () => {
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('href="/questions/8-1"');
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('senate_freshness_lag_seconds');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true, detail: 'embedded PostgreSQL answers' } } });
  });

  it('stops on SIGTERM with exit 0 and lets go of the embedded database', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const show = await runCli(['show', '8-3'], { env: { DATA_DIR: dataDir } });
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout).id).toBe('8-3');
  });
});
