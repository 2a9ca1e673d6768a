/**
 * GET /metrics for Prometheus (prom-client). The crawl's figures are gathered from PostgreSQL
 * and Redis when scraped, so every process (the server, each worker) reports the same fleet
 * state whichever one Prometheus asks: requests to the Senate by status, 304s, bytes, parse
 * failures, repairs, jobs by state and queue depth, the last successful run per legislature,
 * the freshness lag, webhook deliveries pending and failed. The process's own figures (HTTP
 * requests it served, memory, event loop) are its own. One registry per plugin: two servers in
 * one process (tests) never collide on metric names.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../store/db.ts';
import { readStoreMetrics } from '../store/metrics.ts';

/** A BullMQ queue, as far as metrics need it. */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface MetricsOptions {
  db: Db;
  /** The fleet's BullMQ queues (none without Redis). */
  queues?: readonly CountableQueue[];
  /** Process label (`server`, `worker`). Default `server`. */
  component?: string;
}

/**
 * Not encapsulated (what fastify-plugin marks with this symbol): its onResponse hook must see
 * every request of the server it is registered on, not only its own route's.
 */
const SKIP_OVERRIDE = Symbol.for('skip-override');

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'completed', 'failed'];

export async function metricsPlugin(app: FastifyInstance, opts: MetricsOptions): Promise<void> {
  const registry = new Registry();
  registry.setDefaultLabels({ component: opts.component ?? 'server' });
  collectDefaultMetrics({ register: registry });
  const { db } = opts;
  const queues = opts.queues ?? [];

  const served = new Counter({ name: 'http_requests_total', help: 'HTTP requests this process served, by method, route and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  app.addHook('onResponse', async (req, reply) => {
    served.inc({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  // Set on each scrape from what the store and the queues hold.
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const requests = g('senate_requests_total', 'Requests sent to the Senate, over every run (a total kept in crawl_runs)');
  const notModified = g('senate_not_modified_total', 'Senate answers 304 Not Modified, over every run');
  const bytes = g('senate_received_bytes_total', 'Bytes received from the Senate, over every run');
  const failed = g('senate_questions_failed_total', 'Question fetches failed for good, over every run');
  const byStatus = g('senate_responses_recent', 'Senate responses of the runs started in the last 24 hours, by HTTP status', ['status']);
  const parseFailures = g('senate_parse_failures_recent', 'Pages of the runs started in the last 24 hours that were not a question page');
  const repairs = g('senate_text_repairs', 'Repaired damaged-character tokens in the stored texts');
  const unknownLabels = g('senate_texts_with_unknown_labels', 'Stored texts with labels the parser does not know');
  const lastRun = g('senate_last_successful_run_timestamp_seconds', 'When the last successful run of a legislature finished', ['legislature']);
  const lag = g('senate_freshness_lag_seconds', "Age of the least recently fetched open question's last fetch");
  const unfinished = g('senate_run_jobs_unfinished', 'Jobs of running runs not finished yet (the ledger: in-process and fleet)');
  const jobs = g('senate_queue_jobs', 'BullMQ jobs by queue and state', ['queue', 'state']);
  const depth = g('senate_queue_depth', 'BullMQ jobs waiting, delayed or prioritized, per queue', ['queue']);
  const deliveries = g('senate_webhook_deliveries', 'Webhook deliveries by status (pending, failed)', ['status']);
  const runsByHealth = g('senate_runs_by_health', 'Finished runs by health verdict', ['health']);
  const scrapeErrors = new Counter({ name: 'senate_metrics_scrape_errors_total', help: 'Scrapes whose store or queue reads failed', labelNames: ['source'] as const, registers: [registry] });

  async function gather(): Promise<void> {
    const [store, counts] = await Promise.all([
      readStoreMetrics(db).catch(() => {
        scrapeErrors.inc({ source: 'postgres' });
        return null;
      }),
      Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts(...JOB_STATES)] as const)).catch(() => {
        scrapeErrors.inc({ source: 'redis' });
        return null;
      }),
    ]);
    if (store) {
      requests.set(store.requests);
      notModified.set(store.notModified);
      bytes.set(store.bytes);
      failed.set(store.questionsFailed);
      byStatus.reset();
      for (const s of store.recentByStatus) byStatus.set({ status: String(s.status) }, s.count);
      parseFailures.set(store.recentParseFailures);
      repairs.set(store.repairs);
      unknownLabels.set(store.textsWithUnknownLabels);
      lastRun.reset();
      for (const r of store.lastSuccessfulRun) lastRun.set({ legislature: String(r.legislature) }, r.finishedAt);
      if (store.freshnessLagSeconds === null) lag.reset();
      else lag.set(store.freshnessLagSeconds);
      unfinished.set(store.unfinishedJobs);
      deliveries.set({ status: 'pending' }, store.webhookDeliveries.pending);
      deliveries.set({ status: 'failed' }, store.webhookDeliveries.failed);
      runsByHealth.reset();
      for (const h of store.runsByHealth) runsByHealth.set({ health: h.health }, h.count);
    }
    if (counts) {
      for (const [queue, c] of counts) {
        for (const state of JOB_STATES) jobs.set({ queue, state }, c[state] ?? 0);
        depth.set({ queue }, (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0));
      }
    }
  }

  app.get('/metrics', async (_req, reply) => {
    await gather();
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(await registry.metrics());
  });
}

(metricsPlugin as unknown as Record<symbol, boolean>)[SKIP_OVERRIDE] = true;
