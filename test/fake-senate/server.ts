/**
 * The fake Senate: an HTTP server on 127.0.0.1 that serves question pages, listings and
 * robots.txt the way senate.be might, from a store of ground-truth records, with faults on
 * demand and a log of every request. node:http only; rendered pages are cached per page
 * version as encoded bytes, so it serves thousands of pages a second.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Lang } from '../../src/senate/question-record.ts';
import { parseQuestionUrl } from '../../src/senate/urls.ts';
import { binaryBody, challengePage, closedShortBody, garbageBody, NUL_REFERENCE_MARK, withNulCharacters } from './fault-bodies.ts';
import { FaultBook, type FaultAction, type FaultHandle, type FaultRule } from './faults.ts';
import { generateQuestions, type GenerateOptions, type QuestionPair } from './generate.ts';
import { PRINT_LINKS } from './labels.ts';
import { renderListing, type ListingEntry } from './listing.ts';
import { encodePage, renderPage, type Markup } from './markup.ts';
import { pageBlocks } from './print-page.ts';
import {
  DEFAULT_SERVING,
  QuestionStore,
  variedServing,
  type AnswerArrival,
  type ServingOptions,
  type StoredQuestion,
} from './question-store.ts';
import { nowMs, type RequestLogEntry } from './request-log.ts';

/** What a number that does not exist looks like. */
export type MissingBehaviour = '404' | 'empty-template' | 'error-text';

export interface ValidatorOptions {
  /** Send ETag and answer If-None-Match. Default true. */
  etag?: boolean;
  /** Send Last-Modified and answer If-Modified-Since (question pages only). Default true. */
  lastModified?: boolean;
}

export interface FakeSenateSettings {
  /** Default `404`. */
  missing: MissingBehaviour;
  /** false switches all validators off (a site may send none); default all on. */
  validators: boolean | ValidatorOptions;
  /** robots.txt body; null answers 404. Default allows everything, no Crawl-delay. */
  robotsTxt: string | null;
  /** Added to every response before it starts, ms. Default 0. */
  latencyMs: number;
  /** Questions per listing page. Default 50. */
  listingPageSize: number;
}

export interface FakeSenateOptions extends Partial<FakeSenateSettings> {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Initial questions: records, or how many to generate. Default none. */
  questions?: QuestionPair[] | (GenerateOptions & { n: number });
  /**
   * How questions are served unless set per question: fixed options, or `varied` for a
   * deterministic spread of markups and charset announcements over numbers. Default
   * `table` markup, windows-1252, charset in the header, no meta.
   */
  serving?: Partial<ServingOptions> | 'varied';
}

export interface FakeSenate {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;

  addQuestion(pair: QuestionPair, serving?: Partial<ServingOptions>): void;
  /** The answer appears on one page, or both; a page not named keeps showing no answer. */
  answerArrives(id: string, arrival: AnswerArrival): void;
  correctSubject(id: string, lang: Lang, subject: string): void;
  /** From now on served like a number that does not exist. */
  removeQuestion(id: string): void;
  setMarkup(target: string | '*', markup: Markup): void;
  setServing(target: string | '*', serving: Partial<ServingOptions>): void;
  configure(settings: Partial<FakeSenateSettings>): void;
  /** The records the parser must return for the pages as served now; null when absent. */
  groundTruth(id: string): QuestionPair | null;
  /** Ids served, by legislature then number. */
  ids(): string[];

  fault(rule: FaultRule): FaultHandle;
  clearFaults(): void;
  requests(): RequestLogEntry[];
  clearRequests(): void;
}

const DEFAULT_ROBOTS = 'User-agent: *\nDisallow:\n';

interface Rendered {
  version: number;
  body: Buffer;
  etag: string;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** For conditional requests. */
  etag?: string;
  lastModified?: number;
}

