import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchAllowance } from '../../jobs/watch.ts';
import { upsertQuestion, type QuestionInput } from '../../src/store/questions.ts';
import { admitScheduledRun } from '../../src/store/scheduled-runs.ts';
import { addToRun } from '../../src/store/runs.ts';
import { watchCandidates, watchRequestsSince, type WatchSelection } from '../../src/store/watch.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { question } from '../helpers/questions.ts';

class Rollback extends Error {}

const NOW = new Date('2026-12-01T10:00:00Z');
const day = (offset: number) => new Date(NOW.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

function q(id: string, o: { status?: QuestionInput['status']; deadline?: string | null; reminder?: boolean; answered?: ('fr' | 'nl')[] }): QuestionInput {
  const [leg, nr] = id.split('-').map(Number) as [number, number];
  const base = question({ id, legislature: leg, number: nr, status: o.status ?? 'pending', answerDeadline: o.deadline ?? null, relations: [] });
  base.events = [{ date: '2026-10-01', type: 'sent', label: 'Envoi' }, ...(o.reminder ? [{ date: '2026-11-20', type: 'reminder' as const, label: 'Rappel' }] : [])];
  for (const lang of o.answered ?? []) base.texts[lang]!.answer = { date: day(-1), text: `answer ${lang}`, html: `<p>answer ${lang}</p>` };
  return base;
}

describe('answer-watch candidates', () => {
  let t: TestDb;
  const sel = (o: Partial<WatchSelection> = {}): WatchSelection => ({ now: NOW, currentLegislature: 8, deadlineDays: 7, pastDays: 30, closedEveryDays: 7, limit: 100, ...o });

  beforeAll(async () => {
    t = await pgTestDb();
    const records = [
      q('8-1', { deadline: day(60) }), // far: not watched
      q('8-2', { deadline: day(3) }), // near
      q('8-3', { deadline: day(-10) }), // just past: near
      q('8-4', { deadline: day(-200) }), // long past
      q('8-5', { deadline: day(60), reminder: true }), // reminder sent
      q('8-6', { status: 'answered', deadline: day(-5), answered: ['fr'] }), // one language answered
      q('8-7', { status: 'answered', deadline: day(-5), answered: ['fr', 'nl'] }), // both: done
      q('8-8', { status: 'closed', deadline: day(-5) }), // closed
      q('8-9', { deadline: day(2) }), // near but gone
      q('7-1', { deadline: day(-900) }), // closed legislature, not fetched for weeks
      q('7-2', { deadline: day(-900) }), // closed legislature, fetched yesterday
      q('7-3', { status: 'answered', deadline: day(-900), answered: ['fr', 'nl'] }),
    ];
    for (const r of records) await upsertQuestion(t.db, r, { parserVersion: 'test' });
    await t.db.query(`UPDATE questions SET gone_since = now() WHERE id = '8-9'`);
    // Every check time is set relative to NOW (the order depends on how long ago each question was checked).
    const checked = async (ago: string, ids: string[]) =>
      t.db.query(`UPDATE questions SET last_fetched_at = $1::timestamptz - $2::interval WHERE id = ANY($3::text[])`, [NOW, ago, ids]);
    await checked('30 days', records.map((r) => r.id));
    await checked('20 days', ['7-1']);
    await checked('1 day', ['7-2']);
    await checked('1 hour', ['8-6']);
    await checked('5 hours', ['8-2']);
    await checked('3 hours', ['8-4']);
    await checked('5 minutes', ['8-3', '8-5']);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('are the questions expecting an answer soon, the longest unchecked first, weighed by how expected the answer is', async () => {
    // age × weight: 7-1 20 d × 1, 8-2 5 h × 2, 8-6 1 h × 8, 8-4 3 h × 1, 8-3 and 8-5 5 min × 2.
    expect(await watchCandidates(t.db, sel())).toEqual([
      { id: '7-1', reason: 'closed-legislature' },
      { id: '8-2', reason: 'deadline-near' },
      { id: '8-6', reason: 'one-language-answered' },
      { id: '8-4', reason: 'deadline-past' },
      { id: '8-3', reason: 'deadline-near' },
      { id: '8-5', reason: 'reminder-sent' },
    ]);
  });

  it('stop at the limit, and at none for a limit of 0', async () => {
    expect((await watchCandidates(t.db, sel({ limit: 2 }))).map((c) => c.id)).toEqual(['7-1', '8-2']);
    expect(await watchCandidates(t.db, sel({ limit: 0 }))).toEqual([]);
  });

  it('go round every candidate under a small budget, the most expected more often', async () => {
    const picks = new Map<string, number>();
    await t.db.transaction(async (tx) => {
      for (let round = 1; round <= 16; round++) {
        const now = new Date(NOW.getTime() + round * 3_600_000);
        const chosen = (await watchCandidates(tx, sel({ now, limit: 1 }))).map((c) => c.id);
        for (const id of chosen) picks.set(id, (picks.get(id) ?? 0) + 1);
        await tx.query('UPDATE questions SET last_fetched_at = $1 WHERE id = ANY($2::text[])', [now, chosen]);
      }
      // Leave the other tests' data as it was.
      throw new Rollback();
    }).catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
    expect([...picks.keys()].sort()).toEqual(['7-1', '8-2', '8-3', '8-4', '8-5', '8-6']);
    expect(picks.get('7-1')).toBe(1);
    expect(picks.get('8-6')!).toBeGreaterThan(picks.get('8-4')!);
  });

  it('leave out a question a running run has queued and not fetched yet', async () => {
    const run = await admitScheduledRun(t.db, {
      kind: 'crawl', scheduleId: 'nightly-crawl', scheduledFor: NOW, mode: 'incremental', legislatures: [8], options: {}, blockedBy: [],
      jobs: (runId) => [{ key: 'q-8-2', kind: 'fetch-question', data: { runId, id: '8-2' } }],
    });
    expect((await watchCandidates(t.db, sel())).map((c) => c.id)).not.toContain('8-2');
    await t.db.query(`UPDATE run_jobs SET finished_at = now() WHERE run_id = $1`, [run.runId]);
    expect((await watchCandidates(t.db, sel())).map((c) => c.id)).toContain('8-2');
    await t.db.query(`DELETE FROM crawl_runs WHERE id = $1`, [run.runId]);
  });

  it('take a pending question of a closed legislature once its week has passed', async () => {
    const ids = (await watchCandidates(t.db, sel({ now: new Date(NOW.getTime() + 7 * 86_400_000) }))).map((c) => c.id);
    expect(ids).toContain('7-2');
    expect(ids).not.toContain('7-3');
  });

  describe('the hourly budget', () => {
    it('gives each run its share of the hour, two requests per question, never past what the hour left', () => {
      expect(watchAllowance(360, 15 * 60_000, 0)).toBe(45);
      expect(watchAllowance(360, 15 * 60_000, 300)).toBe(30);
      expect(watchAllowance(360, 15 * 60_000, 360)).toBe(0);
      expect(watchAllowance(360, 24 * 3_600_000, 0)).toBe(180);
      expect(watchAllowance(0, 15 * 60_000, 0)).toBe(0);
    });

    it('counts what the watch runs of the last hour spent, and what a running one is about to spend', async () => {
      const at = (min: number) => new Date(NOW.getTime() + min * 60_000);
      const jobs = (n: number) => (runId: number) => Array.from({ length: n }, (_, i) => ({ key: `q-8-${i}`, kind: 'fetch-question', data: { runId } }));
      const spec = { kind: 'watch' as const, scheduleId: 'answer-watch', mode: 'incremental' as const, legislatures: [8], options: {}, blockedBy: [] };
      const old = await admitScheduledRun(t.db, { ...spec, scheduledFor: at(-90), jobs: jobs(10) });
      await addToRun(t.db, old.runId, { requests: 20 });
      const recent = await admitScheduledRun(t.db, { ...spec, scheduledFor: at(-30), jobs: jobs(4) });
      await addToRun(t.db, recent.runId, { requests: 3 });
      await t.db.query(`UPDATE crawl_runs SET status = 'succeeded', finished_at = now() WHERE id = $1`, [old.runId]);
      // old: before the hour; recent: running, 4 questions queued = 8 requests.
      expect(await watchRequestsSince(t.db, at(-60))).toBe(8);
      await t.db.query(`UPDATE crawl_runs SET status = 'succeeded', finished_at = now() WHERE id = $1`, [recent.runId]);
      expect(await watchRequestsSince(t.db, at(-60))).toBe(3);
    });
  });
});
