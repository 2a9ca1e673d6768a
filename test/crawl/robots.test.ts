import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpStatusError, NetworkError, RobotsDisallowedError, RobotsUnreachableError } from '../../src/crawl/errors.ts';
import type { FetchResponse } from '../../src/crawl/fetcher.ts';
import { RobotsChecker, isAllowedByPolicy, parseRobots } from '../../src/crawl/robots.ts';

const ORIGIN = 'http://127.0.0.1:9';

function ok(text: string): FetchResponse {
  return { url: `${ORIGIN}/robots.txt`, finalUrl: `${ORIGIN}/robots.txt`, status: 200, headers: {}, body: Buffer.from(text), notModified: false, fetchedAt: new Date(), durationMs: 1, attempts: 1 };
}

describe('parseRobots', () => {
  const txt = [
    'User-agent: *',
    'Disallow: /',
    '',
    'User-agent: Senate-Questions',
    'User-agent: otherbot',
    'Disallow: /www/?MIval=/Vragen/SVPrint',
    'Allow: /www/?MIval=/Vragen/SVPrintNLFR',
    'Disallow: /*.pdf$',
    'Crawl-delay: 2',
  ].join('\n');

  it('picks our product token’s group (case-insensitively) over *', () => {
    const policy = parseRobots(txt);
    expect(policy.crawlDelayMs).toBe(2000);
    expect(isAllowedByPolicy(policy, '/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=1&LANG=nl')).toBe(true);
  });

  it('falls back to the * group when ours is absent', () => {
    const policy = parseRobots('User-agent: *\nDisallow: /private\n');
    expect(isAllowedByPolicy(policy, '/private/x')).toBe(false);
    expect(isAllowedByPolicy(policy, '/public')).toBe(true);
    expect(policy.crawlDelayMs).toBeNull();
  });

  it('lets the longest matching rule win', () => {
    const policy = parseRobots(txt);
    expect(isAllowedByPolicy(policy, '/www/?MIval=/Vragen/SVPrint&LEG=5&NR=1&LANG=fr')).toBe(false);
    expect(isAllowedByPolicy(policy, '/www/?MIval=/Vragen/SVPrintNLFR&LEG=5&NR=1&LANG=fr')).toBe(true);
  });

  it('lets Allow win a tie of equal length', () => {
    const policy = parseRobots('User-agent: *\nDisallow: /page\nAllow: /page\n');
    expect(isAllowedByPolicy(policy, '/page')).toBe(true);
  });

  it('understands * and $ wildcards', () => {
    const policy = parseRobots(txt);
    expect(isAllowedByPolicy(policy, '/docs/annex.pdf')).toBe(false);
    expect(isAllowedByPolicy(policy, '/docs/annex.pdf?x=1')).toBe(true);
    const star = parseRobots('User-agent: *\nDisallow: /www/*LANG=fr\n');
    expect(isAllowedByPolicy(star, '/www/?MIval=x&LANG=fr')).toBe(false);
    expect(isAllowedByPolicy(star, '/www/?MIval=x&LANG=nl')).toBe(true);
  });

  it('treats an empty Disallow as allowing everything', () => {
    expect(isAllowedByPolicy(parseRobots('User-agent: *\nDisallow:\n'), '/anything')).toBe(true);
  });

  it('always allows /robots.txt itself', () => {
    expect(isAllowedByPolicy(parseRobots('User-agent: *\nDisallow: /\n'), '/robots.txt')).toBe(true);
  });

  it('ignores comments and rules outside any group', () => {
    const policy = parseRobots('Disallow: /a\n# comment\nUser-agent: * # all\nDisallow: /b # not b\n');
    expect(isAllowedByPolicy(policy, '/a')).toBe(true);
    expect(isAllowedByPolicy(policy, '/b')).toBe(false);
  });
});

