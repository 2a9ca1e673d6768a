/**
 * The HTTP API on real PostgreSQL, through fastify.inject: every filter of /api/questions,
 * keyset pagination to the end, full-text search stemmed in French and in Dutch, one question
 * whole, problem+json errors, the OpenAPI description, events, runs and the recrawl's token.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { buildServer } from '../../src/http/server.ts';
import { insertEvents } from '../../src/store/events.ts';
import { createRun } from '../../src/store/runs.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { NAMED, store, type Spec } from './fixtures.ts';

const TOKEN = 'test-token-0123456789abcdef';

/** 60 more questions for paging: sent dates with ties and some missing, in legislature 6. */
const MANY: Spec[] = Array.from({ length: 60 }, (_, i) => ({
  id: `6-${i + 1}`,
  status: i % 3 === 0 ? 'answered' : 'closed',
  sentDate: i % 7 === 0 ? null : `2015-0${1 + (i % 5)}-1${i % 4}`,
  answerDate: i % 3 === 0 ? `2015-1${i % 3}-0${1 + (i % 6)}` : null,
  answerDeadline: i % 4 === 0 ? null : `2016-01-0${1 + (i % 9)}`,
}));

interface Page {
  items: { id: string; overdue: boolean; links: { self: string } }[];
  next: string | null;
}

