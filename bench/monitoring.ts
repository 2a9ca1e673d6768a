/**
 * `npm run bench:monitoring`: the monitoring queries (src/store/monitoring.ts) over a large
 * store. Seeds N synthetic questions (fake-Senate records of legislatures 5, 7 and 8: LEG 5
 * prints no deadlines, LEG 8 has the pending ones) through upsertQuestion, one question_new
 * event each, answer_arrived/translation_arrived events for the answers of the last 60 days,
 * and a few changes per answered question; then times each query (median of --runs runs after
 * one warm-up) and prints a table: query, rows, median and slowest ms. The schema is dropped.
 *
 *   npm run bench:monitoring -- [--questions 100000] [--runs 5] [--pglite] [--keep-schema]
 *                               [--schema NAME]   (time again on a schema kept by --keep-schema: no seeding)
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) says where PostgreSQL is.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { mergeBilingual } from '../src/senate/bilingual.ts';
import type { BilingualQuestion } from '../src/senate/question-record.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { insertEvents, type NewEvent } from '../src/store/events.ts';
import { migrate } from '../src/store/migrate.ts';
import {
  answerFeed,
  answersSince,
  appendChanges,
  latenessByAddressee,
  listEvents,
  overdueQuestions,
  pendingQuestions,
  questionHistory,
  updateAddresseeKeys,
  type NewChange,
} from '../src/store/monitoring.ts';
import { upsertQuestion } from '../src/store/questions.ts';
import { generateQuestions } from '../test/fake-senate/generate.ts';

const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    pglite: { type: 'boolean', default: false },
    'keep-schema': { type: 'boolean', default: false },
    schema: { type: 'string' },
  },
});

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench:monitoring: --${name} takes a whole number ≥ 1, not ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const QUESTIONS = positiveInt('questions', values.questions);
const RUNS = positiveInt('runs', values.runs);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** "Today" of the data: generateQuestions' default asOf. */
const NOW = new Date('2026-11-15T12:00:00Z');
const DAY = 86_400_000;
const CONCURRENCY = 8;

/** Legislature → share of the questions. */
const MIX: readonly [legislature: number, share: number][] = [
  [5, 0.3],
  [7, 0.3],
  [8, 0.4],
];

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function records(): BilingualQuestion[] {
  const out: BilingualQuestion[] = [];
  let left = QUESTIONS;
  MIX.forEach(([legislature, share], i) => {
    const n = i === MIX.length - 1 ? left : Math.round(QUESTIONS * share);
    left -= n;
    for (const pair of generateQuestions(n, { legislature, seed: legislature * 7 })) out.push(mergeBilingual(pair.fr, pair.nl));
  });
  return out;
}

