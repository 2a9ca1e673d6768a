import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from './run-cli.ts';

describe('senate-questions watch (in-process, the cron form of the answer watch)', () => {
  let fake: FakeSenate | undefined;
  let t: TestDb | undefined;

  afterEach(async () => {
    await t?.drop();
    t = undefined;
    await fake?.close();
    fake = undefined;
  });

  it('refetches only questions expecting an answer, sees an answer that arrived, and joins a second run of the same minute', async () => {
    fake = await startFakeSenate({ questions: { n: 12, legislature: 8, seed: 23 }, serving: 'varied', listingPageSize: 20 });
    t = await pgTestDb();
    expect((await crawlInProcess(fake, t.db)).status).toBe('succeeded');
    const { rows: pending } = await t.db.query<{ id: string }>(`SELECT id FROM questions WHERE status = 'pending' ORDER BY number`);
    expect(pending.length, 'pending questions (a precondition)').toBeGreaterThan(0);
    const id = pending[0]!.id;
    fake.answerArrives(id, { lang: 'fr', date: '2026-11-30', text: 'Réponse du ministre.' });
    const env = { DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema, SENATE_BASE_URL: fake.url, CRAWL_RATE_PER_SEC: '0', CRAWLER_CONTACT: 'mailto:tests@example.org', WATCH_REQUESTS_PER_HOUR: '1000' };
    const before = fake.requests().length;

    const r = await runCli(['watch'], { env });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^watch run \d+: \d+ question\(s\) to refetch/);
    expect(r.stdout).toMatch(/succeeded/);

    const { rows: runs } = await t.db.query<{ kind: string; status: string; schedule_id: string }>(`SELECT kind, status, schedule_id FROM crawl_runs WHERE kind = 'watch'`);
    expect(runs).toEqual([{ kind: 'watch', status: 'succeeded', schedule_id: 'watch-command' }]);
    // Only question pages of watched questions: no listing, and never an answered question's page.
    const { rows: answered } = await t.db.query<{ id: string }>(`SELECT id FROM questions WHERE status <> 'pending' AND id <> $1`, [id]);
    const asked = fake.requests().slice(before).map((q) => q.url);
    const pageOf = (qid: string) => `&NR=${qid.split('-')[1]}&`;
    expect(asked.some((u) => u.includes(pageOf(id))), 'the watched question was fetched').toBe(true);
    expect(asked.every((u) => u === '/robots.txt' || u.includes('/Vragen/SchriftelijkeVraag&')), 'question pages only, no listing').toBe(true);
    expect(answered.length, 'answered questions (a precondition)').toBeGreaterThan(0);
    for (const a of answered) expect(asked.some((u) => u.includes(pageOf(a.id))), `answered ${a.id} not refetched`).toBe(false);
    const { rows: events } = await t.db.query<{ type: string }>(`SELECT type FROM events WHERE question_id = $1 AND type = 'answer_arrived'`, [id]);
    expect(events).toHaveLength(1);

    const again = await runCli(['watch', '--every-min', '60'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^(watch run \d+ was started this minute already: joining it|watch run \d+: )/);
  }, 180_000);

  it('exits 2 for a bad --every-min', async () => {
    const r = await runCli(['watch', '--every-min', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--every-min takes a whole number');
  });
});
