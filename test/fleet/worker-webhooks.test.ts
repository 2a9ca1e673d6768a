/**
 * A worker process delivers webhooks from the outbox while it runs, and stops delivering
 * gracefully on SIGTERM (spawned as a user starts it: e2e).
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../../src/notify/signature.ts';
import { insertEvents, type NewEvent, type WebhookEndpoint } from '../../src/store/events.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { fleetClient, spawnWorker, TEST_REDIS_URL, type FleetClient, type WorkerProcess } from '../helpers/fleet.ts';
import { startReceiver, type Receiver } from '../notify/receiver.ts';

const SECRET = generateWebhookSecret();

function statusChanged(n: number): NewEvent {
  return { type: 'status_changed', questionId: `8-${n}`, lang: null, key: `pending→answered ${n}`, payload: { from: 'pending', to: 'answered' } };
}

describe('a worker process with WEBHOOKS', () => {
  let t: TestDb | undefined;
  let client: FleetClient | undefined;
  let receiver: Receiver | undefined;
  let worker: WorkerProcess | undefined;

  afterEach(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await worker?.exited;
    await client?.close();
    await receiver?.close();
    await t?.drop();
  });

  it('delivers the events stored before and while it runs, through a refused first attempt, and stops on SIGTERM', async () => {
    t = await pgTestDb();
    client = fleetClient(t.db);
    receiver = await startReceiver((r) => (r.n === 1 ? { status: 503, body: 'warming up' } : { status: 200 }));
    const endpoints: WebhookEndpoint[] = [{ url: receiver.url, events: ['status_changed'] }];
    const before = await t.db.transaction((tx) => insertEvents(tx, [statusChanged(1), statusChanged(2)], endpoints));

    worker = await spawnWorker({
      DATABASE_URL: t.url,
      DATABASE_SCHEMA: t.schema,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: client.prefix,
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '5000',
      WEBHOOK_SECRET: SECRET,
      WEBHOOKS: JSON.stringify(endpoints),
      WEBHOOK_RETRY_SCHEDULE: '10ms',
    });
    const during = await t.db.transaction((tx) => insertEvents(tx, [statusChanged(3)], endpoints));

    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered'`);
      if (rows[0]!.n === 3) break;
      if (Date.now() > deadline) throw new Error(`not delivered in 30 s:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const accepted = receiver.requests.filter((r) => r.answered === 200);
    expect(accepted.map((r) => r.headers['webhook-id']).sort()).toEqual([...before, ...during].map((e) => e.id).sort());
    for (const r of receiver.requests) expect(new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>)).toMatchObject({ type: 'status_changed' });
    expect(receiver.requests[0]!.answered).toBe(503);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
