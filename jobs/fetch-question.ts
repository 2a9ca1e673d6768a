/**
 * fetch-question: fetch the FR and the NL page of one question, archive both, parse them,
 * and hand one bilingual record to the store. A language that fails is retried (the job
 * throws) and, on the last attempt, the other language is still stored; nothing stored for
 * either language is ever blanked by a failure or by a page that is not a question.
 */
import { isRetryable } from '../src/crawl/errors.ts';
import { mergeBilingual } from '../src/senate/bilingual.ts';
import { PARSER_VERSION, parseQuestionPage } from '../src/senate/question-page.ts';
import { LANGS, type Lang, type QuestionPage } from '../src/senate/question-record.ts';
import { questionUrl } from '../src/senate/urls.ts';
import { getFetch, getValidatorsBatch, loadBody, saveValidatorsBatch, setFetchOutcome, validatorsFrom, type Validators } from '../src/store/archive.ts';
import { markFetched, markGone, upsertQuestion } from '../src/store/questions.ts';
import { coerceError } from '../src/util/errors.ts';
import { emptyCounters, fetchPage, received, type Counters, type FetchedPage } from './fetch-page.ts';
import { followRelations } from './follow-relations.ts';
import type { FetchQuestionData, JobContext, JobResult } from './types.ts';

type LangOutcome =
  | { kind: 'page'; page: QuestionPage; fetchId: number; notModified: boolean; url: string; validators: Validators | null }
  /** 304: `archived` parses the stored copy, needed only when the other language changed. */
  | { kind: 'unchanged'; fetchId: number; archived: () => Promise<QuestionPage | null> }
  | { kind: 'missing'; reason: string }
  | { kind: 'error'; error: Error };

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
    return Object.values(this.failures).some((e) => isRetryable(e));
  }
}

export async function fetchQuestion(ctx: JobContext, data: FetchQuestionData): Promise<JobResult> {
  const counters = emptyCounters();
  const log = ctx.logger.child({ questionId: data.id });
  // Both pages' validators in one query rather than one per page.
  const stored = await getValidatorsBatch(ctx.db, LANGS.map((lang) => questionUrl(ctx.config.senateBaseUrl, data.id, lang)));
  const outcomes = Object.fromEntries(
    await Promise.all(LANGS.map(async (lang) => [lang, await fetchLanguage(ctx, counters, data, lang, stored)] as const)),
  ) as Record<Lang, LangOutcome>;

  const failures: Partial<Record<Lang, Error>> = {};
  for (const lang of LANGS) {
    const o = outcomes[lang];
    if (o.kind === 'error') failures[lang] = o.error;
  }
  const failed = Object.keys(failures).length > 0;
  if (failed && ctx.attempt < ctx.maxAttempts && Object.values(failures).some((e) => isRetryable(e))) {
    throw new LanguageFetchError(data.id, failures, counters);
  }

  const pages = Object.fromEntries(LANGS.map((l) => [l, outcomes[l].kind === 'page' ? (outcomes[l] as { page: QuestionPage }).page : null])) as Record<Lang, QuestionPage | null>;
  const base = { requests: counters.requests, bytes: counters.bytes, notModified: counters.notModified };

  if (LANGS.every((l) => outcomes[l].kind === 'unchanged')) {
    if (await markFetched(ctx.db, data.id)) return { outcome: 'unchanged', counters: { ...base, questionsUnchanged: 1 } };
    // Not stored although the Senate says unchanged (a worker died after archiving): store it from the archive.
  }
  if (LANGS.every((l) => outcomes[l].kind === 'missing')) {
    // No such number (or gone): keep what we have, mark it gone.
    await markGone(ctx.db, data.id);
    return { outcome: 'missing', counters: base };
  }
  if (!pages.fr && !pages.nl && !LANGS.every((l) => outcomes[l].kind === 'unchanged')) {
    // One language unchanged (304) and the other failed or missing: nothing new to store.
    return failed
      ? { outcome: failedOutcome(failures), counters: { ...base, questionsFailed: 1 } }
      : { outcome: 'unchanged', counters: { ...base, questionsUnchanged: 1 } };
  }

  // A language that answered 304 while the other changed: parse its archived copy for the merge.
  for (const lang of LANGS) {
    const o = outcomes[lang];
    if (o.kind === 'unchanged') pages[lang] = await o.archived();
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
  await followRelations(ctx, data.runId, record.relations);
  if (failed) {
    log.error({ failures: Object.fromEntries(Object.entries(failures).map(([l, e]) => [l, e.message])) }, 'stored one language; the other failed');
    return { outcome: failedOutcome(failures), counters: { ...base, questionsFailed: 1 } };
  }
  const key = outcome === 'new' ? 'questionsNew' : outcome === 'changed' ? 'questionsChanged' : 'questionsUnchanged';
  return { outcome, counters: { ...base, [key]: 1 } };
}

function failedOutcome(failures: Partial<Record<Lang, Error>>): string {
  return `failed: ${Object.entries(failures).map(([l, e]) => `${l}: ${e.message}`).join('; ')}`.slice(0, 500);
}

async function fetchLanguage(ctx: JobContext, counters: Counters, data: FetchQuestionData, lang: Lang, stored: Map<string, Validators>): Promise<LangOutcome> {
  const url = questionUrl(ctx.config.senateBaseUrl, data.id, lang);
  try {
    const reuse = data.reuseFetchIds?.[lang];
    const fetched = reuse ? await reusedFetch(ctx, reuse, url) : null;
    const res = fetched ?? (await fetchPage(ctx, counters, { url, kind: 'question', runId: data.runId, questionId: data.id, lang, deferValidators: true, storedValidators: stored.get(url) ?? null }));
    if (res.status === 404 || res.status === 410) return { kind: 'missing', reason: `HTTP ${res.status}` };
    if (res.notModified) return { kind: 'unchanged', fetchId: res.fetchId, archived: () => parseArchived(res, lang, data.id) };
    if (!res.body) return { kind: 'missing', reason: 'empty body' };
    const parsed = parseQuestionPage({ body: res.body, contentType: res.contentType, lang, expectedId: data.id });
    if (!parsed.ok) {
      await setFetchOutcome(ctx.db, res.fetchId, `not_a_question:${parsed.reason}`);
      return { kind: 'missing', reason: parsed.message };
    }
    return { kind: 'page', page: parsed.page, fetchId: res.fetchId, notModified: false, url, validators: res.validators ?? null };
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
