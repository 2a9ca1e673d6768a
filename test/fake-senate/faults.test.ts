import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import { questionUrl } from '../../src/senate/urls.ts';
import { FaultBook } from './faults.ts';
import { generateQuestions } from './generate.ts';
import { get } from './http-client.ts';
import { startFakeSenate, type FakeSenate } from './server.ts';

let senate: FakeSenate;

beforeAll(async () => {
  senate = await startFakeSenate({ questions: generateQuestions(20, { legislature: 8, seed: 2 }) });
});
afterAll(() => senate.close());
beforeEach(() => senate.clearFaults());

const page = (id: string, lang: 'fr' | 'nl' = 'fr'): string => questionUrl(senate.url, id, lang);

/** A fresh connection per request, so a destroyed socket cannot leak into the next test. */
function once(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fault', () => {
  it('answers 500 to the matching requests only', async () => {
    senate.fault({ kind: 'status', match: 'NR=3&' });
    expect((await get(page('8-3'))).status).toBe(500);
    expect((await get(page('8-4'))).status).toBe(200);
  });

  it('can answer another error status', async () => {
    senate.fault({ kind: 'status', status: 503, match: /NR=3&/ });
    expect((await get(page('8-3'))).status).toBe(503);
  });

  it('answers 429 with Retry-After in seconds', async () => {
    senate.fault({ kind: 'rate-limit', retryAfter: 7 });
    const r = await get(page('8-1'));
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
  });

  it('answers 429 with Retry-After as an HTTP date', async () => {
    const when = new Date(Date.now() + 30_000);
    senate.fault({ kind: 'rate-limit', retryAfter: when });
    const r = await get(page('8-1'));
    expect(r.headers['retry-after']).toBe(when.toUTCString());
  });

  it('holds a slow response back, past a client timeout', async () => {
    senate.fault({ kind: 'slow', delayMs: 400, count: 2 });
    const t0 = performance.now();
    expect((await get(page('8-1'))).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    await expect(get(page('8-1'), {}, { timeoutMs: 100 })).rejects.toThrow('client timeout');
  });

  it('resets the connection before any response', async () => {
    senate.fault({ kind: 'reset', count: 1 });
    await expect(once(page('8-1'))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await once(page('8-1'))).status).toBe(200);
  });

  it('truncates the body and destroys the socket, the announced length unmet', async () => {
    const full = await once(page('8-1'));
    senate.fault({ kind: 'truncate', count: 1 });
    const r = await once(page('8-1')).then(
      (res) => ({ res, error: null }),
      (error: Error) => ({ res: null, error }),
    );
    // Node reports the cut either as an error or as an incomplete response, by timing.
    if (r.error) expect(r.error.message).toMatch(/aborted|socket hang up|ECONNRESET/);
    else {
      expect(r.res!.complete).toBe(false);
      expect(r.res!.body.length).toBeLessThan(full.body.length);
    }
  });

  it('truncates the body and ends cleanly, so the half page looks complete', async () => {
    const full = await once(page('8-1'));
    senate.fault({ kind: 'truncate', then: 'end', count: 1 });
    const r = await once(page('8-1'));
    expect(r.status).toBe(200);
    expect(r.complete).toBe(true);
    expect(r.body.length).toBe(Math.floor(full.body.length / 2));
    expect(full.body.subarray(0, r.body.length).equals(r.body)).toBe(true);
  });

  it('announces utf-8 while the body stays windows-1252', async () => {
    senate.fault({ kind: 'wrong-charset' });
    const r = await get(page('8-1'));
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(iconv.decode(r.body, 'windows-1252')).toContain('Question écrite n° 8-1');
    expect(r.body.toString('utf8')).not.toContain('Question écrite');
  });

  it('serves the page in another markup for the faulty requests', async () => {
    senate.fault({ kind: 'markup', markup: 'br', count: 1 });
    expect((await get(page('8-1'))).text).not.toContain('<TABLE');
    expect((await get(page('8-1'))).text).toContain('<TABLE');
  });

  it('stops after count hits and reports them', async () => {
    const handle = senate.fault({ kind: 'status', count: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(page('8-1'))).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
    expect(handle.hits).toBe(2);
  });

  it('can be removed on its own', async () => {
    const handle = senate.fault({ kind: 'status' });
    handle.remove();
    expect((await get(page('8-1'))).status).toBe(200);
  });

  it('cuts a short page back to a tag and closes it, so it is well-formed to its end', async () => {
    const full = await once(page('8-1'));
    senate.fault({ kind: 'truncate', then: 'close', at: 0.7, count: 1 });
    const r = await once(page('8-1'));
    expect(r.status).toBe(200);
    expect(r.complete).toBe(true);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    const text = r.body.toString('latin1');
    expect(text).toMatch(/>\n<\/body><\/html>\n$/);
    const kept = r.body.subarray(0, r.body.length - '\n</body></html>\n'.length);
    expect(kept.length).toBeLessThanOrEqual(Math.floor(full.body.length * 0.7));
    expect(kept.length).toBeGreaterThan(full.body.length * 0.5);
    expect(full.body.subarray(0, kept.length).equals(kept)).toBe(true);
  });

  it('cuts a page at the given fraction', async () => {
    const full = await once(page('8-1'));
    senate.fault({ kind: 'truncate', then: 'end', at: 0.25, count: 1 });
    expect((await once(page('8-1'))).body.length).toBe(Math.floor(full.body.length * 0.25));
  });

  it('answers random bytes announced as text/html', async () => {
    senate.fault({ kind: 'garbage', bytes: 3000, count: 2 });
    const [a, b] = [await get(page('8-1')), await get(page('8-1'))];
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('text/html');
    expect(a.body.length).toBe(3000);
    expect(a.body.equals(b.body)).toBe(false);
    expect(parseQuestionPage({ body: a.body, contentType: 'text/html', lang: 'fr', expectedId: '8-1' }).ok).toBe(false);
  });

  it('answers a PDF instead of the page', async () => {
    senate.fault({ kind: 'binary', count: 1 });
    const r = await get(page('8-1'));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.body.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
  });

  it('answers a gzip stream without Content-Encoding, announced as whatever it is told', async () => {
    senate.fault({ kind: 'binary', format: 'gzip', contentType: 'text/html', count: 1 });
    const r = await get(page('8-1'));
    expect(r.headers['content-type']).toBe('text/html');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect([r.body[0], r.body[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(r.body).toString()).toContain('<html>');
  });

  it.each([403, 503, 200] as const)('answers a Cloudflare-style browser check with status %i', async (status) => {
    senate.fault({ kind: 'challenge', status, count: 1 });
    const r = await get(page('8-1'));
    expect(r.status).toBe(status);
    expect(r.headers['server']).toBe('cloudflare');
    expect(r.headers['cf-mitigated']).toBe('challenge');
    expect(r.text).toContain('<title>Just a moment...</title>');
    expect(r.text).toContain('Checking your browser before accessing');
    expect(r.text).not.toContain('Question écrite');
  });

  it('answers a 403 browser check by default', async () => {
    senate.fault({ kind: 'challenge', count: 1 });
    expect((await get(page('8-1'))).status).toBe(403);
  });

  it.each(['fr', 'nl'] as const)('puts a raw NUL byte and a &#0; reference into the %s question text, and nothing else', async (lang) => {
    const clean = await get(page('8-2', lang));
    senate.fault({ kind: 'nul', count: 1 });
    const r = await get(page('8-2', lang));
    expect(r.status).toBe(200);
    expect(r.body.includes(0x00)).toBe(true);
    expect(r.text.split('\u0000')).toHaveLength(2);
    expect(r.text.split('&#0;')).toHaveLength(2);
    expect(r.headers['etag']).not.toBe(clean.headers['etag']);
    // Both sit inside the first paragraph of the question, after its heading; removing them gives the page back.
    const heading = r.text.search(lang === 'fr' ? /Question n° 8-2/ : /Vraag nr\. 8-2/);
    expect(heading).toBeGreaterThan(0);
    expect(r.text.indexOf('\u0000')).toBeGreaterThan(heading);
    expect(r.text.indexOf('&#0;')).toBeGreaterThan(r.text.indexOf('\u0000'));
    expect(r.text.replace('\u0000', '').replace('&#0;', '')).toBe(clean.text);
  });

  it('leaves pages other than questions alone under a NUL fault', async () => {
    senate.fault({ kind: 'nul' });
    const r = await get(`${senate.url}/www/?MIval=/Vragen/SVListe&LEG=8&LANG=nl&PAGE=1`);
    expect(r.body.includes(0x00)).toBe(false);
  });

  it('answers the Senate\'s "no data" error text with status 200', async () => {
    senate.fault({ kind: 'error-page', count: 2 });
    const fr = await get(page('8-1', 'fr'));
    const nl = await get(page('8-1', 'nl'));
    expect([fr.status, nl.status]).toEqual([200, 200]);
    expect(fr.text).toContain('Erreur : aucune donnée trouvée');
    expect(nl.text).toContain('Fout: geen gegevens gevonden');
    expect(parseQuestionPage({ body: fr.body, contentType: 'text/html; charset=windows-1252', lang: 'fr', expectedId: '8-1' })).toMatchObject({ ok: false, reason: 'error_page' });
  });

  it('records the fault in the request log', async () => {
    senate.clearRequests();
    senate.fault({ kind: 'status', count: 1 });
    await get(page('8-1'));
    expect(senate.requests().map((r) => [r.status, r.fault])).toEqual([[500, 'status']]);
  });
});

describe('FaultBook', () => {
  const draw = (seed: number): boolean[] => {
    const book = new FaultBook();
    book.add({ kind: 'status', fraction: 0.3, seed });
    return Array.from({ length: 1000 }, () => book.pick('/x') !== null);
  };

  it('hits about the given fraction of the matching requests', () => {
    const hits = draw(1).filter(Boolean).length;
    expect(hits).toBeGreaterThan(250);
    expect(hits).toBeLessThan(350);
  });

  it('hits the same requests for the same seed, others for another seed', () => {
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('draws only for requests the predicate matches', () => {
    const book = new FaultBook();
    book.add({ kind: 'reset', match: (url) => url.includes('NR=1&'), fraction: 1 });
    expect(book.pick('/www/?NR=2&')).toBeNull();
    expect(book.pick('/www/?NR=1&')).toMatchObject({ kind: 'reset' });
  });

  it('gives the first matching rule precedence', () => {
    const book = new FaultBook();
    book.add({ kind: 'slow', delayMs: 5, match: 'a' });
    book.add({ kind: 'reset' });
    expect(book.pick('/a')?.kind).toBe('slow');
    expect(book.pick('/b')?.kind).toBe('reset');
  });
});
