import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthPlugin } from '../../src/http/health.ts';
import { metricsPlugin } from '../../src/http/metrics.ts';
import { insertEvents } from '../../src/store/events.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess } from '../helpers/crawl-env.ts';
import { pgliteTestDb, pgTestDb, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/fleet.ts';

/** The value of one sample line of a Prometheus exposition, or null when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

describe('metrics and health', () => {
  let fake: FakeSenate;
  let t: TestDb;
  let redis: Redis;
  let queue: Queue;
  let app: FastifyInstance;

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 8, legislature: 8, seed: 2 } });
    t = await pgTestDb();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('fetch-question', { connection: redis, prefix: `test-${randomUUID()}` });
    app = Fastify();
    await app.register(metricsPlugin, { db: t.db, queues: [queue] });
    await app.register(healthPlugin, { db: t.db, redis });
    app.get('/other', async (_req, reply) => reply.code(404).send({ missing: true }));
  });
  afterAll(async () => {
    await app?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    redis?.disconnect();
    await t?.drop();
    await fake?.close();
  });

  describe('/metrics', () => {
    it('reports the crawl from the store: requests, 304s, bytes, statuses, last successful run, freshness lag', async () => {
      const first = await crawlInProcess(fake, t.db);
      const second = await crawlInProcess(fake, t.db);
      expect(second.notModified).toBeGreaterThan(0);
      const res = await app.inject('/metrics');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      const m = res.body;
      expect(sample(m, 'senate_requests_total')).toBe(first.requests + second.requests);
      expect(sample(m, 'senate_not_modified_total')).toBe(second.notModified);
      expect(sample(m, 'senate_received_bytes_total')).toBe(first.bytes + second.bytes);
      expect(sample(m, 'senate_responses_recent', { status: '200' })).toBeGreaterThan(0);
      expect(sample(m, 'senate_responses_recent', { status: '304' })).toBe(second.notModified);
      expect(sample(m, 'senate_parse_failures_recent')).toBe(0);
      expect(sample(m, 'senate_last_successful_run_timestamp_seconds', { legislature: '8' })).toBeCloseTo(second.finishedAt!.getTime() / 1000, 0);
      const lag = sample(m, 'senate_freshness_lag_seconds');
      expect(lag).not.toBeNull();
      expect(lag!).toBeGreaterThanOrEqual(0);
      expect(sample(m, 'senate_runs_by_health', { health: 'healthy' })).toBe(2);
      expect(sample(m, 'senate_text_repairs')).not.toBeNull();
      expect(sample(m, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    });

    it('reports jobs by state and queue depth from Redis, and webhook deliveries pending and failed', async () => {
      await queue.add('fetch-question', { n: 1 });
      await queue.add('fetch-question', { n: 2 }, { delay: 60_000 });
      await insertEvents(t.db, [{ type: 'crawl_unhealthy', questionId: null, lang: null, key: 'metrics-test', payload: {} }], [{ url: 'http://127.0.0.1:9/a', events: '*' }, { url: 'http://127.0.0.1:9/b', events: '*' }]);
      await t.db.query(`UPDATE webhook_deliveries SET status = 'failed' WHERE endpoint = 'http://127.0.0.1:9/b'`);
      const m = (await app.inject('/metrics')).body;
      expect(sample(m, 'senate_queue_jobs', { queue: 'fetch-question', state: 'waiting' })).toBe(1);
      expect(sample(m, 'senate_queue_jobs', { queue: 'fetch-question', state: 'delayed' })).toBe(1);
      expect(sample(m, 'senate_queue_depth', { queue: 'fetch-question' })).toBe(2);
      expect(sample(m, 'senate_webhook_deliveries', { status: 'pending' })).toBe(1);
      expect(sample(m, 'senate_webhook_deliveries', { status: 'failed' })).toBe(1);
    });

    it('counts the requests the server answered, by route and status', async () => {
      await app.inject('/other');
      await app.inject('/other');
      const m = (await app.inject('/metrics')).body;
      expect(sample(m, 'http_requests_total', { route: '/other', status: '404' })).toBe(2);
    });
  });

  describe('/healthz and /readyz', () => {
    it('says the process is up', async () => {
      const res = await app.inject('/healthz');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok' });
    });

    it('is ready when the database answers, its migrations are current and Redis answers', async () => {
      const res = await app.inject('/readyz');
      expect(res.json()).toEqual({
        status: 'ready',
        checks: { database: { ok: true, detail: 'PostgreSQL answers' }, migrations: { ok: true, detail: 'current' }, redis: { ok: true, detail: 'Redis answers PONG' } },
      });
      expect(res.statusCode).toBe(200);
    });

    it('is not ready, naming why, when a migration is missing or Redis does not answer', async () => {
      const { rows } = await t.db.query<{ version: number }>('SELECT max(version)::int AS version FROM schema_migrations');
      const latest = rows[0]!.version;
      const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
      dead.on('error', () => undefined);
      const other = Fastify();
      await other.register(healthPlugin, { db: t.db, redis: dead, timeoutMs: 1_000 });
      await t.db.query('DELETE FROM schema_migrations WHERE version = $1', [latest]);
      try {
        const res = await other.inject('/readyz');
        expect(res.statusCode).toBe(503);
        const body = res.json<{ status: string; checks: Record<string, { ok: boolean; detail: string }> }>();
        expect(body.status).toBe('not ready');
        expect(body.checks.database!.ok).toBe(true);
        expect(body.checks.migrations).toEqual({ ok: false, detail: `migration(s) ${latest} not applied` });
        expect(body.checks.redis!.ok).toBe(false);
      } finally {
        await t.db.query(`INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, 'restored', 'x')`, [latest]);
        await other.close();
        dead.disconnect();
      }
    });
  });

  describe('on the embedded PGlite', () => {
    it('serves /metrics and is ready without Redis', async () => {
      const lite = await pgliteTestDb();
      const embedded = Fastify();
      try {
        await embedded.register(metricsPlugin, { db: lite.db });
        await embedded.register(healthPlugin, { db: lite.db });
        const m = (await embedded.inject('/metrics')).body;
        expect(sample(m, 'senate_requests_total')).toBe(0);
        expect(sample(m, 'senate_webhook_deliveries', { status: 'pending' })).toBe(0);
        expect(sample(m, 'senate_metrics_scrape_errors_total', { source: 'postgres' })).toBeNull();
        const ready = await embedded.inject('/readyz');
        expect(ready.statusCode).toBe(200);
        expect(ready.json()).toEqual({ status: 'ready', checks: { database: { ok: true, detail: 'embedded PostgreSQL answers' }, migrations: { ok: true, detail: 'current' } } });
      } finally {
        await embedded.close();
        await lite.drop();
      }
    });
  });
});
