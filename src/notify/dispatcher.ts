/**
 * The webhook dispatcher: takes due deliveries from the outbox, POSTs each event signed to its
 * endpoint, records every attempt, and schedules the next one on failure (retry-schedule.ts).
 *
 * `concurrency` slots each claim one delivery at a time (a short transaction, FOR UPDATE SKIP
 * LOCKED, with a lease: store/webhooks.ts), so dispatchers in several processes share the
 * outbox without ever sending one delivery twice at once, and a delivery whose dispatcher died
 * mid-attempt is taken again when its lease ends. Delivery is at-least-once: a receiver that
 * answered too late, or a process that died after the POST, gets the event again with the same
 * `webhook-id` (the event's id), which is what the receiver deduplicates on.
 *
 * It runs in every `worker` process (start()), at the end of an in-process `crawl` and in
 * `senate-questions webhooks deliver` (deliverDue() with a deadline).
 */
import type { Agent } from 'undici';
import { eventJson, type WebhookEndpoint } from '../store/events.ts';
import type { Queryable } from '../store/db.ts';
import { claimDueDeliveries, recordAttempt, type ClaimedDelivery } from '../store/webhooks.ts';
import { coerceError } from '../util/errors.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { nextAttemptDelayMs, STANDARD_RETRY_SCHEDULE_MS } from './retry-schedule.ts';
import { createWebhookAgent, sendWebhook, type AttemptResult } from './send.ts';
import { webhookHeaders, webhookSecretKey } from './signature.ts';

export interface DispatcherOptions {
  db: Queryable;
  /** The configured endpoints, each with its secret (config resolves WEBHOOK_SECRET into them). */
  endpoints: readonly WebhookEndpoint[];
  userAgent: string;
  logger?: Logger;
  /** Total time of one attempt, ms. Default 15 000 (Standard Webhooks: 15 to 30 s). */
  timeoutMs?: number;
  /** Attempts in flight at once in this dispatcher. Default 4. */
  concurrency?: number;
  /** Delays after attempt 1, 2, … (ms). Default STANDARD_RETRY_SCHEDULE_MS (about 27 h). */
  scheduleMs?: readonly number[];
  /**
   * How long a claim holds a delivery, ms: past it, another dispatcher takes it again. Default
   * twice the timeout plus 30 s, so that a live attempt always ends (and is recorded) first.
   */
  leaseMs?: number;
  /** The clock of the outbox (claims, schedule, `webhook-timestamp`). Tests move it. */
  now?: () => Date;
  /** [0, 1) for the jitter. */
  random?: () => number;
}

export interface DispatchSummary {
  /** Attempts made. */
  attempted: number;
  delivered: number;
  /** Failed attempts scheduled again. */
  retrying: number;
  /** Deliveries given up (schedule spent, or 410 Gone). */
  failed: number;
}

export interface DeliverDueOptions {
  /** Stop claiming after this long, ms, and interrupt what is still in flight then. Default: no limit. */
  deadlineMs?: number;
}

export interface LoopOptions {
  /** Pause between two rounds when nothing was due, ms. Default 5 000. */
  intervalMs?: number;
}

export interface Dispatcher {
  /** Delivers what is due until nothing is (or the deadline passes). */
  deliverDue(opts?: DeliverDueOptions): Promise<DispatchSummary>;
  /** Delivers in the background, a round every `intervalMs`, until close(). */
  start(opts?: LoopOptions): void;
  /**
   * Stops claiming (the loop and any deliverDue), lets the attempts in flight end and be
   * recorded (each is bounded by the timeout), closes the HTTP agent. Idempotent.
   */
  close(): Promise<void>;
}

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  return new WebhookDispatcher(opts);
}

const emptySummary = (): DispatchSummary => ({ attempted: 0, delivered: 0, retrying: 0, failed: 0 });

class WebhookDispatcher implements Dispatcher {
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly scheduleMs: readonly number[];
  private readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly endpoints: Map<string, { endpoint: WebhookEndpoint; key: Buffer }>;
  private readonly agent: Agent;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private readonly active = new Set<Promise<DispatchSummary>>();

