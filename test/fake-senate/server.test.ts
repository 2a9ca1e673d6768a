import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import { parseQuestionUrl, questionUrl } from '../../src/senate/urls.ts';
import { comparable } from './comparable.ts';
import { generateQuestions } from './generate.ts';
import { get, hrefs } from './http-client.ts';
import { listingPath } from './listing.ts';
import { variedServing } from './question-store.ts';
import { startFakeSenate, type FakeSenate } from './server.ts';

let senate: FakeSenate;
const PAIRS = generateQuestions(120, { legislature: 8, seed: 5 });

beforeAll(async () => {
  senate = await startFakeSenate({ questions: PAIRS, listingPageSize: 25 });
});
afterAll(() => senate.close());
beforeEach(() => {
  senate.configure({ missing: '404', validators: true, latencyMs: 0 });
  senate.clearFaults();
});

const page = (id: string, lang: 'fr' | 'nl' = 'fr'): string => questionUrl(senate.url, id, lang);

describe('startFakeSenate', () => {
  it('listens on 127.0.0.1 on a free port', () => {
    expect(senate.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(senate.port).toBeGreaterThan(0);
  });

  it('can be closed twice', async () => {
    const other = await startFakeSenate();
    await other.close();
    await other.close();
    await expect(get(`${other.url}/robots.txt`)).rejects.toThrow();
  });

  it('generates its questions when given a count', async () => {
    const other = await startFakeSenate({ questions: { n: 30, legislature: 7, seed: 3 } });
    try {
      expect(other.ids()).toEqual(generateQuestions(30, { legislature: 7, seed: 3 }).map((p) => p.fr.id));
    } finally {
      await other.close();
    }
  });
});

describe('question pages', () => {
  it('serves a page as windows-1252 bytes and says so in the header', async () => {
    const r = await get(page('8-1'));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=windows-1252');
    expect(r.text).toContain('Question écrite n° 8-1');
    expect(r.body.includes(Buffer.from('écrite', 'latin1'))).toBe(true); // é is the single byte 0xE9
    expect(r.body.includes(Buffer.from('écrite', 'utf8'))).toBe(false);
  });

  it('serves the Dutch page in Dutch', async () => {
    const r = await get(page('8-1', 'nl'));
    expect(r.text).toContain('Schriftelijke vraag nr. 8-1');
  });

  it('answers every spelling of the question URL with the same page', async () => {
    const base = await get(page('8-2'));
    const spellings = [
      '/www/?MIval=Vragen/SchriftelijkeVraag&LEG=8&NR=2&LANG=fr',
      '/www/?mival=/vragen/schriftelijkevraag&leg=8&nr=2&lang=FR',
      '/www/?LANG=fr&NR=2&LEG=8&MIval=/Vragen/SchriftelijkeVraag',
      '/www/?MIval=/Vragen/SVPrint&LEG=8&NR=2&LANG=fr',
      '/www?MIval=/Vragen/SchriftelijkeVraag&LEG=8&NR=2&LANG=fr',
    ];
    for (const s of spellings) {
      const r = await get(senate.url + s);
      expect(r.status, s).toBe(200);
      expect(r.body.equals(base.body), s).toBe(true);
    }
  });

  it('serves the page in the markup set for the question, and re-renders when it changes', async () => {
    const table = await get(page('8-3'));
    expect(table.text).toContain('<TABLE');
    senate.setMarkup('8-3', 'div');
    try {
      const div = await get(page('8-3'));
      expect(div.text).toContain('<div id="content">');
      expect(div.headers.etag).not.toBe(table.headers.etag);
    } finally {
      senate.setMarkup('8-3', 'table');
    }
  });

  it('can leave the charset out of the header, with or without a meta tag carrying it', async () => {
    senate.setServing('8-4', { charsetInHeader: false, metaCharset: 'windows-1252' });
    senate.setServing('8-5', { charsetInHeader: false, metaCharset: null });
    try {
      const withMeta = await get(page('8-4'));
      expect(withMeta.headers['content-type']).toBe('text/html');
      expect(withMeta.text).toMatch(/<META HTTP-EQUIV="Content-Type" CONTENT="text\/html; charset=windows-1252">/);
      const bare = await get(page('8-5'));
      expect(bare.headers['content-type']).toBe('text/html');
      expect(bare.text).not.toMatch(/charset/i);
    } finally {
      senate.setServing('8-4', { charsetInHeader: true, metaCharset: null });
      senate.setServing('8-5', { charsetInHeader: true, metaCharset: null });
    }
  });

  it('answers HEAD with the headers and no body', async () => {
    const r = await get(page('8-1'), {}, { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(Number(r.headers['content-length'])).toBeGreaterThan(1000);
    expect(r.body).toHaveLength(0);
  });
});

describe('a number that does not exist', () => {
  it('is a 404 by default', async () => {
    const r = await get(page('8-9999'));
    expect(r.status).toBe(404);
  });

  it('can be a 200 empty template: the layout without a title line', async () => {
    senate.configure({ missing: 'empty-template' });
    const r = await get(page('8-9999', 'nl'));
    expect(r.status).toBe(200);
    expect(r.text).toContain('Tweetalige printerversie');
    expect(r.text).not.toMatch(/Schriftelijke vraag nr\. 8-/);
  });

  it('can be a 200 page with an error text', async () => {
    senate.configure({ missing: 'error-text' });
    const r = await get(page('8-9999'));
    expect(r.status).toBe(200);
    expect(r.text).toContain('Erreur : aucune donnée trouvée');
    expect(r.text).not.toContain('Question écrite n° 8-');
  });

  it('is what a removed question becomes', async () => {
    const other = await startFakeSenate({ questions: PAIRS.slice(0, 3) });
    try {
      other.removeQuestion('8-2');
      expect((await get(questionUrl(other.url, '8-2', 'fr'))).status).toBe(404);
      expect(other.groundTruth('8-2')).toBeNull();
      expect(other.ids()).toEqual(['8-1', '8-3']);
    } finally {
      await other.close();
    }
  });

  it('leaves other paths a plain 404', async () => {
    expect((await get(`${senate.url}/nothing`)).status).toBe(404);
    expect((await get(`${senate.url}/www/?MIval=/Vragen/Other&LEG=8&NR=1&LANG=fr`)).status).toBe(404);
  });
});

describe('validators', () => {
  it('sends an ETag and a Last-Modified on question pages', async () => {
    const r = await get(page('8-6'));
    expect(r.headers.etag).toMatch(/^"[\w-]{20}"$/);
    expect(Date.parse(String(r.headers['last-modified']))).toBeLessThan(Date.now());
  });

  it('answers 304 with no body to a matching If-None-Match', async () => {
    const first = await get(page('8-6'));
    const r = await get(page('8-6'), { 'If-None-Match': String(first.headers.etag) });
    expect(r.status).toBe(304);
    expect(r.body).toHaveLength(0);
    expect(r.headers.etag).toBe(first.headers.etag);
  });

  it('answers 304 to an If-Modified-Since at or after the last change', async () => {
    const first = await get(page('8-6'));
    const r = await get(page('8-6'), { 'If-Modified-Since': String(first.headers['last-modified']) });
    expect(r.status).toBe(304);
  });

  it('answers 200 to stale validators after the page changed', async () => {
    const other = await startFakeSenate({ questions: PAIRS.slice(0, 3) });
    try {
      const url = questionUrl(other.url, '8-1', 'fr');
      const first = await get(url);
      other.correctSubject('8-1', 'fr', 'Sujet corrigé');
      const byEtag = await get(url, { 'If-None-Match': String(first.headers.etag) });
      expect(byEtag.status).toBe(200);
      expect(byEtag.text).toContain('Sujet corrigé');
      const byDate = await get(url, { 'If-Modified-Since': String(first.headers['last-modified']) });
      expect(byDate.status).toBe(200);
      expect(Date.parse(String(byDate.headers['last-modified']))).toBeGreaterThan(Date.parse(String(first.headers['last-modified'])));
    } finally {
      await other.close();
    }
  });

  it('can be switched off: no validators sent, conditional requests get the full page', async () => {
    senate.configure({ validators: false });
    const r = await get(page('8-6'), { 'If-None-Match': '*', 'If-Modified-Since': new Date().toUTCString() });
    expect(r.status).toBe(200);
    expect(r.headers.etag).toBeUndefined();
    expect(r.headers['last-modified']).toBeUndefined();
  });

  it('can keep the ETag and drop Last-Modified', async () => {
    senate.configure({ validators: { etag: true, lastModified: false } });
    const r = await get(page('8-6'));
    expect(r.headers.etag).toBeDefined();
    expect(r.headers['last-modified']).toBeUndefined();
  });
});

describe('listing pages', () => {
  const listing = (p: number, lang: 'fr' | 'nl' = 'nl'): string => senate.url + listingPath(8, lang, p);

  it('lists every question exactly once, newest first, when the pagination links are followed', async () => {
    const seen: string[] = [];
    const visited = new Set<string>();
    let next: string | null = listing(1);
    while (next && !visited.has(next)) {
      visited.add(next);
      const r = await get(next);
      expect(r.status).toBe(200);
      for (const href of hrefs(r.text)) {
        const ref = parseQuestionUrl(href, next);
        if (ref) seen.push(ref.id);
      }
      const more = /<a href="([^"]*)">Volgende/i.exec(r.text)?.[1]?.replace(/&amp;/g, '&');
      next = more ? new URL(more, next).toString() : null;
    }
    expect(visited.size).toBe(Math.ceil(PAIRS.length / 25));
    const expected = PAIRS.map((p) => p.fr.id).reverse();
    expect(seen).toEqual(expected);
  });

  it('links the questions in several URL spellings, relative and absolute', async () => {
    const r = await get(listing(1, 'fr'));
    const links = hrefs(r.text).filter((h) => /SchriftelijkeVraag/i.test(h));
    expect(links.some((h) => h.startsWith('?'))).toBe(true);
    expect(links.some((h) => h.startsWith('/www/'))).toBe(true);
    expect(links.some((h) => h.startsWith(senate.url))).toBe(true);
    expect(links.some((h) => h.includes('MIval=Vragen/'))).toBe(true);
    expect(links.some((h) => h.includes('lang=FR'))).toBe(true);
    expect(links.every((h) => parseQuestionUrl(h, listing(1, 'fr'))?.lang === 'fr')).toBe(true);
  });

  it('links every page by number, and the next page as Suivante / Volgende', async () => {
    const fr = await get(listing(2, 'fr'));
    expect(fr.text).toMatch(/PAGE=3">Suivante/);
    expect(fr.text).toMatch(/PAGE=1">1</);
    const last = await get(listing(5));
    expect(last.text).not.toContain('Volgende');
  });

  it('serves a page past the end as an empty listing', async () => {
    const r = await get(listing(99));
    expect(r.status).toBe(200);
    expect(hrefs(r.text).filter((h) => parseQuestionUrl(h, senate.url))).toEqual([]);
  });

  it('carries an ETag and answers 304 to it', async () => {
    const first = await get(listing(1));
    expect(first.headers.etag).toBeDefined();
    expect((await get(listing(1), { 'If-None-Match': String(first.headers.etag) })).status).toBe(304);
  });

  it('changes when a question is added', async () => {
    const other = await startFakeSenate({ questions: PAIRS.slice(0, 3) });
    try {
      const url = other.url + listingPath(8, 'fr', 1);
      const before = await get(url);
      other.addQuestion(PAIRS[3]!);
      const after = await get(url, { 'If-None-Match': String(before.headers.etag) });
      expect(after.status).toBe(200);
      expect(hrefs(after.text).map((h) => parseQuestionUrl(h, url)?.id).filter(Boolean)[0]).toBe('8-4');
    } finally {
      await other.close();
    }
  });
});

describe('robots.txt', () => {
  it('allows everything with no Crawl-delay by default', async () => {
    const r = await get(`${senate.url}/robots.txt`);
    expect(r.status).toBe(200);
    expect(r.text).toBe('User-agent: *\nDisallow:\n');
  });

  it('can say anything, or be absent', async () => {
    senate.configure({ robotsTxt: 'User-agent: *\nCrawl-delay: 2\n' });
    expect((await get(`${senate.url}/robots.txt`)).text).toContain('Crawl-delay: 2');
    senate.configure({ robotsTxt: null });
    expect((await get(`${senate.url}/robots.txt`)).status).toBe(404);
    senate.configure({ robotsTxt: 'User-agent: *\nDisallow:\n' });
  });
});

describe('latency', () => {
  it('delays every response by latencyMs', async () => {
    senate.configure({ latencyMs: 120 });
    const t0 = performance.now();
    await get(page('8-1'));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });
});

describe('served pages parsed by parseQuestionPage', () => {
  it('equal the ground truth in every markup and charset announcement, also after scripted changes', async () => {
    const varied = await startFakeSenate({ questions: { n: 150, legislature: 8, seed: 13 }, serving: 'varied' });
    try {
      const pending = varied.ids().filter((id) => varied.groundTruth(id)!.fr.status === 'pending');
      varied.answerArrives(pending[0]!, { lang: 'nl', date: '2026-11-20', text: 'Antwoord.\n\nA\t1\nB\t2' });
      varied.correctSubject(pending[1]!, 'fr', 'Sujet corrigé');
      const headers = new Set<string>();
      for (const id of varied.ids()) {
        for (const lang of ['fr', 'nl'] as const) {
          const r = await get(questionUrl(varied.url, id, lang));
          headers.add(String(r.headers['content-type']));
          const parsed = parseQuestionPage({ body: r.body, contentType: String(r.headers['content-type']), lang, expectedId: id });
          const markup = variedServing(Number(id.split('-')[1])).markup;
          if (!parsed.ok) throw new Error(`${id} ${lang}: ${parsed.reason} ${parsed.message}`);
          const [got, want] = comparable(parsed.page, varied.groundTruth(id)![lang], markup);
          expect(got, `${id} ${lang}`).toEqual(want);
        }
      }
      expect([...headers].sort()).toEqual(['text/html', 'text/html; charset=windows-1252']);
    } finally {
      await varied.close();
    }
  });
});

describe('throughput', () => {
  it('serves at least 1,500 cached pages per second of one core', async () => {
    const big = await startFakeSenate({ questions: { n: 500, legislature: 8, seed: 9 }, serving: 'varied' });
    try {
      const urls = big.ids().flatMap((id) => [questionUrl(big.url, id, 'fr'), questionUrl(big.url, id, 'nl')]);
      await Promise.all(urls.map((u) => get(u))); // warm the render cache
      const total = 4000;
      let i = 0;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (i < total) {
            const r = await get(urls[i++ % urls.length]!);
            if (r.status !== 200) throw new Error(`status ${r.status}`);
          }
        }),
      );
      const wall = total / ((performance.now() - t0) / 1000);
      const cpu = process.cpuUsage(cpu0);
      // Per CPU-second of this process, which also runs the client: a floor for the server alone
      // that does not move when other test files or processes compete for the cores.
      const perCpuSecond = total / ((cpu.user + cpu.system) / 1e6);
      console.info(`fake Senate throughput: ${Math.round(wall)} pages/s wall clock, ${Math.round(perCpuSecond)} pages per CPU-second (client included)`);
      expect(perCpuSecond).toBeGreaterThan(1500);
    } finally {
      await big.close();
    }
  });
});
