import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMiss, idsBackingOff, isGone, markSeen, missBackoffDays, recordMiss } from '../../src/store/misses.ts';
import { recordGone } from '../../src/store/history.ts';
import { getQuestion, markFetched, refetchCandidates, unknownRelationTargets, upsertQuestion } from '../../src/store/questions.ts';
import { pgliteTestDb, pgTestDb, type TestDb } from '../helpers/db.ts';
import { answered, question } from '../helpers/questions.ts';

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.UTC(2026, 0, 1) + days * DAY);

describe.each([
  ['PostgreSQL', pgTestDb],
  ['PGlite', pgliteTestDb],
] as const)('question misses on %s', (_engine, open) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('backs off 1 day, doubling, at most 30 days', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(missBackoffDays)).toEqual([1, 2, 4, 8, 16, 30, 30, 30]);
  });

  it('counts consecutive misses once per run, and sets the next retry on the backoff', async () => {
    const first = await recordMiss(t.db, '8-900', 'fr: HTTP 404; nl: HTTP 404', 1, at(0));
    expect(first).toEqual({ misses: 1, firstMissAt: at(0), nextRetryAt: at(1) });
    // The same run again (a job run twice): still one miss.
    expect(await recordMiss(t.db, '8-900', 'again', 1, at(0))).toEqual({ misses: 1, firstMissAt: at(0), nextRetryAt: at(1) });
    expect(await recordMiss(t.db, '8-900', 'x', 2, at(1))).toEqual({ misses: 2, firstMissAt: at(0), nextRetryAt: at(3) });
    expect(await recordMiss(t.db, '8-900', 'x', 3, at(3))).toEqual({ misses: 3, firstMissAt: at(0), nextRetryAt: at(7) });
    for (let run = 4; run <= 9; run++) await recordMiss(t.db, '8-900', `run ${run}`, run, at(10));
    expect(await getMiss(t.db, '8-900')).toEqual({ misses: 9, firstMissAt: at(0), nextRetryAt: at(40), lastReason: 'run 9' });
  });

  it('calls a question gone only after enough misses spanning enough days', () => {
    const rule = { goneAfterMisses: 3, goneAfterDays: 7 };
    expect(isGone({ misses: 1, firstMissAt: at(0), nextRetryAt: at(1) }, rule, at(30))).toBe(false);
    expect(isGone({ misses: 5, firstMissAt: at(0), nextRetryAt: at(1) }, rule, at(6))).toBe(false);
    expect(isGone({ misses: 3, firstMissAt: at(0), nextRetryAt: at(1) }, rule, at(7))).toBe(true);
  });

  it('forgets the misses of a question seen again, and brings a gone question back', async () => {
    await upsertQuestion(t.db, question(), { parserVersion: 'test' });
    await recordMiss(t.db, '5-3820', 'x', 10, at(0));
    await recordGone(t.db, '5-3820', { now: at(0) });
    expect(await markSeen(t.db, '5-3820')).toBe(true);
    expect(await getMiss(t.db, '5-3820')).toBeNull();
    expect((await getQuestion(t.db, '5-3820'))!.goneSince).toBeNull();
    expect(await markSeen(t.db, '5-3820')).toBe(false);
  });

  it('forgets them too when both pages answer 304', async () => {
    await recordMiss(t.db, '5-3820', 'x', 11, at(0));
    await recordGone(t.db, '5-3820', { now: at(0) });
    expect(await markFetched(t.db, '5-3820')).toBe(true);
    expect(await getMiss(t.db, '5-3820')).toBeNull();
    expect((await getQuestion(t.db, '5-3820'))!.goneSince).toBeNull();
    // Gone, then back on a 304: both events, once each.
    const { rows } = await t.db.query<{ type: string }>(
      `SELECT type FROM events WHERE question_id = '5-3820' AND type IN ('question_gone', 'question_back') AND occurred_at >= $1 ORDER BY seq DESC LIMIT 2`, [at(0)]);
    expect(rows.map((r) => r.type)).toEqual(['question_back', 'question_gone']);
  });

  it('asks again for a gone question, whatever its status, only when its retry is due', async () => {
    // 5-3820 is closed: never a refetch candidate while it is served.
    expect(await refetchCandidates(t.db, 5, 30, at(0))).toEqual([]);
    await recordMiss(t.db, '5-3820', 'x', 12, at(0));
    await recordGone(t.db, '5-3820', { now: at(0) });
    expect(await refetchCandidates(t.db, 5, 30, at(0))).toEqual([]);
    expect(await refetchCandidates(t.db, 5, 30, at(1))).toEqual(['5-3820']);
    await markSeen(t.db, '5-3820');
  });

  it('leaves out a linked question the Senate did not serve until its retry is due', async () => {
    const linking = answered();
    linking.relations = [{ kind: 'reintroduced_as', target: '5-9999', targetType: 'written_question', label: 'Heringediend als' }];
    await upsertQuestion(t.db, linking, { parserVersion: 'test' });
    const targets = await unknownRelationTargets(t.db, 5, at(0));
    expect(targets).toEqual(['5-9999']);
    const target = '5-9999';
    await recordMiss(t.db, target, 'fr: HTTP 404; nl: HTTP 404', 13, at(0));
    expect(await unknownRelationTargets(t.db, 5, at(0))).not.toContain(target);
    expect(await unknownRelationTargets(t.db, 5, at(1))).toContain(target);
    expect(await idsBackingOff(t.db, targets, at(0))).toEqual(new Set([target]));
    expect(await idsBackingOff(t.db, targets, at(1))).toEqual(new Set());
  });
});