  constructor(private readonly opts: DispatcherOptions) {
    this.log = (opts.logger ?? silentLogger).child({ component: 'webhooks' });
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.scheduleMs = opts.scheduleMs ?? STANDARD_RETRY_SCHEDULE_MS;
    this.leaseMs = opts.leaseMs ?? 2 * this.timeoutMs + 30_000;
    this.now = opts.now ?? (() => new Date());
    this.random = opts.random ?? Math.random;
    this.endpoints = new Map();
    for (const endpoint of opts.endpoints) {
      if (!endpoint.secret) throw new Error(`webhook endpoint ${endpoint.url} has no secret`);
      this.endpoints.set(endpoint.url, { endpoint, key: webhookSecretKey(endpoint.secret) });
    }
    this.agent = createWebhookAgent({ connectTimeoutMs: Math.min(10_000, this.timeoutMs) });
  }

  deliverDue(opts: DeliverDueOptions = {}): Promise<DispatchSummary> {
    const round = this.round(opts);
    this.active.add(round);
    void round.finally(() => this.active.delete(round)).catch(() => undefined);
    return round;
  }

  private async round(opts: DeliverDueOptions): Promise<DispatchSummary> {
    const summary = emptySummary();
    if (this.endpoints.size === 0) return summary;
    // The deadline interrupts attempts in flight; stopping (close) only stops claiming more.
    const deadline = opts.deadlineMs === undefined ? undefined : AbortSignal.timeout(opts.deadlineMs);
    const slot = async (): Promise<void> => {
      while (!this.stopping.signal.aborted && !deadline?.aborted) {
        const [claimed] = await claimDueDeliveries(this.opts.db, {
          endpoints: [...this.endpoints.keys()],
          now: this.now(),
          leaseUntil: new Date(this.now().getTime() + this.leaseMs),
          limit: 1,
        });
        if (!claimed) return;
        await this.attempt(claimed, deadline, summary);
      }
    };
    const slots = await Promise.allSettled(Array.from({ length: this.concurrency }, slot));
    const failure = slots.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw coerceError(failure.reason);
    return summary;
  }

  private async attempt(d: ClaimedDelivery, signal: AbortSignal | undefined, summary: DispatchSummary): Promise<void> {
    const target = this.endpoints.get(d.endpoint)!;
    const body = JSON.stringify(eventJson(d.event));
    const attemptedAt = this.now();
    const result: AttemptResult = await sendWebhook(this.agent, {
      url: d.endpoint,
      body,
      headers: webhookHeaders(target.key, d.event.id, attemptedAt, body),
      userAgent: this.opts.userAgent,
      timeoutMs: this.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    summary.attempted++;
    let outcome: Parameters<typeof recordAttempt>[1]['outcome'];
    if (result.ok) {
      outcome = { kind: 'delivered' };
      summary.delivered++;
    } else {
      const delay = result.gone ? null : nextAttemptDelayMs({ attempts: d.attempts, scheduleMs: this.scheduleMs, retryAfterMs: result.retryAfterMs, random: this.random });
      if (delay === null) {
        outcome = { kind: 'failed' };
        summary.failed++;
      } else {
        outcome = { kind: 'retry', retryAt: new Date(this.now().getTime() + delay) };
        summary.retrying++;
      }
    }
    const log = { deliveryId: d.id, eventId: d.event.id, endpoint: d.endpoint, attempt: d.attempts, status: result.status, durationMs: Math.round(result.durationMs) };
    if (result.ok) this.log.debug(log, 'webhook delivered');
    else this.log.warn({ ...log, error: result.error, outcome: outcome.kind, ...(outcome.kind === 'retry' ? { retryAt: outcome.retryAt } : {}) }, 'webhook attempt failed');
    try {
      await recordAttempt(this.opts.db, {
        deliveryId: d.id,
        claimedAttempts: d.attempts,
        attemptedAt,
        status: result.status,
        error: result.error,
        durationMs: result.durationMs,
        outcome,
      });
    } catch (e) {
      // The lease still holds the delivery: it is taken again when the lease ends (at-least-once).
      this.log.error({ ...log, err: coerceError(e) }, 'recording a webhook attempt failed');
    }
  }

  start(opts: LoopOptions = {}): void {
    if (this.loop || this.closing) return;
    const intervalMs = opts.intervalMs ?? 5_000;
    this.loop = (async () => {
      while (!this.stopping.signal.aborted) {
        try {
          await this.deliverDue();
        } catch (e) {
          this.log.error({ err: coerceError(e) }, 'webhook delivery round failed');
        }
        if (this.stopping.signal.aborted) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    })();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping.abort(new Error('the dispatcher is stopping'));
      this.wake?.();
      await this.loop;
      await Promise.allSettled([...this.active]);
      await this.agent.close().catch(() => undefined);
    })();
    return this.closing;
  }
}
