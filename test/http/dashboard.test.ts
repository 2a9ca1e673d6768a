import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { DASHBOARD_CSP, dashboardPlugin } from '../../src/http/dashboard/plugin.ts';
import { upsertQuestion } from '../../src/store/questions.ts';
import { pgliteTestDb, pgTestDb, type TestDb } from '../helpers/db.ts';
import { answered, question } from '../helpers/questions.ts';

describe.each([
  ['PostgreSQL', pgTestDb],
  ['the embedded PGlite', pgliteTestDb],
] as const)('dashboard pages on %s', (_name, openTestDb) => {
  let t: TestDb;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await openTestDb();
    const overdue = question({ id: '8-7', legislature: 8, number: 7, status: 'pending', sentDate: '2025-01-10', answerDeadline: '2025-02-10', relations: [] });
    overdue.texts.fr!.subject = 'Prisons <b>surpeuplées</b> & "quotas"';
    await upsertQuestion(t.db, overdue, { parserVersion: 'test' });
    await upsertQuestion(t.db, question(), { parserVersion: 'test' });
    await upsertQuestion(t.db, answered(), { parserVersion: 'test' });
    const recent = answered();
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    await upsertQuestion(t.db, { ...recent, id: '8-9', legislature: 8, number: 9, answerDate: threeDaysAgo, relations: [] }, { parserVersion: 'test' });
    app = Fastify();
    await app.register(dashboardPlugin, { db: t.db, config: loadConfig({}), prefix: '/dashboard' });
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('lists the overdue question on the home page with its days late, Senate text escaped, under a no-script policy', async () => {
    const res = await app.inject('/dashboard/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(res.body).toContain('<a href="/dashboard/questions/8-7">8-7</a>');
    expect(res.body).toContain('Prisons &lt;b&gt;surpeuplées&lt;/b&gt; &amp; &quot;quotas&quot;');
    expect(res.body).not.toContain('<b>surpeuplées</b>');
    expect(res.body).toMatch(/<td class="late">\d+ days \(deadline 10 Feb 2025\)<\/td>/);
    expect(res.body).toMatch(/<dd>No run yet\.|<p class="muted">No run yet\.<\/p>/);
  });

  it('lists an answer dated in the last days under "Answers arrived", and not an old one stored today', async () => {
    const res = await app.inject('/dashboard/');
    const section = res.body.slice(res.body.indexOf('id="h-answers"'), res.body.indexOf('id="h-pending"'));
    expect(section).toContain('href="/dashboard/questions/8-9"');
    expect(section).not.toContain('href="/dashboard/questions/5-4712"');
  });

  it('shows a question with both languages, its relation as a link and the stored answer table', async () => {
    const res = await app.inject('/dashboard/questions/5-4712');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<section lang="fr"');
    expect(res.body).toContain('<section lang="nl"');
    expect(res.body).toContain('<a href="/dashboard/questions/5-3820">5-3820</a>');
    expect(res.body).toContain('<table><tr><td>Aantal</td><td>2011</td></tr></table>');
  });

  it('shows the history as a word diff, Senate text escaped', async () => {
    await t.db.query(
      `INSERT INTO changes (question_id, lang, field, old_value, new_value, parser_version)
       VALUES ('5-3820', 'fr', 'subject', to_jsonb('Prisons belges - Surpopulation'::text), to_jsonb('Prisons <i>belges</i> - Surpopulation - Quotas'::text), 'test')`,
    );
    const res = await app.inject('/dashboard/questions/5-3820');
    expect(res.body).toContain('<h3>subject (FR)');
    expect(res.body).toContain('<div class="diff">Prisons <ins>&lt;i&gt;</ins>belges<ins>&lt;/i&gt; </ins>- Surpopulation <ins>- Quotas</ins></div>');
  });

  it('answers 404 for a question not stored and 400 for something that is not a question number, escaped', async () => {
    expect((await app.inject('/dashboard/questions/8-999')).statusCode).toBe(404);
    const bad = await app.inject('/dashboard/questions/%3Cscript%3E');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('&lt;script&gt; is not a question number');
  });

  it('searches subjects in both languages and the id, and keeps the query in the box, escaped', async () => {
    const nl = await app.inject('/dashboard/search?q=Gevangenissen');
    expect(nl.body).toContain('href="/dashboard/questions/5-3820"');
    expect(nl.body).toContain('href="/dashboard/questions/8-7"');
    const fr = await app.inject('/dashboard/search?q=surpeupl%C3%A9es');
    expect(fr.body).toContain('href="/dashboard/questions/8-7"');
    expect(fr.body).not.toContain('href="/dashboard/questions/5-3820"');
    const id = await app.inject('/dashboard/search?q=5-4712');
    expect(id.statusCode).toBe(303);
    expect(id.headers.location).toBe('/dashboard/questions/5-4712');
    const pct = await app.inject('/dashboard/search?q=%25');
    expect(pct.body).not.toContain('href="/dashboard/questions/');
    expect(pct.body).toContain('<p class="muted">None.</p>');
    const quote = await app.inject('/dashboard/search?q=%22%3E%3Cscript%3E');
    expect(quote.body).toContain('value="&quot;&gt;&lt;script&gt;"');
    expect(quote.body).not.toContain('"><script>');
  });

  it('charts lateness per minister beside the table with the same figures', async () => {
    const res = await app.inject('/dashboard/lateness');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<svg viewBox=');
    expect(res.body).toMatch(/<tr><th scope="row">au ministre de la Justice<\/th><td class="num">4<\/td><td class="num">2<\/td><td class="num">1<\/td>/);
    expect(res.body).toContain('<a href="/dashboard/questions/8-7">8-7</a>');
    expect(res.body).toMatch(/>au ministre de la Justice<\/text><rect [^>]+><\/rect><text [^>]+>\d+ % late<\/text>/);
  });

  it('serves its stylesheet', async () => {
    const res = await app.inject('/dashboard/assets/dashboard.css');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.body).toContain(':focus-visible');
  });
});
