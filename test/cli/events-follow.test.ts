/**
 * `events --follow` in a real process: it prints events stored after it started, keeps going,
 * and stops cleanly (exit 0) on SIGINT.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents, type NewEvent } from '../../src/store/events.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { DEV_BIN } from './run-cli.ts';

const event = (n: number, type: NewEvent['type']): NewEvent => ({ type, questionId: `8-${n}`, lang: 'fr', key: `k${n}`, payload: { n } });

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('events --follow', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await pgTestDb();
    await t.db.transaction((tx) => insertEvents(tx, [event(1, 'question_new')], []));
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('prints the new events of the chosen types as they are stored, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [DEV_BIN, 'events', '--follow', '--json', '--type', 'answer_arrived'], {
      env: { ...process.env, DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema, LOG_LEVEL: 'silent', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    try {
      await until(() => stderr.includes('following new events'), 'the follower to start');
      await t.db.transaction((tx) => insertEvents(tx, [event(2, 'answer_arrived'), event(3, 'field_changed')], []));
      await until(() => stdout.split('\n').filter(Boolean).length >= 1, 'the first event');
      await t.db.transaction((tx) => insertEvents(tx, [event(4, 'answer_arrived')], []));
      await until(() => stdout.split('\n').filter(Boolean).length >= 2, 'the second event');
      child.kill('SIGINT');
      const { code } = await exited;
      expect(code, stderr).toBe(0);
      const printed = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; questionId: string; seq: number });
      // The event stored before it started is not printed (no --since); the field_changed is filtered out.
      expect(printed.map((e) => `${e.type} ${e.questionId}`)).toEqual(['answer_arrived 8-2', 'answer_arrived 8-4']);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
