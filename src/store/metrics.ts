/**
 * What /metrics reads from PostgreSQL on each scrape (src/http/metrics.ts). Every read is
 * bounded: crawl_runs is small, fetches are read through recent runs (fetches_run index), and
 * the rest are aggregates over one table.
 */
import type { Queryable } from './db.ts';

export interface StoreMetrics {
  /** Totals over every crawl run: requests to the Senate, 304 answers, bytes received. */
  requests: number;
  notModified: number;
  bytes: number;
  /** Question fetches failed for good, over every run. */
  questionsFailed: number;
  /** Responses of the runs started in the last 24 hours, by HTTP status. */
  recentByStatus: { status: number; count: number }[];
  /** Pages of those runs that were not a question page (parse failures). */
  recentParseFailures: number;
  /** Repaired damaged-character tokens in the stored texts, and texts with labels the parser does not know. */
  repairs: number;
  textsWithUnknownLabels: number;
  /** Per legislature, when its last successful run finished (epoch seconds). */
  lastSuccessfulRun: { legislature: number; finishedAt: number }[];
  /** Age of the least recently fetched open question's last fetch, seconds; null when none is open. */
  freshnessLagSeconds: number | null;
  /** Jobs of unfinished runs not finished yet (the in-process queue depth; the fleet's too). */
  unfinishedJobs: number;
  webhookDeliveries: { pending: number; failed: number };
  runsByHealth: { health: string; count: number }[];
}

export async function readStoreMetrics(db: Queryable): Promise<StoreMetrics> {
  const [totals, byStatus, texts, lastRuns, lag, jobs, hooks, health] = await Promise.all([
    db.query<{ requests: number; not_modified: number; bytes: number; failed: number }>(
      `SELECT coalesce(sum(requests), 0)::bigint AS requests, coalesce(sum(not_modified), 0)::bigint AS not_modified,
              coalesce(sum(bytes), 0)::bigint AS bytes, coalesce(sum(questions_failed), 0)::bigint AS failed FROM crawl_runs`,
    ),
    db.query<{ status: number; n: number; naq: number }>(
      `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE outcome LIKE 'not_a_question%')::int AS naq
         FROM fetches WHERE run_id IN (SELECT id FROM crawl_runs WHERE started_at > now() - interval '24 hours')
        GROUP BY status ORDER BY status`,
    ),
    db.query<{ repairs: number; unknown: number }>(
      `SELECT coalesce(sum(repairs), 0)::bigint AS repairs, count(*) FILTER (WHERE cardinality(unknown_labels) > 0)::int AS unknown FROM question_texts`,
    ),
    db.query<{ legislature: number; finished: number }>(
      `SELECT l AS legislature, extract(epoch FROM max(r.finished_at))::float8 AS finished
         FROM crawl_runs r, unnest(r.legislatures) AS l
        WHERE r.status = 'succeeded' AND r.kind <> 'reparse' GROUP BY l ORDER BY l`,
    ),
    db.query<{ lag: number | null }>(
      `SELECT extract(epoch FROM now() - min(last_fetched_at))::float8 AS lag FROM questions
        WHERE status IN ('pending', 'requalified') AND gone_since IS NULL`,
    ),
    db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM run_jobs j JOIN crawl_runs r ON r.id = j.run_id WHERE r.status = 'running' AND j.finished_at IS NULL`,
    ),
    db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM webhook_deliveries WHERE status IN ('pending', 'failed') GROUP BY status`),
    db.query<{ health: string; n: number }>(`SELECT coalesce(health, 'not_judged') AS health, count(*)::int AS n FROM crawl_runs WHERE status <> 'running' GROUP BY 1 ORDER BY 1`),
  ]);
  const t = totals.rows[0];
  return {
    requests: t?.requests ?? 0,
    notModified: t?.not_modified ?? 0,
    bytes: t?.bytes ?? 0,
    questionsFailed: t?.failed ?? 0,
    recentByStatus: byStatus.rows.map((r) => ({ status: r.status, count: r.n })),
    recentParseFailures: byStatus.rows.reduce((s, r) => s + r.naq, 0),
    repairs: texts.rows[0]?.repairs ?? 0,
    textsWithUnknownLabels: texts.rows[0]?.unknown ?? 0,
    lastSuccessfulRun: lastRuns.rows.map((r) => ({ legislature: r.legislature, finishedAt: r.finished })),
    freshnessLagSeconds: lag.rows[0]?.lag ?? null,
    unfinishedJobs: jobs.rows[0]?.n ?? 0,
    webhookDeliveries: {
      pending: hooks.rows.find((r) => r.status === 'pending')?.n ?? 0,
      failed: hooks.rows.find((r) => r.status === 'failed')?.n ?? 0,
    },
    runsByHealth: health.rows.map((r) => ({ health: r.health, count: r.n })),
  };
}