export async function startFakeSenate(opts: FakeSenateOptions = {}): Promise<FakeSenate> {
  const settings: FakeSenateSettings = {
    missing: opts.missing ?? '404',
    validators: opts.validators ?? true,
    robotsTxt: opts.robotsTxt === undefined ? DEFAULT_ROBOTS : opts.robotsTxt,
    latencyMs: opts.latencyMs ?? 0,
    listingPageSize: opts.listingPageSize ?? 50,
  };
  const serving = opts.serving;
  const store = new QuestionStore(
    serving === 'varied' ? variedServing : () => ({ ...DEFAULT_SERVING, ...(serving ?? {}) }),
  );
  const pairs = Array.isArray(opts.questions) ? opts.questions : opts.questions ? generateQuestions(opts.questions.n, opts.questions) : [];
  for (const p of pairs) store.add(p);

  const faults = new FaultBook();
  let log: RequestLogEntry[] = [];
  const pageCache = new Map<string, Rendered>();
  const listingCache = new Map<string, Rendered>();
  let listingCacheVersion = -1;
  const sortedListings = new Map<number, ListingEntry[]>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let origin = '';

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const validators = (): Required<ValidatorOptions> => {
    const v = settings.validators;
    if (typeof v === 'boolean') return { etag: v, lastModified: v };
    return { etag: v.etag ?? true, lastModified: v.lastModified ?? true };
  };

  function renderQuestion(q: StoredQuestion, lang: Lang, markup: Markup, nul = false): Rendered {
    if (nul) {
      // Rendered for this request only: the fault must not reach the cache.
      const html = renderPage(withNulCharacters(pageBlocks(q.pages[lang])), { markup, lang, metaCharset: q.serving.metaCharset });
      const body = encodePage(html.replace(NUL_REFERENCE_MARK, '&#0;'), q.serving.encoding);
      return { version: q.version, body, etag: etagOf(body) };
    }
    const key = `${q.id}|${lang}|${markup}`;
    const hit = pageCache.get(key);
    if (hit && hit.version === q.version) return hit;
    const html = renderPage(pageBlocks(q.pages[lang]), { markup, lang, metaCharset: q.serving.metaCharset });
    const body = encodePage(html, q.serving.encoding);
    const rendered = { version: q.version, body, etag: etagOf(body) };
    pageCache.set(key, rendered);
    return rendered;
  }

  function htmlReply(status: number, body: Buffer, charset: string | null): Reply {
    return { status, headers: { 'Content-Type': charset ? `text/html; charset=${charset}` : 'text/html' }, body };
  }

  function missingReply(lang: Lang): Reply {
    switch (settings.missing) {
      case '404':
        return htmlReply(404, Buffer.from('<html><body><h1>404 Not Found</h1></body></html>'), 'windows-1252');
      case 'empty-template': {
        const html = renderPage([{ kind: 'text', text: PRINT_LINKS[lang] }], { markup: 'table', lang });
        return htmlReply(200, encodePage(html), 'windows-1252');
      }
      case 'error-text':
        return errorTextReply(lang);
    }
  }

  function errorTextReply(lang: Lang): Reply {
    const text = lang === 'fr' ? 'Erreur : aucune donnée trouvée pour cette question.' : 'Fout: geen gegevens gevonden voor deze vraag.';
    const html = renderPage([{ kind: 'text', text: PRINT_LINKS[lang] }, { kind: 'text', text }], { markup: 'table', lang });
    return htmlReply(200, encodePage(html), 'windows-1252');
  }

  function questionReply(path: string, fault: FaultAction | null): Reply | null {
    const ref = parseQuestionUrl(path, origin);
    if (!ref) return null;
    const q = store.get(ref.id);
    if (!q) return missingReply(ref.lang);
    const markup = fault?.kind === 'markup' ? fault.markup : q.serving.markup;
    const r = renderQuestion(q, ref.lang, markup, fault?.kind === 'nul');
    const reply = htmlReply(200, r.body, q.serving.charsetInHeader ? q.serving.encoding : null);
    reply.etag = r.etag;
    reply.lastModified = q.modifiedAt[ref.lang];
    return reply;
  }

  function listingReply(url: URL): Reply | null {
    const mival = param(url.searchParams, 'MIval');
    if (!mival || !/^\/?Vragen\/SVListe$/i.test(mival)) return null;
    const leg = Number(param(url.searchParams, 'LEG'));
    const lang = (param(url.searchParams, 'LANG') ?? 'nl').toLowerCase();
    const page = Number(param(url.searchParams, 'PAGE') ?? '1');
    if (!Number.isInteger(leg) || leg < 1 || (lang !== 'fr' && lang !== 'nl') || !Number.isInteger(page) || page < 1) return null;
    if (listingCacheVersion !== store.listingVersion) {
      listingCache.clear();
      sortedListings.clear();
      listingCacheVersion = store.listingVersion;
    }
    const key = `${leg}|${lang}|${page}|${settings.listingPageSize}`;
    let r = listingCache.get(key);
    if (!r) {
      let entries = sortedListings.get(leg);
      if (!entries) {
        entries = store.listing(leg).map((q) => ({ legislature: q.legislature, number: q.number, subject: q.pages[lang].subject }));
        sortedListings.set(leg, entries);
      }
      const html = renderListing(entries, { legislature: leg, lang, page, pageSize: settings.listingPageSize, origin });
      const body = encodePage(html);
      r = { version: listingCacheVersion, body, etag: etagOf(body) };
      listingCache.set(key, r);
    }
    const reply = htmlReply(200, r.body, 'windows-1252');
    reply.etag = r.etag;
    return reply;
  }

  function route(req: IncomingMessage, fault: FaultAction | null): Reply {
    const path = req.url ?? '/';
    let url: URL;
    try {
      url = new URL(path, origin);
    } catch {
      return htmlReply(400, Buffer.from('bad request'), null);
    }
    if (url.pathname === '/robots.txt') {
      if (settings.robotsTxt === null) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('not found') };
      return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from(settings.robotsTxt) };
    }
    if (url.pathname === '/www/' || url.pathname === '/www') {
      const reply = listingReply(url) ?? questionReply(path, fault);
      if (reply) return reply;
    }
    return htmlReply(404, Buffer.from('<html><body><h1>404 Not Found</h1></body></html>'), 'windows-1252');
  }

  function conditional(req: IncomingMessage, reply: Reply): Reply {
    const v = validators();
    if (reply.status !== 200) return reply;
    const headers = { ...reply.headers };
    if (v.etag && reply.etag) headers['ETag'] = reply.etag;
    if (v.lastModified && reply.lastModified !== undefined) headers['Last-Modified'] = new Date(reply.lastModified).toUTCString();
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    let notModified = false;
    if (inm !== undefined) {
      // If-None-Match decides alone when present (RFC 9110 13.2.2).
      notModified = v.etag && reply.etag !== undefined && etagMatches(inm, reply.etag);
    } else if (ims !== undefined && v.lastModified && reply.lastModified !== undefined) {
      const since = Date.parse(ims);
      notModified = Number.isFinite(since) && reply.lastModified <= since;
    }
    if (notModified) {
      delete headers['Content-Type'];
      return { status: 304, headers, body: Buffer.alloc(0) };
    }
    return { ...reply, headers };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const entry: RequestLogEntry = {
      t: nowMs(),
      method: req.method ?? 'GET',
      url: req.url ?? '',
      status: 0,
      userAgent: req.headers['user-agent'] ?? null,
      ifNoneMatch: header(req, 'if-none-match'),
      ifModifiedSince: header(req, 'if-modified-since'),
      ms: 0,
      fault: null,
    };
    log.push(entry);
    res.on('close', () => {
      entry.status = res.headersSent ? res.statusCode : 0;
      entry.ms = performance.now() - started;
    });

    const fault = faults.pick(entry.url);
    entry.fault = fault?.kind ?? null;
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    if (fault?.kind === 'slow') await sleep(fault.delayMs);
    if (res.destroyed || req.socket.destroyed) return;

    if (fault?.kind === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'status') {
      const status = fault.status ?? 500;
      send(res, req, { status, headers: { 'Content-Type': 'text/html' }, body: Buffer.from(`<html><body><h1>${status} Server Error</h1></body></html>`) });
      return;
    }
    if (fault?.kind === 'rate-limit') {
      const retryAfter = typeof fault.retryAfter === 'number' ? String(fault.retryAfter) : fault.retryAfter.toUTCString();
      send(res, req, { status: 429, headers: { 'Content-Type': 'text/html', 'Retry-After': retryAfter }, body: Buffer.from('<html><body><h1>429 Too Many Requests</h1></body></html>') });
      return;
    }

    if (fault?.kind === 'garbage') {
      send(res, req, htmlReply(200, garbageBody(fault.bytes), null));
      return;
    }
    if (fault?.kind === 'binary') {
      const { body, contentType } = binaryBody(fault.format);
      send(res, req, { status: 200, headers: { 'Content-Type': fault.contentType ?? contentType }, body });
      return;
    }
    if (fault?.kind === 'challenge') {
      const headers = { 'Content-Type': 'text/html; charset=UTF-8', Server: 'cloudflare', 'cf-mitigated': 'challenge', 'Cache-Control': 'private, max-age=0, no-store, no-cache, must-revalidate' };
      send(res, req, { status: fault.status ?? 403, headers, body: Buffer.from(challengePage('www.senate.be')) });
      return;
    }
    if (fault?.kind === 'error-page') {
      const lang = /[?&]LANG=fr\b/i.test(entry.url) ? 'fr' : 'nl';
      send(res, req, errorTextReply(lang));
      return;
    }

    let reply = conditional(req, route(req, fault));
    if (fault?.kind === 'wrong-charset' && reply.headers['Content-Type']?.startsWith('text/html')) {
      reply = { ...reply, headers: { ...reply.headers, 'Content-Type': `text/html; charset=${fault.charset ?? 'utf-8'}` } };
    }
    if (fault?.kind === 'truncate' && reply.body.length > 1) {
      const half = reply.body.subarray(0, Math.floor(reply.body.length * (fault.at ?? 0.5)));
      if (fault.then === 'close') {
        send(res, req, { ...reply, body: closedShortBody(reply.body, fault.at) });
      } else if (fault.then === 'end') {
        // No Content-Length: the short body looks complete to the client.
        res.writeHead(reply.status, { ...reply.headers, Connection: 'close' });
        res.end(req.method === 'HEAD' ? undefined : half);
      } else {
        res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(reply.body.length) });
        res.write(half, () => res.destroy());
      }
      return;
    }
    send(res, req, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(err));
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url: origin,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
    addQuestion: (pair, s) => store.add(pair, s),
    answerArrives: (id, arrival) => store.answerArrives(id, arrival),
    correctSubject: (id, lang, subject) => store.correctSubject(id, lang, subject),
    removeQuestion: (id) => store.remove(id),
    setMarkup: (target, markup) => store.setServing(target, { markup }),
    setServing: (target, s) => store.setServing(target, s),
    configure: (s) => {
      Object.assign(settings, s);
      listingCacheVersion = -1;
    },
    groundTruth: (id) => store.groundTruth(id),
    ids: () => store.ids(),
    fault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    requests: () => log.map((e) => ({ ...e })),
    clearRequests: () => {
      log = [];
    },
  };
}

/** The query parameter `name`, whatever its case. */
function param(params: URLSearchParams, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of params) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
}

function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const bare = (t: string): string => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => bare(t) === bare(etag));
}

function send(res: ServerResponse, req: IncomingMessage, reply: Reply): void {
  if (reply.status === 304) {
    res.writeHead(304, reply.headers);
    res.end();
    return;
  }
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(reply.body.length) });
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}
