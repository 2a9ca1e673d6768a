import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuesBoardPlugin } from '../../src/http/queues-board.ts';
import { TEST_REDIS_URL } from '../helpers/fleet.ts';

const TOKEN = 'board-test-token-0123456789';

describe('Bull Board at /admin/queues', () => {
  let redis: Redis;
  let queue: Queue;
  let app: FastifyInstance;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('fetch-question', { connection: redis, prefix: `test-${randomUUID()}` });
    await queue.add('fetch-question', { id: '8-1' });
    app = Fastify();
    await app.register(queuesBoardPlugin, { queues: [queue], token: TOKEN });
  });
  afterAll(async () => {
    await app?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    redis?.disconnect();
  });

  it('answers 401 problem+json without the token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${TOKEN}` }]) {
      const res = await app.inject({ url: '/admin/queues', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
    expect((await app.inject({ url: '/admin/queues/api/queues' })).statusCode).toBe(401);
  });

  it('shows the board and the queues, read-only, with the token', async () => {
    const page = await app.inject({ url: '/admin/queues', headers: auth });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await app.inject({ url: '/admin/queues/api/queues?activeQueue=fetch-question&status=waiting', headers: auth });
    expect(api.statusCode).toBe(200);
    const body = api.json<{ queues: { name: string; readOnlyMode: boolean; counts: Record<string, number> }[] }>();
    expect(body.queues).toEqual([expect.objectContaining({ name: 'fetch-question', readOnlyMode: true })]);
    expect(body.queues[0]!.counts.waiting).toBe(1);
  });

  it('refuses every change, even with the token, and the job stays', async () => {
    const retry = await app.inject({ method: 'PUT', url: '/admin/queues/api/queues/fetch-question/retry/failed', headers: auth });
    expect(retry.statusCode).toBe(405);
    const clean = await app.inject({ method: 'PUT', url: '/admin/queues/api/queues/fetch-question/clean/waiting', headers: auth });
    expect(clean.statusCode).toBe(405);
    expect(await queue.getWaitingCount()).toBe(1);
  });

  it('lets a browser sign in once with the token at /admin/login, by a cookie that holds no token', async () => {
    const form = await app.inject({ url: '/admin/login' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<label for="token">');
    const wrong = await app.inject({ method: 'POST', url: '/admin/login', payload: 'token=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const right = await app.inject({ method: 'POST', url: '/admin/login', payload: `token=${TOKEN}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/admin/queues');
    const cookie = String(right.headers['set-cookie']);
    expect(cookie).toMatch(/^sq_admin=[0-9a-f]{64}; Path=\/admin; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(';')[0]!;
    expect((await app.inject({ url: '/admin/queues/api/queues', headers: { cookie: pair } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/admin/queues/api/queues', headers: { cookie: `sq_admin=${'0'.repeat(64)}` } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'PUT', url: '/admin/queues/api/queues/fetch-question/pause', headers: { cookie: pair } })).statusCode).toBe(405);
  });

  it('is closed to everyone when API_TOKEN is unset', async () => {
    const closed = Fastify();
    await closed.register(queuesBoardPlugin, { queues: [queue], token: undefined });
    try {
      const res = await closed.inject({ url: '/admin/queues', headers: { authorization: 'Bearer ' } });
      expect(res.statusCode).toBe(401);
      expect(res.json<{ detail: string }>().detail).toBe('API_TOKEN is not set: the queue board is closed');
    } finally {
      await closed.close();
    }
  });
});
