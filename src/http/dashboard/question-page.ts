/** One question: FR and NL side by side, chronology, relations as links, the answer, the history. */
import type { Lang, QuestionTexts } from '../../senate/question-record.ts';
import type { QuestionChange } from '../../store/monitoring.ts';
import type { StoredQuestion } from '../../store/questions.ts';
import { day, html, trusted, type SafeHtml } from './html.ts';
import { historyList } from './history.ts';
import { statusBadge } from './lists.ts';
import { sanitizeAnswerHtml } from './sanitize.ts';

const LANG_NAME: Record<Lang, string> = { fr: 'Français', nl: 'Nederlands' };
const RELATION_TEXT: Record<string, string> = {
  also_asked_to: 'Also asked to',
  reintroduced_as: 'Reintroduced as',
  reintroduction_of: 'Reintroduction of',
  requalified_as: 'Requalified as',
  requalification_of: 'Requalification of',
  unknown: 'Related',
};

function answer(t: QuestionTexts): SafeHtml {
  if (!t.answer) return html`<p class="muted">No answer yet.</p>`;
  // The stored HTML carries the tables; when there is none, the text with its line breaks.
  const body = t.answer.html.trim() ? trusted(sanitizeAnswerHtml(t.answer.html)) : html`<p class="text">${t.answer.text}</p>`;
  return html`<p class="muted">Answer of ${day(t.answer.date)}</p><div class="answer">${body}</div>`;
}

function languageColumn(lang: Lang, t: QuestionTexts | undefined): SafeHtml {
  if (!t) return html`<section lang="${lang}" aria-label="${LANG_NAME[lang]}"><h2>${LANG_NAME[lang]}</h2><p class="muted">Not stored in this language yet.</p></section>`;
  return html`<section lang="${lang}" aria-labelledby="h-${lang}" class="lang-${lang}">
<h2 id="h-${lang}">${LANG_NAME[lang]}</h2>
<p><strong>${t.title}</strong></p>
<dl class="facts">
<dt>To</dt><dd>${t.addressee ?? '—'}</dd>
<dt>Subject</dt><dd>${t.subject ?? '—'}</dd>
${t.keywords.length > 0 ? html`<dt>Keywords</dt><dd>${t.keywords.join(', ')}</dd>` : ''}
</dl>
<h3>Question</h3>
<p class="text">${t.questionText}</p>
<h3>Answer</h3>
${answer(t)}
</section>`;
}

export function questionPage(q: StoredQuestion, history: readonly QuestionChange[], stored: ReadonlySet<string>, base: string): SafeHtml {
  const subject = q.texts.fr?.subject ?? q.texts.nl?.subject ?? '';
  return html`<h1>Question ${q.id}${subject ? html` <span class="muted">· ${subject}</span>` : ''}</h1>
<dl class="facts">
<dt>Status</dt><dd>${statusBadge(q.status)}${q.goneSince ? html` <span class="badge bad">no longer served by the Senate</span>` : ''}</dd>
<dt>Author</dt><dd>${q.author.name}${q.author.party ? ` (${q.author.party})` : ''}</dd>
<dt>Sent</dt><dd>${day(q.sentDate)}</dd>
<dt>Deadline</dt><dd>${day(q.answerDeadline)}${q.deadlineEstimated ? ' (estimated)' : ''}</dd>
<dt>Answered</dt><dd>${day(q.answerDate)}</dd>
<dt>Original language</dt><dd>${q.originalLanguage ? LANG_NAME[q.originalLanguage] : '—'}</dd>
</dl>
<div class="bilingual">
${languageColumn('fr', q.texts.fr)}
${languageColumn('nl', q.texts.nl)}
</div>
<div class="cards">
<section class="card" aria-labelledby="h-chronology"><h2 id="h-chronology">Chronology</h2>
${q.events.length === 0 ? html`<p class="muted">None printed.</p>` : html`<ol class="chronology">${q.events.map((e) => html`<li><time datetime="${e.date}">${day(e.date)}</time>: ${e.label}</li>`)}</ol>`}
</section>
<section class="card" aria-labelledby="h-relations"><h2 id="h-relations">Related questions</h2>
${q.relations.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<ul class="relations">${q.relations.map((r) => {
        const what = RELATION_TEXT[r.kind] ?? 'Related';
        if (!r.target) return html`<li>${what}: ${r.label}</li>`;
        if (r.targetType !== 'written_question') return html`<li>${what} ${r.target} <span class="muted">(${r.label}; a request for explanations, not stored here)</span></li>`;
        return html`<li>${what} <a href="${base}/questions/${r.target}">${r.target}</a>${stored.has(r.target) ? '' : html` <span class="muted">(not stored yet)</span>`}</li>`;
      })}</ul>`}
</section>
</div>
<section aria-labelledby="h-history"><h2 id="h-history">History</h2>
${historyList(history)}
</section>
${q.conflicts.length > 0 ? html`<section aria-labelledby="h-conflicts"><h2 id="h-conflicts">Where the FR and NL pages disagree</h2><ul>${q.conflicts.map((c) => html`<li>${c}</li>`)}</ul></section>` : ''}`;
}