describe('RobotsChecker', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis({ host: '127.0.0.1', port: 6379 });
  });
  afterAll(async () => {
    await redis.quit();
  });

  describe('when robots.txt disallows the URL', () => {
    it('throws RobotsDisallowedError and reads robots.txt only once', async () => {
      let reads = 0;
      const checker = new RobotsChecker({ fetchRobots: async () => (reads++, ok('User-agent: *\nDisallow: /secret\nCrawl-delay: 1.5\n')) });
      await expect(checker.check(`${ORIGIN}/secret/page`)).rejects.toBeInstanceOf(RobotsDisallowedError);
      await expect(checker.check(`${ORIGIN}/open`)).resolves.toEqual({ crawlDelayMs: 1500 });
      expect(reads).toBe(1);
    });
  });

  describe('when robots.txt is 404', () => {
    it('allows everything', async () => {
      const checker = new RobotsChecker({ fetchRobots: async () => Promise.reject(new HttpStatusError(404, `${ORIGIN}/robots.txt`, null)) });
      await expect(checker.check(`${ORIGIN}/anything`)).resolves.toEqual({ crawlDelayMs: null });
    });
  });

  describe('when robots.txt is unreachable (5xx or network)', () => {
    it.each([new HttpStatusError(503, `${ORIGIN}/robots.txt`, null), new NetworkError(`${ORIGIN}/robots.txt`, 'ECONNREFUSED')])(
      'disallows everything for now, retryably (%s)',
      async (failure) => {
        let reads = 0;
        const checker = new RobotsChecker({ fetchRobots: async () => (reads++, Promise.reject(failure)), unreachableTtlMs: 10_000 });
        const err = await checker.check(`${ORIGIN}/page`).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RobotsUnreachableError);
        expect((err as RobotsUnreachableError).untilMs).toBeGreaterThan(Date.now() + 9_000);
        await expect(checker.check(`${ORIGIN}/page`)).rejects.toBeInstanceOf(RobotsUnreachableError);
        expect(reads).toBe(1);
      },
    );

    it('reads robots.txt again once the short unreachable period is over', async () => {
      let now = 1_000_000;
      let calls = 0;
      const checker = new RobotsChecker({
        fetchRobots: async () => (++calls === 1 ? Promise.reject(new HttpStatusError(500, `${ORIGIN}/robots.txt`, null)) : ok('User-agent: *\nAllow: /\n')),
        unreachableTtlMs: 60_000,
        now: () => now,
      });
      await expect(checker.check(`${ORIGIN}/p`)).rejects.toBeInstanceOf(RobotsUnreachableError);
      now += 61_000;
      await expect(checker.check(`${ORIGIN}/p`)).resolves.toEqual({ crawlDelayMs: null });
      expect(calls).toBe(2);
    });
  });

  describe('when the cache expires', () => {
    it('reads robots.txt again after the TTL', async () => {
      let now = 0;
      let reads = 0;
      const checker = new RobotsChecker({ fetchRobots: async () => (reads++, ok('User-agent: *\nDisallow:\n')), ttlMs: 3_600_000, now: () => now });
      await checker.check(`${ORIGIN}/a`);
      now += 3_599_000;
      await checker.check(`${ORIGIN}/a`);
      now += 2_000;
      await checker.check(`${ORIGIN}/a`);
      expect(reads).toBe(2);
    });
  });

  describe('when robots.txt is shared through Redis', () => {
    it('lets a second process use the first one’s copy', async () => {
      const keyPrefix = `test-${randomUUID()}:`;
      let reads = 0;
      const fetchRobots = async () => (reads++, ok('User-agent: *\nDisallow: /x\n'));
      const a = new RobotsChecker({ fetchRobots, redis, keyPrefix });
      const b = new RobotsChecker({ fetchRobots, redis, keyPrefix });
      await expect(a.check(`${ORIGIN}/x`)).rejects.toBeInstanceOf(RobotsDisallowedError);
      await expect(b.check(`${ORIGIN}/x`)).rejects.toBeInstanceOf(RobotsDisallowedError);
      expect(reads).toBe(1);
    });
  });

  it('reads robots.txt once for concurrent checks', async () => {
    let reads = 0;
    const checker = new RobotsChecker({ fetchRobots: async () => (reads++, await new Promise((r) => setTimeout(r, 30)), ok('User-agent: *\nDisallow:\n')) });
    await Promise.all(Array.from({ length: 5 }, () => checker.check(`${ORIGIN}/a`)));
    expect(reads).toBe(1);
  });
});
