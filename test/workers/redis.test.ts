import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeRedisUrl, RedisUnreachableError, waitForRedis } from '../../workers/redis.ts';
import { TEST_REDIS_URL } from '../helpers/fleet.ts';

/** A port nobody listens on. */
function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('waiting for Redis', () => {
  it('resolves at once when Redis answers, saying nothing', async () => {
    const lines: string[] = [];
    await waitForRedis(TEST_REDIS_URL, { deadlineMs: 5_000, onWait: (l) => lines.push(l) });
    expect(lines).toEqual([]);
  });

  it('says once per attempt where and why, the waits doubling, and gives up at the deadline naming REDIS_URL and the setting', async () => {
    const port = await deadPort();
    const lines: string[] = [];
    const err = await waitForRedis(`redis://127.0.0.1:${port}`, { deadlineMs: 1_500, deadlineSetting: 'REDIS_CONNECT_TIMEOUT_MS', initialDelayMs: 200, onWait: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnreachableError);
    expect((err as Error).message).toMatch(new RegExp(`REDIS_URL \\(redis://127\\.0\\.0\\.1:${port}\\) is unreachable: .*ECONNREFUSED.*REDIS_CONNECT_TIMEOUT_MS`));
    // 200, 400, 800 ms (the last one cut to what is left): a handful of lines, not a flood.
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines[0]).toMatch(/trying again in 0\.2 s$/);
    expect(lines[1]).toMatch(/trying again in 0\.4 s$/);
  });

  it('stops waiting when told to (the first SIGTERM)', async () => {
    const port = await deadPort();
    const stop = new AbortController();
    const waiting = waitForRedis(`redis://127.0.0.1:${port}`, { signal: stop.signal, initialDelayMs: 10_000, onWait: () => stop.abort(new Error('SIGTERM')) });
    await expect(waiting).rejects.toThrow('SIGTERM');
  });

  it('never prints a password', () => {
    expect(describeRedisUrl('redis://user:s3cret@redis.example:6379/0')).toBe('redis://user:***@redis.example:6379/0');
  });
});
