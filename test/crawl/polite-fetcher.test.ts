import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../config/index.ts';
import {
  CircuitOpenError,
  HttpStatusError,
  NetworkError,
  OffHostRequestError,
  RobotsDisallowedError,
  RobotsUnreachableError,
  SenateUnreachableError,
  isRetryable,
} from '../../src/crawl/errors.ts';
import { createPoliteFetcher, type PoliteFetcher, type PoliteFetcherOptions } from '../../src/crawl/polite-fetcher.ts';
import { createLogger, silentLogger } from '../../src/util/logger.ts';
import { maxInWindow, startTestServer, testConfig, type TestServer } from './test-server.ts';

let redis: Redis;
let server: TestServer;
const open: PoliteFetcher[] = [];

beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379 });
});
afterAll(async () => {
  await redis.quit();
});
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
  await server.close();
});

const FAST_RETRY = { minTimeoutMs: 20, maxTimeoutMs: 100 };

function polite(overrides: Partial<Config> = {}, opts: Partial<PoliteFetcherOptions> = {}): PoliteFetcher {
  const f = createPoliteFetcher({
    config: testConfig(server.url, { fetchRetries: 3, ...overrides }),
    redis,
    keyPrefix: `test-${randomUUID()}:`,
    logger: silentLogger,
    retry: FAST_RETRY,
    ...opts,
  });
  open.push(f);
  return f;
}

