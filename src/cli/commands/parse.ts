/**
 * `senate-questions parse <file-or-url> [--lang fr|nl]`: parses one question page and prints
 * its record as JSON (field names in docs/parse-output.md). The language comes from --lang,
 * else the URL's `LANG=`, else `-fr`/`-nl` in the file name. A page that is not a question
 * fails with its reason (exit 1); bad usage exits 2.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { userAgent } from '../../../config/index.ts';
import { pageJson } from '../../senate/fields.ts';
import type { Lang } from '../../senate/question-record.ts';
import { parseQuestionPage } from '../../senate/question-page.ts';
import { parseQuestionUrl } from '../../senate/urls.ts';
import { UsageError, WorkFailedError, coerceError } from '../../util/errors.ts';
import { configFor } from '../config.ts';
import type { Io } from '../io.ts';

function isUrl(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/** The language of a target: the URL's LANG= or `-fr`/`-nl` in a file name. */
export function languageOf(target: string): Lang | null {
  if (isUrl(target)) {
    const m = /[?&]LANG=(fr|nl)\b/i.exec(target);
    return m ? (m[1]!.toLowerCase() as Lang) : null;
  }
  const m = /(?:^|[-_.])(fr|nl)(?=[-_.]|$)/i.exec(path.basename(target));
  return m ? (m[1]!.toLowerCase() as Lang) : null;
}

/** Reads at most `max` bytes of a file; null for a longer one (or an endless device: /dev/zero), once `max` is passed. */
export async function readCapped(file: string, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  // `end` is inclusive: one byte more than allowed tells "too large" from "exactly max".
  for await (const chunk of createReadStream(file, { start: 0, end: max })) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  if (size > max) return null;
  return Buffer.concat(chunks, size);
}

/** "connection refused by 127.0.0.1:9 (ECONNREFUSED)", from what fetch() hides behind "fetch failed". */
export function fetchFailureCause(e: unknown, target: string): string {
  const err = coerceError(e);
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within FETCH_TIMEOUT_MS`;
  const cause = (err.cause ?? err) as { code?: string; address?: string; port?: number; hostname?: string; message?: string; errors?: unknown[] };
  const inner = (Array.isArray(cause.errors) ? cause.errors[0] : cause) as typeof cause;
  const code = inner?.code ?? cause.code;
  const host = inner?.address ? `${inner.address}${inner.port ? `:${inner.port}` : ''}` : (inner?.hostname ?? new URL(target).host);
  const what: Record<string, string> = {
    ECONNREFUSED: 'connection refused by',
    ENOTFOUND: 'no such host:',
    EAI_AGAIN: 'the name could not be resolved:',
    ETIMEDOUT: 'connection timed out to',
    ECONNRESET: 'connection reset by',
    EHOSTUNREACH: 'host unreachable:',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out to',
  };
  if (code && what[code]) return `${what[code]} ${host} (${code})`;
  return `${inner?.message ?? cause.message ?? err.message}${code ? ` (${code})` : ''} at ${host}`;
}

async function load(target: string, io: Io): Promise<{ body: Buffer; contentType: string | null }> {
  const config = configFor(io);
  if (!isUrl(target)) {
    let body: Buffer | null;
    try {
      body = await readCapped(path.resolve(io.cwd, target), config.maxBodyBytes);
    } catch (e) {
      throw new UsageError(`cannot read ${target}: ${coerceError(e).message}`);
    }
    if (!body) throw new UsageError(`${target} is larger than MAX_BODY_BYTES (${config.maxBodyBytes} bytes), the largest page the crawler accepts`);
    return { body, contentType: null };
  }
  let res: Response;
  try {
    res = await fetch(target, { headers: { 'user-agent': userAgent(config) }, signal: AbortSignal.timeout(config.fetchTimeoutMs) });
  } catch (e) {
    throw new WorkFailedError(`cannot fetch ${target}: ${fetchFailureCause(e, target)}`, { cause: e });
  }
  if (!res.ok) throw new WorkFailedError(`${target} answered HTTP ${res.status}`);
  return { body: await readBodyCapped(res, config.maxBodyBytes, target), contentType: res.headers.get('content-type') };
}

/** A response body, refused past MAX_BODY_BYTES like the crawler's. */
async function readBodyCapped(res: Response, max: number, target: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body) {
    size += chunk.length;
    // Leaving the loop cancels the stream.
    if (size > max) throw new WorkFailedError(`${target}: the body is larger than MAX_BODY_BYTES (${max} bytes)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export async function parse(target: string, opts: { lang?: Lang }, io: Io): Promise<void> {
  const lang = opts.lang ?? languageOf(target);
  if (!lang) throw new UsageError(`cannot tell the language of ${target}: pass --lang fr|nl`);
  const { body, contentType } = await load(target, io);
  const expectedId = isUrl(target) ? parseQuestionUrl(target)?.id : undefined;
  const result = parseQuestionPage({ body, contentType, lang, ...(expectedId ? { expectedId } : {}) });
  if (!result.ok) throw new WorkFailedError(`${target} is not a question page (${result.reason}): ${result.message}`);
  // Documented order and names (docs/parse-output.md), from the field table.
  const out = pageJson(result.page);
  io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
