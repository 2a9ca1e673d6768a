/**
 * The dispatcher against real PostgreSQL and a real HTTP receiver on 127.0.0.1. The receiver
 * verifies every signature with the official standardwebhooks library. "Hours" of retries are
 * either a short schedule on the real clock, or the real schedule on a clock the test moves
 * (`now`): the dispatcher reads every time (claims, schedule, webhook-timestamp) from it.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher, type DispatcherOptions } from '../../src/notify/dispatcher.ts';
import { generateWebhookSecret } from '../../src/notify/signature.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { insertEvents, type EventJson, type NewEvent, type StoredEvent, type WebhookEndpoint } from '../../src/store/events.ts';
import { claimDueDeliveries, webhookStats } from '../../src/store/webhooks.ts';
import { pgliteTestDb, pgTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';
import { startReceiver, type Receiver, type ReceivedRequest } from './receiver.ts';

const SECRET = generateWebhookSecret();
const UA = 'senate-questions-webhooks/test';

function events(n: number, from = 1): NewEvent[] {
  const types = ['question_new', 'answer_arrived', 'status_changed'] as const;
  return Array.from({ length: n }, (_, i) => ({
    type: types[i % types.length]!,
    questionId: `8-${from + i}`,
    lang: i % 3 === 1 ? 'fr' : null,
    key: `k${from + i}`,
    payload: { number: from + i, note: 'Réponse « reçue »' },
  }));
}

async function seed(db: Db, receiver: Receiver, n: number, from = 1): Promise<StoredEvent[]> {
  return db.transaction((tx) => insertEvents(tx, events(n, from), [{ url: receiver.url, events: '*' }]));
}

function endpoint(receiver: Receiver): WebhookEndpoint {
  return { url: receiver.url, events: '*', secret: SECRET };
}

/** Verified with the official library (it also checks webhook-timestamp is within 5 minutes of now). */
function verified(r: ReceivedRequest): EventJson {
  return new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>) as EventJson;
}

