/** A crawler wired to a fake Senate and a real database, for end-to-end tests. */
import { loadConfig, type Config } from '../../config/index.ts';
import { createPoliteFetcher, type PoliteFetcher } from '../../src/crawl/polite-fetcher.ts';
import { mergeBilingual } from '../../src/senate/bilingual.ts';
import { getQuestions, type QuestionInput } from '../../src/store/questions.ts';
import type { Db } from '../../src/store/db.ts';
import { silentLogger } from '../../src/util/logger.ts';
import type { FakeSenate } from '../fake-senate/server.ts';

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
export async function storedVersusTruth(db: Db, fake: FakeSenate): Promise<{ stored: QuestionInput[]; truth: QuestionInput[] }> {
  const ids = fake.ids();
  const stored = (await getQuestions(db, ids)).map(({ firstSeenAt, lastFetchedAt, lastChangedAt, goneSince, deadlineEstimated, ...q }) => q);
  const truth = ids.map((id) => {
    const pair = fake.groundTruth(id)!;
    return normalise(mergeBilingual(pair.fr, pair.nl));
  });
  return { stored: stored.map(normalise), truth };
}

function normalise(q: QuestionInput): QuestionInput {
  return JSON.parse(JSON.stringify({ ...q, texts: { fr: q.texts.fr, nl: q.texts.nl } })) as QuestionInput;
}
