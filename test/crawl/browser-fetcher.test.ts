import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrowserFetcher, type BrowserFetcher } from '../../src/crawl/browser-fetcher.ts';
import { HttpStatusError, OffHostRedirectError } from '../../src/crawl/errors.ts';
import { createHttpFetcher } from '../../src/crawl/http-fetcher.ts';
import { createTransport } from '../../src/crawl/transport.ts';
import { startTestServer, testConfig, type TestServer } from './test-server.ts';

const CHROMIUM = '/usr/bin/chromium';

interface Proc {
  pid: number;
  ppid: number;
  stat: string;
  comm: string;
}

function processes(): Proc[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([pid, ppid, stat, comm]) => ({ pid: Number(pid), ppid: Number(ppid), stat: stat ?? '', comm: comm ?? '' }));
}

/** Running (not zombie) Chromium processes descended from ours. */
function chromiumDescendants(): number[] {
  const rows = processes();
  const ours = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) {
      if (ours.has(r.ppid) && !ours.has(r.pid)) {
        ours.add(r.pid);
        grew = true;
      }
    }
  }
  return rows.filter((r) => ours.has(r.pid) && /chrom/i.test(r.comm) && !r.stat.startsWith('Z')).map((r) => r.pid);
}

/**
 * Of `pids`, those still running. A zombie (stat Z) is dead: Chromium's helpers are
 * re-parented to PID 1, and a container without an init never reaps them.
 */
function stillRunning(pids: number[]): number[] {
  const byPid = new Map(processes().map((p) => [p.pid, p]));
  return pids.filter((pid) => {
    const p = byPid.get(pid);
    return p !== undefined && !p.stat.startsWith('Z');
  });
}

/** Running Chromium processes anywhere (crashpad handlers are double-forked away from us). */
function allChromium(): number[] {
  return processes().filter((p) => /chrom/i.test(p.comm) && !p.stat.startsWith('Z')).map((p) => p.pid);
}

// Bytes a browser would "fix" if it touched them: 0x80–0x9F in Windows-1252.
const PAGE = Buffer.concat([
  Buffer.from('<html><head><title>Schriftelijke vraag nr. 5-3820</title></head><body><p>Belgi', 'latin1'),
  Buffer.from([0x8e, 0xeb, 0x80, 0x85]),
  Buffer.from('</p><img src="/spacer.gif"><script src="/app.js"></script></body></html>', 'latin1'),
]);

let server: TestServer;
let fetcher: BrowserFetcher;

describe.skipIf(!existsSync(CHROMIUM))('browser fetcher (FETCH_MODE=browser)', () => {
  beforeAll(async () => {
    server = await startTestServer();
    fetcher = createBrowserFetcher({ config: testConfig(server.url, { chromiumPath: CHROMIUM, fetchTimeoutMs: 15_000 }), pagesPerContext: 2, pagesPerBrowser: 3 });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
    // Every browser of the rotations (relaunched every 3 pages) is gone too.
    expect(chromiumDescendants()).toEqual([]);
  });
  beforeEach(() => {
    server.log.length = 0;
  });

  it('returns the same bytes, status and headers as the HTTP fetcher', async () => {
    server.route('/q', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=windows-1252', etag: '"e1"' }).end(PAGE));
    server.route('/gz', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(zlib.gzipSync(PAGE)));
    const http = createHttpFetcher({ config: testConfig(server.url) });
    try {
      for (const path of ['/q', '/gz', '/q', '/q']) {
        const viaBrowser = await fetcher.fetch({ url: `${server.url}${path}` });
        const viaHttp = await http.fetch({ url: `${server.url}${path}` });
        expect(viaBrowser.status).toBe(200);
        expect(viaBrowser.body.equals(viaHttp.body)).toBe(true);
        expect(viaBrowser.body.equals(PAGE)).toBe(true);
        expect(viaBrowser.headers['content-type']).toBe(viaHttp.headers['content-type']);
      }
    } finally {
      await http.close();
    }
  });

  it('sends only the document request: no images, scripts or favicon', async () => {
    server.route('/q', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await fetcher.fetch({ url: `${server.url}/q` });
    await new Promise((r) => setTimeout(r, 200));
    expect(server.log.map((r) => r.path)).toEqual(['/q']);
    expect(server.log[0]!.headers['user-agent']).toMatch(/^senate-questions\//);
  });

  it('sends conditional headers and reports a 304 as notModified', async () => {
    server.route('/c', (req, res) => void (req.headers['if-none-match'] === '"e1"' ? res.writeHead(304, { etag: '"e1"' }).end() : res.writeHead(200).end(PAGE)));
    const res = await fetcher.fetch({ url: `${server.url}/c`, validators: { etag: '"e1"' } });
    expect(res.status).toBe(304);
    expect(res.notModified).toBe(true);
    expect(res.body.length).toBe(0);
  });

  it('follows a redirect on the host, charging the hop, and refuses one off the host', async () => {
    server.route('/old', (_req, res) => void res.writeHead(301, { location: '/new' }).end());
    server.route('/new', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    server.route('/away', (_req, res) => void res.writeHead(302, { location: 'http://localhost:1/x' }).end());
    const hops: string[] = [];
    const res = await fetcher.fetch({ url: `${server.url}/old`, beforeRedirect: async (u) => void hops.push(u) });
    expect(res.finalUrl).toBe(`${server.url}/new`);
    expect(hops).toEqual([`${server.url}/new`]);
    await expect(fetcher.fetch({ url: `${server.url}/away` })).rejects.toBeInstanceOf(OffHostRedirectError);
  });

  it('turns an error status into HttpStatusError with Retry-After', async () => {
    server.route('/busy', (_req, res) => void res.writeHead(429, { 'retry-after': '7' }).end('slow down'));
    const err = (await fetcher.fetch({ url: `${server.url}/busy` }).catch((e: unknown) => e)) as HttpStatusError;
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(7000);
  });

  it('serves pages concurrently across context and browser rotations', async () => {
    server.route('/q', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    const results = await Promise.all(Array.from({ length: 7 }, () => fetcher.fetch({ url: `${server.url}/q` })));
    expect(results.every((r) => r.body.equals(PAGE))).toBe(true);
    expect(fetcher.browserPids().length).toBeGreaterThanOrEqual(1);
  });

  describe('when closed', () => {
    it('leaves no Chromium process behind, and close() is idempotent', async () => {
      const f = createTransport(testConfig(server.url, { fetchMode: 'browser', chromiumPath: CHROMIUM })) as BrowserFetcher;
      server.route('/q', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
      const before = new Set(allChromium());
      await f.fetch({ url: `${server.url}/q` });
      const pids = f.browserPids();
      expect(pids).toHaveLength(1);
      // Ours: everything Chromium-like that appeared with this launch, wherever it was re-parented.
      const ours = allChromium().filter((p) => !before.has(p));
      expect(ours).toContain(pids[0]);
      expect(ours.length).toBeGreaterThan(1); // zygotes, renderer, network service…: the check can see them
      const p1 = f.close();
      expect(f.close()).toBe(p1);
      await p1;
      for (let i = 0; i < 20 && stillRunning(ours).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(stillRunning(ours)).toEqual([]);
    });
  });
});
