/** The Senate's circuit breaker as the CLI shows it (the progress line of `crawl --wait`, `runs`). */
import { Redis } from 'ioredis';
import type { Config } from '../../config/index.ts';
import { PgCircuitBreaker, describeCircuit, readCircuitInfo, type CircuitInfo } from '../crawl/circuit-breaker.ts';
import type { Db } from '../store/db.ts';

/** The fleet's circuit for the Senate, read from Redis (its own connection, which gives up quickly). */
export function circuitReader(config: Pick<Config, 'redisUrl' | 'queuePrefix' | 'senateBaseUrl'>): { read: () => Promise<CircuitInfo>; close: () => Promise<void> } | null {
  if (!config.redisUrl) return null;
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 2_000 });
  redis.on('error', () => undefined); // a Redis outage shows as no circuit; the run's own line says the rest
  const host = new URL(config.senateBaseUrl).hostname.toLowerCase();
  return {
    read: () => readCircuitInfo(redis, `${config.queuePrefix}:crawl:`, host),
    close: async () => void redis.disconnect(),
  };
}

/**
 * "circuit open until 03:12:04 (Senate failing since …)", or null when it is closed or cannot be
 * read: `runs` shows it under the running runs. From Redis for the fleet (REDIS_URL), else from
 * PostgreSQL, where in-process crawls keep it (the embedded database is one process's).
 */
export async function fleetCircuitLine(config: Pick<Config, 'redisUrl' | 'queuePrefix' | 'senateBaseUrl'>, db?: Db): Promise<string | null> {
  const reader = circuitReader(config);
  if (!reader) {
    if (db?.kind !== 'pg') return null;
    const info = await new PgCircuitBreaker(db).info(new URL(config.senateBaseUrl).hostname.toLowerCase()).catch(() => null);
    return info ? describeCircuit(info) : null;
  }
  try {
    const timeout = new Promise<null>((resolve) => setTimeout(resolve, 3_000, null).unref());
    const info = await Promise.race([reader.read(), timeout]);
    return info ? describeCircuit(info) : null;
  } catch {
    return null;
  } finally {
    await reader.close();
  }
}
