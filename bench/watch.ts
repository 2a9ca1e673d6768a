/**
 * `npm run bench:watch`: how soon an answer is seen, and at what cost in requests, with the
 * answer watch (every 15 minutes, within WATCH_REQUESTS_PER_HOUR) plus the nightly crawl,
 * against the nightly crawl alone.
 *
 * A fake Senate on 127.0.0.1 serves N open (pending) questions of legislature 8; a first crawl
 * stores them. Then a simulated day runs on a simulated clock, a tick every 15 minutes from
 * 00:00 to 04:00 the next day: answers are published at random times of the day (the first
 * language at a random time, the other 1 to 20 hours later), and at each tick the due runs
 * start (the real scheduled-run code: startWatchRun, startScheduledCrawl at 03:00) and run
 * in-process, for real, on real PostgreSQL, at no rate limit. Their requests are then placed on
 * the simulated clock at the politeness rate (--rate, 1 request/s by default): a page fetched
 * as a run's k-th request is seen k/rate seconds after the run's due time. An answer is seen
 * when the fetch that stored it happened; the delay is from its publication.
 *
 *   npm run bench:watch -- [--questions 1000] [--answers 100] [--budgets 360,720] [--every-min 15] [--rate 1] [--seed 7]
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) says where PostgreSQL is; the
 * schemas made are dropped.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig, type Config } from '../config/index.ts';
import { startScheduledCrawl } from '../jobs/scheduled-run.ts';
import { startCrawlRun } from '../jobs/start-run.ts';
import { startWatchRun } from '../jobs/watch.ts';
import { createPoliteFetcher } from '../src/crawl/polite-fetcher.ts';
import type { Lang } from '../src/senate/question-record.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { silentLogger } from '../src/util/logger.ts';
import { createInProcessRunner } from '../workers/in-process.ts';
import { generateQuestions } from '../test/fake-senate/generate.ts';
import { createRng } from '../test/fake-senate/rng.ts';
import { startFakeSenate } from '../test/fake-senate/server.ts';

const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '1000' },
    answers: { type: 'string', default: '100' },
    budgets: { type: 'string', default: '360,720' },
    'every-min': { type: 'string', default: '15' },
    rate: { type: 'string', default: '1' },
    seed: { type: 'string', default: '7' },
  },
});

function num(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) {
    process.stderr.write(`bench:watch: --${name} takes a number ≥ ${min}, not ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const N = num('questions', values.questions, 1);
const ANSWERS = num('answers', values.answers, 1);
const BUDGETS = values.budgets.split(',').map((b) => num('budgets', b, 0));
const EVERY_MS = num('every-min', values['every-min'], 1) * 60_000;
const RATE = num('rate', values.rate, 0.001);
const SEED = num('seed', values.seed, 0);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const HOUR = 3_600_000;
const DAY_START = Date.parse('2026-11-16T00:00:00Z');
const END = DAY_START + 28 * HOUR;
const NIGHTLY_AT_HOUR = 3;

/** N pending questions: generate enough, keep the pending ones. */
function openQuestions() {
  const pending = generateQuestions(Math.ceil(N * 3.2), { legislature: 8, seed: SEED }).filter((p) => p.fr.status === 'pending');
  if (pending.length < N) throw new Error(`only ${pending.length} pending questions generated, ${N} asked`);
  return pending.slice(0, N);
}

interface Publication {
  id: string;
  lang: Lang;
  at: number;
  first: boolean;
  /** the question's deadline is at most WATCH_DEADLINE_DAYS ahead at publication, or a reminder was sent */
  expected: boolean;
  seenAt: number | null;
}

function publications(records: ReturnType<typeof openQuestions>, deadlineDays: number): Publication[] {
  const rng = createRng(SEED + 1);
  const byId = new Map(records.map((r) => [r.fr.id, r.fr]));
  const chosen = rng.sample([...byId.keys()], ANSWERS);
  return chosen.flatMap((id) => {
    const page = byId.get(id)!;
    const first: Lang = rng.chance(0.5) ? 'fr' : 'nl';
    const t1 = DAY_START + Math.floor(rng.next() * 24 * HOUR);
    const t2 = Math.min(t1 + HOUR + Math.floor(rng.next() * 19 * HOUR), DAY_START + 26 * HOUR);
    const horizon = new Date(t1 + deadlineDays * 24 * HOUR).toISOString().slice(0, 10);
    const expected = (page.answerDeadline !== null && page.answerDeadline <= horizon) || page.events.some((e) => e.type === 'reminder');
    return [
      { id, lang: first, at: t1, first: true, expected, seenAt: null },
      { id, lang: first === 'fr' ? 'nl' : 'fr', at: t2, first: false, expected, seenAt: null },
    ];
  });
}

interface Outcome {
  name: string;
  firstDelaysMs: number[];
  expectedDelaysMs: number[];
  expectedCount: number;
  translationDelaysMs: number[];
  unseen: number;
  requests: number;
  runs: number;
}

