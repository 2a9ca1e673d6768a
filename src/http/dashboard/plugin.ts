/**
 * The HTML dashboard as a fastify plugin: server-rendered pages, no script, no build step.
 * Register it with a prefix (`app.register(dashboardPlugin, { db, config, prefix: '/dashboard' })`)
 * or at the root; links follow the prefix. Every page is sent with a Content-Security-Policy
 * that allows no script at all: the sanitizer and the escaping keep Senate text inert, and the
 * policy is the second lock.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../../../config/index.ts';
import { parseQuestionId } from '../../senate/urls.ts';
import {
  lastRun,
  latenessByAddressee,
  overdueLines,
  pendingLines,
  questionHistory,
  recentAnswerLines,
  searchLines,
  storedIds,
} from '../../store/dashboard.ts';
import type { Db } from '../../store/db.ts';
import { getQuestion } from '../../store/questions.ts';
import { barChart } from './chart.ts';
import { html, layout, type Page } from './html.ts';
import { questionTable, runSummary } from './lists.ts';
import { questionPage } from './question-page.ts';
import { DASHBOARD_CSS } from './style.ts';

export interface DashboardOptions {
  db: Db;
  config: Config;
  /** "Answers arrived" on the home page: this many days back. Default 14. */
  recentAnswerDays?: number;
  /** Rows per list on the home page. Default 20. */
  listLimit?: number;
}

export const DASHBOARD_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const SEARCH_LIMIT = 50;

export async function dashboardPlugin(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const { db } = opts;
  const base = app.prefix;
  const recentDays = opts.recentAnswerDays ?? 14;
  const limit = opts.listLimit ?? 20;

  const send = (reply: FastifyReply, page: Omit<Page, 'base'>, status = 200) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', DASHBOARD_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(layout({ ...page, base }));

  app.get('/assets/dashboard.css', async (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DASHBOARD_CSS),
  );

  app.get('/', async (_req, reply) => {
    const [overdue, pending, answers, run] = await Promise.all([overdueLines(db, limit), pendingLines(db, limit), recentAnswerLines(db, recentDays, limit), lastRun(db)]);
    return send(reply, {
      title: 'Overview',
      current: 'home',
      body: html`<h1>Written questions: what is waiting, what is late, what arrived</h1>
<div class="cards">
<section class="card" aria-labelledby="h-run"><h2 id="h-run">Last run</h2>${runSummary(run)}</section>
<section class="card" aria-labelledby="h-counts"><h2 id="h-counts">Open questions</h2>
<dl class="facts"><dt>Overdue</dt><dd class="late">${overdue.total}</dd><dt>Pending, within deadline</dt><dd>${pending.total}</dd><dt>Answers in the last ${recentDays} days</dt><dd>${answers.length}</dd></dl>
<p><a href="${base}/lateness">Lateness by minister</a></p></section>
</div>
<section aria-labelledby="h-overdue"><h2 id="h-overdue">Overdue questions (${overdue.total})</h2>
${questionTable(overdue.lines, { base, caption: `Pending past their answer deadline, the longest overdue first${overdue.total > limit ? `; the first ${limit}` : ''}`, show: 'overdue' })}</section>
<section aria-labelledby="h-answers"><h2 id="h-answers">Answers arrived in the last ${recentDays} days</h2>
${questionTable(answers, { base, caption: 'The newest answer first', show: 'answered' })}</section>
<section aria-labelledby="h-pending"><h2 id="h-pending">Pending questions (${pending.total})</h2>
${questionTable(pending.lines, { base, caption: `Within their deadline, the newest first${pending.total > limit ? `; the first ${limit}` : ''}`, show: 'pending' })}</section>`,
    });
  });

  app.get('/lateness', async (_req, reply) => {
    const rows = await latenessByAddressee(db);
    const charted = rows.filter((r) => r.overdue > 0 || r.answeredLate > 0).slice(0, 15);
    return send(reply, {
      title: 'Lateness by minister',
      current: 'lateness',
      body: html`<h1>Lateness by minister</h1>
<div class="chart-and-table">
<figure class="chart"><figcaption>Questions now past their deadline without an answer, per minister</figcaption>
${charted.length > 0 ? barChart(charted.map((r) => ({ label: r.addressee, value: r.overdue })), { title: 'Overdue questions per minister', unit: 'overdue' }) : html`<p class="muted">No minister is late.</p>`}
</figure>
<div class="scroll"><table>
<caption class="muted">Per minister: questions, answers, late answers and overdue questions</caption>
<thead><tr><th scope="col">Minister</th><th scope="col" class="num">Questions</th><th scope="col" class="num">Answered</th><th scope="col" class="num">Answered late</th><th scope="col" class="num">Overdue now</th><th scope="col" class="num">Mean days to answer</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><th scope="row">${r.addressee}</th><td class="num">${r.questions}</td><td class="num">${r.answered}</td><td class="num">${r.answeredLate}</td><td class="num${r.overdue > 0 ? ' late' : ''}">${r.overdue}</td><td class="num">${r.meanDaysToAnswer ?? '—'}</td></tr>`)}</tbody>
</table></div>
</div>`,
    });
  });

  app.get<{ Params: { id: string } }>('/questions/:id', async (req, reply) => {
    const id = req.params.id;
    if (!parseQuestionId(id)) {
      return send(reply, { title: 'Not a question number', body: html`<h1>Not a question number</h1><p>${id} is not a question number like 8-123.</p>` }, 400);
    }
    const q = await getQuestion(db, id);
    if (!q) {
      return send(reply, { title: `Question ${id}`, body: html`<h1>Question ${id}</h1><p>This question is not stored (yet): the next crawl that finds it will store it.</p>` }, 404);
    }
    const targets = q.relations.flatMap((r) => (r.target ? [r.target] : []));
    const [history, stored] = await Promise.all([questionHistory(db, id), storedIds(db, targets)]);
    return send(reply, { title: `Question ${id}`, body: questionPage(q, history, stored, base) });
  });

  app.get<{ Querystring: { q?: string } }>('/search', async (req, reply) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    const lines = q ? await searchLines(db, q, SEARCH_LIMIT) : [];
    return send(reply, {
      title: q ? `Search: ${q}` : 'Search',
      current: 'search',
      query: q,
      body: q
        ? html`<h1>Search: ${q}</h1>${questionTable(lines, { base, caption: `${lines.length === SEARCH_LIMIT ? `The first ${SEARCH_LIMIT}` : lines.length} question(s) found`, show: 'status' })}`
        : html`<h1>Search</h1><p>Type words of a subject, a question or an answer (in French or Dutch), an author, or a number like 8-123.</p>`,
    });
  });
}
