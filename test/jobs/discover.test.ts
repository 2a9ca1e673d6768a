import { afterEach, describe, expect, it } from 'vitest';
import { discover } from '../../jobs/discover.ts';
import { countersOf, type DiscoverData, type FetchQuestionData, type JobContext, type JobRequest } from '../../jobs/types.ts';
import { mergeBilingual } from '../../src/senate/bilingual.ts';
import { getFetch } from '../../src/store/archive.ts';
import { createRun } from '../../src/store/runs.ts';
import { refetchCandidates, upsertQuestion, type QuestionInput } from '../../src/store/questions.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { generateQuestions } from '../fake-senate/generate.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { testConfig, testFetcher } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

describe('discover', () => {
  let fake: FakeSenate | undefined;
  let t: TestDb | undefined;
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
    await fake?.close();
    await t?.drop();
    fake = undefined;
    t = undefined;
  });

  async function setUp(opts: Parameters<typeof startFakeSenate>[0]): Promise<{ fake: FakeSenate; t: TestDb }> {
    fake = await startFakeSenate(opts);
    t = await pgTestDb();
    return { fake, t };
  }

  /** Runs one discover job of `legislature`; returns what it queued, by id, and its result. */
  async function run(legislature: number, opts: { full?: boolean; env?: Record<string, string> } = {}) {
    const config = testConfig(fake!, opts.env);
    const fetcher = testFetcher(config);
    closing.push(() => fetcher.close());
    const runId = await createRun(t!.db, { legislatures: [legislature] });
    const queued: JobRequest[] = [];
    const ctx: JobContext = {
      config,
      db: t!.db,
      fetcher,
      logger: silentLogger,
      enqueue: async (jobs) => void queued.push(...jobs),
      signal: new AbortController().signal,
      attempt: 1,
      maxAttempts: 3,
    };
    const data: DiscoverData = { runId, legislature, full: opts.full ?? false };
    const result = await discover(ctx, data);
    expect(queued.every((j) => j.kind === 'fetch-question' && j.data.runId === runId)).toBe(true);
    const jobs = new Map(queued.map((j) => [(j.data as FetchQuestionData).id, j.data as FetchQuestionData]));
    expect(jobs.size).toBe(queued.length);
    return { jobs, ids: [...jobs.keys()].sort(byNumber), result, runId };
  }

  /** Stores these questions of the fake as a crawl would have. */
  async function store(ids: string[], change: Partial<QuestionInput> = {}): Promise<void> {
    for (const id of ids) {
      const truth = fake!.groundTruth(id)!;
      await upsertQuestion(t!.db, { ...mergeBilingual(truth.fr, truth.nl), ...change }, { parserVersion: 'test' });
    }
  }

  const byNumber = (a: string, b: string) => Number(a.split('-')[1]) - Number(b.split('-')[1]);
  const questionPages = () => fake!.requests().filter((r) => r.url.includes('SchriftelijkeVraag'));
  const listingPages = () => fake!.requests().filter((r) => r.url.includes('SVListe'));

  describe('with a listing', () => {
    it('queues every question of every listing page, following pagination, and fetches no question page', async () => {
      await setUp({ questions: { n: 12, legislature: 8, seed: 5 }, listingPageSize: 5 });
      const { ids, result } = await run(8);
      expect(ids).toEqual(fake!.ids().sort(byNumber));
      expect(listingPages()).toHaveLength(3);
      expect(questionPages()).toHaveLength(0);
      // 3 listing pages and robots.txt, read for this job: every request the Senate sees counts.
      expect(result).toEqual({ outcome: 'queued 12; listed 12', counters: expect.objectContaining({ requests: 4 }) });
    });
  });

  describe('without a usable listing', () => {
    it('probes from the highest stored number until PROBE_MISSES misses, and hands each hit its archived fetch', async () => {
      await setUp({ questions: { n: 10, legislature: 8, seed: 6 } });
      await store(['8-1', '8-2', '8-3', '8-4']);
      const { ids, jobs, result } = await run(8, { env: { LISTING_URL_TEMPLATE: 'none', PROBE_MISSES: '3' } });
      const probed = questionPages().map((r) => Number(/NR=(\d+)/.exec(r.url)![1]));
      expect(probed).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13]);
      expect(listingPages()).toHaveLength(0);
      for (const id of ['8-5', '8-6', '8-7', '8-8', '8-9', '8-10']) {
        const fetchId = jobs.get(id)!.reuseFetchIds!.fr!;
        expect(await getFetch(t!.db, fetchId)).toMatchObject({ status: 200 });
      }
      const open = await refetchCandidates(t!.db, 8, testConfig(fake!).recentAnswerDays);
      expect(ids).toEqual([...open, '8-5', '8-6', '8-7', '8-8', '8-9', '8-10']);
      expect(result.counters.requests).toBe(9 + 1); // and robots.txt
    });

    it('probes when the listing answers 404', async () => {
      await setUp({ questions: { n: 4, legislature: 8, seed: 7 } });
      fake!.fault({ kind: 'status', status: 404, match: 'SVListe' });
      const { ids } = await run(8, { env: { PROBE_MISSES: '2' } });
      expect(ids).toEqual(['8-1', '8-2', '8-3', '8-4']);
      expect(listingPages()).toHaveLength(1);
    });
  });

  describe('of the open legislature', () => {
    it('queues the new numbers and the stored questions that can still change, and not the others', async () => {
      await setUp({ questions: { n: 30, legislature: 8, seed: 8 } });
      const known = fake!.ids().sort(byNumber).slice(0, 20);
      await store(known);
      const config = testConfig(fake!);
      const open = await refetchCandidates(t!.db, 8, config.recentAnswerDays);
      expect(open.length).toBeGreaterThan(0);
      expect(open.length).toBeLessThan(known.length);
      const { ids } = await run(8);
      const fresh = fake!.ids().filter((id) => !known.includes(id));
      expect(ids).toEqual([...open, ...fresh].sort(byNumber));
    });
  });

  describe('of a closed legislature', () => {
    it('queues only the numbers not stored yet, even those that could still change', async () => {
      await setUp({ questions: { n: 12, legislature: 7, seed: 9 } });
      const known = fake!.ids().sort(byNumber).slice(0, 8);
      // Stored as still pending: in the open legislature they would be refetched.
      await store(known, { status: 'pending' });
      expect(await refetchCandidates(t!.db, 7, testConfig(fake!).recentAnswerDays)).toEqual(known);
      const { ids } = await run(7);
      expect(ids).toEqual(fake!.ids().sort(byNumber).slice(8));
    });

    it('queues every question, stored or not, when the run is --full', async () => {
      await setUp({ questions: { n: 12, legislature: 7, seed: 9 } });
      await store(fake!.ids().sort(byNumber).slice(0, 8));
      const { ids } = await run(7, { full: true });
      expect(ids).toEqual(fake!.ids().sort(byNumber));
    });

    it('with --full, also queues stored questions the listing no longer shows', async () => {
      await setUp({ questions: { n: 6, legislature: 7, seed: 10 } });
      await store(fake!.ids());
      fake!.removeQuestion('7-6');
      const { ids } = await run(7, { full: true });
      expect(ids).toContain('7-6');
    });
  });

  describe('with relations to questions not stored', () => {
    it('queues the written-question targets of its legislature that no listing shows', async () => {
      const [a] = generateQuestions(1, { legislature: 7, seed: 11, startNumber: 50 });
      const link = (target: string) => ({ kind: 'reintroduction_of' as const, target, targetType: 'written_question' as const, label: 'Herindiening van' });
      a!.fr.relations = [link('7-40'), link('6-3'), { ...link('7-41'), targetType: 'request_for_explanations' }];
      a!.nl.relations = a!.fr.relations;
      await setUp({});
      fake!.addQuestion(a!);
      await store(['7-50']);
      const { ids } = await run(7);
      // 7-40 is linked and not stored; 6-3 belongs to another legislature's run; 7-41 is not a written question.
      expect(ids).toEqual(['7-40']);
    });
  });

  describe('when an attempt fails', () => {
    it('carries the requests it sent, so that they count in the run (robots.txt and every try of the listing)', async () => {
      await setUp({ questions: { n: 3, legislature: 8, seed: 8 } });
      fake!.fault({ kind: 'status', status: 503, match: 'SVListe' });
      const err = await run(8, { env: { FETCH_RETRIES: '1' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(countersOf(err)).toMatchObject({ requests: fake!.requests().length });
      expect(fake!.requests().length).toBe(3); // robots.txt, the listing twice
    });
  });
});
