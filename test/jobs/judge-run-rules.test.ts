import { describe, expect, it } from 'vitest';
import { judgeRunHealth, type HealthThresholds } from '../../jobs/judge-run.ts';
import type { RunHealthFacts } from '../../src/store/run-health.ts';

const NOW = new Date('2026-12-01T03:00:00Z');
const T: HealthThresholds = { minListedShare: 0.5, maxNotAQuestionShare: 0.25, noNewQuestionDays: 30, currentLegislature: 8 };

function facts(over: Partial<RunHealthFacts> = {}): RunHealthFacts {
  return {
    runId: 9,
    kind: 'crawl',
    status: 'succeeded',
    legislatures: [8],
    listings: [{ legislature: 8, listed: 100 }],
    recentListed: new Map([[8, [98, 100, 101]]]),
    questionPages: 40,
    notAQuestionPages: 0,
    runTexts: { texts: 40, withUnknownLabels: 1, repairs: 4 },
    otherTexts: { texts: 400, withUnknownLabels: 8, repairs: 30 },
    newestFirstSeen: new Map([[8, new Date('2026-11-28T00:00:00Z')]]),
    now: NOW,
    ...over,
  };
}

const codes = (f: RunHealthFacts) => judgeRunHealth(f, T).reasons.map((r) => r.code);

describe('judgeRunHealth', () => {
  it('finds an ordinary run healthy', () => {
    expect(judgeRunHealth(facts(), T)).toEqual({ health: 'healthy', reasons: [] });
  });
  it('says when the listing yields far fewer questions than recent runs, not when it yields a few less', () => {
    expect(codes(facts({ listings: [{ legislature: 8, listed: 40 }] }))).toEqual(['listing_shrank']);
    expect(codes(facts({ listings: [{ legislature: 8, listed: 60 }] }))).toEqual([]);
    expect(codes(facts({ listings: [{ legislature: 8, listed: 0 }] }))).toEqual(['listing_empty']);
  });
  it('does not judge a listing that is switched off, nor compare a first listing with nothing', () => {
    expect(codes(facts({ listings: [{ legislature: 8, listed: null }] }))).toEqual([]);
    expect(codes(facts({ listings: [{ legislature: 8, listed: 3 }], recentListed: new Map() }))).toEqual([]);
  });
  it('says when the share of pages that are not questions passes the threshold, ignoring a stray one', () => {
    expect(codes(facts({ notAQuestionPages: 11 }))).toEqual(['not_a_question']);
    expect(codes(facts({ notAQuestionPages: 10 }))).toEqual([]);
    expect(codes(facts({ questionPages: 2, notAQuestionPages: 2 }))).toEqual([]);
  });
  it('says when unknown labels or repairs jump against the rest of the store', () => {
    expect(codes(facts({ runTexts: { texts: 40, withUnknownLabels: 12, repairs: 4 } }))).toEqual(['unknown_labels']);
    expect(codes(facts({ runTexts: { texts: 40, withUnknownLabels: 1, repairs: 80 } }))).toEqual(['repairs']);
    // Without a baseline (a first crawl) there is nothing to jump from.
    expect(codes(facts({ runTexts: { texts: 40, withUnknownLabels: 12, repairs: 80 }, otherTexts: { texts: 0, withUnknownLabels: 0, repairs: 0 } }))).toEqual([]);
  });
  it('says when no new question of the current legislature was found for too long', () => {
    const r = judgeRunHealth(facts({ newestFirstSeen: new Map([[8, new Date('2026-10-01T00:00:00Z')]]) }), T);
    expect(r.health).toBe('unhealthy');
    expect(r.reasons).toEqual([{ code: 'no_new_question', legislature: 8, message: 'no new question of legislature 8 found for 61 days (threshold 30)' }]);
    // A re-crawl of some questions does not look for new ones: it cannot say none came.
    expect(codes(facts({ kind: 'recrawl', listings: [], newestFirstSeen: new Map([[8, new Date('2026-10-01T00:00:00Z')]]) }))).toEqual([]);
  });
});
