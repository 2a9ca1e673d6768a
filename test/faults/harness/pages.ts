/** Which requests a fault hits, and what the Senate was asked, in the fake Senate's terms. */
import type { FaultAction } from '../../fake-senate/faults.ts';
import type { FakeSenate } from '../../fake-senate/server.ts';

/** Every question page (any language, any question). */
export const QUESTION_PAGES = /MIval=\/Vragen\/SchriftelijkeVraag&/;

/** The page(s) of one question: both languages, or one. */
export function pageOf(id: string, lang?: 'fr' | 'nl'): RegExp {
  const [leg, nr] = id.split('-');
  return new RegExp(`SchriftelijkeVraag&LEG=${leg}&NR=${nr}&LANG=${lang ?? '(fr|nl)'}$`);
}

/** Requests the fake Senate received for the page(s) of one question. */
export function requestsFor(fake: FakeSenate, id: string, lang?: 'fr' | 'nl'): number {
  const re = pageOf(id, lang);
  return fake.requests().filter((r) => re.test(r.url)).length;
}

/** Ids whose ground truth has this status, in number order. */
export function idsWithStatus(fake: FakeSenate, status: string): string[] {
  return fake.ids().filter((id) => fake.groundTruth(id)!.fr.status === status);
}

/**
 * The Senate failing on about 20 % of the question requests, every way it can: each of the
 * `kinds` hits its own seeded share, so that together they hit ~20 % of the requests (retries
 * included: a fault is not spent by being met once).
 */
export function faultShare(fake: FakeSenate, kinds: readonly FaultAction[], total = 0.2, seed = 100): void {
  const each = 1 - (1 - total) ** (1 / kinds.length);
  kinds.forEach((k, i) => fake.fault({ ...k, match: QUESTION_PAGES, fraction: each, seed: seed + i }));
}

/** Every transient or lying answer a crawler can tell from a good page on its own (no stored record needed). */
export const RECOGNISABLE_FAULTS: readonly FaultAction[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 503 },
  { kind: 'rate-limit', retryAfter: 1 },
  { kind: 'slow', delayMs: 2_500 },
  { kind: 'reset' },
  { kind: 'truncate' },
  { kind: 'truncate', then: 'end' },
  { kind: 'wrong-charset' },
  { kind: 'garbage' },
  { kind: 'binary', contentType: 'text/html' },
  { kind: 'challenge', status: 403 },
  { kind: 'challenge', status: 503 },
  { kind: 'challenge', status: 200 },
];

/**
 * A short page that closes its tags reads as a real page with less in it: only a stored
 * record can show it is worse, so it belongs to re-crawls.
 */
export const SHORT_CLOSED: FaultAction = { kind: 'truncate', then: 'close', at: 0.8 };
