/**
 * The one read the HTML dashboard (src/http/dashboard) needs that the API and monitoring reads
 * (search.ts, monitoring.ts) do not give: the last run. Everything else it shows comes from
 * those, so the dashboard, the API and the CLI always agree.
 */
import type { Queryable } from './db.ts';
import { getRun, type CrawlRun } from './runs.ts';

/** The newest run that is not a reparse, with its health verdict. */
export async function lastRun(db: Queryable): Promise<CrawlRun | null> {
  const { rows: [r] } = await db.query<{ id: number }>(`SELECT id FROM crawl_runs WHERE kind <> 'reparse' ORDER BY id DESC LIMIT 1`);
  return r ? getRun(db, r.id) : null;
}
