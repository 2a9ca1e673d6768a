/**
 * When a failed webhook delivery is tried again. The default is the schedule Standard Webhooks
 * implementations use (Svix's): after the first, immediate attempt, 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h and 10 h, about 27 h in all, then the delivery is failed. Each delay gets ±10 %
 * jitter so that the retries of a receiver's outage do not all arrive at one instant. A
 * `Retry-After` on 429 or 503 is honoured: the next attempt is never sooner than it asks.
 */

/** Delays after attempt 1, 2, … (ms); its length is the number of retries. */
export const STANDARD_RETRY_SCHEDULE_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** A Retry-After is honoured up to this long (a day); a longer one is cut to it. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `5s,5m,30m,2h` (units ms, s, m, h, d) into ms; throws an Error saying what is wrong. */
export function parseDurationList(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new Error('must be a comma-separated list of durations such as 5s,5m,30m,2h');
  return parts.map((p) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(p);
    if (!m) throw new Error(`"${p}" is not a duration (a number and ms, s, m, h or d)`);
    return Math.round(Number(m[1]) * UNITS[m[2]!]!);
  });
}

/** `5s,5m,30m,2h`: the largest unit that divides each delay. */
export function formatDurationList(ms: readonly number[]): string {
  return ms.map(formatDuration).join(',');
}

export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNITS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export interface NextAttemptInput {
  /** Attempts made so far, the failed one included (1 after the first). */
  attempts: number;
  scheduleMs: readonly number[];
  /** The receiver's Retry-After, ms from now; null when it gave none. */
  retryAfterMs?: number | null;
  /** [0, 1); Math.random by default. */
  random?: () => number;
}

/** How long until the next attempt (ms), or null when the schedule is spent: the delivery has failed. */
export function nextAttemptDelayMs(input: NextAttemptInput): number | null {
  const base = input.scheduleMs[input.attempts - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (0.9 + 0.2 * (input.random ?? Math.random)()));
  const asked = input.retryAfterMs == null ? 0 : Math.min(input.retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.max(jittered, asked);
}
