/**
 * Field-level differences between two versions of a bilingual question: shared fields
 * (lang null) and per-language fields, every field of the field table (src/senate/fields.ts)
 * compared on its canonical value, the same values the content hashes are made of: a record
 * whose hashes are unchanged has no difference, and one whose hashes changed has at least one.
 * The reparse report uses it; change history builds on it.
 */
import { compareField, SHARED_FIELD_NAMES, TEXT_FIELD_NAMES, type FieldName } from '../senate/fields.ts';
import { LANGS, type Lang } from '../senate/question-record.ts';
import type { QuestionInput } from './questions.ts';

export interface FieldChange {
  lang: Lang | null;
  /** The field's stable name (src/senate/fields.ts). */
  field: FieldName;
  old: unknown;
  new: unknown;
  /** A text field whose old and new values differ only in whitespace (a layout change, not a new wording). */
  whitespaceOnly: boolean;
}

/** Appends to `out` the changes of the named fields from `before` to `after` (every field when there is no `before`). */
function diffFields(lang: Lang | null, names: readonly FieldName[], before: object | null | undefined, after: object, out: FieldChange[]): void {
  const b = before as Record<string, unknown> | null | undefined;
  const a = after as Record<string, unknown>;
  for (const field of names) {
    const compared = b ? compareField(field, b[field], a[field]) : 'different';
    if (compared === 'same') continue;
    out.push({ lang, field, old: b?.[field] ?? null, new: a[field] ?? null, whitespaceOnly: compared === 'whitespace' });
  }
}

/**
 * What changes from `before` to `after`. A language absent from `after` is not a change
 * (a language that was not fetched is kept as stored). Everything is a change when there is
 * no `before`.
 */
export function diffQuestion(before: QuestionInput | null, after: QuestionInput): FieldChange[] {
  const changes: FieldChange[] = [];
  diffFields(null, SHARED_FIELD_NAMES, before, after, changes);
  for (const lang of LANGS) {
    const a = after.texts[lang];
    if (a) diffFields(lang, TEXT_FIELD_NAMES, before?.texts[lang], a, changes);
  }
  return changes;
}
