/**
 * FETCH_MODE=browser: one attempt through Chromium (playwright-core driving Debian's
 * Chromium), behind the same Fetcher interface, so the polite fetcher wraps it unchanged.
 *
 * Every request of the page is paused through the CDP Fetch domain (unlike page.route,
 * it also sees redirect hops): only the main document and its redirects go out, through
 * Chromium's own network stack (its TLS, HTTP and cookie handling). Each redirect hop is
 * charged to the budget (`beforeRedirect`), checked to stay on the Senate host (max 5
 * hops), and carries the conditional headers. The final response's raw bytes are taken
 * at the response stage and the navigation is then aborted: the page is not rendered,
 * so images, scripts and the favicon never cost rate budget.
 *
 * Lifetime is bounded: a new browser context every `pagesPerContext` pages, a fresh
 * Chromium every `pagesPerBrowser` pages, at most `concurrency` pages at once. close() is
 * idempotent and closes (kills) every Chromium we launched.
 *
 * Differences from the HTTP transport: Chromium applies its own connect timeout (not
 * CONNECT_TIMEOUT_MS); the body cap is checked after the body has arrived.
 */
// Types only: playwright-core (~90 MB of RSS) is imported at the first launch, so an http worker never loads it.
import type { Browser, BrowserContext, BrowserServer, CDPSession } from 'playwright-core';
import { userAgent, type Config } from '../../config/index.ts';
import { coerceError } from '../util/errors.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { BodyTooLargeError, FetchTimeoutError, HttpStatusError, NetworkError, TruncatedBodyError } from './errors.ts';
import { isProcessAlive } from '../util/process.ts';
import { once, type FetchRequest, type FetchResponse, type Fetcher } from './fetcher.ts';
import { finalResponse, flattenHeaders, isRedirect, redirectTarget } from './response.ts';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export type BrowserFetcherConfig = Pick<Config, 'senateBaseUrl' | 'crawlerContact' | 'fetchTimeoutMs' | 'maxBodyBytes' | 'chromiumPath'>;

export interface BrowserFetcherOptions {
  config: BrowserFetcherConfig;
  logger?: Logger;
  /** Pages open at once. Default 2. */
  concurrency?: number;
  /** Pages served by one browser context before a fresh one. Default 50. */
  pagesPerContext?: number;
  /** Pages served by one Chromium before it is relaunched. Default 500. */
  pagesPerBrowser?: number;
}

export interface BrowserFetcher extends Fetcher {
  /** PIDs of the Chromium processes currently launched (for leak checks). */
  browserPids(): number[];
}

interface BrowserGen {
  /** We launch a server to hold Chromium's process handle (pid, kill), then connect to it. */
  server: BrowserServer;
  browser: Browser;
  pid: number | null;
  pages: number;
  active: number;
  retired: boolean;
}

interface ContextGen {
  gen: BrowserGen;
  context: BrowserContext;
  pages: number;
  active: number;
  retired: boolean;
}

export function createBrowserFetcher(opts: BrowserFetcherOptions): BrowserFetcher {
  return new BrowserFetcherImpl(opts);
}

class BrowserFetcherImpl implements BrowserFetcher {
  private readonly host: string;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly pagesPerContext: number;
  private readonly pagesPerBrowser: number;
  private readonly gens = new Set<BrowserGen>();
  private currentGen: BrowserGen | null = null;
  private currentCtx: ContextGen | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private closed = false;
  /** Background closes of retired contexts/browsers; close() waits for them. */
  private readonly closing = new Set<Promise<unknown>>();
  readonly close: () => Promise<void>;

  constructor(private readonly opts: BrowserFetcherOptions) {
    this.host = new URL(opts.config.senateBaseUrl).hostname.toLowerCase();
    this.log = (opts.logger ?? silentLogger).child({ component: 'browser-fetcher' });
    this.concurrency = Math.max(1, opts.concurrency ?? 2);
    this.pagesPerContext = Math.max(1, opts.pagesPerContext ?? 50);
    this.pagesPerBrowser = Math.max(1, opts.pagesPerBrowser ?? 500);
    this.close = once(() => this.shutdown());
  }

  browserPids(): number[] {
    return [...this.gens].map((g) => g.pid).filter((p): p is number => p !== null);
  }

  async fetch(req: FetchRequest): Promise<FetchResponse> {
    if (this.closed) throw new Error('browser fetcher is closed');
    await this.slot(req.signal);
    let ctx: ContextGen | null = null;
    try {
      ctx = await this.serialise(() => this.takeContext());
      return await this.fetchInContext(ctx, req);
    } finally {
      if (ctx) this.releaseContext(ctx);
      this.active--;
      this.waiters.shift()?.();
    }
  }

