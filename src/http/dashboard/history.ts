/**
 * A question's history (the `changes` rows) as a readable diff: words removed and added,
 * marked with <del> and <ins> (announced by screen readers, and struck through / underlined
 * without colour). jsdiff's word diff rather than our own: it is the well-kept one.
 */
import { diffWords } from 'diff';
import type { QuestionChange } from '../../store/monitoring.ts';
import { html, when, type SafeHtml } from './html.ts';

function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && 'text' in v && typeof (v as { text: unknown }).text === 'string') {
    // An answer: its date and its text.
    const a = v as { date?: string | null; text: string };
    return `${a.date ? `(${a.date}) ` : ''}${a.text}`;
  }
  return JSON.stringify(v);
}

export function wordDiff(oldValue: unknown, newValue: unknown): SafeHtml {
  const parts = diffWords(asText(oldValue), asText(newValue));
  return html`<div class="diff">${parts.map((p) => (p.added ? html`<ins>${p.value}</ins>` : p.removed ? html`<del>${p.value}</del>` : p.value))}</div>`;
}

export function historyList(entries: readonly QuestionChange[]): SafeHtml {
  if (entries.length === 0) return html`<p class="muted">No change since the question was first stored.</p>`;
  return html`<ol class="history">${entries.map(
    (e) => html`<li><h3>${e.field}${e.lang ? ` (${e.lang.toUpperCase()})` : ''} <span class="muted">· ${when(e.observedAt)}${e.cause === 'parser' ? ' · read again by a newer parser' : ''}${e.kind === 'source_field_missing' ? ' · no longer on the page; the stored value was kept' : ''}</span></h3>${wordDiff(e.old, e.new)}</li>`,
  )}</ol>`;
}
