/**
 * One webhook attempt over HTTP with undici: a signed POST, a total timeout, no redirects
 * followed (Standard Webhooks counts a 3xx as a failure: the URL should be updated), at most a
 * short excerpt of the answer kept for the error. Never throws: every way an attempt can end
 * is an AttemptResult.
 */
import { Agent, request } from 'undici';
import { parseRetryAfter } from '../crawl/errors.ts';
import { coerceError } from '../util/errors.ts';

export interface WebhookRequest {
  url: string;
  /** The event's JSON, exactly as signed. */
  body: string;
  /** The Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature). */
  headers: Record<string, string>;
  userAgent: string;
  timeoutMs: number;
  /** Aborts the attempt (shutdown, a delivery deadline). */
  signal?: AbortSignal;
}

export interface AttemptResult {
  ok: boolean;
  /** null when no response came. */
  status: number | null;
  /** null on success; otherwise what went wrong, short (for `webhooks` and the logs). */
  error: string | null;
  /** The response's Retry-After in ms, on 429 and 503 only. */
  retryAfterMs: number | null;
  /** 410 Gone: the receiver asks for no more deliveries of this event (not retried). */
  gone: boolean;
  durationMs: number;
}

const EXCERPT_BYTES = 300;

export function createWebhookAgent(opts: { connectTimeoutMs: number }): Agent {
  return new Agent({ connect: { timeout: opts.connectTimeoutMs }, keepAliveTimeout: 10_000 });
}

export async function sendWebhook(agent: Agent, req: WebhookRequest): Promise<AttemptResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  const done = (r: Omit<AttemptResult, 'durationMs'>): AttemptResult => ({ ...r, durationMs: performance.now() - started });
  try {
    const res = await request(req.url, {
      method: 'POST',
      dispatcher: agent,
      signal,
      headers: { ...req.headers, 'content-type': 'application/json', 'user-agent': req.userAgent },
      body: req.body,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const status = res.statusCode;
    if (status >= 200 && status < 300) {
      await res.body.dump().catch(() => undefined);
      return done({ ok: true, status, error: null, retryAfterMs: null, gone: false });
    }
    const excerpt = await readExcerpt(res.body).catch(() => '');
    const header = res.headers['retry-after'];
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(Array.isArray(header) ? header[0] : header) : null;
    const location = status >= 300 && status < 400 ? res.headers.location : undefined;
    const detail = location ? ` (redirect to ${String(location)} not followed: update the URL)` : excerpt ? `: ${excerpt}` : '';
    return done({ ok: false, status, error: `HTTP ${status}${detail}`, retryAfterMs, gone: status === 410 });
  } catch (e) {
    const err = coerceError(e);
    let message: string;
    if (req.signal?.aborted) message = `interrupted: ${reasonText(req.signal.reason)}`;
    else if (timeout.aborted || err.name === 'HeadersTimeoutError' || err.name === 'BodyTimeoutError') message = `timed out after ${req.timeoutMs} ms`;
    else {
      const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
      message = typeof code === 'string' ? `${code}: ${err.message}` : err.message;
    }
    return done({ ok: false, status: null, error: message, retryAfterMs: null, gone: false });
  }
}

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted';
}

/** The first bytes of an error answer as one line of text; the rest is thrown away. */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= EXCERPT_BYTES) break;
  }
  body.destroy();
  return Buffer.concat(chunks)
    .subarray(0, EXCERPT_BYTES)
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .trim();
}
