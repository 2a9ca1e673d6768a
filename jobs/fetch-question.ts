/**
 * fetch-question: fetch the FR and the NL page of one question, archive both, parse them,
 * and hand one bilingual record to the store. A language that fails is retried (the job
 * throws) and, on the last attempt, the other language is still stored; nothing stored for
 * either language is ever blanked by a failure or by a page that is not a question, nor
 * replaced by a page that is worse (src/senate/quality.ts: held back, validators not saved,
 * reported as the job's failure). A page that is no question page for a number known to exist
 * is a failure to retry; a question is marked gone only after repeated misses over days.
 */
import { isRetryable } from '../src/crawl/errors.ts';
import { ChallengeError } from '../src/crawl/response.ts';
import { mergeBilingual } from '../src/senate/bilingual.ts';
import { PARSER_VERSION, parseQuestionPage } from '../src/senate/question-page.ts';
import { describeNonPage, planStore } from '../src/senate/quality.ts';
import { LANGS, type Lang, type NotAQuestionReason, type QuestionPage } from '../src/senate/question-record.ts';
import { questionUrl } from '../src/senate/urls.ts';
import { getFetch, getValidatorsBatch, loadBody, saveValidatorsBatch, setFetchOutcome, validatorsFrom, type Validators } from '../src/store/archive.ts';
import { isGone, markSeen, recordMiss } from '../src/store/misses.ts';
import { recordGone } from '../src/store/history.ts';
import { createdInRun, getQuestionIfStored, markServedUnchanged, upsertQuestion, type StoredQuestion } from '../src/store/questions.ts';
import { coerceError } from '../src/util/errors.ts';
import { emptyCounters, fetchPage, received, type Counters, type FetchedPage } from './fetch-page.ts';
import { followRelations } from './follow-relations.ts';
import type { FetchQuestionData, JobContext, JobResult } from './types.ts';

type LangOutcome =
  | { kind: 'page'; page: QuestionPage; warnings: string[]; fetchId: number; url: string; validators: Validators | null }
  /** 304: `archived` parses the stored copy, needed only when the other language changed. */
  | { kind: 'unchanged'; fetchId: number; archived: () => Promise<QuestionPage | null> }
  /** 404/410: no such page. */
  | { kind: 'missing'; reason: string }
  /** A body that is no question page: `nonPage` says when it is not a Senate page at all (a challenge, binary data). */
  | { kind: 'refused'; reason: NotAQuestionReason; message: string; nonPage: string | null }
  | { kind: 'error'; error: Error };

/** Refusals that look like "no such question" (rather than a damaged or foreign body): they count as misses. */
const MISS_REASONS: ReadonlySet<NotAQuestionReason> = new Set(['empty', 'error_page', 'no_title']);

/**
 * A page of a question known to exist (stored, listed, or served in the other language) that
 * did not come back as that question: a short page, an error page, a challenge, a 404.
 */
