/**
 * Prints a record the way the Senate prints a normal question page, as blocks for
 * `renderPage`. The inverse of the parser: parse(render(pageBlocks(r))) must equal r.
 * NL pages with `repairs > 0` are printed with their damaged characters (see damage.ts).
 */
import type { QuestionPage } from '../../src/senate/question-record.ts';
import { partsFromHtml } from './answer-content.ts';
import { damageFamily, damageText } from './damage.ts';
import { chronoDate, longDate } from './dates.ts';
import {
  CHRONOLOGY_HEADING,
  PRINT_LINKS,
  TARGET_TYPE_LABELS,
  deadlineSuffix,
  originalLanguagePhrase,
} from './labels.ts';
import type { Block } from './markup.ts';

export function pageBlocks(page: QuestionPage): Block[] {
  const fr = page.lang === 'fr';
  const damage = !fr && page.repairs > 0 ? (s: string) => damageText(s, damageFamily(page.number)) : (s: string) => s;
  // Real FR pages carry the typo `aôut`; print it on some pages so parsers meet it.
  const typo = page.number % 5 === 0;
  const long = (iso: string): string => longDate(iso, page.lang, { typo });
  const text = (t: string): Block => ({ kind: 'text', text: t });
  const blocks: Block[] = [text(PRINT_LINKS[page.lang]), text(page.title)];

  const party = page.author.party ? ` (${page.author.party})` : '';
  const sent = page.sentDate ? (fr ? ` du ${long(page.sentDate)}` : ` d.d. ${long(page.sentDate)}`) : '';
  blocks.push(text(`${fr ? 'de' : 'van'} ${page.author.name}${party}${sent}`));
  if (page.addressee) blocks.push(text(page.addressee));
  if (page.subject) blocks.push(text(damage(page.subject)));
  for (const k of page.keywords) blocks.push(text(damage(k)));

  blocks.push(text(CHRONOLOGY_HEADING));
  let deadlinePrinted = false;
  for (const e of page.events) {
    let label = e.label;
    if (e.type === 'sent' && page.answerDeadline && !deadlinePrinted) {
      label += ` ${deadlineSuffix(page.lang, chronoDate(page.answerDeadline))}`;
      deadlinePrinted = true;
    }
    blocks.push({ kind: 'event', date: chronoDate(e.date), label });
  }

  for (const r of page.relations) {
    const target = r.target ? ` ${r.targetType ? TARGET_TYPE_LABELS[r.targetType][page.lang] + ' ' : ''}${r.target}` : '';
    blocks.push(text(`${r.label} :${target}`));
  }

  const qDate = page.sentDate ? (fr ? ` du ${long(page.sentDate)}` : ` d.d. ${long(page.sentDate)}`) : '';
  const orig = page.originalLanguage ? ` ${originalLanguagePhrase(page.lang, page.originalLanguage)}` : '';
  blocks.push(text(`${fr ? 'Question n°' : 'Vraag nr.'} ${page.id}${qDate} :${orig}`));
  for (const p of page.questionText.split(/\n\s*\n/)) if (p.trim()) blocks.push(text(damage(p)));

  if (page.answer) {
    const d = page.answer.date ? long(page.answer.date) : '';
    blocks.push(text(fr ? `Réponse reçue le ${d} :` : `Antwoord ontvangen op ${d} :`));
    for (const part of partsFromHtml(page.answer.html)) {
      if (part.kind === 'p') blocks.push(text(part.text));
      else if (part.kind === 'table') blocks.push({ kind: 'table', rows: part.rows, header: part.header });
      else blocks.push({ kind: 'list', ordered: part.ordered, items: part.items });
    }
  }
  return blocks;
}
