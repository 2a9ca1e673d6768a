/**
 * Field-level differences between two versions of a bilingual question: shared fields
 * (lang null) and per-language fields. The reparse report uses it; change history builds on it.
 */
import { LANGS, type Lang } from '../senate/question-record.ts';
import type { QuestionInput, QuestionTextsInput } from './questions.ts';

export interface FieldChange {
  lang: Lang | null;
  field: string;
  old: unknown;
  new: unknown;
}

const SHARED_FIELDS = ['author', 'sentDate', 'status', 'answerDeadline', 'originalLanguage', 'events', 'relations', 'answerDate'] as const;
const TEXT_FIELDS = ['title', 'addressee', 'subject', 'keywords', 'questionText', 'answer', 'repairs'] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * What changes from `before` to `after`. A language absent from `after` is not a change
 * (a language that was not fetched is kept as stored).
 */
export function diffQuestion(before: QuestionInput | null, after: QuestionInput): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of SHARED_FIELDS) {
    const o = before ? before[field] : null;
    if (!before || !same(o, after[field])) changes.push({ lang: null, field, old: o ?? null, new: after[field] ?? null });
  }
  for (const lang of LANGS) {
    const a = after.texts[lang];
    if (!a) continue;
    const b: QuestionTextsInput | undefined = before?.texts[lang];
    for (const field of TEXT_FIELDS) {
      const o = b ? b[field] : null;
      if (!b || !same(o, a[field])) changes.push({ lang, field, old: o ?? null, new: a[field] ?? null });
    }
  }
  return changes;
}
