/**
 * Atom feeds (parsed and validated with fast-xml-parser) and the exports (HTTP and CLI,
 * CSV parsed back, JSON Lines), on real PostgreSQL.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { CSV_COLUMNS } from '../../src/export/format.ts';
import { buildServer } from '../../src/http/server.ts';
import { insertEvents, type StoredEvent } from '../../src/store/events.ts';
import { listEvents } from '../../src/store/monitoring.ts';
import { exportQuestions } from '../../src/store/search.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { runCli } from '../cli/run-cli.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { NAMED, store } from './fixtures.ts';

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

const atom = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'link', 'category'].includes(name) });

describe('feeds and exports on PostgreSQL', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let events: StoredEvent[];

  beforeAll(async () => {
    t = await pgTestDb();
    // A subject with everything CSV and XML must escape.
    await store(t.db, [
      ...NAMED,
      { id: '8-4', author: 'Zoë "Z" <Dubois> & Co', party: 'MR', fr: { subject: 'Virgule, "guillemets"\net retour', text: 'Texte <script>alert(1)</script>' }, nl: null },
    ]);
    events = await t.db.transaction((tx) =>
      insertEvents(
        tx,
        [
          { type: 'answer_arrived', questionId: '8-2', lang: 'fr', key: 'h1', payload: { answerDate: '2024-03-05' } },
          { type: 'answer_arrived', questionId: '8-2', lang: 'nl', key: 'h2', payload: { answerDate: '2024-03-05' } },
          { type: 'answer_arrived', questionId: '7-10', lang: 'fr', key: 'h3', payload: {} },
        ],
        [],
      ),
    );
    app = await buildServer({ db: t.db, config: loadConfig({}), logger: silentLogger });
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  async function feed(url: string) {
    const res = await app.inject({ method: 'GET', url, headers: { host: 'api.example.org' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(XMLValidator.validate(res.body)).toBe(true);
    return { xml: res.body, doc: atom.parse(res.body) as { feed: Record<string, unknown> & { entry?: Record<string, unknown>[] } } };
  }

  describe('GET /feeds/answers.atom', () => {
    it('is valid Atom: one entry per answer event, newest first, with the event id as a stable URN', async () => {
      const { doc } = await feed('/feeds/answers.atom');
      expect(doc.feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
      expect(doc.feed.id).toBe('http://api.example.org/feeds/answers.atom');
      expect(doc.feed.updated).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const answers = events.filter((e) => e.type === 'answer_arrived').reverse();
      const entries = doc.feed.entry!;
      expect(entries.map((e) => e.id)).toEqual(answers.map((e) => `urn:senate-questions:event:${e.id}`));
      for (const e of entries) {
        expect(e.title).toEqual(expect.any(String));
        expect(e.updated).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      }
      expect((entries[0]!.link as { '@href': string }[])[0]!['@href']).toBe('http://api.example.org/api/questions/7-10');
      // Stable: the same document again.
      const again = await feed('/feeds/answers.atom');
      expect(again.doc.feed.entry!.map((e) => e.id)).toEqual(entries.map((e) => e.id));
    });
    it('filters by addressee, author and party', async () => {
      const ids = async (q: string) => ((await feed(`/feeds/answers.atom?${q}`)).doc.feed.entry ?? []).map((e) => (e.link as { '@href': string }[])[0]!['@href'].split('/').pop());
      expect(await ids('addressee=Volksgezondheid')).toEqual(['8-2', '8-2']);
      expect(await ids('author=janssens')).toEqual(['7-10']);
      expect(await ids('party=groen')).toEqual(['7-10']);
      expect(await ids('party=PS')).toEqual([]);
    });
  });

  describe('GET /feeds/questions.atom', () => {
    it('has one entry per new question (storing a question is its question_new event), and escapes what the Senate wrote', async () => {
      const { xml, doc } = await feed('/feeds/questions.atom');
      const stored = (await listEvents(t.db, { types: ['question_new'] })).reverse();
      expect(stored).toHaveLength(5);
      expect(doc.feed.entry!.map((e) => e.id)).toEqual(stored.map((e) => `urn:senate-questions:event:${e.id}`));
      expect(doc.feed.entry!.map((e) => (e.category as { '@term': string }[])[0]!['@term'])).toEqual(Array(5).fill('question_new'));
      const byParty = (await feed('/feeds/questions.atom?party=MR')).doc.feed.entry!;
      expect(byParty.map((e) => (e.link as { '@href': string }[])[0]!['@href'])).toEqual(['http://api.example.org/api/questions/8-4']);
      expect(xml).toContain('Zoë &quot;Z&quot; &lt;Dubois&gt; &amp; Co');
      expect(doc.feed.entry![0]!.author).toEqual({ name: 'Zoë "Z" <Dubois> & Co' });
    });
  });

  describe('GET /api/export.csv', () => {
    it('streams every question once with both languages, UTF-8, a header row, quoting what needs it', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/export.csv' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
      // Streamed: no length known in advance.
      expect(res.headers['content-length']).toBeUndefined();
      const rows = parseCsv(res.body);
      expect(rows[0]).toEqual(CSV_COLUMNS);
      const byId = new Map(rows.slice(1).map((r) => [r[0], Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]]))]));
      expect([...byId.keys()]).toEqual(['7-10', '8-1', '8-2', '8-3', '8-4']);
      expect(rows.slice(1).every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
      expect(byId.get('8-2')).toMatchObject({ status: 'answered', answer_text_fr: 'Les lits sont au nombre de 12.', answer_text_nl: 'Er zijn 12 bedden.', subject_nl: 'Ziekenhuizen - Spoed' });
      expect(byId.get('8-4')).toMatchObject({ author_name: 'Zoë "Z" <Dubois> & Co', subject_fr: 'Virgule, "guillemets"\net retour', title_nl: '' });
    });
    it('takes the listing filters and since', async () => {
      const rows = parseCsv((await app.inject({ method: 'GET', url: '/api/export.csv?legislature=8&status=pending' })).body);
      expect(rows.slice(1).map((r) => r[0])).toEqual(['8-1', '8-3', '8-4']);
      const later = parseCsv((await app.inject({ method: 'GET', url: `/api/export.csv?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}` })).body);
      expect(later).toEqual([CSV_COLUMNS]);
      const bad = await app.inject({ method: 'GET', url: '/api/export.csv?since=soon' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ parameter: 'since' });
    });
  });

  describe('exportQuestions', () => {
    it('reads in batches of the given size, never more, every question once', async () => {
      const sizes: number[] = [];
      const ids: string[] = [];
      for await (const batch of exportQuestions(t.db, {}, 2)) {
        sizes.push(batch.length);
        ids.push(...batch.map((q) => q.id));
      }
      expect(sizes).toEqual([2, 2, 1]);
      expect(ids).toEqual(['7-10', '8-1', '8-2', '8-3', '8-4']);
    });
  });

  describe('senate-questions export', () => {
    it('writes JSON Lines to stdout, one question per line', async () => {
      const out = await runCli(['export', '--format', 'jsonl'], { env: { DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema } });
      expect(out.code, out.stderr).toBe(0);
      const lines = out.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((q) => q.id)).toEqual(['7-10', '8-1', '8-2', '8-3', '8-4']);
      expect(lines[2].texts.nl.answerText).toBe('Er zijn 12 bedden.');
      expect(out.stderr).toContain('exported 5 question(s)');
    });
    it('writes CSV to a file with -o, and --since keeps the recently changed', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'sq-export-'));
      try {
        const file = path.join(dir, 'all.csv');
        const out = await runCli(['export', '--format', 'csv', '-o', file, '--since', '2000-01-01'], { env: { DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema } });
        expect(out.code, out.stderr).toBe(0);
        expect(parseCsv(await readFile(file, 'utf8'))).toHaveLength(6);
        expect(await readdir(dir)).toEqual(['all.csv']);
        const none = await runCli(['export', '--format', 'csv', '--since', '2999-01-01'], { env: { DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema } });
        expect(parseCsv(none.stdout)).toEqual([CSV_COLUMNS]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    it('exits 2 on a bad format or date, naming it', async () => {
      const bad = await runCli(['export', '--format', 'xml']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--format');
      const since = await runCli(['export', '--format', 'csv', '--since', 'yesterday']);
      expect(since.code).toBe(2);
      expect(since.stderr).toContain('--since');
    });
  });
});
