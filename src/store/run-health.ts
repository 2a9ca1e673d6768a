/**
 * What the run-health judge (jobs/judge-run.ts) reads about a finished run, and where its
 * verdict goes: crawl_runs.health / health_reasons (migration 0014) and, for an unhealthy
 * run, one `crawl_unhealthy` event (and its webhook deliveries) in the same transaction.
 * Nothing here touches a question: a judged run leaves every stored record as it was.
 */
import type { Db, Queryable } from './db.ts';
import { insertEvents, type StoredEvent, type WebhookEndpoint } from './events.ts';

export type RunHealth = 'healthy' | 'unhealthy';

export type HealthReasonCode = 'listing_empty' | 'listing_shrank' | 'not_a_question' | 'unknown_labels' | 'repairs' | 'no_new_question';

export interface HealthReason {
  code: HealthReasonCode;
  /** One sentence for people (the dashboard, `runs`, the webhook payload). */
  message: string;
  legislature?: number;
}

/** The yield of one discover job of a run: how many questions the listing linked to. */
export interface ListingYield {
  legislature: number;
  /** null: the listing is switched off (LISTING_URL_TEMPLATE=none), nothing to judge. */
  listed: number | null;
}

export interface RunHealthFacts {
  runId: number;
  kind: string;
  status: string;
  legislatures: number[];
  listings: ListingYield[];
  /** Per legislature, the listing yields of the recent earlier runs that read a listing (newest first). */
  recentListed: Map<number, number[]>;
  /** Question pages of the run answered 200, and those of them that were not a question page. */
  questionPages: number;
  notAQuestionPages: number;
  /** Texts (one per question and language) stored from this run's fetches, and the rest of the store. */
  runTexts: TextStats;
  otherTexts: TextStats;
  /** Per legislature of the run: when the newest question of it was first seen (null: none stored). */
  newestFirstSeen: Map<number, Date | null>;
  now: Date;
}

export interface TextStats {
  texts: number;
  withUnknownLabels: number;
  repairs: number;
}

const LISTED = /; listed (\d+)$/;

function listingYield(key: string, outcome: string | null): ListingYield | null {
  const leg = /^discover-(\d+)$/.exec(key);
  if (!leg) return null;
  const m = outcome ? LISTED.exec(outcome) : null;
  return { legislature: Number(leg[1]), listed: m ? Number(m[1]) : null };
}

/** Everything the judge needs about `runId`, in a handful of reads. */
export async function runHealthFacts(db: Queryable, runId: number, opts: { recentRuns?: number; now?: Date } = {}): Promise<RunHealthFacts | null> {
  const { rows: [run] } = await db.query<{ kind: string; status: string; legislatures: number[]; now: Date }>(
    'SELECT kind, status, legislatures, now() AS now FROM crawl_runs WHERE id = $1',
    [runId],
  );
  if (!run) return null;
  const [discovers, recent, pages, texts, newest] = await Promise.all([
    db.query<{ key: string; outcome: string | null }>(`SELECT key, outcome FROM run_jobs WHERE run_id = $1 AND kind = 'discover' ORDER BY key`, [runId]),
    // Earlier finished runs' listing yields, the most recent first (only runs whose listing gave a count).
    db.query<{ run_id: number; key: string; outcome: string | null }>(
      `SELECT j.run_id, j.key, j.outcome FROM run_jobs j JOIN crawl_runs r ON r.id = j.run_id
        WHERE j.kind = 'discover' AND j.run_id < $1 AND r.finished_at IS NOT NULL AND r.status IN ('succeeded', 'partial')
          AND j.outcome LIKE 'queued %; listed %'
        ORDER BY j.run_id DESC LIMIT $2`,
      [runId, (opts.recentRuns ?? 5) * Math.max(1, run.legislatures.length)],
    ),
    db.query<{ pages: number; naq: number }>(
      `SELECT count(*) FILTER (WHERE status = 200)::int AS pages,
              count(*) FILTER (WHERE status = 200 AND outcome LIKE 'not_a_question%')::int AS naq
         FROM fetches WHERE run_id = $1 AND kind = 'question'`,
      [runId],
    ),
    db.query<{ this_run: boolean; texts: number; unknown: number; repairs: number }>(
      `SELECT (f.run_id IS NOT DISTINCT FROM $1::bigint) AS this_run, count(*)::int AS texts,
              count(*) FILTER (WHERE cardinality(t.unknown_labels) > 0)::int AS unknown,
              coalesce(sum(t.repairs), 0)::int AS repairs
         FROM question_texts t LEFT JOIN fetches f ON f.id = t.fetch_id
        GROUP BY 1`,
      [runId],
    ),
    db.query<{ legislature: number; newest: Date | null }>(
      `SELECT l AS legislature, (SELECT max(q.first_seen_at) FROM questions q WHERE q.legislature = l) AS newest
         FROM unnest($1::int[]) AS l`,
      [run.legislatures],
    ),
  ]);
  const recentListed = new Map<number, number[]>();
  for (const r of recent.rows) {
    const y = listingYield(r.key, r.outcome);
    if (!y || y.listed === null) continue;
    recentListed.set(y.legislature, [...(recentListed.get(y.legislature) ?? []), y.listed]);
  }
  const stats = (thisRun: boolean): TextStats => {
    const r = texts.rows.find((x) => x.this_run === thisRun);
    return { texts: r?.texts ?? 0, withUnknownLabels: r?.unknown ?? 0, repairs: r?.repairs ?? 0 };
  };
  return {
    runId,
    kind: run.kind,
    status: run.status,
    legislatures: run.legislatures,
    listings: discovers.rows.flatMap((r) => {
      const y = listingYield(r.key, r.outcome);
      return y ? [y] : [];
    }),
    recentListed,
    questionPages: pages.rows[0]?.pages ?? 0,
    notAQuestionPages: pages.rows[0]?.naq ?? 0,
    runTexts: stats(true),
    otherTexts: stats(false),
    newestFirstSeen: new Map(newest.rows.map((r) => [r.legislature, r.newest])),
    now: opts.now ?? run.now,
  };
}

/**
 * Stores the verdict of a finished run and, when unhealthy, its `crawl_unhealthy` event
 * (webhook deliveries included), in one transaction. The event's id is derived from the run,
 * so judging a run twice never makes a second event. Returns the event it inserted, if any.
 */
export async function recordRunHealth(
  db: Db,
  runId: number,
  verdict: { health: RunHealth; reasons: readonly HealthReason[] },
  endpoints: readonly WebhookEndpoint[],
): Promise<StoredEvent | null> {
  return db.transaction(async (tx) => {
    await tx.query('UPDATE crawl_runs SET health = $2, health_reasons = $3::jsonb WHERE id = $1', [runId, verdict.health, JSON.stringify(verdict.reasons)]);
    if (verdict.health === 'healthy') return null;
    const [event] = await insertEvents(
      tx,
      [{ type: 'crawl_unhealthy', questionId: null, lang: null, key: `run ${runId}`, runId, payload: { runId, reasons: verdict.reasons } }],
      endpoints,
    );
    return event ?? null;
  });
}

/** A run's verdict as stored (null health: not judged). */
export async function getRunHealth(db: Queryable, runId: number): Promise<{ health: RunHealth | null; reasons: HealthReason[] } | null> {
  const { rows: [r] } = await db.query<{ health: RunHealth | null; health_reasons: HealthReason[] }>(
    'SELECT health, health_reasons FROM crawl_runs WHERE id = $1',
    [runId],
  );
  return r ? { health: r.health, reasons: r.health_reasons } : null;
}
