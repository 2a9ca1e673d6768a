import { afterEach, describe, expect, it } from 'vitest';
import { generateQuestions } from '../fake-senate/generate.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess, storedVersusTruth } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

describe('discovery', () => {
  let fake: FakeSenate | undefined;
  let t: TestDb | undefined;
  const crawl = (legislatures: number[], env: Record<string, string> = {}, full = false) =>
    crawlInProcess(fake!, t!.db, { legislatures, env, full });
  afterEach(async () => {
    await fake?.close();
    await t?.drop();
  });

  describe('with no listing at all', () => {
    it.each(['404', 'empty-template', 'error-text'] as const)(
      'probes past the highest known number until K misses (missing numbers answer %s), fetching no page twice',
      async (missing) => {
        fake = await startFakeSenate({ questions: { n: 25, legislature: 8, seed: 9 }, serving: 'varied', missing });
        t = await pgTestDb();
        const run = await crawl([8], { LISTING_URL_TEMPLATE: 'none', PROBE_MISSES: '3' });
        expect(run).toMatchObject({ status: 'succeeded', questionsNew: 25, questionsFailed: 0 });
        const { stored, truth } = await storedVersusTruth(t.db, fake);
        expect(stored).toEqual(truth);
        const pages = fake.requests().filter((r) => r.url.includes('SchriftelijkeVraag') && r.url.includes('LEG=8'));
        // 25 FR pages (probe, reused by the fetch), 25 NL pages, 3 misses.
        expect(pages).toHaveLength(25 * 2 + 3);
        expect(new Set(pages.map((r) => r.url)).size).toBe(pages.length);
      },
    );

    it('falls back to probing when the listing URL answers 404, and the next run only probes past the end', async () => {
      fake = await startFakeSenate({ questions: { n: 10, legislature: 8, seed: 4 } });
      t = await pgTestDb();
      fake.fault({ kind: 'status', status: 404, match: 'SVListe' });
      expect(await crawl([8], { PROBE_MISSES: '2' })).toMatchObject({ status: 'succeeded', questionsNew: 10 });
      fake.addQuestion(generateQuestions(1, { legislature: 8, seed: 4, startNumber: 11 })[0]!);
      fake.clearRequests();
      const second = await crawl([8], { PROBE_MISSES: '2' });
      expect(second).toMatchObject({ status: 'succeeded', questionsNew: 1 });
      const probed = fake.requests().filter((r) => r.url.includes('SchriftelijkeVraag') && r.url.includes('LANG=fr'));
      expect(probed.map((r) => /NR=(\d+)/.exec(r.url)![1]).filter((n) => Number(n) > 10).sort()).toEqual(['11', '12', '13']);
    });
  });

  describe('of a closed legislature', () => {
    it('fetches it all once, then only its listing unless the run is --full', async () => {
      fake = await startFakeSenate({ questions: { n: 12, legislature: 7, seed: 2 }, listingPageSize: 5 });
      t = await pgTestDb();
      expect(await crawl([7])).toMatchObject({ status: 'succeeded', questionsNew: 12 });
      fake.clearRequests();
      const again = await crawl([7]);
      expect(again).toMatchObject({ status: 'succeeded', questionsNew: 0, questionsUnchanged: 0 });
      const asked = fake.requests().filter((r) => r.url !== '/robots.txt');
      expect(asked.every((r) => r.url.includes('SVListe'))).toBe(true);
      expect(asked).toHaveLength(3);
      const full = await crawl([7], {}, true);
      expect(full).toMatchObject({ status: 'succeeded', questionsUnchanged: 12, notModified: 3 + 24 });
    });
  });

  describe('following relations', () => {
    it('fetches a related question that no listing of the crawled legislature shows', async () => {
      const [a] = generateQuestions(1, { legislature: 8, seed: 8, startNumber: 500 });
      const [older] = generateQuestions(1, { legislature: 7, seed: 8, startNumber: 40 });
      const link = { kind: 'reintroduction_of' as const, target: '7-40', targetType: 'written_question' as const };
      a!.fr.relations = [{ ...link, label: 'Réintroduction de' }];
      a!.nl.relations = [{ ...link, label: 'Herindiening van' }];
      fake = await startFakeSenate();
      fake.addQuestion(a!);
      fake.addQuestion(older!);
      t = await pgTestDb();
      const run = await crawl([8]);
      expect(run).toMatchObject({ status: 'succeeded', questionsNew: 2 });
      const { rows } = await t.db.query<{ id: string }>('SELECT id FROM questions ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(['7-40', '8-500']);
      expect(fake.requests().some((r) => r.url.includes('SVListe') && r.url.includes('LEG=7'))).toBe(false);
    });
  });
});
