/**
 * Fetch one Senate URL politely with conditional GET, archive the response, and give back
 * the bytes to parse. A 304 can give back the body archived under the stored validators, so
 * an unchanged page is parsed from the archive instead of downloaded again; it is read (and
 * unzipped) only when the caller asks for it, since most 304s need nothing parsed.
 */
import { HttpStatusError } from '../src/crawl/errors.ts';
import type { Lang } from '../src/senate/question-record.ts';
import { archiveFetch, getValidators, loadBody, saveValidators, validatorsFrom, type FetchKind, type Validators } from '../src/store/archive.ts';
import type { RunCounters } from '../src/store/runs.ts';
import type { JobContext } from './types.ts';

export interface FetchedPage {
  url: string;
  /** 200 and 304 have a body; 404/410 (a number that does not exist) do not. */
  status: number;
  notModified: boolean;
  /** the bytes received (a 200); null for a 304 (see `bytes`) and for 404/410 */
  body: Buffer | null;
  /** the body's Content-Type (for a 304, the archived copy's) */
  contentType: string | null;
  /** The page's bytes: the body received, or for a 304 the archived copy, read once and only when called. */
  bytes(): Promise<Buffer | null>;
  fetchId: number;
  /** with `deferValidators`: what to save once the page's content is safely stored */
  validators?: Validators | null;
}

export type Counters = Pick<RunCounters, 'requests' | 'bytes' | 'notModified'>;

export function emptyCounters(): Counters {
  return { requests: 0, bytes: 0, notModified: 0 };
}

/** Statuses that mean "no such page" rather than "the Senate failed". */
const MISSING = new Set([404, 410]);

export async function fetchPage(
  ctx: JobContext,
  counters: Counters,
  req: {
    url: string;
    kind: FetchKind;
    runId: number | null;
    questionId?: string | null;
    lang?: Lang | null;
    conditional?: boolean;
    /**
     * Do not save the new validators here: the caller saves them (saveValidators) once what it
     * parsed is stored. A worker that dies in between then gets the page again, not a 304
     * for content it never stored.
     */
    deferValidators?: boolean;
    /** The URL's stored validators, when the caller read them (with others, in one query); absent: read here. */
    storedValidators?: Validators | null;
  },
): Promise<FetchedPage> {
  const { db, fetcher } = ctx;
  const validators = req.conditional === false ? null : req.storedValidators !== undefined ? req.storedValidators : await getValidators(db, req.url);
  const base = { runId: req.runId, kind: req.kind, url: req.url, questionId: req.questionId ?? null, lang: req.lang ?? null };
  const meter = { requests: 0 };
  try {
    const res = await fetcher.fetch({
      meter,
      url: req.url,
      validators: validators?.sha256 ? { etag: validators.etag, lastModified: validators.lastModified } : null,
      signal: ctx.signal,
    });
    counters.requests += meter.requests;
    counters.bytes += res.body.length;
    if (res.notModified) {
      counters.notModified += 1;
      const { fetchId } = await archiveFetch(db, { ...base, status: 304, notModified: true, headers: res.headers, fetchedAt: res.fetchedAt, durationMs: res.durationMs });
      const sha = validators?.sha256 ?? null;
      return { url: req.url, status: 304, notModified: true, body: null, contentType: validators?.contentType ?? null, fetchId, bytes: lazy(() => (sha ? loadBody(db, sha) : Promise.resolve(null))) };
    }
    const { fetchId, sha256 } = await archiveFetch(db, { ...base, status: res.status, headers: res.headers, body: res.body, fetchedAt: res.fetchedAt, durationMs: res.durationMs });
    const fresh = req.conditional !== false ? validatorsFrom(res.headers, sha256) : null;
    if (fresh && !req.deferValidators) await saveValidators(db, req.url, fresh);
    return received({ url: req.url, status: res.status, body: res.body, contentType: res.headers['content-type'] ?? null, fetchId, validators: fresh });
  } catch (e) {
    counters.requests += meter.requests;
    if (e instanceof HttpStatusError && MISSING.has(e.status)) {
      const { fetchId } = await archiveFetch(db, { ...base, status: e.status, outcome: 'missing' });
      return received({ url: req.url, status: e.status, body: null, contentType: null, fetchId });
    }
    if (e instanceof HttpStatusError) {
      await archiveFetch(db, { ...base, status: e.status, outcome: `error:${e.message}` }).catch(() => undefined);
    }
    throw e;
  }
}

/** A page whose bytes are at hand (a 200 received now, or reused from the archive; none for 404/410). */
export function received(p: Omit<FetchedPage, 'notModified' | 'bytes'>): FetchedPage {
  return { ...p, notModified: false, bytes: () => Promise.resolve(p.body) };
}

/** Calls `load` at most once, on the first call. */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= load());
}
