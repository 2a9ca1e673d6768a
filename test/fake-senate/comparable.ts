/**
 * What of a record survives a markup. The `br` markup prints a list as plain lines with no
 * list element (markup.ts), so a parser reads it back as paragraphs: the list's html and the
 * blank lines between its items are lost by the markup, not by the parser.
 */
import type { QuestionPage } from '../../src/senate/question-record.ts';
import type { Markup } from './markup.ts';

/** `[parsed, truth]`, both reduced to what `markup` can carry, for a deep comparison. */
export function comparable(parsed: QuestionPage, truth: QuestionPage, markup: Markup): [QuestionPage, QuestionPage] {
  if (markup !== 'br' || !truth.answer || !/<[uo]l>/.test(truth.answer.html)) return [parsed, truth];
  const reduce = (p: QuestionPage): QuestionPage =>
    p.answer ? { ...p, answer: { ...p.answer, text: p.answer.text.replace(/\n+/g, '\n'), html: '(a list printed as lines)' } } : p;
  return [reduce(parsed), reduce(truth)];
}
