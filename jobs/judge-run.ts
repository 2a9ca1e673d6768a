/**
 * The run-health judge (issue 10, "Run health"): called once when a run ends. A run is
 * unhealthy when its listing yields no questions or far fewer than recent runs, when too many
 * of its question pages were not question pages, when unknown labels or repairs jump, or when
 * no new question was found for too long. The verdict is stored on the run and an unhealthy
 * run emits `crawl_unhealthy` (webhooks too): this is how users learn that the Senate changed
 * its site before their data goes stale. Stored questions are never touched.
 */
import type { Config } from '../config/index.ts';
import type { Db } from '../src/store/db.ts';
import type { StoredEvent } from '../src/store/events.ts';
import { recordRunHealth, runHealthFacts, type HealthReason, type RunHealth, type RunHealthFacts } from '../src/store/run-health.ts';
import type { Logger } from '../src/util/logger.ts';

export interface HealthThresholds {
  /** A listing that yields less than this share of the median of recent runs' yields (0..1). */
  minListedShare: number;
  /** Share of a run's question pages (HTTP 200) that were not a question page, above which the run is unhealthy (0..1). */
  maxNotAQuestionShare: number;
  /** Days without any new question of the current legislature. */
  noNewQuestionDays: number;
  currentLegislature: number;
}

/** Below these many pages or texts, shares say nothing. */
const MIN_NOT_A_QUESTION_PAGES = 3;
const MIN_RUN_TEXTS = 5;
const MIN_BASELINE_TEXTS = 20;
/** A jump: the share of texts with unknown labels grows by this much (absolute) and at least doubles. */
const UNKNOWN_LABELS_JUMP = 0.2;
/** A jump: repairs per text at least this many times the baseline's, plus one. */
const REPAIRS_FACTOR = 2;

export function thresholdsFrom(config: Config): HealthThresholds {
  return {
    minListedShare: config.runHealthMinListedShare,
    maxNotAQuestionShare: config.runHealthMaxNotAQuestionShare,
    noNewQuestionDays: config.runHealthNoNewQuestionDays,
    currentLegislature: config.currentLegislature,
  };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** The verdict on a finished run's facts. Pure. */
export function judgeRunHealth(f: RunHealthFacts, t: HealthThresholds): { health: RunHealth; reasons: HealthReason[] } {
  const reasons: HealthReason[] = [];
  for (const { legislature, listed } of f.listings) {
    if (listed === null) continue;
    if (listed === 0) {
      reasons.push({ code: 'listing_empty', legislature, message: `the listing of legislature ${legislature} linked to no question` });
      continue;
    }
    const recent = f.recentListed.get(legislature) ?? [];
    if (recent.length === 0) continue;
    const usual = median(recent);
    if (listed < usual * t.minListedShare) {
      reasons.push({
        code: 'listing_shrank',
        legislature,
        message: `the listing of legislature ${legislature} linked to ${listed} questions, against ${usual} in recent runs`,
      });
    }
  }
  if (f.notAQuestionPages >= MIN_NOT_A_QUESTION_PAGES && f.questionPages > 0) {
    const share = f.notAQuestionPages / f.questionPages;
    if (share > t.maxNotAQuestionShare) {
      reasons.push({
        code: 'not_a_question',
        message: `${f.notAQuestionPages} of ${f.questionPages} question pages (${pct(share)}) could not be read as a question (threshold ${pct(t.maxNotAQuestionShare)})`,
      });
    }
  }
  const run = f.runTexts;
  const base = f.otherTexts;
  if (run.texts >= MIN_RUN_TEXTS && base.texts >= MIN_BASELINE_TEXTS) {
    const runShare = run.withUnknownLabels / run.texts;
    const baseShare = base.withUnknownLabels / base.texts;
    if (runShare >= baseShare + UNKNOWN_LABELS_JUMP && runShare >= 2 * baseShare) {
      reasons.push({ code: 'unknown_labels', message: `${pct(runShare)} of the pages read had labels the parser does not know, against ${pct(baseShare)} before` });
    }
    const runRepairs = run.repairs / run.texts;
    const baseRepairs = base.repairs / base.texts;
    if (runRepairs >= REPAIRS_FACTOR * baseRepairs + 1) {
      reasons.push({ code: 'repairs', message: `${runRepairs.toFixed(1)} repaired characters per page read, against ${baseRepairs.toFixed(1)} before` });
    }
  }
  // Only a run that looked for new questions of the current legislature (a discover job) can say none came.
  const discovered = f.listings.some((l) => l.legislature === t.currentLegislature);
  const newest = f.newestFirstSeen.get(t.currentLegislature);
  if (discovered && newest) {
    const days = (f.now.getTime() - newest.getTime()) / 86_400_000;
    if (days > t.noNewQuestionDays) {
      reasons.push({
        code: 'no_new_question',
        legislature: t.currentLegislature,
        message: `no new question of legislature ${t.currentLegislature} found for ${Math.floor(days)} days (threshold ${t.noNewQuestionDays})`,
      });
    }
  }
  return { health: reasons.length > 0 ? 'unhealthy' : 'healthy', reasons };
}

/** Runs the judge get: crawls (and scheduled watches); a reparse reads no page. */
const JUDGED_KINDS = new Set(['crawl', 'watch', 'recrawl']);

/**
 * Judges a finished run, stores the verdict and, when unhealthy, emits crawl_unhealthy.
 * A cancelled or failed run is judged too: a run that failed because the site changed is the
 * case to report. Returns the verdict, or null when the run is not judged.
 */
export async function judgeRun(
  deps: { db: Db; config: Config; logger: Logger },
  runId: number,
): Promise<{ health: RunHealth; reasons: HealthReason[]; event: StoredEvent | null } | null> {
  const facts = await runHealthFacts(deps.db, runId);
  if (!facts || !JUDGED_KINDS.has(facts.kind) || facts.status === 'running' || facts.status === 'skipped') return null;
  const verdict = judgeRunHealth(facts, thresholdsFrom(deps.config));
  const event = await recordRunHealth(deps.db, runId, verdict, deps.config.webhooks);
  if (verdict.health === 'unhealthy') deps.logger.warn({ runId, reasons: verdict.reasons.map((r) => r.message) }, 'run unhealthy');
  return { ...verdict, event };
}
