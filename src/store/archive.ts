/**
 * The raw archive: every response of every run (URL, language, status, headers, time), and
 * each distinct body stored once, gzip-compressed, under its sha256. Reparse reads it back.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Lang } from '../senate/question-record.ts';
import type { Queryable } from './db.ts';

export type FetchKind = 'question' | 'listing' | 'robots' | 'probe';

export interface ArchiveInput {
  runId?: number | null;
  kind: FetchKind;
  url: string;
  questionId?: string | null;
  lang?: Lang | null;
  status: number;
  notModified?: boolean;
  headers?: Record<string, string>;
  /** null for a 304 or a failed request */
  body?: Buffer | null;
  fetchedAt?: Date;
  durationMs?: number | null;
  outcome?: string;
}

export function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Records one response; returns the fetch id. One statement (one round trip, one commit): the
 * body goes in by a data-modifying CTE whose row the fetch's foreign key sees at the end of
 * the statement.
 */
export async function archiveFetch(db: Queryable, f: ArchiveInput): Promise<{ fetchId: number; sha256: string | null }> {
  const hash = f.body && !f.notModified ? sha256(f.body) : null;
  const params = [
    f.runId ?? null, f.kind, f.url, f.questionId ?? null, f.lang ?? null, f.status, f.notModified ?? false,
    JSON.stringify(f.headers ?? {}), hash, f.fetchedAt ?? new Date(), f.durationMs ?? null, f.outcome ?? 'ok',
  ];
  const insertFetch = `INSERT INTO fetches (run_id, kind, url, question_id, lang, status, not_modified, headers, sha256, fetched_at, duration_ms, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12) RETURNING id`;
  const { rows } =
    hash === null
      ? await db.query<{ id: number }>(insertFetch, params)
      : await db.query<{ id: number }>(
          `WITH body AS (
             INSERT INTO fetch_bodies (sha256, encoding, size, body) VALUES ($9, 'gzip', $13, $14) ON CONFLICT (sha256) DO NOTHING
           )
           ${insertFetch}`,
          [...params, f.body!.length, gzipSync(f.body!, { level: 6 })],
        );
  return { fetchId: rows[0]!.id, sha256: hash };
}

/** A fetch as archived: what `archiveFetch` recorded, without the body. */
export interface StoredFetch {
  id: number;
  status: number;
  sha256: string | null;
  headers: Record<string, string>;
}

export async function getFetch(db: Queryable, fetchId: number): Promise<StoredFetch | null> {
  const { rows } = await db.query<StoredFetch>('SELECT id, status, sha256, headers FROM fetches WHERE id = $1', [fetchId]);
  return rows[0] ?? null;
}

/** Sets the outcome of a fetch once the page was parsed. */
export async function setFetchOutcome(db: Queryable, fetchId: number, outcome: string): Promise<void> {
  await db.query('UPDATE fetches SET outcome = $2 WHERE id = $1', [fetchId, outcome]);
}

export async function loadBody(db: Queryable, hash: string): Promise<Buffer | null> {
  const { rows } = await db.query<{ encoding: string; body: Buffer }>('SELECT encoding, body FROM fetch_bodies WHERE sha256 = $1', [hash]);
  const row = rows[0];
  if (!row) return null;
  return row.encoding === 'gzip' ? gunzipSync(row.body) : row.body;
}

export interface Validators {
  etag: string | null;
  lastModified: string | null;
  sha256: string | null;
  /** the Content-Type of the response the body came with (its charset decodes a 304) */
  contentType?: string | null;
}

/** The validators a response carries (ETag, Last-Modified) for its body archived under `sha256`; null when it carries none. */
export function validatorsFrom(headers: Record<string, string>, sha256: string | null): Validators | null {
  if (!headers.etag && !headers['last-modified']) return null;
  return { etag: headers.etag ?? null, lastModified: headers['last-modified'] ?? null, sha256, contentType: headers['content-type'] ?? null };
}