  private async slot(signal?: AbortSignal): Promise<void> {
    while (this.active >= this.concurrency) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiters.indexOf(wake);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal?.reason);
        };
        this.waiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.active++;
  }

  /** Runs `fn` after every earlier call has settled: launching and rotating must not race. */
  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async takeContext(): Promise<ContextGen> {
    if (this.closed) throw new Error('browser fetcher is closed');
    let gen = this.currentGen;
    if (!gen || gen.retired || gen.pages >= this.pagesPerBrowser || !gen.browser.isConnected()) {
      if (gen) this.retireBrowser(gen);
      gen = await this.launch();
    }
    let ctx = this.currentCtx;
    if (!ctx || ctx.retired || ctx.gen !== gen || ctx.pages >= this.pagesPerContext) {
      if (ctx) this.retireContext(ctx);
      const context = await gen.browser.newContext({ userAgent: userAgent(this.opts.config), serviceWorkers: 'block', javaScriptEnabled: true });
      ctx = { gen, context, pages: 0, active: 0, retired: false };
      this.currentCtx = ctx;
    }
    ctx.pages++;
    ctx.active++;
    gen.pages++;
    gen.active++;
    return ctx;
  }

  private releaseContext(ctx: ContextGen): void {
    ctx.active--;
    ctx.gen.active--;
    if (ctx.retired && ctx.active === 0) this.background(ctx.context.close());
    if (ctx.gen.retired && ctx.gen.active === 0) this.background(this.closeBrowser(ctx.gen));
  }

  private retireContext(ctx: ContextGen): void {
    ctx.retired = true;
    if (ctx.active === 0) this.background(ctx.context.close());
  }

  private retireBrowser(gen: BrowserGen): void {
    gen.retired = true;
    if (this.currentGen === gen) this.currentGen = null;
    if (gen.active === 0) this.background(this.closeBrowser(gen));
  }

  private background(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.closing.delete(tracked));
    this.closing.add(tracked);
  }

  private async launch(): Promise<BrowserGen> {
    const { chromium } = await import('playwright-core');
    const server = await chromium.launchServer({
      executablePath: this.opts.config.chromiumPath, args: CHROMIUM_ARGS, headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false, host: '127.0.0.1',
    });
    let browser: Browser;
    try {
      browser = await chromium.connect(server.wsEndpoint());
    } catch (err) {
      await server.kill().catch(() => undefined);
      throw err;
    }
    const gen: BrowserGen = { server, browser, pid: server.process().pid ?? null, pages: 0, active: 0, retired: false };
    browser.on('disconnected', () => {
      gen.retired = true;
      this.gens.delete(gen);
    });
    this.gens.add(gen);
    this.currentGen = gen;
    this.log.info({ pid: gen.pid }, 'chromium launched');
    return gen;
  }

  private async closeBrowser(gen: BrowserGen): Promise<void> {
    this.gens.delete(gen);
    await gen.browser.close().catch((err: unknown) => this.log.warn({ err: coerceError(err) }, 'disconnecting from chromium failed'));
    await gen.server.close().catch((err: unknown) => this.log.warn({ err: coerceError(err) }, 'closing chromium failed'));
    // close() waits for Chromium to exit; kill() is the fallback for a wedged one.
    if (gen.pid !== null && isProcessAlive(gen.pid)) await gen.server.kill().catch(() => undefined);
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    await this.lock.catch(() => undefined);
    const all = [...this.gens];
    this.currentGen = null;
    this.currentCtx = null;
    await Promise.allSettled([...all.map((g) => this.closeBrowser(g)), ...this.closing]);
  }

  private async fetchInContext(ctx: ContextGen, req: FetchRequest): Promise<FetchResponse> {
    const started = performance.now();
    const fetchedAt = new Date();
    const page = await ctx.context.newPage();
    let cdp: CDPSession | null = null;
    let failure: Error | null = null;
    let captured: Captured | null = null;
    let hops = 0;
    let lastUrl = req.url;
    const onAbort = () => void page.close().catch(() => undefined);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      cdp = await ctx.context.newCDPSession(page);
      const session = cdp;
      const mainFrameId = (await session.send('Page.getFrameTree')).frameTree.frame.id;
      const block = (requestId: string) => session.send('Fetch.failRequest', { requestId, errorReason: 'BlockedByClient' });

      /** Request stage: only the main document goes out; each redirect hop is checked and charged. */
      const onRequest = async (ev: PausedRequest) => {
        if (ev.redirectedRequestId !== undefined) {
          hops++;
          try {
            redirectTarget({ from: lastUrl, location: ev.request.url, host: this.host, hop: hops, requested: req.url });
            if (req.beforeRedirect) await req.beforeRedirect(ev.request.url);
          } catch (err) {
            failure = coerceError(err);
          }
          if (failure) return block(ev.requestId);
        }
        lastUrl = ev.request.url;
        const headers = Object.entries(ev.request.headers).map(([name, value]) => ({ name, value: String(value) }));
        if (req.validators?.etag) headers.push({ name: 'If-None-Match', value: req.validators.etag });
        if (req.validators?.lastModified) headers.push({ name: 'If-Modified-Since', value: req.validators.lastModified });
        return session.send('Fetch.continueRequest', { requestId: ev.requestId, headers });
      };

      /**
       * Response stage: the raw bytes come from Fetch.getResponseBody (Playwright's
       * response.body() would hand back Chromium's text re-encoded as UTF-8, which mangles
       * a Windows-1252 page). Once captured, the navigation is aborted: nothing is
       * rendered, so no image, script or favicon request costs budget, and a 304 (which
       * Chromium cannot render without a cache entry) is handled like any response.
       */
      const onResponse = async (ev: PausedRequest) => {
        const status = ev.responseStatusCode ?? 0;
        const headers = flattenHeaders((ev.responseHeaders ?? []).map((h) => [h.name, h.value] as const));
        if (ev.responseErrorReason !== undefined || (isRedirect(status) && headers['location'])) {
          return session.send('Fetch.continueRequest', { requestId: ev.requestId });
        }
        let body = Buffer.alloc(0);
        if (status >= 200 && status <= 299) {
          const declared = Number(headers['content-length'] ?? NaN);
          if (!(declared > this.opts.config.maxBodyBytes)) {
            const got = await session.send('Fetch.getResponseBody', { requestId: ev.requestId });
            body = Buffer.from(got.body, got.base64Encoded ? 'base64' : 'utf8');
          }
          if (declared > this.opts.config.maxBodyBytes || body.length > this.opts.config.maxBodyBytes) {
            failure = new BodyTooLargeError(ev.request.url, this.opts.config.maxBodyBytes);
            return block(ev.requestId);
          }
        }
        captured = { url: ev.request.url, status, headers, body };
        return session.send('Fetch.failRequest', { requestId: ev.requestId, errorReason: 'Aborted' });
      };

      session.on('Fetch.requestPaused', (ev) => {
        const isDocument = ev.resourceType === 'Document' && ev.frameId === mainFrameId;
        const atResponse = ev.responseStatusCode !== undefined || ev.responseErrorReason !== undefined;
        const handle = !isDocument ? block(ev.requestId) : atResponse ? onResponse(ev) : onRequest(ev);
        void Promise.resolve(handle).catch((err: unknown) => this.log.debug({ err: coerceError(err) }, 'request interception failed (page closed?)'));
      });
      await session.send('Fetch.enable', {
        patterns: [
          { urlPattern: '*', requestStage: 'Request' },
          { urlPattern: '*', resourceType: 'Document', requestStage: 'Response' },
        ],
      });

      let gotoError: unknown = null;
      await page.goto(req.url, { waitUntil: 'commit', timeout: this.opts.config.fetchTimeoutMs }).catch((err: unknown) => (gotoError = err));
      if (failure) throw failure;
      const c = captured as Captured | null;
      if (!c) throw gotoError ?? new NetworkError(req.url, 'NO_RESPONSE');
      return finalResponse({ url: req.url, finalUrl: c.url, status: c.status, headers: c.headers, body: c.body, fetchedAt, startedMs: started });
    } catch (err) {
      if (req.signal?.aborted) throw coerceError(req.signal.reason);
      if (failure) throw failure;
      if (err instanceof HttpStatusError) throw err;
      throw mapBrowserError(err, lastUrl);
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
      // Page first: detaching first would let the page's pending requests out unintercepted.
      await page.close().catch(() => undefined);
      await cdp?.detach().catch(() => undefined);
    }
  }
}

