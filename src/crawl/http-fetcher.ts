/**
 * One HTTP attempt with undici: keep-alive Agent with a connect timeout, a total timeout
 * for the attempt (redirects included), a body cap, redirects followed by hand and only
 * within the Senate's host, conditional GET, gzip/deflate. No retries here: the polite
 * fetcher decides those.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import { userAgent, type Config } from '../../config/index.ts';
import { coerceError } from '../util/errors.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { BodyTooLargeError, FetchTimeoutError, HttpStatusError, NetworkError, TruncatedBodyError } from './errors.ts';
import { once, type FetchRequest, type FetchResponse, type Fetcher } from './fetcher.ts';
import { finalResponse, flattenHeaders, isRedirect, redirectTarget } from './response.ts';

export type HttpFetcherConfig = Pick<Config, 'senateBaseUrl' | 'crawlerContact' | 'fetchTimeoutMs' | 'connectTimeoutMs' | 'maxBodyBytes'>;

export interface HttpFetcherOptions {
  config: HttpFetcherConfig;
  logger?: Logger;
  /** Keep-alive for idle sockets, ms. Default 30 000. */
  keepAliveTimeoutMs?: number;
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/** Node error codes that mean "the connection failed", kept as NetworkError.code. */
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_INFO',
]);

export function createHttpFetcher(opts: HttpFetcherOptions): Fetcher {
  return new HttpFetcher(opts);
}

class HttpFetcher implements Fetcher {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly ua: string;
  private readonly log: Logger;
  readonly close: () => Promise<void>;

  constructor(private readonly opts: HttpFetcherOptions) {
    const { config } = opts;
    this.host = new URL(config.senateBaseUrl).hostname.toLowerCase();
    this.ua = userAgent(config);
    this.log = (opts.logger ?? silentLogger).child({ component: 'http-fetcher' });
    this.agent = new Agent({
      connect: { timeout: config.connectTimeoutMs },
      keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000,
      // The total timeout below is the real limit; these only stop undici from giving up first with its 300 s defaults.
      headersTimeout: config.fetchTimeoutMs,
      bodyTimeout: config.fetchTimeoutMs,
    });
    this.close = once(async () => {
      await this.agent.close().catch((err: unknown) => this.log.warn({ err: coerceError(err) }, 'closing undici agent failed'));
    });
  }

  async fetch(req: FetchRequest): Promise<FetchResponse> {
    const { config } = this.opts;
    const started = performance.now();
    const fetchedAt = new Date();
    const timeout = AbortSignal.timeout(config.fetchTimeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;

    const headers: Record<string, string> = {
      'user-agent': this.ua,
      accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
      'accept-encoding': 'gzip, deflate',
    };
    if (req.validators?.etag) headers['if-none-match'] = req.validators.etag;
    if (req.validators?.lastModified) headers['if-modified-since'] = req.validators.lastModified;

    let current = req.url;
    for (let hop = 0; ; hop++) {
      let res: Dispatcher.ResponseData;
      try {
        res = await request(current, { method: 'GET', headers, signal, dispatcher: this.agent });
      } catch (err) {
        throw this.mapError(err, current, req.signal, timeout);
      }
      const resHeaders = flattenHeaders(Object.entries(res.headers));

      if (isRedirect(res.statusCode)) {
        await res.body.dump().catch(() => undefined);
        const location = resHeaders['location'];
        if (!location) throw new HttpStatusError(res.statusCode, current, null);
        const next = redirectTarget({ from: current, location, host: this.host, hop: hop + 1, requested: req.url });
        this.log.debug({ url: current, location: next.href, status: res.statusCode }, 'following redirect');
        current = next.href;
        if (req.beforeRedirect) await req.beforeRedirect(current);
        continue;
      }

      const final = { url: req.url, finalUrl: current, status: res.statusCode, headers: resHeaders, fetchedAt, startedMs: started };
      if (res.statusCode < 200 || res.statusCode > 299) {
        // A 304 or an error status: no body worth reading.
        await res.body.dump().catch(() => undefined);
        return finalResponse({ ...final, body: Buffer.alloc(0) });
      }
      return finalResponse({ ...final, body: await this.readBody(res, resHeaders, current, req.signal, timeout) });
    }
  }

  /** Reads at most maxBodyBytes (compressed and decompressed), checks Content-Length, undoes Content-Encoding. */
  private async readBody(
    res: Dispatcher.ResponseData, headers: Record<string, string>, url: string, callerSignal: AbortSignal | undefined, timeout: AbortSignal,
  ): Promise<Buffer> {
    const limit = this.opts.config.maxBodyBytes;
    const declared = headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
    if (declared !== null && Number.isFinite(declared) && declared > limit) {
      res.body.destroy();
      throw new BodyTooLargeError(url, limit);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        received += buf.length;
        if (received > limit) {
          res.body.destroy();
          throw new BodyTooLargeError(url, limit);
        }
        chunks.push(buf);
      }
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw err;
      const mapped = this.mapError(err, url, callerSignal, timeout);
      if (mapped instanceof NetworkError && declared !== null && received < declared) throw new TruncatedBodyError(url, declared, received, { cause: err });
      throw mapped;
    }
    if (declared !== null && Number.isFinite(declared) && received !== declared) throw new TruncatedBodyError(url, declared, received);
    const raw = Buffer.concat(chunks, received);
    return this.decompress(raw, (headers['content-encoding'] ?? '').trim().toLowerCase(), url);
  }

  private async decompress(raw: Buffer, encoding: string, url: string): Promise<Buffer> {
    if (encoding === '' || encoding === 'identity' || raw.length === 0) return raw;
    const maxOutputLength = this.opts.config.maxBodyBytes;
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip') return await gunzip(raw, { maxOutputLength });
      // "deflate" should be zlib-wrapped, but some servers send raw deflate: 0x78 is the zlib header's first byte.
      if (encoding === 'deflate') return raw[0] === 0x78 ? await inflate(raw, { maxOutputLength }) : await inflateRaw(raw, { maxOutputLength });
      if (encoding === 'br') return await brotli(raw, { maxOutputLength });
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeError(url, maxOutputLength, { cause: err });
      // A corrupt stream is a transfer problem, like a truncated body.
      throw new NetworkError(url, `BAD_${encoding.toUpperCase()}`, { cause: err });
    }
    this.log.warn({ url, encoding }, 'unknown content-encoding; keeping the bytes as they came');
    return raw;
  }

  /** Maps whatever undici/Node threw to our error classes. A caller's abort stays the caller's reason. */
  private mapError(err: unknown, url: string, callerSignal: AbortSignal | undefined, timeout: AbortSignal): Error {
    if (callerSignal?.aborted) return coerceError(callerSignal.reason);
    if (timeout.aborted) return new FetchTimeoutError(url, 'total', { cause: err });
    const e = coerceError(err);
    const code = (e as { code?: unknown }).code;
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return new FetchTimeoutError(url, 'connect', { cause: e });
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new FetchTimeoutError(url, 'total', { cause: e });
    if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return new TruncatedBodyError(url, null, null, { cause: e });
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('HPE_'))) return new NetworkError(url, code, { cause: e });
    const causeCode = (e.cause as { code?: unknown } | undefined)?.code;
    if (typeof causeCode === 'string') return new NetworkError(url, causeCode, { cause: e });
    return e;
  }
}