export async function getValidators(db: Queryable, url: string): Promise<Validators | null> {
  const { rows } = await db.query<{ etag: string | null; last_modified: string | null; sha256: string | null; content_type: string | null }>(
    'SELECT etag, last_modified, sha256, content_type FROM http_validators WHERE url = $1',
    [url],
  );
  const r = rows[0];
  return r ? { etag: r.etag, lastModified: r.last_modified, sha256: r.sha256, contentType: r.content_type } : null;
}

/** The stored validators of several URLs in one query (a question's two pages); absent URLs are not in the map. */
export async function getValidatorsBatch(db: Queryable, urls: readonly string[]): Promise<Map<string, Validators>> {
  const { rows } = await db.query<{ url: string; etag: string | null; last_modified: string | null; sha256: string | null; content_type: string | null }>(
    'SELECT url, etag, last_modified, sha256, content_type FROM http_validators WHERE url = ANY($1::text[])',
    [urls],
  );
  return new Map(rows.map((r) => [r.url, { etag: r.etag, lastModified: r.last_modified, sha256: r.sha256, contentType: r.content_type }]));
}

export async function saveValidators(db: Queryable, url: string, v: Validators): Promise<void> {
  await saveValidatorsBatch(db, [{ url, validators: v }]);
}

/** Validators of several URLs in one statement (a question's two pages). */
export async function saveValidatorsBatch(db: Queryable, entries: readonly { url: string; validators: Validators }[]): Promise<void> {
  if (entries.length === 0) return;
  const col = <T>(f: (v: Validators) => T) => entries.map((e) => f(e.validators));
  await db.query(
    `INSERT INTO http_validators (url, etag, last_modified, sha256, content_type, updated_at)
     SELECT s.url, s.etag, s.last_modified, s.sha256, s.content_type, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS s(url, etag, last_modified, sha256, content_type)
     ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
       sha256 = EXCLUDED.sha256, content_type = EXCLUDED.content_type, updated_at = now()`,
    [entries.map((e) => e.url), col((v) => v.etag), col((v) => v.lastModified), col((v) => v.sha256), col((v) => v.contentType ?? null)],
  );
}

export interface ArchivedPage {
  fetchId: number;
  questionId: string;
  lang: Lang;
  url: string;
  contentType: string | null;
  body: Buffer;
  fetchedAt: Date;
}

/**
 * The newest archived 200 response of each question page, per language (for reparse).
 * Streams in pages of `batch` questions to keep memory flat.
 */
export async function* archivedQuestionPages(db: Queryable, opts: { legislature?: number; batch?: number } = {}): AsyncGenerator<ArchivedPage> {
  const batch = opts.batch ?? 200;
  let after = '';
  for (;;) {
    const { rows } = await db.query<{ id: number; question_id: string; lang: Lang; url: string; headers: Record<string, string>; sha256: string; fetched_at: Date; encoding: string; body: Buffer }>(
      `SELECT DISTINCT ON (f.question_id, f.lang) f.id, f.question_id, f.lang, f.url, f.headers, f.sha256, f.fetched_at, b.encoding, b.body
         FROM fetches f JOIN fetch_bodies b ON b.sha256 = f.sha256
        WHERE f.kind = 'question' AND f.status = 200 AND f.question_id IS NOT NULL
          AND f.question_id IN (SELECT id FROM questions WHERE ($1::int IS NULL OR legislature = $1::int) AND id > $2 ORDER BY id LIMIT $3)
        ORDER BY f.question_id, f.lang, f.fetched_at DESC, f.id DESC`,
      [opts.legislature ?? null, after, batch],
    );
    if (rows.length === 0) return;
    for (const r of rows) {
      yield {
        fetchId: r.id,
        questionId: r.question_id,
        lang: r.lang,
        url: r.url,
        contentType: r.headers['content-type'] ?? null,
        body: r.encoding === 'gzip' ? gunzipSync(r.body) : r.body,
        fetchedAt: r.fetched_at,
      };
    }
    after = rows[rows.length - 1]!.question_id;
  }
}
