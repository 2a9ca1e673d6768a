/** A crawler wired to a fake Senate and a real database, for end-to-end tests. */
import { loadConfig, type Config } from '../../config/index.ts';
import { startCrawlRun } from '../../jobs/start-run.ts';
import { getRun, type CrawlRun } from '../../src/store/runs.ts';
import { createInProcessRunner } from '../../workers/in-process.ts';
import { createPoliteFetcher, type PoliteFetcher } from '../../src/crawl/polite-fetcher.ts';
import { mergeBilingual } from '../../src/senate/bilingual.ts';
import { getQuestions, type QuestionInput } from '../../src/store/questions.ts';
import type { Db } from '../../src/store/db.ts';
import { silentLogger } from '../../src/util/logger.ts';
import type { FakeSenate } from '../fake-senate/server.ts';
import { comparable } from '../fake-senate/comparable.ts';
import type { Markup } from '../fake-senate/markup.ts';
import { variedServing } from '../fake-senate/question-store.ts';
import { LANGS, type QuestionPage } from '../../src/senate/question-record.ts';

export function testConfig(fake: FakeSenate, env: Record<string, string> = {}): Config {
  return loadConfig({
    SENATE_BASE_URL: fake.url,
    CRAWL_RATE_PER_SEC: '0',
    CRAWLER_CONTACT: 'mailto:tests@example.org',
    LOG_LEVEL: 'silent',
    PROBE_MISSES: '3',
    FETCH_RETRIES: '3',
    FETCH_TIMEOUT_MS: '3000',
    CURRENT_LEGISLATURE: '8',
    ...env,
  });
}

export function testFetcher(config: Config): PoliteFetcher {
  return createPoliteFetcher({ config, logger: silentLogger, retry: { minTimeoutMs: 20, maxTimeoutMs: 200 } });
}

/** The stored record and the fake's ground truth, in the same shape. */
export async function storedVersusTruth(
  db: Db,
  fake: FakeSenate,
  markupOf: (number: number) => Markup = (n) => variedServing(n).markup,
): Promise<{ stored: QuestionInput[]; truth: QuestionInput[] }> {
  const ids = fake.ids();
  const stored = (await getQuestions(db, ids)).map(({ firstSeenAt, lastFetchedAt, lastChangedAt, goneSince, deadlineEstimated, ...q }) => q);
  const pairs = ids.map((id) => {
    const truthPair = fake.groundTruth(id)!;
    const truth = normalise(mergeBilingual(truthPair.fr, truthPair.nl));
    const got = stored.find((q) => q.id === id);
    if (!got) return { truth, got: null };
    const markup = markupOf(truth.number);
    const seen = normalise(got);
    for (const lang of LANGS) {
      const [a, b] = [seen.texts[lang], truth.texts[lang]];
      if (!a || !b) continue;
      // What the served markup cannot carry (a br page prints lists as lines) is compared as it survives.
      const pageOf = (t: typeof a) => ({ answer: t.answer }) as QuestionPage;
      const [pa, pb] = comparable(pageOf(a), pageOf(b), markup);
      a.answer = pa.answer;
      b.answer = pb.answer;
    }
    return { truth, got: seen };
  });
  return { stored: pairs.flatMap((p) => (p.got ? [p.got] : [])), truth: pairs.map((p) => p.truth) };
}

function normalise(q: QuestionInput): QuestionInput {
  return JSON.parse(JSON.stringify({ ...q, texts: { fr: q.texts.fr, nl: q.texts.nl } })) as QuestionInput;
}

export interface InProcessCrawl {
  legislatures?: number[];
  full?: boolean;
  env?: Record<string, string>;
  concurrency?: number;
  maxAttempts?: number;
  backoffMs?: () => number;
}

/** One run of the in-process runner against the fake Senate, start to end; returns the run. */
export async function crawlInProcess(fake: FakeSenate, db: Db, opts: InProcessCrawl = {}): Promise<CrawlRun> {
  const config = testConfig(fake, opts.env);
  const fetcher = testFetcher(config);
  const runner = createInProcessRunner({
    config,
    db,
    fetcher,
    logger: silentLogger,
    concurrency: opts.concurrency ?? 4,
    backoffMs: opts.backoffMs ?? (() => 50),
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
  });
  try {
    const runId = await startCrawlRun(db, (id, jobs) => runner.enqueue(id, jobs), { legislatures: opts.legislatures ?? [8], full: opts.full ?? false });
    await runner.drain();
    return (await getRun(db, runId))!;
  } finally {
    await runner.close();
    await fetcher.close();
  }
}
