import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admitScheduledRun } from '../../src/store/scheduled-runs.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/fleet.ts';
import { runCli } from './run-cli.ts';

describe('senate-questions schedule', () => {
  describe('with bad usage', () => {
    it.each([
      [['--cron', '0 25 * * *'], /^error: --cron "0 25 \* \* \*" is not a cron pattern .*expected range 0-23\n$/],
      [['--cron', 'nightly'], /^error: --cron "nightly" is not a cron pattern/],
      [['--cron', '0 3 * * *', '--tz', 'Mars/Olympus'], /^error: --tz "Mars\/Olympus" is not a time zone/],
      [['--cron', '0 3 * * *', '--watch-cron', '61 * * * *'], /^error: --watch-cron "61 \* \* \* \*" is not a cron pattern/],
      [['--show', '--remove'], /^error: give one of --cron, --show or --remove, not --show and --remove\n$/],
      [[], /^error: give --cron "<pattern>"/],
      [['--cron', '0 3 * * *', '-l', '9'], /^error: legislature 9 does not exist yet/],
    ])('schedule %j exits 2 naming what is wrong', async (args, message) => {
      // An unreachable Redis: a usage error must be found before Redis is asked anything.
      const r = await runCli(['schedule', ...args], { env: { REDIS_URL: 'redis://127.0.0.1:9' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    });
  });

  describe('without Redis', () => {
    it('exits 2 saying schedules need REDIS_URL, with the cron line for the in-process crawl', async () => {
      const r = await runCli(['schedule', '--cron', '30 2 * * *', '--tz', 'Europe/Brussels', '-l', '7', '-l', '8'], { cwd: '/srv/senate' });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        "error: schedules need REDIS_URL: the fleet's workers run them. Without Redis (jobs in-process), run the crawl from cron instead:\n" +
          'CRON_TZ=Europe/Brussels\n30 2 * * * cd /srv/senate && npx senate-questions crawl -l 7 -l 8 >> crawl.log 2>&1\n' +
          '*/15 * * * * cd /srv/senate && npx senate-questions watch --every-min 15 >> watch.log 2>&1\n',
      );
    });

    it('exits 2 when REDIS_URL does not answer', async () => {
      const r = await runCli(['schedule', '--cron', '0 3 * * *'], { env: { REDIS_URL: 'redis://127.0.0.1:9' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: REDIS_URL \(redis:\/\/127\.0\.0\.1:9\) does not answer .*schedules need a reachable Redis.*\n0 3 \* \* \* cd .* crawl -l 8/s);
    });
  });

  describe('with Redis', () => {
    const prefix = `test-${randomUUID()}`;
    let t: TestDb;
    let env: NodeJS.ProcessEnv;
    let dataDir: string;
    beforeAll(async () => {
      t = await pgTestDb();
      dataDir = mkdtempSync(path.join(tmpdir(), 'sq-schedule-'));
      env = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema, DATA_DIR: dataDir };
    });
    afterAll(async () => {
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('installs, shows, installs again without a second scheduler, and removes', async () => {
      const installed = await runCli(['schedule', '--cron', '0 3 * * *', '--tz', 'Europe/Brussels'], { env });
      expect(installed.code).toBe(0);
      expect(installed.stdout).toMatch(/^nightly-crawl: 0 3 \* \* \* \(Europe\/Brussels\): nightly crawl of legislature\(s\) 8; next at \d{4}-\d\d-\d\dT0[12]:00:00.000Z$/m);
      expect(installed.stdout).toMatch(/^answer-watch: \*\/15 \* \* \* \* \(Europe\/Brussels\): answer watch \(up to 360 requests\/hour\); next at /m);
      const again = await runCli(['schedule', '--cron', '0 4 * * *', '--tz', 'Europe/Brussels', '--no-watch'], { env });
      expect(again.code).toBe(0);
      const due = new Date('2026-12-01T03:00:00Z');
      const run = await admitScheduledRun(t.db, {
        kind: 'crawl', scheduleId: 'nightly-crawl', scheduledFor: due, mode: 'incremental', legislatures: [8], options: {}, blockedBy: ['crawl'],
        jobs: (runId) => [{ key: 'discover-8', kind: 'discover', data: { runId } }],
      });
      const shown = await runCli(['schedule', '--show'], { env });
      expect(shown.code).toBe(0);
      expect(shown.stdout.trim().split('\n')).toEqual([
        expect.stringMatching(/^nightly-crawl: 0 4 \* \* \* \(Europe\/Brussels\)/),
        `  nightly-crawl due 2026-12-01T03:00:00.000Z: run ${run.runId} running`,
      ]);
      const removed = await runCli(['schedule', '--remove'], { env });
      expect(removed.stdout).toBe('removed nightly-crawl\n');
      expect((await runCli(['schedule', '--show'], { env })).stdout).toMatch(/^no schedule installed/);
    });
  });
});
