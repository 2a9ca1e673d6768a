/**
 * Field-level differences between two versions of a bilingual question: shared fields
 * (lang null) and per-language fields, every field of the field table (src/senate/fields.ts)
 * compared on its canonical value, the same values the content hashes are made of: a record
 * whose hashes are unchanged has no difference, and one whose hashes changed has at least one.
 * The reparse report uses it; change history builds on it.
 */
import { compareField, SHARED_FIELD_NAMES, TEXT_FIELD_NAMES, type FieldName } from '../senate/fields.ts';
import { LANGS, type Lang } from '../senate/question-record.ts';
import type { QuestionInput, QuestionTextsInput } from './questions.ts';

export interface FieldChange {
  lang: Lang | null;
  /** The field's stable name (src/senate/fields.ts). */
  field: FieldName;
  old: unknown;
  new: unknown;
  /** A text field whose old and new values differ only in whitespace (a layout change, not a new wording). */
  whitespaceOnly: boolean;
}

function change(lang: Lang | null, field: FieldName, before: unknown, after: unknown, compared: 'whitespace' | 'different' | null): FieldChange {
  return { lang, field, old: before ?? null, new: after ?? null, whitespaceOnly: compared === 'whitespace' };
}

/**
 * What changes from `before` to `after`. A language absent from `after` is not a change
 * (a language that was not fetched is kept as stored). Everything is a change when there is
 * no `before`.
 */
export function diffQuestion(before: QuestionInput | null, after: QuestionInput): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of SHARED_FIELD_NAMES) {
    if (!before) {
      changes.push(change(null, field, null, after[field], null));
      continue;
    }
    const compared = compareField(field, before[field], after[field]);
    if (compared !== 'same') changes.push(change(null, field, before[field], after[field], compared));
  }
  for (const lang of LANGS) {
    const a = after.texts[lang];
    if (!a) continue;
    const b: QuestionTextsInput | undefined = before?.texts[lang];
    for (const field of TEXT_FIELD_NAMES) {
      if (!b) {
        changes.push(change(lang, field, null, a[field], null));
        continue;
      }
      const compared = compareField(field, b[field], a[field]);
      if (compared !== 'same') changes.push(change(lang, field, b[field], a[field], compared));
    }
  }
  return changes;
}