/** The fields of CDP's Fetch.requestPaused we use (playwright-core does not export its Protocol types). */
interface PausedRequest {
  requestId: string;
  request: { url: string; headers: Record<string, unknown> };
  frameId: string;
  resourceType: string;
  responseStatusCode?: number;
  responseErrorReason?: string;
  responseHeaders?: { name: string; value: string }[];
  redirectedRequestId?: string;
}

interface Captured {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Maps Playwright/Chromium failures ("net::ERR_CONNECTION_REFUSED", timeouts) to our errors. */
export function mapBrowserError(err: unknown, url: string): Error {
  const e = coerceError(err);
  if (e.name === 'TimeoutError') return new FetchTimeoutError(url, 'total', { cause: e });
  const code = /net::(ERR_[A-Z_]+)/.exec(e.message)?.[1];
  if (!code) return e;
  if (code === 'ERR_CONTENT_LENGTH_MISMATCH' || code === 'ERR_INCOMPLETE_CHUNKED_ENCODING') return new TruncatedBodyError(url, null, null, { cause: e });
  if (code === 'ERR_CONNECTION_TIMED_OUT') return new FetchTimeoutError(url, 'connect', { cause: e });
  if (code === 'ERR_TIMED_OUT') return new FetchTimeoutError(url, 'total', { cause: e });
  return new NetworkError(url, code, { cause: e });
}