async function inParallel<T>(items: readonly T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** A deterministic 0..1 from a question number (no Math.random: runs compare). */
const spread = (n: number) => ((n * 2_654_435_761) % 1000) / 1000;

async function seed(db: Db): Promise<{ questions: number; events: number; changes: number; answered: BilingualQuestion[] }> {
  let t = performance.now();
  const all = records();
  log(`generated ${all.length} records in ${Math.round(performance.now() - t)} ms`);
  t = performance.now();
  let done = 0;
  await inParallel(all, CONCURRENCY, async (q) => {
    await upsertQuestion(db, q, { parserVersion: 'bench', now: new Date(NOW.getTime() - 90 * DAY) });
    if (++done % 10_000 === 0) log(`  upserted ${done}`);
  });
  log(`upserted ${all.length} questions in ${Math.round(performance.now() - t)} ms`);

  t = performance.now();
  const answered = all.filter((q) => q.answerDate !== null);
  const events: NewEvent[] = all.map((q) => ({ type: 'question_new', questionId: q.id, lang: null, key: '', payload: {}, occurredAt: new Date(NOW.getTime() - 90 * DAY) }));
  const changes: NewChange[] = [];
  for (const q of answered) {
    // Answers seen over the last 60 days; the translation a day later for two thirds of them.
    const seen = new Date(NOW.getTime() - Math.floor(spread(q.number + q.legislature) * 60 * DAY));
    events.push({ type: 'answer_arrived', questionId: q.id, lang: 'fr', key: 'a', payload: {}, occurredAt: seen });
    if (spread(q.number) < 0.66) events.push({ type: 'translation_arrived', questionId: q.id, lang: 'nl', key: 't', payload: {}, occurredAt: new Date(seen.getTime() + DAY) });
    changes.push({ questionId: q.id, lang: 'fr', field: 'answer', old: null, new: q.texts.fr?.answer ?? null, observedAt: seen, parserVersion: 'bench' });
    changes.push({ questionId: q.id, lang: null, field: 'status', old: 'pending', new: 'answered', observedAt: seen, parserVersion: 'bench' });
    if (spread(q.number) < 0.2) {
      changes.push({ questionId: q.id, lang: 'fr', field: 'subject', old: `${q.texts.fr?.subject ?? ''} (ancien)`, new: q.texts.fr?.subject ?? '', observedAt: new Date(seen.getTime() - DAY), parserVersion: 'bench' });
    }
  }
  // Stored in time order, as a crawl would.
  events.sort((a, b) => a.occurredAt!.getTime() - b.occurredAt!.getTime());
  for (let i = 0; i < events.length; i += 2000) await db.transaction((tx) => insertEvents(tx, events.slice(i, i + 2000), []));
  for (let i = 0; i < changes.length; i += 2000) await appendChanges(db, changes.slice(i, i + 2000));
  log(`stored ${events.length} events and ${changes.length} changes in ${Math.round(performance.now() - t)} ms`);
  await db.exec('ANALYZE');
  return { questions: all.length, events: events.length, changes: changes.length, answered };
}

interface Timing {
  query: string;
  rows: number;
  medianMs: number;
  maxMs: number;
}

async function time(query: string, fn: () => Promise<number>): Promise<Timing> {
  await fn(); // warm-up (plans, caches)
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    rows = await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { query, rows, medianMs: ms[Math.floor(ms.length / 2)]!, maxMs: ms.at(-1)! };
}

/** What a kept schema holds (--schema): the counts and the answered questions' ids. */
async function reuse(db: Db): Promise<Awaited<ReturnType<typeof seed>>> {
  const count = async (table: string) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
  const { rows } = await db.query<{ id: string }>('SELECT id FROM questions WHERE answer_date IS NOT NULL ORDER BY id');
  const answered = rows.map((r) => ({ id: r.id }) as BilingualQuestion);
  return { questions: await count('questions'), events: await count('events'), changes: await count('changes'), answered };
}

async function main(): Promise<void> {
  const reused = values.schema;
  const schema = reused ?? `bench_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const db = values.pglite ? await openDb({ dataDir: 'memory://' }) : await openDb({ databaseUrl: DATABASE_URL, schema, poolSize: CONCURRENCY + 2 });
  try {
    await migrate(db);
    const seeded = reused ? await reuse(db) : await seed(db);
    const opts = { now: NOW, deadlineEstimateDays: 30 };
    const sample = seeded.answered.filter((_, i) => i % Math.max(1, Math.floor(seeded.answered.length / 50)) === 0).slice(0, 50);
    const t0 = performance.now();
    const filled = await updateAddresseeKeys(db);
    const fillMs = performance.now() - t0;
    // As autovacuum would after 100,000 updates: the planner then probes the addressee_key index for NULLs.
    await db.exec('ANALYZE questions');

    const timings: Timing[] = [
      { query: `updateAddresseeKeys: first fill (${filled} keys)`, rows: filled, medianMs: fillMs, maxMs: fillMs },
      await time('updateAddresseeKeys: nothing to fill', () => updateAddresseeKeys(db)),
      await time('pendingQuestions: all', async () => (await pendingQuestions(db, {}, opts)).length),
      await time('pendingQuestions: -l 8 --addressee Justitie', async () => (await pendingQuestions(db, { legislature: 8, addressee: 'Justitie' }, opts)).length),
      await time('pendingQuestions: --author lijnen', async () => (await pendingQuestions(db, { author: 'lijnen' }, opts)).length),
      await time('overdueQuestions: all', async () => (await overdueQuestions(db, {}, opts)).length),
      await time('answersSince: 24h', async () => (await answersSince(db, new Date(NOW.getTime() - DAY))).length),
      await time('answersSince: 7d', async () => (await answersSince(db, new Date(NOW.getTime() - 7 * DAY))).length),
      await time('latenessByAddressee: all', async () => (await latenessByAddressee(db, {}, opts)).length),
      await time('latenessByAddressee: -l 8', async () => (await latenessByAddressee(db, { legislature: 8 }, opts)).length),
      await time(`questionHistory: ${sample.length} questions`, async () => {
        let n = 0;
        for (const q of sample) n += (await questionHistory(db, q.id))?.changes.length ?? 0;
        return n;
      }),
      await time('listEvents: first page (1000)', async () => (await listEvents(db, { limit: 1000 })).length),
      await time('listEvents: page after the middle', async () => (await listEvents(db, { afterSeq: Math.floor(seeded.events / 2), limit: 1000 })).length),
      await time('listEvents: answer_arrived since 7d', async () => (await listEvents(db, { types: ['answer_arrived'], since: new Date(NOW.getTime() - 7 * DAY) })).length),
      await time('answerFeed: latest 50', async () => (await answerFeed(db)).length),
      await time('answerFeed: --addressee Justitie', async () => (await answerFeed(db, { addressee: 'Justitie' })).length),
      await time('answerFeed: --party N-VA', async () => (await answerFeed(db, { party: 'N-VA' })).length),
      await time('answerFeed: --author (rare name)', async () => (await answerFeed(db, { author: 'no such senator' })).length),
    ];

    const engine = values.pglite ? 'PGlite (in memory)' : 'PostgreSQL';
    process.stdout.write(`monitoring queries on ${engine}: ${seeded.questions} questions, ${seeded.events} events, ${seeded.changes} changes; median of ${RUNS} runs\n\n`);
    const w = Math.max(...timings.map((x) => x.query.length));
    process.stdout.write(`${'query'.padEnd(w)}  ${'rows'.padStart(7)}  ${'median ms'.padStart(9)}  ${'max ms'.padStart(8)}\n`);
    for (const x of timings) {
      process.stdout.write(`${x.query.padEnd(w)}  ${String(x.rows).padStart(7)}  ${x.medianMs.toFixed(1).padStart(9)}  ${x.maxMs.toFixed(1).padStart(8)}\n`);
    }
  } finally {
    await db.close();
    if (!values.pglite && !values['keep-schema'] && !reused) {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    } else if (values['keep-schema'] || reused) {
      log(`kept schema ${schema}`);
    }
  }
}

await main();
