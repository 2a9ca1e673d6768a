/**
 * POST /api/questions/:id/recrawl through the real pipeline: the in-process runner fetches the
 * question from a fake Senate whose page changed, and `?wait=true` answers when the run ended.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recrawlVia } from '../../src/http/recrawl.ts';
import { buildServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { createInProcessRunner, type InProcessRunner } from '../../workers/in-process.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { crawlInProcess, testConfig, testFetcher } from '../helpers/crawl-env.ts';
import type { PoliteFetcher } from '../../src/crawl/polite-fetcher.ts';

const TOKEN = 'recrawl-token-0123456789';

describe('POST /api/questions/:id/recrawl on the in-process runner', () => {
  let fake: FakeSenate;
  let t: TestDb;
  let app: FastifyInstance;
  let runner: InProcessRunner;
  let fetcher: PoliteFetcher;
  let target: string;

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 4, legislature: 8, seed: 5 } });
    t = await pgTestDb();
    expect((await crawlInProcess(fake, t.db)).status).toBe('succeeded');
    target = fake.ids()[1]!;
    const config = testConfig(fake, { API_TOKEN: TOKEN });
    fetcher = testFetcher(config);
    runner = createInProcessRunner({ config, db: t.db, fetcher, logger: silentLogger, concurrency: 2, backoffMs: () => 50 });
    app = await buildServer({ db: t.db, config, logger: silentLogger, recrawl: recrawlVia(t.db, (runId, jobs) => runner.enqueue(runId, jobs)) });
  });
  afterAll(async () => {
    await app?.close();
    await runner?.close();
    await fetcher?.close();
    await t?.drop();
    await fake?.close();
  });

  it('fetches the question again and, with wait=true, answers the ended run', async () => {
    fake.correctSubject(target, 'fr', 'Sujet corrigé par le Sénat');
    fake.clearRequests();
    const res = await app.inject({ method: 'POST', url: `/api/questions/${target}/recrawl?wait=true&timeoutMs=30000`, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.run).toMatchObject({ kind: 'recrawl', status: 'succeeded', legislatures: [8], jobsTotal: 1, jobsDone: 1, questionsChanged: 1 });
    expect(body.changes).toEqual([expect.objectContaining({ lang: 'fr', field: 'subject', newValue: 'Sujet corrigé par le Sénat', kind: 'changed' })]);
    expect(body.events.every((e: { runId: number; questionId: string }) => e.runId === body.run.id && e.questionId === target)).toBe(true);
    // Only that question's pages were asked for.
    const asked = fake.requests().map((r) => r.url).filter((u) => u.includes('SchriftelijkeVraag'));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((u) => u.includes(`NR=${target.split('-')[1]}`) || u.includes(target))).toBe(true);
    const q = (await app.inject({ method: 'GET', url: `/api/questions/${target}` })).json();
    expect(q.texts.fr.subject).toBe('Sujet corrigé par le Sénat');
  });

  it('answers 202 at once without wait', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/questions/${target}/recrawl`, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(202);
    expect(res.json().run).toMatchObject({ kind: 'recrawl' });
    await runner.drain();
  });
});