describe('the HTTP API on PostgreSQL', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let recrawled: string[];

  beforeAll(async () => {
    t = await pgTestDb();
    await store(t.db, [...NAMED, ...MANY]);
    recrawled = [];
    app = await buildServer({
      db: t.db,
      config: loadConfig({ API_TOKEN: TOKEN }),
      logger: silentLogger,
      recrawl: async (id) => {
        recrawled.push(id);
        return createRun(t.db, { kind: 'recrawl', legislatures: [8], options: { questionIds: [id] } });
      },
      plugins: [(instance, deps) => instance.register(async (scope) => {
        scope.get('/extra', async () => ({ kind: deps.db.kind }));
      })],
    });
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  async function get(url: string) {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: res.json(), headers: res.headers };
  }
  async function ids(query: string): Promise<string[]> {
    const res = await get(`/api/questions?limit=200&sort=number&${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as Page).items.map((q) => q.id).filter((id) => !id.startsWith('6-'));
  }

  describe('GET /api/questions filters', () => {
    it('by legislature', async () => {
      expect(await ids('legislature=7')).toEqual(['7-10']);
      expect(await ids('legislature=8')).toEqual(['8-1', '8-2', '8-3']);
    });
    it('by status', async () => {
      expect(await ids('status=pending')).toEqual(['8-1', '8-3']);
      expect(await ids('status=closed')).toEqual(['7-10']);
    });
    it('by addressee, in either language, case-insensitive', async () => {
      expect(await ids('addressee=justice')).toEqual(['7-10', '8-1']);
      expect(await ids('addressee=Volksgezondheid')).toEqual(['8-2']);
    });
    it('by author (part of the name) and by party', async () => {
      expect(await ids('author=dupont')).toEqual(['8-1', '8-3']);
      expect(await ids('party=groen')).toEqual(['7-10']);
      expect(await ids('party=N-VA')).toEqual(['8-2']);
    });
    it('by sent and answered date ranges, inclusive', async () => {
      expect(await ids('sentFrom=2024-02-01&sentTo=2024-03-15')).toEqual(['8-2', '8-3']);
      expect(await ids('sentTo=2024-01-10')).toEqual(['7-10', '8-1']);
      expect(await ids('answeredFrom=2024-03-05&answeredTo=2024-03-05')).toEqual(['8-2']);
    });
    it('overdue: pending with the deadline passed; false gives the others', async () => {
      expect(await ids('overdue=true')).toEqual(['8-1']);
      expect(await ids('overdue=false&legislature=8')).toEqual(['8-2', '8-3']);
      const one = await get('/api/questions?legislature=8&sort=number');
      expect((one.body as Page).items.map((q) => q.overdue)).toEqual([true, false, false]);
    });
    it('combines filters with AND', async () => {
      expect(await ids('author=dupont&status=pending&overdue=false')).toEqual(['8-3']);
    });
    it('gives both languages and a link per question', async () => {
      const res = await get('/api/questions?legislature=8&sort=number&limit=1');
      const [q] = res.body.items;
      expect(q.texts.fr.subject).toBe('Prisons - Surpopulation');
      expect(q.texts.nl.subject).toBe('Gevangenissen - Overbevolking');
      expect(q.links.self).toBe('/api/questions/8-1');
      expect(q.author).toEqual({ name: 'Alice Dupont', party: 'PS' });
    });
  });

  describe('full-text q', () => {
    it('stems French: réponses finds the question that says réponse', async () => {
      expect(await ids(`q=${encodeURIComponent('réponses')}`)).toEqual(['8-1']);
    });
    it('stems Dutch: vragen finds the question that says vraag', async () => {
      expect(await ids('q=vragen')).toEqual(['8-2']);
    });
    it('searches answers and subjects, with web-search syntax', async () => {
      expect(await ids('q=bedden')).toEqual(['8-2']);
      expect(await ids(`q=${encodeURIComponent('trains -prisons')}`)).toEqual(['8-3']);
      expect(await ids(`q=${encodeURIComponent('"arriéré des tribunaux"')}`)).toEqual(['7-10']);
    });
    it('combines with the filters', async () => {
      expect(await ids(`q=${encodeURIComponent('gevangenissen')}&status=answered`)).toEqual([]);
      expect(await ids(`q=${encodeURIComponent('gevangenissen')}&status=pending`)).toEqual(['8-1']);
    });
  });

  describe('keyset pagination', () => {
    const all = NAMED.length + MANY.length;
    for (const sort of ['-sent', 'sent', 'answered', '-answered', 'deadline', '-deadline', 'number', '-number']) {
      it(`follows next to the end with sort=${sort}: every question once, in order`, async () => {
        const seen: string[] = [];
        let url: string | null = `/api/questions?limit=7&sort=${sort}`;
        let pages = 0;
        while (url) {
          const res = await get(url);
          expect(res.status).toBe(200);
          const page = res.body as Page;
          seen.push(...page.items.map((q) => q.id));
          if (page.next) expect(res.headers.link).toBe(`<${page.next}>; rel="next"`);
          url = page.next;
          pages++;
        }
        expect(seen).toHaveLength(all);
        expect(new Set(seen).size).toBe(all);
        expect(pages).toBe(Math.ceil(all / 7));
        // The same order as one big page.
        const whole = (await get(`/api/questions?limit=200&sort=${sort}`)).body as Page;
        expect(seen).toEqual(whole.items.map((q) => q.id));
      });
    }
    it('keeps the filters in the next link', async () => {
      const first = (await get('/api/questions?legislature=6&status=closed&limit=5')).body as Page;
      expect(first.next).toContain('legislature=6');
      expect(first.next).toContain('status=closed');
      const second = (await get(first.next!)).body as Page;
      expect(second.items.every((q) => q.id.startsWith('6-'))).toBe(true);
    });
  });

  describe('GET /api/questions/:id', () => {
    it('gives both languages, the chronology, relations with links and the change history', async () => {
      await t.db.query(
        `INSERT INTO changes (question_id, lang, field, old_value, new_value, parser_version, cause)
         VALUES ('8-1', 'fr', 'subject', '"Prisons"'::jsonb, '"Prisons - Surpopulation"'::jsonb, 'test', 'senate')`,
      );
      const res = await get('/api/questions/8-1');
      expect(res.status).toBe(200);
      const q = res.body;
      expect(q.texts.fr.title).toBe('Question écrite n° 8-1');
      expect(q.texts.nl.questionText).toContain('gevangenissen');
      expect(q.chronology).toEqual([{ date: '2024-01-10', type: 'sent', label: 'Envoi question' }]);
      expect(q.overdue).toBe(true);
      expect(q.relations).toEqual([
        expect.objectContaining({ target: '8-2', stored: true, links: { self: '/api/questions/8-2' } }),
        expect.objectContaining({ target: '8-999', stored: false, links: { self: '/api/questions/8-999' } }),
      ]);
      expect(q.links).toEqual({ self: '/api/questions/8-1', events: '/api/events?question=8-1' });
      expect(q.history).toEqual([
        expect.objectContaining({ lang: 'fr', field: 'subject', oldValue: 'Prisons', newValue: 'Prisons - Surpopulation', cause: 'senate', kind: 'changed' }),
      ]);
      expect(Date.parse(q.history[0].observedAt)).not.toBeNaN();
    });
  });

  describe('errors are problem+json', () => {
    it('404 for an unknown question', async () => {
      const res = await get('/api/questions/8-4242');
      expect(res.status).toBe(404);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404, instance: '/api/questions/8-4242' });
      expect(res.body.detail).toContain('8-4242');
    });
    it('404 for an unknown route', async () => {
      const res = await get('/api/nothing-here');
      expect(res.status).toBe(404);
      expect(res.type).toMatch(/^application\/problem\+json/);
    });
    it('400 naming the parameter: a bad value, an unknown parameter, a bad id, a foreign cursor', async () => {
      const cases: [string, string, string][] = [
        ['/api/questions?limit=0', 'limit', 'query'],
        ['/api/questions?status=lost', 'status', 'query'],
        ['/api/questions?sentFrom=yesterday', 'sentFrom', 'query'],
        ['/api/questions?legislature=eight', 'legislature', 'query'],
        ['/api/questions?overdue=maybe', 'overdue', 'query'],
        ['/api/questions?stauts=pending', 'stauts', 'query'],
        ['/api/questions?after=garbage', 'after', 'query'],
        ['/api/questions/not-an-id', 'id', 'path'],
        ['/api/events?type=nothing', 'type', 'query'],
      ];
      for (const [url, parameter, where] of cases) {
        const res = await get(url);
        expect(res.status, url).toBe(400);
        expect(res.type, url).toMatch(/^application\/problem\+json/);
        expect(res.body, url).toMatchObject({ status: 400, title: 'Bad Request', parameter, in: where });
        expect(res.body.detail, url).toContain(parameter);
      }
    });
    it('400 when a cursor is used with another sort', async () => {
      const first = (await get('/api/questions?limit=2&sort=number')).body as Page;
      const cursor = new URL(first.next!, 'http://x').searchParams.get('after')!;
      const res = await get(`/api/questions?sort=-sent&after=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ parameter: 'after' });
      expect(res.body.detail).toContain('sort=number');
    });
  });

  describe('POST /api/questions/:id/recrawl', () => {
    const post = (url: string, auth?: string) => app.inject({ method: 'POST', url, headers: auth ? { authorization: auth } : {} });

    it('401 problem+json without the token, or with a wrong one; nothing is started', async () => {
      for (const auth of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`]) {
        const res = await post('/api/questions/8-1/recrawl', auth);
        expect(res.statusCode).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
      }
      expect(recrawled).toEqual([]);
    });
    it('202 with the run, queued', async () => {
      const res = await post('/api/questions/8-2/recrawl', `Bearer ${TOKEN}`);
      expect(res.statusCode).toBe(202);
      const { run } = res.json();
      expect(run).toMatchObject({ kind: 'recrawl', status: 'running', legislatures: [8] });
      expect(res.headers.location).toBe(`/api/runs/${run.id}`);
      expect(recrawled).toEqual(['8-2']);
      const again = await get(`/api/runs/${run.id}`);
      expect(again.body.id).toBe(run.id);
    });
    it('404 for a question not stored, 400 for a bad id (after the token)', async () => {
      expect((await post('/api/questions/8-4242/recrawl', `Bearer ${TOKEN}`)).statusCode).toBe(404);
      const bad = await post('/api/questions/x/recrawl', `Bearer ${TOKEN}`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ parameter: 'id', in: 'path' });
    });
  });

  describe('GET /api/events', () => {
    it('pages by sequence: polling next never misses nor repeats an event', async () => {
      await t.db.transaction((tx) =>
        insertEvents(
          tx,
          Array.from({ length: 5 }, (_, i) => ({ type: 'answer_arrived' as const, questionId: '8-2', lang: 'fr' as const, key: `a${i}`, payload: { i } })),
          [],
        ),
      );
      const first = await get('/api/events?type=answer_arrived&limit=3');
      expect(first.body.items).toHaveLength(3);
      expect(first.body.more).toBe(true);
      const second = await get(first.body.next);
      expect(second.body.items).toHaveLength(2);
      expect(second.body.more).toBe(false);
      const seqs = [...first.body.items, ...second.body.items].map((e: { seq: number }) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      await t.db.transaction((tx) => insertEvents(tx, [{ type: 'answer_arrived', questionId: '8-1', lang: 'nl', key: 'late', payload: {} }], []));
      const third = await get(second.body.next);
      expect(third.body.items.map((e: { questionId: string }) => e.questionId)).toEqual(['8-1']);
      expect((await get('/api/events?question=8-1&type=answer_arrived')).body.items).toHaveLength(1);
      // Storing 8-1 was an event too.
      expect((await get('/api/events?question=8-1')).body.items.map((e: { type: string }) => e.type)).toEqual(['question_new', 'answer_arrived']);
    });
  });

  describe('GET /api/lateness', () => {
    it('gives per addressee what was asked, answered and is oldest unanswered', async () => {
      const res = await get('/api/lateness?legislature=8');
      expect(res.status).toBe(200);
      const justice = res.body.items.find((r: { addresseeKey: string | null }) => r.addresseeKey === 'minister:justice');
      expect(justice).toMatchObject({ asked: 1, answered: 0, pending: 1, oldestUnanswered: { id: '8-1', link: '/api/questions/8-1' } });
      expect(justice.label).toMatch(/Justice/);
      const health = res.body.items.find((r: { names: { nl: string | null } }) => r.names.nl === 'aan de minister van Volksgezondheid');
      expect(health).toMatchObject({ asked: 1, answered: 1, medianDaysToAnswer: 33, due: 1, answeredByDeadline: 0, shareByDeadline: 0 });
      expect((await get('/api/lateness?legislature=0')).body).toMatchObject({ status: 400, parameter: 'legislature' });
    });
  });

  describe('GET /api/runs', () => {
    it('lists runs newest first with a link each', async () => {
      await createRun(t.db, { legislatures: [8] });
      const res = await get('/api/runs?limit=2');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(2);
      expect(res.body.items[0].id).toBeGreaterThan(res.body.items[1].id);
      expect(res.body.items[0].links.self).toBe(`/api/runs/${res.body.items[0].id}`);
      expect((await get('/api/runs/999999')).status).toBe(404);
    });
  });

  describe('plugins', () => {
    it('are added with the deps after the API (the dashboard, /metrics)', async () => {
      expect((await get('/extra')).body).toEqual({ kind: 'pg' });
    });
  });

  describe('the OpenAPI description', () => {
    it('is a valid OpenAPI 3.1 document describing every API route', async () => {
      const res = await get('/openapi.json');
      expect(res.status).toBe(200);
      const doc = res.body;
      expect(doc.openapi).toBe('3.1.0');
      await SwaggerParser.validate(structuredClone(doc));
      for (const path of ['/api/questions', '/api/questions/{id}', '/api/questions/{id}/recrawl', '/api/events', '/api/runs', '/feeds/answers.atom', '/api/export.csv']) {
        expect(Object.keys(doc.paths), path).toContain(path);
      }
      expect(doc.components.schemas.Problem).toBeDefined();
      const operationIds = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
      expect(operationIds).toEqual(expect.arrayContaining(['listQuestions', 'getQuestion', 'recrawlQuestion', 'listEvents', 'getLateness', 'listRuns', 'answersFeed', 'exportCsv']));
      expect(operationIds.every((id) => typeof id === 'string')).toBe(true);
      // A plugin's untagged routes (the dashboard's pages, /metrics) are not part of the API.
      expect(Object.keys(doc.paths)).not.toContain('/extra');
      expect(doc.paths['/api/questions/{id}/recrawl'].post.security).toEqual([{ bearer: [] }]);
    });
    it('has a reference page at /docs', async () => {
      const res = await app.inject({ method: 'GET', url: '/docs/' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('swagger');
    });
  });
});
