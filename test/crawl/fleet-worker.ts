/**
 * One worker process of the fleet-budget test: a polite fetcher on the shared Redis
 * budget, hammering the test server with several concurrent loops for DURATION_MS.
 * Prints its stats as JSON on stdout. Run as `node --import tsx fleet-worker.ts`.
 */
import { Redis } from 'ioredis';
import { createPoliteFetcher } from '../../src/crawl/polite-fetcher.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { testConfig } from './test-server.ts';

const baseUrl = process.env['BASE_URL']!;
const keyPrefix = process.env['KEY_PREFIX']!;
const durationMs = Number(process.env['DURATION_MS'] ?? 4000);
const concurrency = Number(process.env['CONCURRENCY'] ?? 4);
const rate = Number(process.env['RATE'] ?? 5);

const redis = new Redis({ host: '127.0.0.1', port: 6379 });
const fetcher = createPoliteFetcher({ config: testConfig(baseUrl, { crawlRatePerSec: rate }), redis, keyPrefix, logger: silentLogger });
const end = Date.now() + durationMs;
let ok = 0;
let failed = 0;
await Promise.all(
  Array.from({ length: concurrency }, async (_, loop) => {
    for (let i = 0; Date.now() < end; i++) {
      try {
        await fetcher.fetch({ url: `${baseUrl}/p?pid=${process.pid}&loop=${loop}&i=${i}` });
        ok++;
      } catch {
        failed++;
      }
    }
  }),
);
await fetcher.close();
await redis.quit();
process.stdout.write(JSON.stringify({ pid: process.pid, ok, failed, stats: fetcher.stats() }) + '\n');
