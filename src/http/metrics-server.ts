/**
 * The small HTTP server of `worker --metrics-port N`: /metrics (the same figures as the API
 * server's, component="worker") and /healthz. Listens on every interface, as Prometheus scrapes
 * from outside the container.
 */
import Fastify from 'fastify';
import type { Db } from '../store/db.ts';
import { healthPlugin } from './health.ts';
import { metricsPlugin, type CountableQueue } from './metrics.ts';

export interface MetricsServer {
  /** e.g. http://0.0.0.0:9464 */
  url: string;
  port: number;
  /** Idempotent. */
  close(): Promise<void>;
}

export async function startMetricsServer(opts: {
  db: Db;
  queues: readonly CountableQueue[];
  redis?: { ping(): Promise<string> } | null;
  port: number;
  host?: string;
}): Promise<MetricsServer> {
  const app = Fastify();
  await app.register(metricsPlugin, { db: opts.db, queues: opts.queues, component: 'worker' });
  await app.register(healthPlugin, { db: opts.db, redis: opts.redis ?? null });
  const url = await app.listen({ port: opts.port, host: opts.host ?? '0.0.0.0' });
  let closing: Promise<void> | null = null;
  return {
    url,
    port: new URL(url).port ? Number(new URL(url).port) : opts.port,
    close: () => (closing ??= app.close()),
  };
}
