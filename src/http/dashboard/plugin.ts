/**
 * The HTML dashboard as a fastify plugin: server-rendered pages, no script, no build step.
 * Register it with a prefix (`app.register(dashboardPlugin, { db, config, prefix: '/dashboard' })`)
 * or at the root; links follow the prefix. Every page is sent with a Content-Security-Policy
 * that allows no script at all: the sanitizer and the escaping keep Senate text inert, and the
 * policy is the second lock.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../../../config/index.ts';
import { describeAddresseeKey } from '../../senate/addressee.ts';
import { parseQuestionId } from '../../senate/urls.ts';
import { lastRun } from '../../store/dashboard.ts';
import type { Db } from '../../store/db.ts';
import { answersSince, latenessByAddressee, overdueQuestions, pendingQuestions, questionHistory } from '../../store/monitoring.ts';
import { getQuestion } from '../../store/questions.ts';
import { searchQuestions, storedIds } from '../../store/search.ts';
import { barChart } from './chart.ts';
import { html, layout, type Page } from './html.ts';
import { arrivalLine, pendingLine, questionTable, runSummary, summaryLine } from './lists.ts';
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
  const deadlineEstimateDays = opts.config.deadlineEstimateDays;
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
    const now = new Date();
    // One after the other: each monitoring read first brings the addressee keys up to date.
    const overdue = await overdueQuestions(db, {}, { deadlineEstimateDays, now });
    const pending = (await pendingQuestions(db, {}, { deadlineEstimateDays, now })).filter((q) => !(q.daysOverdue !== null && q.daysOverdue > 0));
    const answers = (await answersSince(db, new Date(now.getTime() - recentDays * 86_400_000))).reverse();
    const run = await lastRun(db);
    const first = (n: number) => (n > limit ? `; the first ${limit}` : '');
    return send(reply, {
      title: 'Overview',
      current: 'home',
      body: html`<h1>Written questions: what is waiting, what is late, what arrived</h1>
<div class="cards">
<section class="card" aria-labelledby="h-run"><h2 id="h-run">Last run</h2>${runSummary(run)}</section>
<section class="card" aria-labelledby="h-counts"><h2 id="h-counts">Open questions</h2>
<dl class="facts"><dt>Overdue</dt><dd class="late">${overdue.length}</dd><dt>Pending, within deadline</dt><dd>${pending.length}</dd><dt>Answers in the last ${recentDays} days</dt><dd>${answers.length}</dd></dl>
<p><a href="${base}/lateness">Lateness by minister</a></p></section>
</div>
<section aria-labelledby="h-overdue"><h2 id="h-overdue">Overdue questions (${overdue.length})</h2>
${questionTable(overdue.slice(0, limit).map(pendingLine), { base, caption: `Pending past their answer deadline, the longest overdue first${first(overdue.length)}`, show: 'overdue' })}</section>
<section aria-labelledby="h-answers"><h2 id="h-answers">Answers arrived in the last ${recentDays} days (${answers.length})</h2>
${questionTable(answers.slice(0, limit).map(arrivalLine), { base, caption: `The latest arrival first${first(answers.length)}`, show: 'answered' })}</section>
<section aria-labelledby="h-pending"><h2 id="h-pending">Pending questions (${pending.length})</h2>
${questionTable(pending.slice(0, limit).map(pendingLine), { base, caption: `Within their deadline, the longest waiting first${first(pending.length)}`, show: 'pending' })}</section>`,
    });
  });

  app.get('/lateness', async (_req, reply) => {
    const rows = await latenessByAddressee(db, {}, { deadlineEstimateDays });
    const name = (r: (typeof rows)[number]) => r.names.fr ?? r.names.nl ?? describeAddresseeKey(r.addresseeKey);
    const late = (r: (typeof rows)[number]) => (r.shareByDeadline === null ? null : Math.round((1 - r.shareByDeadline) * 100));
    const charted = rows
      .filter((r) => r.due > 0)
      .map((r) => ({ label: name(r), value: late(r)! }))
      .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label))
      .slice(0, 15);
    return send(reply, {
      title: 'Lateness by minister',
      current: 'lateness',
      body: html`<h1>Lateness by minister</h1>
<div class="chart-and-table">
<figure class="chart"><figcaption>Share of the questions due that were not answered by their deadline, per minister</figcaption>
${charted.length > 0 ? barChart(charted, { title: 'Questions not answered by the deadline, per minister (%)', unit: '% late' }) : html`<p class="muted">No question is due yet.</p>`}
</figure>
<div class="scroll"><table>
<caption class="muted">Per minister: questions asked, answered, waiting, answered by the deadline, median days to answer, the oldest unanswered</caption>
<thead><tr><th scope="col">Minister</th><th scope="col" class="num">Asked</th><th scope="col" class="num">Answered</th><th scope="col" class="num">Pending</th><th scope="col" class="num">Answered by deadline</th><th scope="col" class="num">Median days to answer</th><th scope="col">Oldest unanswered</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr><th scope="row">${name(r)}</th><td class="num">${r.asked}</td><td class="num">${r.answered}</td><td class="num">${r.pending}</td><td class="num${(late(r) ?? 0) > 50 ? ' late' : ''}">${r.answeredByDeadline} of ${r.due}${r.shareByDeadline === null ? '' : ` (${Math.round(r.shareByDeadline * 100)} %)`}</td><td class="num">${r.medianDaysToAnswer ?? '—'}</td><td>${r.oldestUnanswered ? html`<a href="${base}/questions/${r.oldestUnanswered.id}">${r.oldestUnanswered.id}</a>${r.oldestUnanswered.daysWaiting === null ? '' : `, ${r.oldestUnanswered.daysWaiting} days`}` : '—'}</td></tr>`,
      )}</tbody>
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
    const [history, stored] = await Promise.all([questionHistory(db, id).then((h) => h?.changes ?? []), storedIds(db, targets)]);
    return send(reply, { title: `Question ${id}`, body: questionPage(q, history, stored, base) });
  });

  app.get<{ Querystring: { q?: string } }>('/search', async (req, reply) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    // A question number goes straight to its page.
    if (parseQuestionId(q)) return reply.redirect(`${base}/questions/${q}`, 303);
    // The API's full-text search: both languages, stemmed (french and dutch configurations).
    const found = q ? (await searchQuestions(db, { q }, { limit: SEARCH_LIMIT, sort: '-sent' })).items : [];
    return send(reply, {
      title: q ? `Search: ${q}` : 'Search',
      current: 'search',
      query: q,
      body: q
        ? html`<h1>Search: ${q}</h1>${questionTable(found.map(summaryLine), { base, caption: `${found.length === SEARCH_LIMIT ? `The first ${SEARCH_LIMIT}` : found.length} question(s) found, the newest first`, show: 'status' })}`
        : html`<h1>Search</h1><p>Type words of a subject, a question or an answer, in French or in Dutch (“quoted phrases”, or, -word), or a number like 8-123.</p>`,
    });
  });
}