describe('polite fetcher', () => {
  describe('when the server fails with 500 and then recovers', () => {
    it('retries and returns the page, counting the attempts', async () => {
      let n = 0;
      server.route('/p', (_req, res) => void (++n < 3 ? res.writeHead(500).end('oops') : res.end('finally')));
      const f = polite();
      const res = await f.fetch({ url: `${server.url}/p` });
      expect(res.body.toString()).toBe('finally');
      expect(res.attempts).toBe(3);
      expect(f.stats()).toMatchObject({ retries: 2, requests: 4 /* robots + 3 attempts */, robotsFetches: 1, failures: 0 });
    });
  });

  describe('when the connection is reset once', () => {
    it('retries', async () => {
      let n = 0;
      server.route('/p', (req, res) => void (++n === 1 ? req.socket.resetAndDestroy() : res.end('ok')));
      const res = await polite().fetch({ url: `${server.url}/p` });
      expect(res.body.toString()).toBe('ok');
      expect(res.attempts).toBe(2);
    });
  });

  describe('when the failures outlast the retries', () => {
    it('throws the last error after fetchRetries + 1 attempts', async () => {
      server.route('/p', (req) => void req.socket.resetAndDestroy());
      const f = polite({ fetchRetries: 2 });
      await expect(f.fetch({ url: `${server.url}/p` })).rejects.toBeInstanceOf(NetworkError);
      expect(server.requestsTo('/p')).toHaveLength(3);
      expect(f.stats().failures).toBe(1);
    });
  });

  describe('when the page does not exist (404)', () => {
    it('does not retry', async () => {
      const f = polite();
      const err = await f.fetch({ url: `${server.url}/nope` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpStatusError);
      expect((err as HttpStatusError).status).toBe(404);
      expect(server.requestsTo('/nope')).toHaveLength(1);
      expect(f.stats().retries).toBe(0);
    });
  });

  describe('when the server answers 429 with Retry-After', () => {
    it('waits at least that long before the next request, then succeeds', async () => {
      let n = 0;
      server.route('/p', (_req, res) => void (++n === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.end('ok')));
      const res = await polite().fetch({ url: `${server.url}/p` });
      expect(res.body.toString()).toBe('ok');
      const [first, second] = server.requestsTo('/p');
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    });

    it('pauses the whole fleet, not just the request that got the 429', async () => {
      const keyPrefix = `test-${randomUUID()}:`;
      let n = 0;
      server.route('/busy', (_req, res) => void (++n === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.end('ok')));
      server.route('/other', (_req, res) => void res.end('other'));
      const a = polite({}, { keyPrefix });
      const b = polite({}, { keyPrefix }); // another worker of the fleet
      await a.fetch({ url: `${server.url}/other` }); // robots read and cached
      const busy = a.fetch({ url: `${server.url}/busy` });
      await new Promise((r) => setTimeout(r, 100)); // the 429 has arrived
      await b.fetch({ url: `${server.url}/other` });
      await busy;
      const first429 = server.requestsTo('/busy')[0]!.at;
      const otherAfter = server.requestsTo('/other')[1]!.at;
      expect(otherAfter - first429).toBeGreaterThanOrEqual(1000);
    });

    it('does not wait out a Retry-After longer than maxRetryAfterMs: the job layer gets it', async () => {
      server.route('/p', (_req, res) => void res.writeHead(503, { 'retry-after': '600' }).end());
      const f = polite({}, { retry: { ...FAST_RETRY, maxRetryAfterMs: 1_000 } });
      const err = await f.fetch({ url: `${server.url}/p` }).catch((e: unknown) => e);
      expect((err as HttpStatusError).retryAfterMs).toBe(600_000);
      expect(server.requestsTo('/p')).toHaveLength(1);
    });
  });

  describe('when the Senate stops answering (robots.txt fails too)', () => {
    it('opens the circuit, pauses the cool-down, probes with robots.txt and resumes by itself', async () => {
      let healthy = false;
      server.route('/robots.txt', (_req, res) => void (healthy ? res.end('User-agent: *\n') : res.writeHead(502).end()));
      server.route('/p', (_req, res) => void res.end('back'));
      const f = polite({ fetchRetries: 10 }, { circuit: { cooldownMs: 500, pollMs: 20 } });
      await expect(f.fetch({ url: `${server.url}/p` })).rejects.toBeInstanceOf(RobotsUnreachableError);
      expect(await f.circuit()).toMatchObject({ state: 'open', reason: expect.stringMatching(/HTTP 502/) });
      setTimeout(() => (healthy = true), 200);
      const res = await f.fetch({ url: `${server.url}/p` });
      expect(res.body.toString()).toBe('back');
      const probes = server.requestsTo('/robots.txt').map((r) => r.at);
      expect(probes).toHaveLength(2); // the failure, then one probe after the cool-down
      expect(probes[1]! - probes[0]!).toBeGreaterThanOrEqual(480);
      expect(server.requestsTo('/p')).toHaveLength(1);
      expect((await f.circuit()).state).toBe('closed');
    });

    it('throws CircuitOpenError at once when the circuit stays open too long to wait, without sending the request', async () => {
      server.route('/robots.txt', (_req, res) => void res.writeHead(500).end());
      const keyPrefix = `test-${randomUUID()}:`;
      const circuit = { cooldownMs: 60_000 };
      const a = polite({}, { keyPrefix, circuit, maxCircuitWaitMs: 1_000 });
      await expect(a.fetch({ url: `${server.url}/p` })).rejects.toBeInstanceOf(RobotsUnreachableError);
      const b = polite({}, { keyPrefix, circuit, maxCircuitWaitMs: 1_000 }); // another worker of the fleet
      await expect(b.fetch({ url: `${server.url}/q` })).rejects.toBeInstanceOf(CircuitOpenError);
      expect(server.requestsTo('/q')).toHaveLength(0);
      expect(server.requestsTo('/robots.txt')).toHaveLength(1);
    });

    it('gives up after SENATE_GIVE_UP_MS with SenateUnreachableError naming SENATE_BASE_URL; until then it tells the job layer to come back by then', async () => {
      server.route('/robots.txt', (req) => void req.socket.resetAndDestroy());
      const f = polite({ senateGiveUpMs: 1_000, fetchRetries: 0 }, { circuit: { cooldownMs: 60_000 }, maxCircuitWaitMs: 0 });
      const first = await f.fetch({ url: `${server.url}/p` }).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(RobotsUnreachableError);
      expect((first as RobotsUnreachableError).untilMs - Date.now()).toBeLessThanOrEqual(1_050); // not the cool-down's 60 s
      await new Promise((r) => setTimeout(r, 1_100));
      const err = await f.fetch({ url: `${server.url}/p` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SenateUnreachableError);
      expect((err as Error).message).toContain(`the Senate at ${server.url} (SENATE_BASE_URL) is unreachable`);
      expect(isRetryable(err)).toBe(false);
      expect(server.requestsTo('/p')).toHaveLength(0);
    });
  });

  describe('when a few pages always fail and the Senate is otherwise healthy', () => {
    it('never opens the circuit: their failures count once per URL', async () => {
      server.route('/bad1', (_req, res) => void res.writeHead(500).end());
      server.route('/bad2', (_req, res) => void res.writeHead(500).end());
      server.route('/good', (_req, res) => void res.end('ok'));
      const f = polite({ fetchRetries: 4 }, { circuit: { failureThreshold: 3, cooldownMs: 60_000 }, maxCircuitWaitMs: 0 });
      const bad = await Promise.all(['/bad1', '/bad2'].map((p) => f.fetch({ url: `${server.url}${p}` }).catch((e: unknown) => e)));
      expect(bad.map((e) => (e as HttpStatusError).status)).toEqual([500, 500]);
      expect((await f.fetch({ url: `${server.url}/good` })).body.toString()).toBe('ok');
      expect(server.requestsTo('/bad1')).toHaveLength(5);
      expect((await f.circuit()).state).toBe('closed');
      expect(server.requestsTo('/robots.txt')).toHaveLength(1); // never probed
    });

    it('probes with robots.txt when enough distinct pages fail, and goes on without a pause when it answers', async () => {
      for (const p of ['/b1', '/b2', '/b3']) server.route(p, (_req, res) => void res.writeHead(500).end());
      server.route('/good', (_req, res) => void res.end('ok'));
      const f = polite({ fetchRetries: 0 }, { circuit: { failureThreshold: 3, cooldownMs: 60_000 }, maxCircuitWaitMs: 0 });
      for (const p of ['/b1', '/b2', '/b3']) await f.fetch({ url: `${server.url}${p}` }).catch(() => undefined);
      expect((await f.circuit()).state).toBe('open'); // suspect: probe due now
      const t0 = performance.now();
      expect((await f.fetch({ url: `${server.url}/good` })).body.toString()).toBe('ok');
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(server.requestsTo('/robots.txt')).toHaveLength(2); // the first read, the probe
      expect((await f.circuit()).state).toBe('closed');
    });
  });

  describe('the request count of a job (meter)', () => {
    it('includes the robots.txt read made for it', async () => {
      server.route('/p', (_req, res) => void res.end('ok'));
      const f = polite();
      const meter = { requests: 0 };
      await f.fetch({ url: `${server.url}/p`, meter });
      expect(meter.requests).toBe(2);
      const again = { requests: 0 };
      await f.fetch({ url: `${server.url}/p`, meter: again });
      expect(again.requests).toBe(1); // robots.txt cached
    });
  });

  describe('logging', () => {
    it('logs a 404 as one short debug line without a stack', async () => {
      const lines: Record<string, unknown>[] = [];
      const logger = createLogger('debug', { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
      const f = polite({}, { logger });
      await f.fetch({ url: `${server.url}/nope` }).catch(() => undefined);
      const about = lines.filter((l) => JSON.stringify(l).includes('/nope'));
      expect(about).toHaveLength(1);
      expect(about[0]).toMatchObject({ level: 20, msg: 'no such page', status: 404 });
      expect(JSON.stringify(about[0])).not.toMatch(/stack|at .*\.ts:/);
    });
  });

  describe('robots.txt', () => {
    it('refuses a disallowed URL without requesting it, and does not retry', async () => {
      server.route('/robots.txt', (_req, res) => void res.end('User-agent: senate-questions\nDisallow: /private\n'));
      server.route('/private/p', (_req, res) => void res.end('secret'));
      const f = polite();
      await expect(f.fetch({ url: `${server.url}/private/p` })).rejects.toBeInstanceOf(RobotsDisallowedError);
      expect(server.requestsTo('/private/p')).toHaveLength(0);
      expect(server.requestsTo('/robots.txt')).toHaveLength(1);
    });

    it('spaces requests by Crawl-delay when it is slower than the configured rate', async () => {
      server.route('/robots.txt', (_req, res) => void res.end('User-agent: *\nCrawl-delay: 0.4\n'));
      server.route('/p', (_req, res) => void res.end('ok'));
      const f = polite({ crawlRatePerSec: 100 });
      await Promise.all([1, 2, 3].map(() => f.fetch({ url: `${server.url}/p` })));
      const at = server.requestsTo('/p').map((r) => r.at);
      expect(at[2]! - at[0]!).toBeGreaterThanOrEqual(780);
    });

    it('does not crawl while robots.txt answers 5xx', async () => {
      server.route('/robots.txt', (_req, res) => void res.writeHead(503).end());
      server.route('/p', (_req, res) => void res.end('ok'));
      const err = await polite().fetch({ url: `${server.url}/p` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RobotsUnreachableError);
      expect(server.requestsTo('/p')).toHaveLength(0);
    });
  });

  describe('the fleet budget', () => {
    it('charges redirect hops and robots.txt to the rate budget', async () => {
      server.route('/a', (_req, res) => void res.writeHead(302, { location: '/b' }).end());
      server.route('/b', (_req, res) => void res.writeHead(302, { location: '/c' }).end());
      server.route('/c', (_req, res) => void res.end('end'));
      const f = polite({ crawlRatePerSec: 5 });
      await f.fetch({ url: `${server.url}/a` });
      const at = server.log.map((r) => r.at); // robots, a, b, c
      expect(at).toHaveLength(4);
      expect(at[3]! - at[0]!).toBeGreaterThanOrEqual(3 * 200 - 20);
      expect(f.stats()).toMatchObject({ requests: 4, redirects: 2, robotsFetches: 1 });
    });

    it('keeps one fetcher’s many concurrent requests within the rate', async () => {
      server.route('/p', (_req, res) => void res.end('ok'));
      const f = polite({ crawlRatePerSec: 10 });
      await Promise.all(Array.from({ length: 15 }, () => f.fetch({ url: `${server.url}/p` })));
      expect(maxInWindow(server.log.map((r) => r.at), 1000)).toBeLessThanOrEqual(11);
    });
  });

  describe('stats', () => {
    it('counts 304s and body bytes', async () => {
      server.route('/q', (req, res) => void (req.headers['if-none-match'] === '"x"' ? res.writeHead(304).end() : res.writeHead(200, { etag: '"x"' }).end('12345')));
      const f = polite();
      const full = await f.fetch({ url: `${server.url}/q` });
      const again = await f.fetch({ url: `${server.url}/q`, validators: { etag: full.headers['etag'] ?? null } });
      expect(again.notModified).toBe(true);
      // robots.txt was a 404 (an error, no body kept): only the 5 page bytes count.
      expect(f.stats()).toMatchObject({ notModified: 1, bytes: 5, requests: 3 });
    });
  });

  it('refuses URLs off the Senate host', async () => {
    await expect(polite().fetch({ url: 'http://localhost:1/x' })).rejects.toBeInstanceOf(OffHostRequestError);
  });

  it('works without Redis (embedded mode)', async () => {
    server.route('/p', (_req, res) => void res.end('ok'));
    const f = polite({ crawlRatePerSec: 5 }, { redis: null });
    await Promise.all([1, 2].map(() => f.fetch({ url: `${server.url}/p` })));
    const at = server.log.map((r) => r.at);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(180);
  });
});
