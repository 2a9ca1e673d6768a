/**
 * "Nothing lost, nothing duplicated, nothing stored worse, and a true status", measured
 * against the fake Senate's ground truth, as short lists of named problems so that a failing
 * case says which question, which language and which field (not a diff of 40 records).
 */
import type { Db } from '../../../src/store/db.ts';
import type { QuestionInput } from '../../../src/store/questions.ts';
import { getRun, type CrawlRun } from '../../../src/store/runs.ts';
import type { Markup } from '../../fake-senate/markup.ts';
import type { FakeSenate } from '../../fake-senate/server.ts';
import { storedVersusTruth } from '../../helpers/crawl-env.ts';
import { sleep } from './services.ts';

export interface StoreReport {
  /** Questions, or one language of a question, that the Senate serves and that are not stored: `8-3`, `8-3 nl`. */
  lost: string[];
  /** Rows beyond one per key, questions the Senate never served, a question or a job counted twice. */
  duplicated: string[];
  /**
   * Fields stored otherwise than the ground truth has them: `8-3 nl questionText: has U+FFFD`.
   * The ground truth does not change while a case checks it, so any difference is damage.
   */
  worse: string[];
}

const TEXT_FIELDS = ['title', 'addressee', 'subject', 'keywords', 'questionText', 'answer', 'repairs', 'unknownLabels'] as const;
const SHARED_FIELDS = ['author', 'sentDate', 'status', 'answerDeadline', 'originalLanguage', 'events', 'relations', 'answerDate', 'conflicts'] as const;

function describeDifference(got: unknown, want: unknown): string {
  const g = JSON.stringify(got) ?? 'undefined';
  const w = JSON.stringify(want) ?? 'undefined';
  const flags: string[] = [];
  if (g.includes('\\ufffd') || g.includes('\ufffd')) flags.push('has U+FFFD');
  if (g.includes('\\u0000')) flags.push('has NUL');
  if (got === null && want !== null) flags.push('lost (null)');
  else if (g.length < w.length) flags.push(`shorter (${g.length} < ${w.length} chars)`);
  return `${flags.length > 0 ? `${flags.join(', ')}: ` : ''}${firstDifference(got, want)}`;
}

