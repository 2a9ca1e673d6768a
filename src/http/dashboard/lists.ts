/** Lists of questions as tables, shared by the home and search pages. */
import type { AnswerArrival, PendingQuestion } from '../../store/monitoring.ts';
import type { CrawlRun } from '../../store/runs.ts';
import type { QuestionSummary } from '../../store/search.ts';
import { day, html, when, type SafeHtml } from './html.ts';

/** One line of a list of questions, whichever read it came from. */
export interface QuestionLine {
  id: string;
  status: string;
  sentDate: string | null;
  answerDeadline: string | null;
  deadlineEstimated: boolean;
  answerDate: string | null;
  authorName: string | null;
  authorParty: string | null;
  subjectFr: string | null;
  subjectNl: string | null;
  addresseeFr: string | null;
  addresseeNl: string | null;
  daysLate: number | null;
}

export function pendingLine(q: PendingQuestion): QuestionLine {
  return {
    id: q.id,
    status: 'pending',
    sentDate: q.sentDate,
    answerDeadline: q.deadline,
    deadlineEstimated: q.deadlineEstimated,
    answerDate: null,
    authorName: q.author,
    authorParty: q.party,
    subjectFr: q.subject.fr,
    subjectNl: q.subject.nl,
    addresseeFr: q.addressee.fr,
    addresseeNl: q.addressee.nl,
    daysLate: q.daysOverdue,
  };
}

export function arrivalLine(a: AnswerArrival): QuestionLine {
  return {
    id: a.questionId,
    status: 'answered',
    sentDate: null,
    answerDeadline: null,
    deadlineEstimated: false,
    answerDate: a.answerDate,
    authorName: a.author,
    authorParty: a.party,
    subjectFr: a.subject.fr,
    subjectNl: a.subject.nl,
    addresseeFr: a.addressee.fr,
    addresseeNl: a.addressee.nl,
    daysLate: null,
  };
}

export function summaryLine(q: QuestionSummary): QuestionLine {
  return {
    id: q.id,
    status: q.status,
    sentDate: q.sentDate,
    answerDeadline: q.answerDeadline,
    deadlineEstimated: false,
    answerDate: q.answerDate,
    authorName: q.author.name,
    authorParty: q.author.party,
    subjectFr: q.texts.fr?.subject ?? null,
    subjectNl: q.texts.nl?.subject ?? null,
    addresseeFr: q.texts.fr?.addressee ?? null,
    addresseeNl: q.texts.nl?.addressee ?? null,
    daysLate: null,
  };
}

const STATUS_CLASS: Record<string, string> = { pending: 'warn', answered: 'good', closed: '', lapsed: '', requalified: '' };

export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge ${STATUS_CLASS[status] ?? ''}">${status}</span>`;
}

/** The subject in both languages when they differ (one line each). */
function subject(l: QuestionLine): SafeHtml {
  if (l.subjectFr && l.subjectNl && l.subjectFr !== l.subjectNl) return html`<span lang="fr">${l.subjectFr}</span><br><span lang="nl">${l.subjectNl}</span>`;
  return html`${l.subjectFr ?? l.subjectNl ?? '(no subject)'}`;
}

export interface ListOptions {
  base: string;
  caption: string;
  /** the last column: the deadline and days late, the answer date, or the status */
  show: 'overdue' | 'pending' | 'answered' | 'status';
}

export function questionTable(lines: readonly QuestionLine[], o: ListOptions): SafeHtml {
  if (lines.length === 0) return html`<p class="muted">None.</p>`;
  const lastHead = { overdue: 'Overdue', pending: 'Deadline', answered: 'Answered', status: 'Status' }[o.show];
  const last = (l: QuestionLine) => {
    switch (o.show) {
      case 'overdue':
        return html`<td class="late">${l.daysLate} days (deadline ${day(l.answerDeadline)}${l.deadlineEstimated ? ', estimated' : ''})</td>`;
      case 'pending':
        return html`<td>${day(l.answerDeadline)}${l.deadlineEstimated ? ' (estimated)' : ''}</td>`;
      case 'answered':
        return html`<td>${day(l.answerDate)}</td>`;
      case 'status':
        return html`<td>${statusBadge(l.status)}</td>`;
    }
  };
  return html`<div class="scroll"><table>
<caption class="muted">${o.caption}</caption>
<thead><tr><th scope="col">Question</th><th scope="col">Subject</th><th scope="col">Author</th><th scope="col">Minister</th><th scope="col">Sent</th><th scope="col">${lastHead}</th></tr></thead>
<tbody>${lines.map(
    (l) => html`<tr><td><a href="${o.base}/questions/${l.id}">${l.id}</a></td><td>${subject(l)}</td><td>${l.authorName ?? '—'}${l.authorParty ? html` <span class="muted">(${l.authorParty})</span>` : ''}</td><td>${l.addresseeFr ?? l.addresseeNl ?? '—'}</td><td>${day(l.sentDate)}</td>${last(l)}</tr>`,
  )}</tbody>
</table></div>`;
}

export function runSummary(run: CrawlRun | null): SafeHtml {
  if (!run) return html`<p class="muted">No run yet.</p>`;
  const health =
    run.health === 'unhealthy'
      ? html`<span class="badge bad">unhealthy</span>`
      : run.health === 'healthy'
        ? html`<span class="badge good">healthy</span>`
        : html`<span class="badge">not judged</span>`;
  return html`<dl class="facts">
<dt>Run</dt><dd>${run.id} (${run.kind}, ${run.mode}, legislature ${run.legislatures.join(', ')})</dd>
<dt>Status</dt><dd>${run.status}</dd>
<dt>Health</dt><dd>${health}</dd>
<dt>Started</dt><dd>${when(run.startedAt)}</dd>
<dt>Finished</dt><dd>${when(run.finishedAt)}</dd>
<dt>Questions</dt><dd>${run.questionsNew} new, ${run.questionsChanged} changed, ${run.questionsUnchanged} unchanged, ${run.questionsFailed} failed</dd>
<dt>Requests</dt><dd>${run.requests} (${run.notModified} not modified)</dd>
</dl>
${run.healthReasons.length > 0 ? html`<ul class="reasons">${run.healthReasons.map((r) => html`<li class="late">${r.message}</li>`)}</ul>` : ''}`;
}
