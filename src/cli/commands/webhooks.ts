/**
 * `senate-questions webhooks`: the deliveries per endpoint (pending, delivered, failed, the
 * oldest pending, the last error); `show <event-id>` one event's deliveries and attempts;
 * `retry` failed deliveries; `deliver [--loop]` runs the dispatcher (cron-friendly without
 * `--loop`, a long-running process with it).
 */
import type { Config } from '../../../config/index.ts';
import { eventJson } from '../../store/events.ts';
import { eventDeliveries, getDelivery, retryFailedDeliveries, webhookStats, type EndpointStats } from '../../store/webhooks.ts';
import { deliverFor, dispatcherFromConfig, reportLine, startWebhookLoop } from '../../notify/from-config.ts';
import { UsageError, WorkFailedError } from '../../util/errors.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';
import { onShutdownSignals } from '../signals.ts';

export interface EndpointStatus extends EndpointStats {
  /** In WEBHOOKS now; a URL removed from it keeps its deliveries, undelivered. */
  configured: boolean;
  events: Config['webhooks'][number]['events'] | null;
  oldestPendingAgeSec: number | null;
}

export async function webhooksStatus(opts: { json?: boolean }, io: Io): Promise<void> {
  await withApp(io, async ({ db, config }) => {
    const stats = new Map((await webhookStats(db)).map((s) => [s.endpoint, s]));
    const now = Date.now();
    const rows: EndpointStatus[] = [];
    for (const e of config.webhooks) {
      const s = stats.get(e.url) ?? emptyStats(e.url);
      stats.delete(e.url);
      rows.push(status(s, true, e.events, now));
    }
    for (const s of stats.values()) rows.push(status(s, false, null, now));
    if (opts.json) {
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (rows.length === 0) {
      io.stdout.write('no webhooks configured (WEBHOOKS) and no deliveries\n');
      return;
    }
    io.stdout.write(rows.map(describe).join('\n'));
  });
}

function emptyStats(endpoint: string): EndpointStats {
  return { endpoint, pending: 0, delivered: 0, failed: 0, oldestPendingAt: null, nextAttemptAt: null, lastDeliveredAt: null, lastError: null };
}

function status(s: EndpointStats, configured: boolean, events: EndpointStatus['events'], now: number): EndpointStatus {
  return {
    ...s,
    configured,
    events,
    oldestPendingAgeSec: s.oldestPendingAt ? Math.max(0, Math.round((now - s.oldestPendingAt.getTime()) / 1000)) : null,
  };
}

function describe(r: EndpointStatus): string {
  const lines = [`${r.endpoint}  ${r.configured ? `events: ${r.events === '*' ? 'all' : (r.events ?? []).join(', ')}` : 'NOT CONFIGURED (in WEBHOOKS no more): its pending deliveries wait'}`];
  let counts = `  pending ${r.pending}, delivered ${r.delivered}, failed ${r.failed}`;
  if (r.oldestPendingAgeSec !== null) counts += `; oldest pending ${age(r.oldestPendingAgeSec)}`;
  if (r.nextAttemptAt) counts += `, next attempt ${r.nextAttemptAt.toISOString()}`;
  lines.push(counts);
  if (r.lastDeliveredAt) lines.push(`  last delivered ${r.lastDeliveredAt.toISOString()}`);
  if (r.lastError) lines.push(`  last error ${r.lastError.at.toISOString()} (event ${r.lastError.eventId}): ${r.lastError.message}`);
  if (r.failed > 0) lines.push('  retry the failed ones: senate-questions webhooks retry --failed');
  return `${lines.join('\n')}\n`;
}

function age(sec: number): string {
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m ${sec % 60}s`;
  if (sec < 86_400) return `${Math.floor(sec / 3600)}h ${Math.floor((sec % 3600) / 60)}m`;
  return `${Math.floor(sec / 86_400)}d ${Math.floor((sec % 86_400) / 3600)}h`;
}

export async function webhooksShow(eventId: string, opts: { json?: boolean }, io: Io): Promise<void> {
  await withApp(io, async ({ db }) => {
    const found = await eventDeliveries(db, eventId);
    if (!found) throw new WorkFailedError(`event ${eventId} is not stored`);
    if (opts.json) {
      io.stdout.write(`${JSON.stringify({ event: eventJson(found.event), deliveries: found.deliveries }, null, 2)}\n`);
      return;
    }
    const e = found.event;
    const out = [`event ${e.id}: ${e.type}${e.questionId ? ` ${e.questionId}` : ''}${e.lang ? ` (${e.lang})` : ''}, seq ${e.seq}, ${e.occurredAt.toISOString()}`];
    if (found.deliveries.length === 0) out.push('  no deliveries (no endpoint wanted it when it was stored)');
    for (const d of found.deliveries) {
      const when = d.status === 'delivered' ? ` at ${d.deliveredAt?.toISOString()}` : d.status === 'pending' ? `, next attempt ${d.nextAttemptAt.toISOString()}` : '';
      out.push(`  delivery ${d.id} to ${d.endpoint}: ${d.status}${when}, ${d.attempts} attempt(s)`);
      for (const a of d.attemptLog) {
        out.push(`    ${a.attemptedAt.toISOString()}  ${a.error ?? `HTTP ${a.status} ok`}${a.durationMs !== null ? ` (${a.durationMs} ms)` : ''}`);
      }
    }
    io.stdout.write(`${out.join('\n')}\n`);
  });
}

/** `target`: one delivery by id, or (no id) every failed one; retryTarget() has checked it. */
export async function webhooksRetry(target: { id?: number }, io: Io): Promise<void> {
  const { id } = target;
  await withApp(io, async ({ db }) => {
    const ids = await retryFailedDeliveries(db, id === undefined ? {} : { ids: [id] });
    if (id !== undefined && ids.length === 0) {
      const d = await getDelivery(db, id);
      if (!d) throw new WorkFailedError(`delivery ${id} does not exist`);
      throw new WorkFailedError(`delivery ${id} is ${d.status}, not failed: only failed deliveries are put back`);
    }
    io.stdout.write(ids.length === 0 ? 'no failed deliveries\n' : `${ids.length} deliver${ids.length === 1 ? 'y' : 'ies'} put back to pending (${ids.join(', ')}); a worker or \`senate-questions webhooks deliver\` sends them\n`);
  });
}

export async function webhooksDeliver(opts: { loop?: boolean; deadlineMs?: number; json?: boolean }, io: Io): Promise<void> {
  await withApp(io, async ({ db, config, logger }) => {
    if (config.webhooks.length === 0) throw new UsageError('no webhooks configured: set WEBHOOKS');
    if (!opts.loop) {
      const dispatcher = dispatcherFromConfig(config, db, logger)!;
      try {
        const report = await deliverFor(dispatcher, config, db, { deadlineMs: opts.deadlineMs ?? 60_000 });
        io.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${reportLine(report)}\n`);
      } finally {
        await dispatcher.close();
      }
      return;
    }
    const loop = startWebhookLoop(config, db, logger);
    io.stderr.write(`delivering webhooks to ${config.webhooks.length} endpoint(s) until SIGINT/SIGTERM\n`);
    await new Promise<void>((resolve) => {
      const signals = onShutdownSignals({
        graceful: () => {
          void loop.close().finally(() => {
            signals.dispose();
            resolve();
          });
        },
        forcing: () => logger.flush(),
      });
    });
  });
}