/** Where two values first differ: the element of an array, or a window of a string. */
function firstDifference(got: unknown, want: unknown, where = ''): string {
  if (Array.isArray(got) && Array.isArray(want)) {
    const i = Array.from({ length: Math.max(got.length, want.length) }, (_, k) => k).find((k) => JSON.stringify(got[k]) !== JSON.stringify(want[k]));
    if (i !== undefined) return firstDifference(got[i], want[i], `${where}[${i}]`);
  }
  if (got && want && typeof got === 'object' && typeof want === 'object' && !Array.isArray(got)) {
    const keys = [...new Set([...Object.keys(got), ...Object.keys(want)])];
    const k = keys.find((key) => JSON.stringify((got as Record<string, unknown>)[key]) !== JSON.stringify((want as Record<string, unknown>)[key]));
    if (k !== undefined) return firstDifference((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${where}.${k}`);
  }
  const g = JSON.stringify(got) ?? 'undefined';
  const w = JSON.stringify(want) ?? 'undefined';
  let i = 0;
  while (i < g.length && i < w.length && g[i] === w[i]) i++;
  const from = Math.max(0, i - 20);
  const clip = (x: string) => `${from > 0 ? '…' : ''}${x.slice(from, i + 40)}${x.length > i + 40 ? '…' : ''}`;
  return `${where ? `${where} ` : ''}${clip(g)} ≠ ${clip(w)}`;
}

export interface CompareOptions {
  /** Only these ids (default: every id the Senate serves). */
  ids?: readonly string[];
  /** The markup each question is served in now (what the br markup cannot carry is compared as it survives). */
  markupOf?: (number: number) => Markup;
  /** Fields not to compare, e.g. `repairs` where the case checks it on its own. */
  ignore?: (id: string, lang: string | null, field: string) => boolean;
}

/** What is stored against what the Senate serves. */
export async function compareWithTruth(db: Db, fake: FakeSenate, opts: CompareOptions = {}): Promise<StoreReport> {
  const { stored, truth } = await storedVersusTruth(db, fake, opts.markupOf);
  const wanted = new Set(opts.ids ?? fake.ids());
  const ignore = opts.ignore ?? (() => false);
  const report: StoreReport = { lost: [], duplicated: [], worse: [] };
  const byId = new Map<string, QuestionInput>(stored.map((q) => [q.id, q]));
  for (const t of truth) {
    if (!wanted.has(t.id)) continue;
    const s = byId.get(t.id);
    if (!s) {
      report.lost.push(t.id);
      continue;
    }
    // With a language lost, the shared fields come from the other page alone: the loss is the finding.
    const lostLang = (['fr', 'nl'] as const).some((l) => t.texts[l] && !s.texts[l]);
    for (const f of SHARED_FIELDS) {
      if (lostLang || ignore(t.id, null, f)) continue;
      if (JSON.stringify(s[f]) !== JSON.stringify(t[f])) report.worse.push(`${t.id} ${f}: ${describeDifference(s[f], t[f])}`);
    }
    for (const lang of ['fr', 'nl'] as const) {
      const tt = t.texts[lang];
      const st = s.texts[lang];
      if (!tt) continue;
      if (!st) {
        report.lost.push(`${t.id} ${lang}`);
        continue;
      }
      for (const f of TEXT_FIELDS) {
        if (ignore(t.id, lang, f)) continue;
        if (JSON.stringify(st[f]) !== JSON.stringify(tt[f])) report.worse.push(`${t.id} ${lang} ${f}: ${describeDifference(st[f], tt[f])}`);
      }
    }
  }
  const gone = await db.query<{ id: string }>(`SELECT id FROM questions WHERE gone_since IS NOT NULL AND id = ANY($1::text[]) ORDER BY id`, [[...wanted]]);
  for (const r of gone.rows) report.worse.push(`${r.id} is marked gone although the Senate serves it`);
  report.duplicated.push(...(await duplicates(db, fake)));
  return report;
}

/** Rows that should not be there: beyond one per key, or of questions the Senate never served; and counts counted twice. */
async function duplicates(db: Db, fake: FakeSenate): Promise<string[]> {
  const out: string[] = [];
  const served = fake.ids();
  const extra = await db.query<{ id: string }>(`SELECT id FROM questions WHERE NOT (id = ANY($1::text[])) ORDER BY id`, [served]);
  // A relation target the Senate does not serve may be looked for, never stored.
  for (const r of extra.rows) out.push(`${r.id} is stored but the Senate never served it`);
  const texts = await db.query<{ question_id: string; n: number }>(
    `SELECT question_id, count(*)::int AS n FROM question_texts GROUP BY question_id HAVING count(*) > 2`,
  );
  for (const r of texts.rows) out.push(`${r.question_id} has ${r.n} language rows`);
  out.push(...(await ledgerProblems(db)));
  return out;
}

/**
 * The runs' counters against their ledgers: every job registered once and counted once, and
 * no question counted new twice over all runs.
 */
export async function ledgerProblems(db: Db): Promise<string[]> {
  const out: string[] = [];
  const { rows } = await db.query<{ id: number; jobs_total: number; jobs_done: number; registered: number; finished: number }>(
    `SELECT r.id, r.jobs_total, r.jobs_done,
            (SELECT count(*)::int FROM run_jobs j WHERE j.run_id = r.id) AS registered,
            (SELECT count(*)::int FROM run_jobs j WHERE j.run_id = r.id AND j.finished_at IS NOT NULL) AS finished
       FROM crawl_runs r WHERE r.kind = 'crawl' ORDER BY r.id`,
  );
  for (const r of rows) {
    if (r.jobs_total !== r.registered) out.push(`run ${r.id} counts ${r.jobs_total} jobs but registered ${r.registered}`);
    if (r.jobs_done !== r.finished) out.push(`run ${r.id} counts ${r.jobs_done} jobs done but ${r.finished} finished`);
  }
  const counted = await db.query<{ news: number; questions: number }>(
    `SELECT (SELECT coalesce(sum(questions_new), 0)::int FROM crawl_runs WHERE kind = 'crawl') AS news,
            (SELECT count(*)::int FROM questions) AS questions`,
  );
  const c = counted.rows[0]!;
  if (c.news > c.questions) out.push(`questions counted new ${c.news} times over all runs, for ${c.questions} questions stored`);
  return out;
}

/** Stored texts holding a replacement character or a NUL, whatever the ground truth: `8-3 nl`. */
export async function damagedTexts(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ question_id: string; lang: string }>(
    `SELECT question_id, lang FROM question_texts
      WHERE concat_ws(' ', title, addressee, subject, array_to_string(keywords, ' '), question_text, answer_text, answer_html) LIKE '%' || chr(65533) || '%'
      ORDER BY question_id, lang`,
  );
  return rows.map((r) => `${r.question_id} ${r.lang}`);
}

/** A run's jobs that did not end well (their ledger outcome), `key: outcome`. */
export async function failedJobs(db: Db, runId: number): Promise<string[]> {
  const { rows } = await db.query<{ key: string; outcome: string | null }>(
    `SELECT key, outcome FROM run_jobs WHERE run_id = $1 AND (outcome IS NULL OR outcome NOT IN ('new', 'changed', 'unchanged') AND outcome NOT LIKE 'queued %') ORDER BY key`,
    [runId],
  );
  return rows.map((r) => `${r.key}: ${r.outcome ?? '(unfinished)'}`);
}

/**
 * What is untrue about a run's status, given what is stored: a run that has not ended; a run
 * that says `succeeded` while some of its questions are not stored in both languages as the
 * Senate serves them; such a question without a failed job naming it.
 */
export async function statusProblems(db: Db, run: CrawlRun, report: StoreReport): Promise<string[]> {
  const out: string[] = [];
  if (run.status === 'running' || run.finishedAt === null) return [`run ${run.id} has not ended (status ${run.status})`];
  const incomplete = [...new Set([...report.lost, ...report.worse].map((p) => p.split(' ')[0]!))];
  if (incomplete.length === 0) return out;
  if (run.status === 'succeeded') out.push(`run ${run.id} says succeeded although ${incomplete.join(', ')} did not end stored in both languages as served`);
  if (run.questionsFailed < incomplete.length) out.push(`run ${run.id} counts ${run.questionsFailed} failed questions, not ${incomplete.length} (${incomplete.join(', ')})`);
  const failed = await failedJobs(db, run.id);
  for (const id of incomplete) {
    if (!failed.some((f) => f.startsWith(`q-${id}: failed`))) {
      const job = failed.find((f) => f.startsWith(`q-${id}:`)) ?? `q-${id}: ${'(ended well, or not in this run)'}`;
      out.push(`run ${run.id} gives no failure for ${id} (${job})`);
    }
  }
  return out;
}

/**
 * Waits until the run has ended, riding out a database that is down meanwhile. Throws, with
 * the run as last seen and its unfinished jobs, when it has not ended in `timeoutMs`.
 */
export async function waitForRunEnd(db: Db, runId: number, timeoutMs: number): Promise<CrawlRun> {
  const deadline = Date.now() + timeoutMs;
  let last: CrawlRun | null = null;
  let lastError: unknown = null;
  for (;;) {
    try {
      last = await getRun(db, runId);
      if (last?.finishedAt) return last;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      let pending = '';
      try {
        const { rows } = await db.query<{ key: string }>('SELECT key FROM run_jobs WHERE run_id = $1 AND finished_at IS NULL ORDER BY key LIMIT 10', [runId]);
        pending = rows.map((r) => r.key).join(', ');
      } catch {
        // the database may still be down
      }
      throw new Error(
        `run ${runId} did not end within ${Math.round(timeoutMs / 1000)} s: ${last ? `status ${last.status}, ${last.jobsDone}/${last.jobsTotal} jobs` : `unreadable (${String(lastError)})`}` +
          (pending ? `; unfinished: ${pending}` : ''),
      );
    }
    await sleep(250);
  }
}

/** Waits until `count(sql)` reaches `n` (progress of a run before a fault is injected), riding out errors. */
export async function waitForCount(db: Db, sql: string, params: unknown[], n: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    try {
      last = (await db.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;
      if (last >= n) return last;
    } catch {
      // keep waiting
    }
    if (Date.now() > deadline) throw new Error(`${sql} reached ${last}, not ${n}, in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Every run, newest last. */
export async function allRuns(db: Db): Promise<CrawlRun[]> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM crawl_runs ORDER BY id');
  const runs: CrawlRun[] = [];
  for (const r of rows) runs.push((await getRun(db, r.id))!);
  return runs;
}
