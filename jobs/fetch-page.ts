/**
 * Fetch one Senate URL politely with conditional GET, archive the response, and give back
 * the bytes to parse. A 304 gives back the body archived under the stored validators, so
 * an unchanged page is parsed from the archive instead of downloaded again.
 */
import { HttpStatusError } from '../src/crawl/errors.ts';
import type { Lang } from '../src/senate/question-record.ts';
import { archiveFetch, getValidators, loadBody, saveValidators, type FetchKind, type Validators } from '../src/store/archive.ts';
import type { RunCounters } from '../src/store/runs.ts';
import type { JobContext } from './types.ts';

export interface FetchedPage {
  url: string;
  /** 200 and 304 carry a body; 404/410 (a number that does not exist) do not. */
  status: number;
  notModified: boolean;
  /** the page's bytes (for a 304, the archived copy); null when there is none */
  body: Buffer | null;
  contentType: string | null;
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
      const body = validators?.sha256 ? await loadBody(db, validators.sha256) : null;
      return { url: req.url, status: 304, notModified: true, body, contentType: validators?.contentType ?? null, fetchId };
    }
    const { fetchId, sha256 } = await archiveFetch(db, { ...base, status: res.status, headers: res.headers, body: res.body, fetchedAt: res.fetchedAt, durationMs: res.durationMs });
    const fresh: Validators | null =
      req.conditional !== false && (res.headers.etag || res.headers['last-modified'])
        ? { etag: res.headers.etag ?? null, lastModified: res.headers['last-modified'] ?? null, sha256, contentType: res.headers['content-type'] ?? null }
        : null;
    if (fresh && !req.deferValidators) await saveValidators(db, req.url, fresh);
    return { url: req.url, status: res.status, notModified: false, body: res.body, contentType: res.headers['content-type'] ?? null, fetchId, validators: fresh };
  } catch (e) {
    counters.requests += meter.requests;
    if (e instanceof HttpStatusError && MISSING.has(e.status)) {
      const { fetchId } = await archiveFetch(db, { ...base, status: e.status, outcome: 'missing' });
      return { url: req.url, status: e.status, notModified: false, body: null, contentType: null, fetchId };
    }
    if (e instanceof HttpStatusError) {
      await archiveFetch(db, { ...base, status: e.status, outcome: `error:${e.message}` }).catch(() => undefined);
    }
    throw e;
  }
}
