import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BodyTooLargeError,
  FetchTimeoutError,
  HttpStatusError,
  NetworkError,
  OffHostRedirectError,
  TooManyRedirectsError,
  TruncatedBodyError,
} from '../../src/crawl/errors.ts';
import type { Fetcher } from '../../src/crawl/fetcher.ts';
import { createHttpFetcher } from '../../src/crawl/http-fetcher.ts';
import { startBlackholePort, startTestServer, testConfig, type TestServer } from './test-server.ts';

let server: TestServer;
let fetcher: Fetcher;

beforeEach(async () => {
  server = await startTestServer();
  fetcher = createHttpFetcher({ config: testConfig(server.url, { maxBodyBytes: 64 * 1024, fetchTimeoutMs: 1_000, connectTimeoutMs: 300 }) });
});

afterEach(async () => {
  await fetcher.close();
  await server.close();
});

describe('HTTP fetcher', () => {
  describe('when the page is served', () => {
    it('returns the raw bytes, status, headers and timing', async () => {
      const bytes = Buffer.from([0x42, 0x65, 0x6c, 0x67, 0x69, 0xeb, 0x80]);
      server.route('/page', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=windows-1252', etag: '"v1"' }).end(bytes));
      const res = await fetcher.fetch({ url: `${server.url}/page` });
      expect(res.status).toBe(200);
      expect(res.body.equals(bytes)).toBe(true);
      expect(res.headers['etag']).toBe('"v1"');
      expect(res.headers['content-type']).toBe('text/html; charset=windows-1252');
      expect(res.notModified).toBe(false);
      expect(res.finalUrl).toBe(`${server.url}/page`);
      expect(res.attempts).toBe(1);
      expect(res.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('sends our User-Agent and asks for gzip/deflate', async () => {
      server.route('/page', (_req, res) => void res.end('ok'));
      await fetcher.fetch({ url: `${server.url}/page` });
      const headers = server.requestsTo('/page')[0]!.headers;
      expect(headers['user-agent']).toMatch(/^senate-questions\/\S+ \(\+/);
      expect(headers['accept-encoding']).toBe('gzip, deflate');
    });

    it.each([
      ['gzip', zlib.gzipSync],
      ['deflate', zlib.deflateSync],
      ['deflate', zlib.deflateRawSync],
    ] as const)('undoes Content-Encoding: %s', async (encoding, compress) => {
      const text = Buffer.from('Schriftelijke vraag nr. 5-3820 '.repeat(50), 'latin1');
      server.route('/z', (_req, res) => void res.writeHead(200, { 'content-encoding': encoding }).end(compress(text)));
      const res = await fetcher.fetch({ url: `${server.url}/z` });
      expect(res.body.equals(text)).toBe(true);
    });
  });

  describe('when the connection cannot be opened in time', () => {
    it('fails with a connect timeout', async () => {
      const hole = await startBlackholePort();
      const f = createHttpFetcher({ config: testConfig(`http://127.0.0.1:${hole.port}`, { connectTimeoutMs: 300, fetchTimeoutMs: 5_000 }) });
      try {
        const started = performance.now();
        const err = await f.fetch({ url: `http://127.0.0.1:${hole.port}/x` }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(FetchTimeoutError);
        expect((err as FetchTimeoutError).phase).toBe('connect');
        expect(performance.now() - started).toBeLessThan(3_000);
      } finally {
        await f.close();
        await hole.close();
      }
    });
  });

  describe('when the server is too slow', () => {
    it('fails with a total timeout while waiting for headers', async () => {
      server.route('/slow', () => undefined); // never answers
      const started = performance.now();
      const err = await fetcher.fetch({ url: `${server.url}/slow` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchTimeoutError);
      expect((err as FetchTimeoutError).phase).toBe('total');
      expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('fails with a total timeout while the body trickles in', async () => {
      server.route('/trickle', (_req, res) => {
        res.writeHead(200);
        const t = setInterval(() => res.write('x'), 100);
        res.on('close', () => clearInterval(t));
      });
      const err = await fetcher.fetch({ url: `${server.url}/trickle` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchTimeoutError);
      expect((err as FetchTimeoutError).phase).toBe('total');
    });
  });

  describe('when the body is larger than MAX_BODY_BYTES', () => {
    it('refuses a declared Content-Length over the cap', async () => {
      server.route('/big', (_req, res) => void res.writeHead(200, { 'content-length': 100_000 }).end(Buffer.alloc(100_000)));
      await expect(fetcher.fetch({ url: `${server.url}/big` })).rejects.toBeInstanceOf(BodyTooLargeError);
    });

    it('stops reading a chunked body once it passes the cap', async () => {
      let written = 0;
      server.route('/stream', (_req, res) => {
        res.writeHead(200);
        const t = setInterval(() => {
          written += 16 * 1024;
          if (!res.write(Buffer.alloc(16 * 1024))) return;
        }, 5);
        res.on('close', () => clearInterval(t));
      });
      const err = await fetcher.fetch({ url: `${server.url}/stream` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BodyTooLargeError);
      expect((err as BodyTooLargeError).limit).toBe(64 * 1024);
      expect(written).toBeLessThan(1024 * 1024);
    });

    it('refuses a gzip body that inflates past the cap', async () => {
      server.route('/bomb', (_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.alloc(1024 * 1024))));
      await expect(fetcher.fetch({ url: `${server.url}/bomb` })).rejects.toBeInstanceOf(BodyTooLargeError);
    });
  });

  describe('when the body is cut short', () => {
    it('fails with TruncatedBodyError', async () => {
      server.route('/cut', (_req, res) => {
        res.writeHead(200, { 'content-length': 1000 });
        res.write(Buffer.alloc(100));
        setTimeout(() => res.socket?.destroy(), 20);
      });
      await expect(fetcher.fetch({ url: `${server.url}/cut` })).rejects.toBeInstanceOf(TruncatedBodyError);
    });
  });

  describe('when the connection is reset', () => {
    it('fails with a NetworkError', async () => {
      server.route('/reset', (req) => void req.socket.resetAndDestroy());
      const err = await fetcher.fetch({ url: `${server.url}/reset` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    });
  });

  describe('when the page redirects', () => {
    it('follows a redirect within the Senate host', async () => {
      server.route('/old', (_req, res) => void res.writeHead(301, { location: '/new?x=1' }).end());
      server.route('/new', (_req, res) => void res.end('moved here'));
      const hops: string[] = [];
      const res = await fetcher.fetch({ url: `${server.url}/old`, beforeRedirect: async (u) => void hops.push(u) });
      expect(res.body.toString()).toBe('moved here');
      expect(res.finalUrl).toBe(`${server.url}/new?x=1`);
      expect(res.url).toBe(`${server.url}/old`);
      expect(hops).toEqual([`${server.url}/new?x=1`]);
    });

    it('refuses a redirect to another host', async () => {
      server.route('/away', (_req, res) => void res.writeHead(302, { location: 'http://localhost:1/elsewhere' }).end());
      const err = await fetcher.fetch({ url: `${server.url}/away` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OffHostRedirectError);
      expect((err as OffHostRedirectError).location).toBe('http://localhost:1/elsewhere');
      expect(server.log).toHaveLength(1);
    });

    it('gives up after five redirects', async () => {
      server.route('/loop', (_req, res) => void res.writeHead(302, { location: '/loop' }).end());
      await expect(fetcher.fetch({ url: `${server.url}/loop` })).rejects.toBeInstanceOf(TooManyRedirectsError);
      expect(server.requestsTo('/loop')).toHaveLength(6); // the request and five redirects
    });
  });

  describe('when validators are sent (conditional GET)', () => {
    it('sends If-None-Match and If-Modified-Since and reports a 304 as notModified', async () => {
      const lastModified = 'Mon, 07 May 2012 10:00:00 GMT';
      server.route('/q', (req, res) => {
        if (req.headers['if-none-match'] === '"v1"' && req.headers['if-modified-since'] === lastModified) res.writeHead(304, { etag: '"v1"' }).end();
        else res.writeHead(200, { etag: '"v1"' }).end('full page');
      });
      const res = await fetcher.fetch({ url: `${server.url}/q`, validators: { etag: '"v1"', lastModified } });
      expect(res.status).toBe(304);
      expect(res.notModified).toBe(true);
      expect(res.body.length).toBe(0);
      expect(res.headers['etag']).toBe('"v1"');
    });

    it('gets the full page when the validators do not match', async () => {
      server.route('/q', (req, res) => {
        if (req.headers['if-none-match'] === '"v2"') res.writeHead(304).end();
        else res.writeHead(200, { etag: '"v2"' }).end('full page');
      });
      const res = await fetcher.fetch({ url: `${server.url}/q`, validators: { etag: '"v1"' } });
      expect(res.notModified).toBe(false);
      expect(res.body.toString()).toBe('full page');
    });
  });

  describe('when the server answers with an error status', () => {
    it('throws HttpStatusError with the status', async () => {
      const err = await fetcher.fetch({ url: `${server.url}/missing` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpStatusError);
      expect((err as HttpStatusError).status).toBe(404);
      expect((err as HttpStatusError).retryAfterMs).toBeNull();
    });

    it('parses Retry-After in seconds', async () => {
      server.route('/busy', (_req, res) => void res.writeHead(429, { 'retry-after': '3' }).end());
      const err = (await fetcher.fetch({ url: `${server.url}/busy` }).catch((e: unknown) => e)) as HttpStatusError;
      expect(err.status).toBe(429);
      expect(err.retryAfterMs).toBe(3000);
    });

    it('parses Retry-After as an HTTP date', async () => {
      const at = new Date(Date.now() + 10_000).toUTCString();
      server.route('/down', (_req, res) => void res.writeHead(503, { 'retry-after': at }).end());
      const err = (await fetcher.fetch({ url: `${server.url}/down` }).catch((e: unknown) => e)) as HttpStatusError;
      expect(err.status).toBe(503);
      expect(err.retryAfterMs).toBeGreaterThan(8_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(10_000);
    });
  });

  describe('when the caller aborts', () => {
    it('rejects with the caller’s reason, not a timeout', async () => {
      server.route('/slow', () => undefined);
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('shutting down')), 50);
      await expect(fetcher.fetch({ url: `${server.url}/slow`, signal: ac.signal })).rejects.toThrow('shutting down');
    });
  });

  it('close() is idempotent', async () => {
    const p1 = fetcher.close();
    expect(fetcher.close()).toBe(p1);
    await p1;
  });
});
