import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { operationsPlugins } from '../../src/http/operations.ts';
import { buildServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/fleet.ts';
import { NAMED, store } from './fixtures.ts';

const TOKEN = 'operations-test-token-0123';

describe('the server with its operations plugins', () => {
  let t: TestDb;
  let redis: Redis;
  let queue: Queue;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await pgTestDb();
    await store(t.db, NAMED);
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('discover', { connection: redis, prefix: `test-${randomUUID()}` });
    app = await buildServer({ db: t.db, config: loadConfig({ API_TOKEN: TOKEN }), logger: silentLogger, plugins: operationsPlugins({ queues: [queue], redis }) });
  });
  afterAll(async () => {
    await app?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    redis?.disconnect();
    await t?.drop();
  });

  it('serves the dashboard at the root, beside the API', async () => {
    const home = await app.inject('/');
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    const id = NAMED[0]!.id;
    expect((await app.inject(`/questions/${id}`)).body).toContain(`Question ${id}`);
    const api = await app.inject(`/api/questions/${id}`);
    expect(api.statusCode).toBe(200);
    expect(api.headers['content-type']).toContain('application/json');
  });

  it('counts the API requests in /metrics, and answers /healthz, /readyz and /admin/queues', async () => {
    await app.inject('/api/questions?legislature=8');
    await app.inject('/api/questions?status=nonsense');
    const m = (await app.inject('/metrics')).body;
    expect(m).toMatch(/http_requests_total\{method="GET",route="\/api\/questions",status="200",component="server"\} 1/);
    expect(m).toMatch(/http_requests_total\{method="GET",route="\/api\/questions",status="400",component="server"\} 1/);
    expect(m).toMatch(/senate_queue_depth\{queue="discover",component="server"\} 0/);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).json()).toMatchObject({ status: 'ready', checks: { redis: { ok: true } } });
    expect((await app.inject('/admin/queues')).statusCode).toBe(401);
    expect((await app.inject({ url: '/admin/queues', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
  });

  it('keeps the API\'s problem+json 404 for unknown paths', async () => {
    const res = await app.inject('/nowhere');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
