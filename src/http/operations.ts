/**
 * The server's operations and people-facing parts as buildServer plugins (ServerDeps.plugins):
 * /metrics, /healthz and /readyz, the queue board (with the fleet's queues) and the dashboard.
 * The dashboard sits at the root by default: the API lives under /api, /feeds, /docs.
 */
import type { Queue } from 'bullmq';
import { dashboardPlugin } from './dashboard/plugin.ts';
import { healthPlugin } from './health.ts';
import { metricsPlugin } from './metrics.ts';
import { queuesBoardPlugin } from './queues-board.ts';
import type { ServerPlugin } from './server.ts';

export interface OperationsOptions {
  /** The fleet's BullMQ queues (REDIS_URL): counted in /metrics and shown at /admin/queues. */
  queues?: readonly Queue[];
  /** The fleet's Redis, checked by /readyz. */
  redis?: { ping(): Promise<string> } | null;
  /** Where the dashboard is mounted. Default '' (the root). */
  dashboardPrefix?: string;
}

export function operationsPlugins(opts: OperationsOptions = {}): ServerPlugin[] {
  const queues = opts.queues ?? [];
  const plugins: ServerPlugin[] = [
    (app, deps) => app.register(metricsPlugin, { db: deps.db, queues }),
    (app, deps) => app.register(healthPlugin, { db: deps.db, redis: opts.redis ?? null }),
    (app, deps) => app.register(dashboardPlugin, { db: deps.db, config: deps.config, prefix: opts.dashboardPrefix ?? '' }),
  ];
  if (queues.length > 0) plugins.push((app, deps) => app.register(queuesBoardPlugin, { queues, token: deps.config.apiToken }));
  return plugins;
}