export class PageRefusedError extends Error {
  override readonly name = 'PageRefusedError';
  constructor(
    message: string,
    /** worth another attempt (a body that is no question page may be a passing fault; a 404 is not retried) */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** A page that parses but is worse than what is stored (src/senate/quality.ts): archived, not stored. */
export class HeldBackError extends Error {
  override readonly name = 'HeldBackError';
  readonly retryable = true;
  constructor(readonly reasons: readonly string[]) {
    super(`held back, worse than the stored record: ${reasons.join('; ')}`);
  }
}

/** Whether one language's failure is worth another attempt of the job (a challenge in front of the Senate passes). */
function canRetry(e: Error): boolean {
  if (e instanceof ChallengeError) return true;
  return e instanceof PageRefusedError || e instanceof HeldBackError ? e.retryable : isRetryable(e);
}

/** A language failed in a way worth retrying; carries the counters of the attempt. */
export class LanguageFetchError extends Error {
  override readonly name = 'LanguageFetchError';
  constructor(
    readonly questionId: string,
    readonly failures: Partial<Record<Lang, Error>>,
    readonly counters: Counters,
  ) {
    const first = Object.values(failures)[0];
    super(`${questionId}: ${Object.entries(failures).map(([l, e]) => `${l}: ${e.message}`).join('; ')}`, { cause: first });
  }
  get retryable(): boolean {
    return Object.values(this.failures).some((e) => canRetry(e));
  }
}

const served = (o: LangOutcome): boolean => o.kind === 'page' || o.kind === 'unchanged';
const missLike = (o: LangOutcome): boolean => o.kind === 'missing' || (o.kind === 'refused' && o.nonPage === null && MISS_REASONS.has(o.reason));

export async function fetchQuestion(ctx: JobContext, data: FetchQuestionData): Promise<JobResult> {
  const counters = emptyCounters();
  const log = ctx.logger.child({ questionId: data.id });
  // Both pages' validators in one query rather than one per page.
  const storedValidators = await getValidatorsBatch(ctx.db, LANGS.map((lang) => questionUrl(ctx.config.senateBaseUrl, data.id, lang)));
  const outcomes = Object.fromEntries(
    await Promise.all(LANGS.map(async (lang) => [lang, await fetchLanguage(ctx, counters, data, lang, storedValidators)] as const)),
  ) as Record<Lang, LangOutcome>;
  const base = { requests: counters.requests, bytes: counters.bytes, notModified: counters.notModified };

  if (LANGS.every((l) => outcomes[l].kind === 'unchanged')) {
    const served = await markServedUnchanged(ctx.db, data.id, { runId: data.runId, endpoints: ctx.config.webhooks });
    if (served.stored) return served.createdInRun ? { outcome: 'new', counters: { ...base, questionsNew: 1 } } : { outcome: 'unchanged', counters: { ...base, questionsUnchanged: 1 } };
    // Not stored although the Senate says unchanged (a worker died after archiving): store it from the archive.
  }

  // What is stored decides whether a refusal is a miss or a failure, and whether a new page is worse.
  const needStored = LANGS.some((l) => outcomes[l].kind !== 'unchanged' && outcomes[l].kind !== 'error');
  const stored = needStored ? await getQuestionIfStored(ctx.db, data.id) : null;
  const anyServed = LANGS.some((l) => served(outcomes[l]));
  const known = stored !== null || data.listed === true || anyServed;

  const fresh = Object.fromEntries(LANGS.map((l) => [l, outcomes[l].kind === 'page' ? (outcomes[l] as { page: QuestionPage }).page : null])) as Record<Lang, QuestionPage | null>;
  // Decided before anything is written: a page held back is a failure of its language (not stored, validators not saved).
  const plan = planStore(fresh, stored);
  for (const lang of LANGS) {
    const o = outcomes[lang];
    if (o.kind !== 'page') continue;
    const held = plan.heldBack[lang];
    // The archive row says what became of the page: a decode fallback or removed NULs are counted there.
    if (held) {
      log.warn({ lang, reasons: held }, 'page held back: worse than the stored record');
      await setFetchOutcome(ctx.db, o.fetchId, `held_back: ${held.join('; ')}`.slice(0, 500));
      outcomes[lang] = { kind: 'error', error: new HeldBackError(held) };
    } else if (o.warnings.length > 0) {
      log.warn({ lang, warnings: o.warnings }, 'page read with repairs');
      await setFetchOutcome(ctx.db, o.fetchId, `ok: ${o.warnings.join('; ')}`.slice(0, 500));
    }
  }
  const failures: Partial<Record<Lang, Error>> = {};
  for (const lang of LANGS) {
    const o = outcomes[lang];
    const other = LANGS.find((l) => l !== lang)!;
    if (o.kind === 'error') failures[lang] = o.error;
    else if (o.kind === 'refused' && known) failures[lang] = new PageRefusedError(`not a question page: ${o.nonPage ?? o.message}`, true);
    else if (o.kind === 'missing' && known) {
      failures[lang] = new PageRefusedError(served(outcomes[other]) ? `${o.reason} while the ${other} page is served` : o.reason, false);
    }
  }
  const failed = Object.keys(failures).length > 0;
  if (failed && ctx.attempt < ctx.maxAttempts && Object.values(failures).some((e) => canRetry(e))) {
    throw new LanguageFetchError(data.id, failures, counters);
  }

  if (!anyServed) return missed(ctx, data, stored, outcomes, failures, base);

  const pages = { ...plan.pages };
  if (!pages.fr && !pages.nl && !LANGS.every((l) => outcomes[l].kind === 'unchanged')) {
    // One language unchanged (304) and the other failed or held back: nothing new to store.
    return failed
      ? { outcome: failedOutcome(failures), counters: { ...base, questionsFailed: 1 } }
      : { outcome: 'unchanged', counters: { ...base, questionsUnchanged: 1 } };
  }

  // A language that answered 304 while the other changed: parse its archived copy for the merge.
  for (const lang of LANGS) {
    const o = outcomes[lang];
    if (o.kind === 'unchanged') pages[lang] = await o.archived();
  }
  if (!pages.fr && !pages.nl) {
    return { outcome: failedOutcome({ ...failures, fr: new Error('the archived copies behind the 304s are unreadable') }), counters: { ...base, questionsFailed: 1 } };
  }
  const record = mergeBilingual(pages.fr, pages.nl);
  if (record.conflicts.length > 0) log.warn({ conflicts: record.conflicts }, 'FR and NL pages disagree');
  const unknown = LANGS.flatMap((l) => pages[l]?.unknownLabels ?? []);
  if (unknown.length > 0) log.warn({ unknownLabels: unknown }, 'labels the parser does not know');
  const outcome = await upsertQuestion(ctx.db, record, {
    parserVersion: PARSER_VERSION,
    runId: data.runId,
    fetchIds: Object.fromEntries(LANGS.flatMap((l) => (outcomes[l].kind === 'page' ? [[l, (outcomes[l] as { fetchId: number }).fetchId]] : []))),
    // Change history and its events, in the upsert's transaction (src/store/history.ts).
    cause: 'senate',
    endpoints: ctx.config.webhooks,
    history: ctx.config.changeHistory,
  });
  // Only now that the content is stored may a later fetch be answered 304 for it.
  await saveValidatorsBatch(
    ctx.db,
    LANGS.flatMap((l) => {
      const o = outcomes[l];
      return o.kind === 'page' && o.validators ? [{ url: o.url, validators: o.validators }] : [];
    }),
  );
  await markSeen(ctx.db, data.id);
  await followRelations(ctx, data.runId, record.relations);
  if (failed) {
    log.error({ failures: Object.fromEntries(Object.entries(failures).map(([l, e]) => [l, e.message])) }, 'stored what was good; a language failed or was held back');
    return { outcome: failedOutcome(failures), counters: { ...base, questionsFailed: 1 } };
  }
  // A retry of a job whose first attempt stored the question but could not record its end (the
  // database went away between the two) finds it unchanged: it is still this run's new question.
  const isNew = outcome === 'new' || (outcome === 'unchanged' && (await createdInRun(ctx.db, data.id, data.runId)));
  const key = isNew ? 'questionsNew' : outcome === 'changed' ? 'questionsChanged' : 'questionsUnchanged';
  return { outcome: isNew ? 'new' : outcome, counters: { ...base, [key]: 1 } };
}

/**
 * Neither language was served. When both look like "no such question" (404, an error page),
 * that is a miss: a stored question is marked gone only once its misses say so (GONE_AFTER_MISSES
 * over GONE_AFTER_DAYS), and a number never stored is retried on a backoff, not every run.
 */
async function missed(
  ctx: JobContext,
  data: FetchQuestionData,
  stored: StoredQuestion | null,
  outcomes: Record<Lang, LangOutcome>,
  failures: Partial<Record<Lang, Error>>,
  base: JobResult['counters'],
): Promise<JobResult> {
  const failed = Object.keys(failures).length > 0;
  let note = '';
  if (LANGS.every((l) => missLike(outcomes[l]))) {
    const reason = LANGS.map((l) => `${l}: ${describeOutcome(outcomes[l])}`).join('; ');
    const miss = await recordMiss(ctx.db, data.id, reason, data.runId);
    const rule = { goneAfterMisses: ctx.config.goneAfterMisses, goneAfterDays: ctx.config.goneAfterDays };
    if (stored && (stored.goneSince !== null || isGone(miss, rule))) {
      if (stored.goneSince === null) {
        await recordGone(ctx.db, data.id, { runId: data.runId, endpoints: ctx.config.webhooks });
        ctx.logger.warn({ questionId: data.id, misses: miss.misses, since: miss.firstMissAt }, 'question marked gone');
      }
      return { outcome: 'gone', counters: base };
    }
    note = ` (missed on ${miss.misses} run(s); marked gone after ${rule.goneAfterMisses} over ${rule.goneAfterDays} day(s))`;
  }
  if (!failed) return { outcome: 'missing', counters: base };
  return { outcome: failedOutcome(failures, note), counters: { ...base, questionsFailed: 1 } };
}

function describeOutcome(o: LangOutcome): string {
  if (o.kind === 'missing') return o.reason;
  if (o.kind === 'refused') return o.nonPage ?? o.message;
  if (o.kind === 'error') return o.error.message;
  return o.kind;
}

function failedOutcome(failures: Partial<Record<Lang, Error>>, note = ''): string {
  const what = Object.entries(failures).map(([l, e]) => `${l}: ${e.message}`).join('; ');
  return `failed: ${what.slice(0, 490 - note.length)}${note}`.slice(0, 500);
}

async function fetchLanguage(ctx: JobContext, counters: Counters, data: FetchQuestionData, lang: Lang, stored: Map<string, Validators>): Promise<LangOutcome> {
  const url = questionUrl(ctx.config.senateBaseUrl, data.id, lang);
  try {
    const reuse = data.reuseFetchIds?.[lang];
    const fetched = reuse ? await reusedFetch(ctx, reuse, url) : null;
    const res = fetched ?? (await fetchPage(ctx, counters, { url, kind: 'question', runId: data.runId, questionId: data.id, lang, deferValidators: true, storedValidators: stored.get(url) ?? null }));
    if (res.status === 404 || res.status === 410) return { kind: 'missing', reason: `HTTP ${res.status}` };
    if (res.notModified) return { kind: 'unchanged', fetchId: res.fetchId, archived: () => parseArchived(res, lang, data.id) };
    if (!res.body || res.body.length === 0) return { kind: 'refused', reason: 'empty', message: 'the page is empty (no body)', nonPage: null };
    const parsed = parseQuestionPage({ body: res.body, contentType: res.contentType, lang, expectedId: data.id });
    if (!parsed.ok) {
      await setFetchOutcome(ctx.db, res.fetchId, `not_a_question:${parsed.reason}`);
      return { kind: 'refused', reason: parsed.reason, message: parsed.message, nonPage: describeNonPage(res.body, res.contentType) };
    }
    return { kind: 'page', page: parsed.page, warnings: parsed.warnings, fetchId: res.fetchId, url, validators: res.validators ?? null };
  } catch (e) {
    return { kind: 'error', error: coerceError(e) };
  }
}

/** A response the prober already fetched and archived in this run. */
async function reusedFetch(ctx: JobContext, fetchId: number, url: string): Promise<FetchedPage | null> {
  const f = await getFetch(ctx.db, fetchId);
  if (!f?.sha256) return null;
  const body = await loadBody(ctx.db, f.sha256);
  if (!body) return null;
  return received({ url, status: f.status, body, contentType: f.headers['content-type'] ?? null, fetchId, validators: validatorsFrom(f.headers, f.sha256) });
}

/** The page a 304 stands for: the archived copy under the validators sent, parsed again. */
async function parseArchived(res: FetchedPage, lang: Lang, id: string): Promise<QuestionPage | null> {
  const body = await res.bytes();
  if (!body) return null;
  const parsed = parseQuestionPage({ body, contentType: res.contentType, lang, expectedId: id });
  return parsed.ok ? parsed.page : null;
}
