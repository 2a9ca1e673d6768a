/**
 * Argument checks of the `webhooks` subcommands, run before the command's work is loaded (a
 * usage error loads no database library), as options.ts does for the others.
 */
import { UsageError } from '../util/errors.ts';

/** `<event-id>`: evt_ and base32 (src/store/events.ts eventId). */
export function eventIdArg(value: string): string {
  if (!/^evt_[a-z2-7]+$/.test(value)) throw new UsageError(`not an event id: ${JSON.stringify(value)} (expected evt_…)`);
  return value;
}

/** `retry [delivery-id] [--failed]`: exactly one of them; the id a whole number ≥ 1. */
export function retryTarget(deliveryId: string | undefined, opts: { failed?: boolean }): { id?: number } {
  if ((deliveryId === undefined) === !opts.failed) throw new UsageError('give a delivery id or --failed (one of them)');
  if (deliveryId === undefined) return {};
  const id = Number(deliveryId);
  if (!/^\d+$/.test(deliveryId) || id < 1) throw new UsageError(`not a delivery id: ${JSON.stringify(deliveryId)} (a number, as \`webhooks show <event-id>\` lists)`);
  return { id };
}
