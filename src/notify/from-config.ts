/**
 * The dispatcher as the programs run it, from the settings: in the background of a `worker`,
 * for a bounded time at the end of an in-process `crawl`, and in `webhooks deliver`.
 */
import type { Config } from '../../config/index.ts';
import type { Queryable } from '../store/db.ts';
import { pendingDeliveries } from '../store/webhooks.ts';
import { coerceError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { createDispatcher, type Dispatcher, type DispatchSummary } from './dispatcher.ts';

export type WebhookConfig = Pick<Config, 'webhooks' | 'webhookTimeoutMs' | 'webhookConcurrency' | 'webhookRetryScheduleMs' | 'crawlerContact'>;

/** How long an in-process crawl delivers webhooks before it exits, ms: what is left stays pending. */
export const CRAWL_END_DELIVERY_MS = 5_000;

/** What a crawl's end leaves for the dispatchers. */
export interface DeliveryReport extends DispatchSummary {
  /** Pending deliveries left (to be retried later, or not yet due). */
  pending: number;
}

/** `senate-questions-webhooks/0.1 (+contact)`: the receiver can tell who calls. */
export function webhookUserAgent(config: Pick<Config, 'crawlerContact'>): string {
  return `senate-questions-webhooks/0.1 (+${config.crawlerContact})`;
}

/** The dispatcher of the configured endpoints, or null when WEBHOOKS is empty. */
export function dispatcherFromConfig(config: WebhookConfig, db: Queryable, logger: Logger): Dispatcher | null {
  if (config.webhooks.length === 0) return null;
  return createDispatcher({
    db,
    endpoints: config.webhooks,
    userAgent: webhookUserAgent(config),
    logger,
    timeoutMs: config.webhookTimeoutMs,
    concurrency: config.webhookConcurrency,
    scheduleMs: config.webhookRetryScheduleMs,
  });
}

/** In a long-running process: deliver every few seconds until close(). Nothing to close without WEBHOOKS. */
export function startWebhookLoop(config: WebhookConfig, db: Queryable, logger: Logger, opts: { intervalMs?: number } = {}): { close(): Promise<void> } {
  const dispatcher = dispatcherFromConfig(config, db, logger);
  if (!dispatcher) return { close: async () => undefined };
  dispatcher.start(opts);
  logger.info({ endpoints: config.webhooks.length }, 'webhook delivery started');
  return dispatcher;
}

/**
 * Deliver what is due for at most `deadlineMs` (attempts still in flight then are interrupted
 * and tried again later) and count what is left pending. Throws what the database throws.
 */
export async function deliverFor(dispatcher: Dispatcher, config: WebhookConfig, db: Queryable, opts: { deadlineMs: number }): Promise<DeliveryReport> {
  const summary = await dispatcher.deliverDue({ deadlineMs: opts.deadlineMs });
  const { pending } = await pendingDeliveries(db, { endpoints: config.webhooks.map((e) => e.url), now: new Date() });
  return { ...summary, pending };
}

/**
 * Before a short-lived process (an in-process crawl) exits: deliverFor() with a dispatcher of
 * its own. Null without WEBHOOKS, or when delivering failed (logged: the deliveries stay
 * pending, nothing is lost, and the process's own work does not fail for it).
 */
export async function deliverBeforeExit(config: WebhookConfig, db: Queryable, logger: Logger, opts: { deadlineMs: number }): Promise<DeliveryReport | null> {
  const dispatcher = dispatcherFromConfig(config, db, logger);
  if (!dispatcher) return null;
  try {
    return await deliverFor(dispatcher, config, db, opts);
  } catch (e) {
    logger.warn({ err: coerceError(e) }, 'delivering webhooks failed: the deliveries stay pending');
    return null;
  } finally {
    await dispatcher.close();
  }
}

/** One line for a person: `webhooks: 3 delivered, 1 to retry, 0 failed; 1 pending (…)`. */
export function reportLine(r: DeliveryReport): string {
  return (
    `webhooks: ${r.delivered} delivered, ${r.retrying} to retry, ${r.failed} failed; ${r.pending} pending` +
    (r.pending > 0 ? ' (a worker, or `senate-questions webhooks deliver`, delivers them)' : '')
  );
}