async function statusCounts(db: Db): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM webhook_deliveries GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Runs rounds on the real clock until nothing is pending (or `maxMs`). */
async function deliverUntilSettled(dispatcher: ReturnType<typeof createDispatcher>, db: Db, maxMs = 20_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    await dispatcher.deliverDue();
    if (((await statusCounts(db)).pending ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`deliveries still pending after ${maxMs} ms: ${JSON.stringify(await statusCounts(db))}`);
}

/** A clock the test moves. */
function testClock(start: Date) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (d: Date) => {
      t = d.getTime();
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('the webhook dispatcher', () => {
  let t: TestDb;
  let receiver: Receiver | null = null;
  const dispatchers: ReturnType<typeof createDispatcher>[] = [];
  const dispatcher = (opts: Partial<DispatcherOptions> & { receiver: Receiver }) => {
    const d = createDispatcher({ db: t.db, endpoints: [endpoint(opts.receiver)], userAgent: UA, random: () => 0.5, ...opts });
    dispatchers.push(d);
    return d;
  };

  beforeAll(async () => {
    t = await pgTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.exec('DELETE FROM webhook_deliveries; DELETE FROM events');
  });
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.close()));
    await receiver?.close();
    receiver = null;
  });

  describe('when the receiver refuses the first deliveries, then takes some without answering in time', () => {
    it('gets every event, every signature verifies, and each id is seen once after deduplication', async () => {
      receiver = await startReceiver((r) => {
        if (r.n <= 20) return { status: 503, body: 'starting up' };
        if (r.n <= 23) return { drop: true };
        // Processed, but answered after the dispatcher's timeout: it will come again.
        if (r.n <= 26) return { status: 200, delayMs: 600 };
        return { status: 204 };
      });
      const stored = await seed(t.db, receiver, 30);
      const d = dispatcher({ receiver, timeoutMs: 400, scheduleMs: [20, 40, 80, 160, 320, 640], concurrency: 4 });

      await deliverUntilSettled(d, t.db);

      const bodies = receiver.requests.map(verified);
      // The webhook-id is the event id, the body is the stored event's JSON.
      receiver.requests.forEach((r, i) => expect(r.headers['webhook-id']).toBe(bodies[i]!.id));
      expect(receiver.requests.every((r) => r.method === 'POST' && r.headers['content-type'] === 'application/json' && r.headers['user-agent'] === UA)).toBe(true);
      const processed = receiver.requests.filter((r) => r.answered !== null && r.answered < 300).map((r) => r.headers['webhook-id'] as string);
      expect(processed.length).toBeGreaterThan(30); // some came twice: at-least-once
      const deduplicated = [...new Set(processed)].sort();
      expect(deduplicated).toEqual(stored.map((e) => e.id).sort());
      const byId = new Map(bodies.map((b) => [b.id, b]));
      for (const e of stored) {
        expect(byId.get(e.id)).toEqual({ id: e.id, seq: e.seq, type: e.type, questionId: e.questionId, lang: e.lang, occurredAt: e.occurredAt.toISOString(), runId: null, payload: e.payload });
      }
      expect(await statusCounts(t.db)).toEqual({ delivered: 30 });
      // Every attempt is recorded, and counted on its delivery.
      const { rows } = await t.db.query<{ attempts: number; logged: number }>(
        'SELECT d.attempts, (SELECT count(*)::int FROM webhook_attempts a WHERE a.delivery_id = d.id) AS logged FROM webhook_deliveries d',
      );
      expect(rows.every((r) => r.attempts === r.logged)).toBe(true);
      expect(rows.reduce((n, r) => n + r.logged, 0)).toBe(receiver.requests.length);
    });
  });

  describe('when the receiver is down for an hour (the real schedule, on a moved clock)', () => {
    it('loses nothing: every event arrives on the attempt after the outage, signed for that attempt', async () => {
      const clock = testClock(new Date(Date.now() + 1_000));
      const start = clock.now().getTime();
      // The receiver reads the same clock: down for the first hour of it.
      receiver = await startReceiver(() => (clock.now().getTime() < start + 3_600_000 ? { status: 502, body: 'bad gateway' } : { status: 200 }));
      const stored = await seed(t.db, receiver, 12);
      const d = dispatcher({ receiver, now: clock.now });

      const rounds: number[] = [];
      for (let i = 0; i < 20; i++) {
        const s = await d.deliverDue();
        rounds.push(s.attempted);
        const [stats] = await webhookStats(t.db);
        if (!stats?.nextAttemptAt || stats.pending === 0) break;
        clock.set(stats.nextAttemptAt);
      }

      expect(await statusCounts(t.db)).toEqual({ delivered: 12 });
      // 0 s, 5 s, 5 min 5 s, 35 min 5 s refused; 2 h 35 min 5 s after the first: delivered.
      const { rows } = await t.db.query<{ attempts: number; delivered_at: Date }>('SELECT attempts, delivered_at FROM webhook_deliveries');
      expect(rows.map((r) => r.attempts)).toEqual(Array(12).fill(5));
      expect(rows.every((r) => r.delivered_at.getTime() - start === 9_305_000)).toBe(true);
      expect(rounds.slice(0, 5)).toEqual([12, 12, 12, 12, 12]);
      const accepted = receiver.requests.filter((r) => r.answered === 200);
      expect(accepted.map((r) => r.headers['webhook-id']).sort()).toEqual(stored.map((e) => e.id).sort());
      // Each attempt is signed with its own (moved) time; checked with the library's signer.
      for (const r of receiver.requests) {
        const ts = Number(r.headers['webhook-timestamp']);
        expect(r.headers['webhook-signature']).toBe(new Webhook(SECRET).sign(r.headers['webhook-id'] as string, new Date(ts * 1000), r.body));
      }
    });
  });

  describe('when the receiver is down for the whole schedule', () => {
    it('fails the delivery after the last attempt, with the last error', async () => {
      receiver = await startReceiver(() => ({ status: 500, body: 'down for maintenance\n' }));
      await seed(t.db, receiver, 2);
      const d = dispatcher({ receiver, scheduleMs: [10, 20] });

      await deliverUntilSettled(d, t.db);

      expect(await statusCounts(t.db)).toEqual({ failed: 2 });
      const { rows } = await t.db.query<{ attempts: number; last_status: number; last_error: string }>('SELECT attempts, last_status, last_error FROM webhook_deliveries');
      expect(rows).toEqual(Array(2).fill({ attempts: 3, last_status: 500, last_error: 'HTTP 500: down for maintenance' }));
      expect(receiver.requests).toHaveLength(6);
      const [stats] = await webhookStats(t.db);
      expect(stats).toMatchObject({ endpoint: receiver.url, pending: 0, delivered: 0, failed: 2, lastError: { status: 500, message: 'HTTP 500: down for maintenance' } });
    });

    it('records a refused connection with no status and its code', async () => {
      receiver = await startReceiver();
      await seed(t.db, receiver, 1);
      await receiver.close();
      const d = dispatcher({ receiver, scheduleMs: [] });

      await d.deliverDue();

      const [stats] = await webhookStats(t.db);
      expect(stats).toMatchObject({ failed: 1, lastError: { status: null } });
      expect(stats!.lastError!.message).toMatch(/^ECONNREFUSED/);
    });
  });

  describe('when two dispatchers in two connection pools work the same outbox', () => {
    it('delivers each of 200 deliveries exactly once', async () => {
      const deliveredBy = new Map<string, number>();
      receiver = await startReceiver((r) => {
        deliveredBy.set(r.headers['webhook-id'] as string, (deliveredBy.get(r.headers['webhook-id'] as string) ?? 0) + 1);
        return { status: 200, delayMs: 5 };
      });
      const stored = await seed(t.db, receiver, 200);
      const other: Db = await openDb({ databaseUrl: TEST_DATABASE_URL, schema: t.schema, poolSize: 4 });
      try {
        const a = dispatcher({ receiver, concurrency: 4 });
        const b = createDispatcher({ db: other, endpoints: [endpoint(receiver)], userAgent: UA, concurrency: 4 });
        dispatchers.push(b);

        const [sa, sb] = await Promise.all([a.deliverDue(), b.deliverDue()]);

        expect(sa.delivered + sb.delivered).toBe(200);
        expect(sa.delivered).toBeGreaterThan(0);
        expect(sb.delivered).toBeGreaterThan(0);
        expect(receiver.requests).toHaveLength(200);
        expect([...deliveredBy.keys()].sort()).toEqual(stored.map((e) => e.id).sort());
        expect([...deliveredBy.values()].every((n) => n === 1)).toBe(true);
        expect(await statusCounts(t.db)).toEqual({ delivered: 200 });
      } finally {
        await other.close();
      }
    });
  });

  describe('when the receiver answers 429 with Retry-After', () => {
    it('does not come back before the time it asked for', async () => {
      const clock = testClock(new Date(Date.now() + 1_000));
      const start = clock.now().getTime();
      receiver = await startReceiver((r) => (r.n === 1 ? { status: 429, headers: { 'retry-after': '120' }, body: 'slow down' } : { status: 200 }));
      await seed(t.db, receiver, 1);
      const d = dispatcher({ receiver, now: clock.now });

      await d.deliverDue();
      const [after429] = await webhookStats(t.db);
      // The schedule alone would come back after 5 s.
      expect(after429!.nextAttemptAt!.getTime() - start).toBe(120_000);

      clock.set(new Date(start + 60_000));
      expect((await d.deliverDue()).attempted).toBe(0);
      clock.set(new Date(start + 120_000));
      expect((await d.deliverDue()).delivered).toBe(1);
      expect(receiver.requests.map((r) => r.answered)).toEqual([429, 200]);
    });
  });

  describe('when the receiver answers 410 Gone', () => {
    it('fails the delivery at once', async () => {
      receiver = await startReceiver(() => ({ status: 410 }));
      await seed(t.db, receiver, 1);
      await dispatcher({ receiver }).deliverDue();
      expect(await statusCounts(t.db)).toEqual({ failed: 1 });
      expect(receiver.requests).toHaveLength(1);
    });
  });

  describe('when a dispatcher died holding a delivery', () => {
    it('is taken again once its lease is over, not before', async () => {
      const clock = testClock(new Date(Date.now() + 1_000));
      const start = clock.now().getTime();
      receiver = await startReceiver();
      await seed(t.db, receiver, 1);
      // The dead dispatcher's claim: counted, leased for 60 s, never recorded.
      const [claimed] = await claimDueDeliveries(t.db, { endpoints: [receiver.url], now: clock.now(), leaseUntil: new Date(start + 60_000), limit: 5 });
      expect(claimed!.attempts).toBe(1);
      const d = dispatcher({ receiver, now: clock.now });

      clock.set(new Date(start + 30_000));
      expect((await d.deliverDue()).attempted).toBe(0);
      clock.set(new Date(start + 60_000));
      expect((await d.deliverDue()).delivered).toBe(1);

      const { rows } = await t.db.query<{ attempts: number; status: string }>('SELECT attempts, status FROM webhook_deliveries');
      expect(rows).toEqual([{ attempts: 2, status: 'delivered' }]);
    });
  });

  describe('when it runs in the background', () => {
    it('delivers events stored after it started, and close() lets the attempt in flight finish', async () => {
      receiver = await startReceiver(() => ({ status: 200, delayMs: 300 }));
      const d = dispatcher({ receiver });
      d.start({ intervalMs: 20 });
      await seed(t.db, receiver, 1);
      while (receiver.requests.length === 0) await new Promise((r) => setTimeout(r, 10));

      await d.close();

      expect(await statusCounts(t.db)).toEqual({ delivered: 1 });
    });
  });
});

describe('the webhook dispatcher on the embedded database (PGlite)', () => {
  it('delivers through a refused first attempt, and records both attempts', async () => {
    const t = await pgliteTestDb();
    const receiver = await startReceiver((r) => (r.n === 1 ? { status: 500, body: 'oops' } : { status: 200 }));
    const d = createDispatcher({ db: t.db, endpoints: [endpoint(receiver)], userAgent: UA, scheduleMs: [10], concurrency: 2 });
    try {
      const [stored] = await seed(t.db, receiver, 1);
      await deliverUntilSettled(d, t.db);

      expect(await statusCounts(t.db)).toEqual({ delivered: 1 });
      expect(receiver.requests.map((r) => [r.answered, verified(r).id])).toEqual([
        [500, stored!.id],
        [200, stored!.id],
      ]);
      const [stats] = await webhookStats(t.db);
      expect(stats).toMatchObject({ delivered: 1, lastError: { status: 500, message: 'HTTP 500: oops' } });
    } finally {
      await d.close();
      await receiver.close();
      await t.drop();
    }
  });
});
