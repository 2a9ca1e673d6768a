import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventId, eventJson, insertEvents, type NewEvent, type WebhookEndpoint } from '../../src/store/events.ts';
import { pgliteTestDb, pgTestDb, type TestDb } from '../helpers/db.ts';

const answers: WebhookEndpoint = { url: 'http://127.0.0.1:9/answers', events: ['answer_arrived', 'translation_arrived'] };
const everything: WebhookEndpoint = { url: 'http://127.0.0.1:9/all', events: '*' };
const statuses: WebhookEndpoint = { url: 'http://127.0.0.1:9/status', events: ['status_changed'] };

function answerArrived(questionId: string, textHash: string): NewEvent {
  return { type: 'answer_arrived', questionId, lang: 'fr', key: textHash, payload: { lang: 'fr', answerDate: '2024-03-01', excerpt: `answer ${textHash}` } };
}

function questionNew(questionId: string): NewEvent {
  return { type: 'question_new', questionId, lang: null, key: '', payload: { legislature: 8, number: Number(questionId.split('-')[1]) } };
}

async function deliveries(t: TestDb): Promise<string[]> {
  const { rows } = await t.db.query<{ event_id: string; endpoint: string; status: string }>('SELECT event_id, endpoint, status FROM webhook_deliveries ORDER BY event_id, endpoint');
  return rows.map((r) => `${r.event_id} ${r.endpoint} ${r.status}`);
}

async function reset(t: TestDb): Promise<void> {
  await t.db.exec('DELETE FROM webhook_deliveries; DELETE FROM events');
}

describe('eventId', () => {
  it('is evt_ and 26 base32 characters, the same for the same content', () => {
    const id = eventId('answer_arrived', '8-123', 'fr', 'sha:abc');
    expect(id).toMatch(/^evt_[a-z2-7]{26}$/);
    expect(eventId('answer_arrived', '8-123', 'fr', 'sha:abc')).toBe(id);
  });

  it('differs when the type, question, language or key differs', () => {
    const ids = new Set([
      eventId('answer_arrived', '8-123', 'fr', 'k'),
      eventId('translation_arrived', '8-123', 'fr', 'k'),
      eventId('answer_arrived', '8-124', 'fr', 'k'),
      eventId('answer_arrived', '8-123', 'nl', 'k'),
      eventId('answer_arrived', '8-123', 'fr', 'k2'),
      eventId('crawl_unhealthy', null, null, 'run 7'),
    ]);
    expect(ids.size).toBe(6);
  });
});

describe.each([
  ['PostgreSQL', pgTestDb],
  ['PGlite', pgliteTestDb],
])('insertEvents on %s', (_engine, open) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t?.drop();
  });

  describe('when new events are inserted', () => {
    it('stores them with increasing seq and returns them in that order', async () => {
      await reset(t);
      const stored = await insertEvents(t.db, [questionNew('8-1'), answerArrived('8-1', 'h1'), questionNew('8-2')], []);

      expect(stored.map((e) => e.type)).toEqual(['question_new', 'answer_arrived', 'question_new']);
      expect(stored[0]!.seq).toBeLessThan(stored[1]!.seq);
      expect(stored[1]!.seq).toBeLessThan(stored[2]!.seq);
      expect(stored[1]).toMatchObject({ id: eventId('answer_arrived', '8-1', 'fr', 'h1'), questionId: '8-1', lang: 'fr', runId: null, payload: { excerpt: 'answer h1' } });
      expect(stored[1]!.occurredAt).toBeInstanceOf(Date);
      const json = eventJson(stored[1]!);
      expect(Object.keys(json)).toEqual(['id', 'seq', 'type', 'questionId', 'lang', 'occurredAt', 'runId', 'payload']);
      expect(json.occurredAt).toBe(stored[1]!.occurredAt.toISOString());
    });

    it('keeps the given occurredAt and runId, and accepts an event about no question', async () => {
      await reset(t);
      const at = new Date('2024-05-06T07:08:09.000Z');
      const [e] = await insertEvents(t.db, [{ type: 'crawl_unhealthy', questionId: null, lang: null, key: 'run-x', payload: { reasons: ['many 5xx'] }, occurredAt: at }], []);
      expect(e).toMatchObject({ type: 'crawl_unhealthy', questionId: null, occurredAt: at, runId: null });
    });
  });

  describe('when the same events are inserted again (a replayed job, a retry)', () => {
    it('stores each id once and returns only what it inserted', async () => {
      await reset(t);
      const first = await insertEvents(t.db, [answerArrived('8-1', 'h1'), answerArrived('8-1', 'h1')], [everything]);
      const again = await insertEvents(t.db, [answerArrived('8-1', 'h1'), answerArrived('8-1', 'h2')], [everything]);

      expect(first).toHaveLength(1);
      expect(again.map((e) => e.payload.excerpt)).toEqual(['answer h2']);
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
      expect(rows[0]!.n).toBe(2);
      expect(await deliveries(t)).toHaveLength(2);
    });
  });

  describe('when endpoints filter by type', () => {
    it('writes one pending delivery per event and endpoint whose filter matches, and none for the others', async () => {
      await reset(t);
      const stored = await insertEvents(t.db, [questionNew('8-3'), answerArrived('8-3', 'h1')], [answers, everything, statuses]);
      const [created, answered] = stored.map((e) => e.id);

      expect(await deliveries(t)).toEqual(
        [`${created} ${everything.url} pending`, `${answered} ${answers.url} pending`, `${answered} ${everything.url} pending`].sort(),
      );
    });

    it('writes no delivery without endpoints', async () => {
      await reset(t);
      await insertEvents(t.db, [questionNew('8-4')], []);
      expect(await deliveries(t)).toEqual([]);
    });
  });

  describe('when the transaction that writes them rolls back', () => {
    it('leaves neither the events nor their deliveries', async () => {
      await reset(t);
      await expect(
        t.db.transaction(async (tx) => {
          const stored = await insertEvents(tx, [questionNew('8-5'), answerArrived('8-5', 'h1')], [everything]);
          expect(stored).toHaveLength(2);
          throw new Error('the change failed to store');
        }),
      ).rejects.toThrow('the change failed to store');

      const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
      expect(rows[0]!.n).toBe(0);
      expect(await deliveries(t)).toEqual([]);
    });

    it('stores both when it commits', async () => {
      await reset(t);
      await t.db.transaction((tx) => insertEvents(tx, [questionNew('8-6')], [everything]));
      expect(await deliveries(t)).toHaveLength(1);
    });
  });
});
