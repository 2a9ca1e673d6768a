/**
 * Follows the event stream by seq without missing events that commit late. A seq is taken when
 * an event is inserted, not when its transaction commits, so an event with a lower seq can
 * become visible after one with a higher seq; and seqs have holes that never fill (a rolled
 * back transaction, an `ON CONFLICT DO NOTHING` that took a seq). The follower stops at a hole
 * until it fills or is older than `gapWaitMs`, then steps over it: an event is delivered once,
 * in seq order, at most `gapWaitMs` late. (`events --follow` uses it; so can the API's stream.)
 */
import type { Queryable } from './db.ts';
import type { EventType, StoredEvent } from './events.ts';
import { listEvents } from './monitoring.ts';

export interface FollowOptions {
  /** Start after this seq (lastEventSeq() for only new events). */
  afterSeq: number;
  types?: readonly EventType[] | undefined;
  since?: Date | undefined;
  questionId?: string | undefined;
  /** How long a hole in the seqs is waited for before it is stepped over, ms. Default 3000. */
  gapWaitMs?: number | undefined;
  /** Events read per query. Default 500. */
  batch?: number | undefined;
  /** ms clock; tests pass their own. */
  clock?: () => number;
}

export class EventFollower {
  #cursor: number;
  /** First seq of a hole → when it was first seen (clock ms). */
  readonly #holes = new Map<number, number>();
  readonly #db: Queryable;
  readonly #opts: FollowOptions;

  constructor(db: Queryable, opts: FollowOptions) {
    this.#db = db;
    this.#opts = opts;
    this.#cursor = opts.afterSeq;
  }

  /** The last seq passed (delivered or stepped over). */
  get cursor(): number {
    return this.#cursor;
  }

  /** The events that became readable since the last poll and match the filter, in seq order. */
  async poll(): Promise<StoredEvent[]> {
    const batch = this.#opts.batch ?? 500;
    const gapWaitMs = this.#opts.gapWaitMs ?? 3000;
    const now = (this.#opts.clock ?? Date.now)();
    const out: StoredEvent[] = [];
    for (;;) {
      // Every type: the holes are in the whole sequence; the filter applies after.
      const rows = await listEvents(this.#db, { afterSeq: this.#cursor, limit: batch });
      let blocked = false;
      for (const e of rows) {
        const expected = this.#cursor + 1;
        if (e.seq !== expected) {
          const seen = this.#holes.get(expected) ?? now;
          this.#holes.set(expected, seen);
          if (now - seen < gapWaitMs) {
            blocked = true;
            break;
          }
          this.#holes.delete(expected);
        }
        this.#cursor = e.seq;
        if (this.#matches(e)) out.push(e);
      }
      if (blocked || rows.length < batch) return out;
    }
  }

  #matches(e: StoredEvent): boolean {
    const { types, since, questionId } = this.#opts;
    if (types && types.length > 0 && !types.includes(e.type)) return false;
    if (since && e.occurredAt < since) return false;
    if (questionId && e.questionId !== questionId) return false;
    return true;
  }
}
