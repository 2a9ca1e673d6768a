/**
 * In-process crawls in several processes on one PostgreSQL database (no Redis): a second
 * crawl of a legislature being crawled is refused, and crawls of different legislatures
 * share one request budget to the Senate.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateQuestions } from '../fake-senate/generate.ts';
import { maxInWindow, type RequestLogEntry } from '../fake-senate/request-log.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

const CLI = path.resolve('bin/senate-questions.js');

interface Cli {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** The CLI as a user runs it (the one place to change if the bin changes). */
function cli(args: string[], env: NodeJS.ProcessEnv): Cli {
  const child = execFile('node', [CLI, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))) };
}

async function until(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ofLegislature = (log: RequestLogEntry[], leg: number) => log.filter((r) => r.url.includes(`LEG=${leg}&`) || r.url.endsWith(`LEG=${leg}`));

describe('in-process crawls in two processes on one PostgreSQL database', () => {
  let fake: FakeSenate | undefined;
  let t: TestDb | undefined;
  afterEach(async () => {
    await fake?.close();
    await t?.drop();
  });

  async function setUp(ratePerSec: number, perLegislature = 12, inSeven = perLegislature) {
    fake = await startFakeSenate({
      questions: [...generateQuestions(inSeven, { legislature: 7, seed: 5 }), ...generateQuestions(perLegislature, { legislature: 8, seed: 6 })],
      listingPageSize: 6,
      latencyMs: 20,
    });
    t = await pgTestDb();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: t.url,
      DATABASE_SCHEMA: t.schema,
      SENATE_BASE_URL: fake.url,
      CRAWL_RATE_PER_SEC: String(ratePerSec),
      CURRENT_LEGISLATURE: '8',
      PROBE_MISSES: '2',
      LOG_LEVEL: 'silent',
    };
    delete env.REDIS_URL;
    return env;
  }

  describe('when a crawl of the legislature being crawled is asked for', () => {
    it('refuses it at once, naming the running run, its pid and how to stop it (exit 1)', async () => {
      // Slow enough that it is still running when the second has started and answered (then it is stopped).
      const env = await setUp(1);
      const first = cli(['crawl', '-l', '8'], env);
      await until('the first crawl to fetch questions', () => fake!.requests().some((r) => r.url.includes('SchriftelijkeVraag')));
      const second = await cli(['crawl', '-l', '8'], env).exited;
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(
          `^error: run 1 \\(legislature\\(s\\) 8, incremental, since \\d\\d:\\d\\d:\\d\\d, in-process: pid ${first.child.pid}, \\d+/\\d+ jobs done\\) is already crawling legislature\\(s\\) 8; ` +
            `this crawl is refused: follow it with \`senate-questions runs\`; to cancel it, stop pid ${first.child.pid} \\(Ctrl-C in its terminal, or kill ${first.child.pid}\\)\\n$`,
        ),
      );
      first.child.kill('SIGINT');
      expect((await first.exited).code).toBe(1);
      const { rows } = await t!.db.query<{ id: number; status: string }>('SELECT id, status FROM crawl_runs ORDER BY id');
      expect(rows).toEqual([{ id: 1, status: 'cancelled' }]);
    });
  });

  describe('when they crawl different legislatures at CRAWL_RATE_PER_SEC=5', () => {
    it('share one budget: never more than 6 requests to the Senate in any second, over the whole crawl', async () => {
      const env = await setUp(5, 20, 60);
      // The second starts once the first is sending (process starts differ by seconds on a loaded
      // machine, up to 15 s seen): the first has ~120 requests to send at 5/s (24 s), the second ~40,
      // so they overlap for many seconds however late the second starts.
      const first = cli(['crawl', '-l', '7'], env);
      await until('the first crawl to be sending', () => ofLegislature(fake!.requests(), 7).length >= 2);
      const [a, b] = await Promise.all([first.exited, cli(['crawl', '-l', '8'], env).exited]);
      expect([a.code, b.code]).toEqual([0, 0]);
      expect(a.stdout).toMatch(/^run \d succeeded: 60 new, /);
      expect(b.stdout).toMatch(/^run \d succeeded: 20 new, /);
      const log = fake!.requests();
      expect(log.length).toBeGreaterThanOrEqual(160);
      // They ran at the same time: each sent requests while the other was sending. (The budget is
      // shared per request, first come first served: the first crawl, with 4 jobs in flight,
      // gets most slots while the second has one discovery in flight.)
      const [seven, eight] = [ofLegislature(log, 7), ofLegislature(log, 8)];
      const from = Math.max(seven[0]!.t, eight[0]!.t);
      const to = Math.min(seven.at(-1)!.t, eight.at(-1)!.t);
      expect(seven.filter((r) => r.t >= from && r.t <= to).length, 'the first crawl sent while the second was sending').toBeGreaterThanOrEqual(4);
      expect(eight.filter((r) => r.t >= from && r.t <= to).length, 'the second crawl sent while the first was sending').toBeGreaterThanOrEqual(2);
      expect(maxInWindow(log, 1000)).toBeLessThanOrEqual(6);
    }, 150_000);
  });
});
