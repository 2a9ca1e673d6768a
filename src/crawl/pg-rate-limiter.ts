/**
 * The request budget shared through PostgreSQL, for processes that share a database but no
 * Redis (in-process crawls with DATABASE_URL): the Redis limiter's reserve-then-commit loop
 * (see rate-limit.ts) over src/store/rate-budget.ts. Two round trips per request, like Redis;
 * at a polite rate that is nothing (one at rate 0, when no pause holds). Does not own the database.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import { budgetPauseLeftMs, commitSend, ensureBudget, pauseBudget, reserveSlot } from '../store/rate-budget.ts';
import { sleep } from './fetcher.ts';
import { intervalMs, type AcquireOptions, type RateLimiter } from './rate-limit.ts';

/** Upper bound on one sleep, so a process re-checks the shared state now and then (as rate-limit.ts). */
const MAX_SLEEP_MS = 5_000;

export interface PgRateLimiterOptions {
  db: Queryable;
  /** Total requests per second per host for every process on this database. 0 = unlimited (pauses still hold). */
  ratePerSec: number;
}

export class PgRateLimiter implements RateLimiter {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(private readonly opts: PgRateLimiterOptions) {}

  private ensure(host: string): Promise<void> {
    let p = this.ready.get(host);
    if (!p) {
      p = ensureBudget(this.opts.db, host);
      this.ready.set(host, p);
      p.catch(() => this.ready.delete(host));
    }
    return p;
  }

  async acquire({ host, minIntervalMs = 0, signal }: AcquireOptions): Promise<number> {
    const started = performance.now();
    const intervalUs = Math.round(intervalMs(this.opts.ratePerSec, minIntervalMs) * 1000);
    const sender = randomUUID();
    await this.ensure(host);
    reserve: for (;;) {
      signal?.throwIfAborted();
      const slot = await reserveSlot(this.opts.db, host, intervalUs, MAX_SLEEP_MS * 1000);
      if (!slot) {
        // The row vanished (a schema reset): create it again.
        this.ready.delete(host);
        await this.ensure(host);
        continue;
      }
      if (!slot.reserved) {
        // A long pause: sleep a while and ask again (the pause may be extended meanwhile).
        await sleep(Math.min(slot.waitUs / 1000, MAX_SLEEP_MS), signal);
        continue;
      }
      // Unlimited and not paused: nothing to space out, so no need to record the send.
      if (intervalUs === 0 && slot.waitUs <= 0) return performance.now() - started;
      await sleep(slot.waitUs / 1000, signal);
      for (;;) {
        const verdict = await commitSend(this.opts.db, host, intervalUs, sender);
        if (verdict.go) return performance.now() - started;
        // A pause that began while we slept wins over our slot: reserve again behind it.
        if (verdict.paused) continue reserve;
        signal?.throwIfAborted();
        await sleep(verdict.waitUs / 1000, signal);
      }
    }
  }

  async pauseUntil(host: string, untilMs: number): Promise<void> {
    const durationMs = Math.ceil(untilMs - Date.now());
    if (durationMs <= 0) return;
    await pauseBudget(this.opts.db, host, durationMs);
  }

  async pausedUntil(host: string): Promise<number | null> {
    const left = await budgetPauseLeftMs(this.opts.db, host);
    return left > 0 ? Date.now() + left : null;
  }

  async close(): Promise<void> {}
}