async function scenario(name: string, budget: number | null): Promise<Outcome> {
  const records = openQuestions();
  const fake = await startFakeSenate({ questions: records, listingPageSize: 100 });
  const schema = `bench_watch_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const db = await openDb({ databaseUrl: DATABASE_URL, schema, poolSize: 8 });
  try {
    await migrate(db);
    const config: Config = loadConfig({
      SENATE_BASE_URL: fake.url,
      CRAWL_RATE_PER_SEC: '0',
      CRAWLER_CONTACT: 'mailto:bench@example.org',
      LOG_LEVEL: 'silent',
      PROBE_MISSES: '3',
      CURRENT_LEGISLATURE: '8',
      WATCH_REQUESTS_PER_HOUR: String(budget ?? 0),
    });
    const fetcher = createPoliteFetcher({ config, logger: silentLogger });
    const runner = createInProcessRunner({ config, db, fetcher, logger: silentLogger, concurrency: 8 });
    const enqueue = (id: number, jobs: Parameters<typeof runner.enqueue>[1]) => runner.enqueue(id, jobs);
    try {
      await startCrawlRun(db, enqueue, { legislatures: [8], full: false });
      await runner.drain();
      const pubs = publications(records, config.watchDeadlineDays);
      const dueOf = new Map<number, number>();
      for (let t = DAY_START; t <= END; t += EVERY_MS) {
        for (const p of pubs) {
          if (p.at <= t && p.at > t - EVERY_MS) fake.answerArrives(p.id, { lang: p.lang, date: new Date(p.at).toISOString().slice(0, 10), text: `Réponse ${p.id}.` });
        }
        const at = new Date(t);
        const hour = (t - DAY_START) % (24 * HOUR);
        if (hour === NIGHTLY_AT_HOUR * HOUR) {
          const a = await startScheduledCrawl(db, enqueue, { scheduleId: 'nightly-crawl', scheduledFor: at, legislatures: [8], runner: 'in-process' });
          dueOf.set(a.runId, t);
          await runner.drain();
        }
        if (budget !== null) {
          const a = await startWatchRun(db, config, enqueue, { scheduleId: 'answer-watch', scheduledFor: at, intervalMs: EVERY_MS, now: at, runner: 'in-process' });
          dueOf.set(a.runId, t);
          await runner.drain();
        }
        await markSeen(db, pubs, dueOf);
      }
      const { rows } = await db.query<{ requests: number; runs: number }>(
        'SELECT coalesce(sum(requests), 0)::int AS requests, count(*)::int AS runs FROM crawl_runs WHERE schedule_id IS NOT NULL',
      );
      return {
        name,
        firstDelaysMs: pubs.filter((p) => p.first && p.seenAt !== null).map((p) => p.seenAt! - p.at),
        expectedDelaysMs: pubs.filter((p) => p.first && p.expected && p.seenAt !== null).map((p) => p.seenAt! - p.at),
        expectedCount: pubs.filter((p) => p.first && p.expected).length,
        translationDelaysMs: pubs.filter((p) => !p.first && p.seenAt !== null).map((p) => p.seenAt! - p.at),
        unseen: pubs.filter((p) => p.seenAt === null).length,
        requests: rows[0]!.requests,
        runs: rows[0]!.runs,
      };
    } finally {
      await runner.close();
      await fetcher.close();
    }
  } finally {
    await db.close();
    await fake.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

/** Each published, unseen answer now stored: seen when the fetch that stored it happened, on the simulated clock. */
async function markSeen(db: Db, pubs: Publication[], dueOf: Map<number, number>): Promise<void> {
  const open = pubs.filter((p) => p.seenAt === null && p.at <= Math.max(...dueOf.values(), 0));
  if (open.length === 0) return;
  const { rows } = await db.query<{ question_id: string; lang: Lang; run_id: number | null; rank: number }>(
    `SELECT t.question_id, t.lang, f.run_id,
            (SELECT count(*)::int FROM fetches g WHERE g.run_id = f.run_id AND g.id <= f.id) AS rank
       FROM question_texts t JOIN fetches f ON f.id = t.fetch_id
      WHERE t.question_id = ANY($1::text[]) AND coalesce(t.answer_text, '') <> ''`,
    [[...new Set(open.map((p) => p.id))]],
  );
  for (const r of rows) {
    const p = open.find((x) => x.id === r.question_id && x.lang === r.lang);
    const due = r.run_id === null ? undefined : dueOf.get(r.run_id);
    if (!p || due === undefined) continue;
    p.seenAt = Math.max(p.at, due + (r.rank / RATE) * 1000);
  }
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const hours = (ms: number) => (Number.isNaN(ms) ? '-' : `${(ms / HOUR).toFixed(2)} h`);

async function main(): Promise<void> {
  process.stdout.write(
    `bench:watch: ${N} open questions, ${ANSWERS} answers published over a simulated day (second language 1-20 h after the first), ` +
      `ticks every ${EVERY_MS / 60_000} min, nightly at 0${NIGHTLY_AT_HOUR}:00, requests placed at ${RATE}/s\n`,
  );
  const outcomes: Outcome[] = [];
  const started = Date.now();
  outcomes.push(await scenario('nightly only', null));
  for (const b of BUDGETS) outcomes.push(await scenario(`watch ${b} req/h + nightly`, b));
  process.stdout.write(
    `\nDelay from publication to the answer seen (first language), for every answer and for the ${outcomes[0]?.expectedCount ?? 0} answers the watch expects ` +
      `(deadline at most WATCH_DEADLINE_DAYS ahead, or a reminder sent); the second language (translation); requests of the scheduled runs over the 28 simulated hours.\n\n` +
      `| schedule | all: median | all: p95 | expected: median | expected: p95 | translation: median | translation: p95 | unseen | requests | runs |\n|---|---|---|---|---|---|---|---|---|---|\n`,
  );
  for (const o of outcomes) {
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const [f, e, tr] = [sorted(o.firstDelaysMs), sorted(o.expectedDelaysMs), sorted(o.translationDelaysMs)];
    process.stdout.write(
      `| ${o.name} | ${hours(quantile(f, 0.5))} | ${hours(quantile(f, 0.95))} | ${hours(quantile(e, 0.5))} | ${hours(quantile(e, 0.95))} | ${hours(quantile(tr, 0.5))} | ${hours(quantile(tr, 0.95))} | ${o.unseen} | ${o.requests} | ${o.runs} |\n`,
    );
  }
  process.stdout.write(`\n(wall time ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:watch failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
