/**
 * `senate-questions webhooks` in this process (main(argv, io)) on a PostgreSQL schema of its
 * own, with receivers on 127.0.0.1; and the delivery at the end of an in-process crawl.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../../src/notify/signature.ts';
import { insertEvents, type NewEvent, type StoredEvent, type WebhookEndpoint } from '../../src/store/events.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../notify/receiver.ts';
import { runCli } from './run-cli.ts';

const SECRET = generateWebhookSecret();

function answerArrived(n: number): NewEvent {
  return { type: 'answer_arrived', questionId: `8-${n}`, lang: 'nl', key: `answer ${n}`, payload: { lang: 'nl', excerpt: `antwoord ${n}` } };
}
function questionNew(n: number): NewEvent {
  return { type: 'question_new', questionId: `8-${n}`, lang: null, key: '', payload: { number: n } };
}

describe('senate-questions webhooks', () => {
  let t: TestDb;
  let ok: Receiver;
  let down: Receiver;
  let env: NodeJS.ProcessEnv;
  let stored: StoredEvent[];

  beforeAll(async () => {
    ok = await startReceiver(() => ({ status: 200 }));
    down = await startReceiver(() => ({ status: 503, body: 'maintenance until 14:00' }));
  });
  afterAll(async () => {
    await ok?.close();
    await down?.close();
  });
  beforeEach(async () => {
    t = await pgTestDb();
    const endpoints: WebhookEndpoint[] = [
      { url: ok.url, events: '*' },
      { url: down.url, events: ['answer_arrived'] },
    ];
    stored = await t.db.transaction((tx) => insertEvents(tx, [questionNew(1), answerArrived(1), answerArrived(2)], endpoints));
    env = {
      DATABASE_URL: t.url,
      DATABASE_SCHEMA: t.schema,
      WEBHOOK_SECRET: SECRET,
      WEBHOOKS: JSON.stringify(endpoints),
      WEBHOOK_RETRY_SCHEDULE: '1ms,1ms',
    };
  });
  afterEach(async () => {
    await t?.drop();
  });

  /** `webhooks deliver` until nothing is pending (the schedule is 1 ms: three rounds at most). */
  async function deliverAll(): Promise<string[]> {
    const outs: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await runCli(['webhooks', 'deliver'], { env });
      expect(r.code, r.stderr).toBe(0);
      outs.push(r.stdout);
      if (r.stdout.endsWith('0 pending\n')) return outs;
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error(`still pending: ${outs.join('')}`);
  }

  describe('deliver', () => {
    it('delivers what is due and says what is left pending', async () => {
      const hourly = { ...env, WEBHOOK_RETRY_SCHEDULE: '1h' };
      const first = await runCli(['webhooks', 'deliver', '--json'], { env: hourly });
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toEqual({ attempted: 5, delivered: 3, retrying: 2, failed: 0, pending: 2 });

      // Nothing is due before the hour: nothing is attempted.
      const text = await runCli(['webhooks', 'deliver'], { env: hourly });
      expect(text.stdout).toBe('webhooks: 0 delivered, 0 to retry, 0 failed; 2 pending (a worker, or `senate-questions webhooks deliver`, delivers them)\n');
      expect(down.requests.length + ok.requests.length).toBeGreaterThanOrEqual(5);
    });

    it('refuses to run without WEBHOOKS', async () => {
      const r = await runCli(['webhooks', 'deliver'], { env: { ...env, WEBHOOKS: '' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: no webhooks configured: set WEBHOOKS\n');
    });
  });

  describe('with no option', () => {
    it('shows per endpoint the pending, delivered and failed deliveries and the last error, as JSON', async () => {
      const before = JSON.parse((await runCli(['webhooks', '--json'], { env })).stdout) as Record<string, unknown>[];
      expect(before).toEqual([
        expect.objectContaining({ endpoint: ok.url, configured: true, events: '*', pending: 3, delivered: 0, failed: 0, lastError: null }),
        expect.objectContaining({ endpoint: down.url, configured: true, events: ['answer_arrived'], pending: 2, delivered: 0, failed: 0, lastError: null }),
      ]);
      expect(before[0]!.oldestPendingAgeSec).toEqual(expect.any(Number));

      await deliverAll();

      const after = JSON.parse((await runCli(['webhooks', '--json'], { env })).stdout) as Record<string, unknown>[];
      expect(after).toEqual([
        expect.objectContaining({ endpoint: ok.url, pending: 0, delivered: 3, failed: 0, oldestPendingAgeSec: null, lastError: null }),
        expect.objectContaining({
          endpoint: down.url,
          pending: 0,
          delivered: 0,
          failed: 2,
          lastError: expect.objectContaining({ status: 503, message: 'HTTP 503: maintenance until 14:00' }),
        }),
      ]);
    });

    it('says the same in lines, with how to retry the failed ones', async () => {
      await deliverAll();
      const r = await runCli(['webhooks'], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${ok.url}  events: all\n  pending 0, delivered 3, failed 0\n  last delivered `);
      expect(r.stdout).toContain(`${down.url}  events: answer_arrived\n  pending 0, delivered 0, failed 2\n`);
      expect(r.stdout).toMatch(/ {2}last error \d{4}-\d\d-\d\dT[\d:.]+Z \(event evt_[a-z2-7]+\): HTTP 503: maintenance until 14:00\n {2}retry the failed ones: senate-questions webhooks retry --failed\n$/);
    });

    it('lists an endpoint no longer in WEBHOOKS as not configured, its deliveries waiting', async () => {
      const r = await runCli(['webhooks', '--json'], { env: { ...env, WEBHOOKS: JSON.stringify([{ url: ok.url }]) } });
      expect(JSON.parse(r.stdout)).toEqual([
        expect.objectContaining({ endpoint: ok.url, configured: true, pending: 3 }),
        expect.objectContaining({ endpoint: down.url, configured: false, events: null, pending: 2 }),
      ]);
      const delivered = await runCli(['webhooks', 'deliver', '--json'], { env: { ...env, WEBHOOKS: JSON.stringify([{ url: ok.url }]) } });
      expect(JSON.parse(delivered.stdout)).toMatchObject({ delivered: 3, pending: 0 });
    });
  });

  describe('show <event-id>', () => {
    it("lists the event's deliveries and each attempt", async () => {
      await deliverAll();
      const answer = stored.find((e) => e.type === 'answer_arrived')!;
      const r = await runCli(['webhooks', 'show', answer.id], { env });
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toBe(`event ${answer.id}: answer_arrived 8-1 (nl), seq ${answer.seq}, ${answer.occurredAt.toISOString()}`);
      // Each delivery, then its attempts.
      const okAt = lines.findIndex((l) => l.includes(` to ${ok.url}: `));
      const downAt = lines.findIndex((l) => l.includes(` to ${down.url}: `));
      expect(lines[okAt]).toMatch(/^ {2}delivery \d+ to \S+: delivered at \S+Z, 1 attempt\(s\)$/);
      expect(lines[okAt + 1]).toMatch(/^ {4}\S+Z {2}HTTP 200 ok \(\d+ ms\)$/);
      expect(lines[downAt]).toMatch(/^ {2}delivery \d+ to \S+: failed, 3 attempt\(s\)$/);
      expect(lines.slice(downAt + 1, downAt + 4).every((l) => /^ {4}\S+Z {2}HTTP 503: maintenance until 14:00 \(\d+ ms\)$/.test(l))).toBe(true);
      expect(lines.filter((l) => l !== '')).toHaveLength(7);

      const json = JSON.parse((await runCli(['webhooks', 'show', answer.id, '--json'], { env })).stdout);
      expect(json.event).toEqual({ id: answer.id, seq: answer.seq, type: 'answer_arrived', questionId: '8-1', lang: 'nl', occurredAt: answer.occurredAt.toISOString(), runId: null, payload: answer.payload });
      expect(json.deliveries.map((d: { status: string; attemptLog: unknown[] }) => [d.status, d.attemptLog.length]).sort()).toEqual([
        ['delivered', 1],
        ['failed', 3],
      ]);
    });

    it('exits 1 for an event that is not stored, 2 for what is not an event id', async () => {
      expect(await runCli(['webhooks', 'show', 'evt_aaaa'], { env })).toMatchObject({ code: 1, stderr: 'error: event evt_aaaa is not stored\n' });
      expect(await runCli(['webhooks', 'show', '8-1'], { env })).toMatchObject({ code: 2, stderr: 'error: not an event id: "8-1" (expected evt_…)\n' });
    });
  });

  describe('retry', () => {
    it('puts the failed deliveries back to pending with the whole schedule again', async () => {
      await deliverAll();
      const r = await runCli(['webhooks', 'retry', '--failed'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^2 deliveries put back to pending \(\d+, \d+\); a worker or `senate-questions webhooks deliver` sends them\n$/);
      const { rows } = await t.db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM webhook_deliveries WHERE endpoint = $1`, [down.url]);
      expect(rows).toEqual([
        { status: 'pending', attempts: 0 },
        { status: 'pending', attempts: 0 },
      ]);
      expect((await runCli(['webhooks', 'retry', '--failed'], { env })).stdout).toBe('no failed deliveries\n');
    });

    it('retries one delivery by id, and says why when it is not failed', async () => {
      await deliverAll();
      const { rows } = await t.db.query<{ id: number; endpoint: string }>('SELECT id, endpoint FROM webhook_deliveries ORDER BY id');
      const failed = rows.find((d) => d.endpoint === down.url)!;
      const delivered = rows.find((d) => d.endpoint === ok.url)!;

      expect(await runCli(['webhooks', 'retry', String(failed.id)], { env })).toMatchObject({ code: 0, stdout: expect.stringMatching(/^1 delivery put back to pending/) });
      expect(await runCli(['webhooks', 'retry', String(delivered.id)], { env })).toMatchObject({
        code: 1,
        stderr: `error: delivery ${delivered.id} is delivered, not failed: only failed deliveries are put back\n`,
      });
      expect(await runCli(['webhooks', 'retry', '999999'], { env })).toMatchObject({ code: 1, stderr: 'error: delivery 999999 does not exist\n' });
      expect(await runCli(['webhooks', 'retry'], { env })).toMatchObject({ code: 2, stderr: 'error: give a delivery id or --failed (one of them)\n' });
    });
  });
});

describe('a malformed WEBHOOKS setting', () => {
  it.each([
    ['not JSON', '[{url:', 'is not valid JSON'],
    ['not a list', '{"url":"http://127.0.0.1:9/"}', 'must be a JSON list of endpoints'],
    ['a bad URL', '[{"url":"ftp://127.0.0.1/"}]', 'endpoint 1: "url" must be an http or https URL'],
    ['an unknown event type', '[{"url":"http://127.0.0.1:9/","events":["answer_arived"]}]', 'endpoint 1: unknown event type(s) "answer_arived" (known: question_new, answer_arrived'],
    ['a bad secret', '[{"url":"http://127.0.0.1:9/","secret":"hunter2hunter2"}]', 'endpoint 1: "secret" must start with whsec_'],
    ['no secret anywhere', '[{"url":"http://127.0.0.1:9/"}]', 'http://127.0.0.1:9/ has no "secret" and WEBHOOK_SECRET is unset'],
  ])('exits 2 naming WEBHOOKS for %s, without echoing the value', async (_what, value, message) => {
    const r = await runCli(['webhooks'], { env: { WEBHOOKS: value } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`WEBHOOKS: ${message}`);
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe('an in-process crawl with WEBHOOKS', () => {
  let t: TestDb;
  let fake: FakeSenate;
  let receiver: Receiver;

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 2, legislature: 8, seed: 5 } });
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    t = await pgTestDb();
  });
  afterEach(async () => {
    await receiver?.close();
    await t?.drop();
  });

  async function crawlWith(answer: () => { status: number }): Promise<{ code: number; stderr: string }> {
    receiver = await startReceiver(answer);
    const endpoints = [{ url: receiver.url, events: '*' as const }];
    await t.db.transaction((tx) => insertEvents(tx, [questionNew(101), answerArrived(101)], endpoints));
    return runCli(['crawl', '--legislature', '8'], {
      env: { DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema, SENATE_BASE_URL: fake.url, CRAWL_RATE_PER_SEC: '0', WEBHOOK_SECRET: SECRET, WEBHOOKS: JSON.stringify(endpoints) },
    });
  }

  it('delivers what is due before it exits', async () => {
    const r = await crawlWith(() => ({ status: 200 }));
    expect(r.code, r.stderr).toBe(0);
    // The two stored before, and the crawl's question_new of its two questions (change history).
    expect(r.stderr).toContain('webhooks: 4 delivered, 0 to retry, 0 failed; 0 pending\n');
    expect(receiver.requests.map((q) => JSON.parse(q.body).type).sort()).toEqual(['answer_arrived', 'question_new', 'question_new', 'question_new']);
  });

  it('leaves what the receiver refused pending, and says so', async () => {
    const r = await crawlWith(() => ({ status: 500 }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('webhooks: 0 delivered, 4 to retry, 0 failed; 4 pending (a worker, or `senate-questions webhooks deliver`, delivers them)\n');
  });
});
