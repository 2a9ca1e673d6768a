/**
 * The one table of a question's fields. The content hashes and the rows of the store, the
 * field-level diff (reparse, change history), the per-language half of the FR+NL merge and the
 * `parse` command's JSON all derive from it, so they cannot drift apart. Adding a field to the
 * record types (question-record.ts) without adding it here does not compile.
 *
 * Each field has a stable name (its key: the record's key, `changes.field`, the JSON name), a
 * scope (shared by both languages, or one per language), where it is stored, its canonical
 * JSON shape (what is hashed, compared and printed) and how it is compared: `exact`, or `text`
 * (printed prose, for which a change of whitespace alone is told apart from a real change).
 * Pure data and pure functions.
 */
import type {
  Answer,
  Author,
  BilingualQuestion,
  ChronologyEvent,
  QuestionPage,
  QuestionTexts,
  Relation,
} from './question-record.ts';

/** The SQL type a column's parameter is cast to. */
export type ColumnType = 'text' | 'integer' | 'date' | 'jsonb' | 'text[]';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

export type FieldScope = 'shared' | 'text';
export type Comparison = 'exact' | 'text';

export interface Field<V> {
  readonly scope: FieldScope;
  /**
   * Where the value is stored: columns of `questions` (shared fields) or of `question_texts`
   * (text fields), or a child table of its own (one row per list item, keyed by position).
   */
  readonly storage: { readonly columns: readonly Column[] } | { readonly table: 'question_events' | 'question_relations' };
  readonly compare: Comparison;
  /** The value in its documented JSON shape, object keys in documented order. */
  canonical(value: V): unknown;
  /** The value as its columns' values, in `storage.columns` order. */
  toColumns(value: V): unknown[];
  /** The value from its columns' values, as read back. */
  fromColumns(values: readonly unknown[]): V;
}

type ColumnField<V> = Field<V> & { readonly storage: { readonly columns: readonly Column[] } };

/** A field stored in one column, as is. */
function column<V>(scope: FieldScope, name: string, type: ColumnType, compare: Comparison = 'exact'): ColumnField<V> {
  return {
    scope,
    storage: { columns: [{ name, type }] },
    compare,
    canonical: (v) => v,
    toColumns: (v) => [v],
    fromColumns: ([v]) => v as V,
  };
}

/** A list stored in a child table; read and written by the store, row by row. */
function childTable<T>(table: 'question_events' | 'question_relations', canonicalItem: (item: T) => unknown): Field<T[]> {
  return {
    scope: 'shared',
    storage: { table },
    compare: 'exact',
    canonical: (v) => v.map(canonicalItem),
    toColumns: () => [],
    fromColumns: () => [],
  };
}

const canonicalAuthor = (a: Author) => ({ name: a.name, party: a.party });
const canonicalEvent = (e: ChronologyEvent) => ({ date: e.date, type: e.type, label: e.label });
const canonicalRelation = (r: Relation) => ({ kind: r.kind, target: r.target, targetType: r.targetType, label: r.label });
const canonicalAnswer = (a: Answer | null) => (a ? { date: a.date, text: a.text, html: a.html } : null);

/** The fields that name a question rather than describe it: never compared, never hashed. */
export const IDENTITY_FIELDS = {
  id: column<string>('shared', 'id', 'text'),
  legislature: column<number>('shared', 'legislature', 'integer'),
  number: column<number>('shared', 'number', 'integer'),
} satisfies { [K in 'id' | 'legislature' | 'number']: ColumnField<BilingualQuestion[K]> };

type IdentityName = keyof typeof IDENTITY_FIELDS;
export type SharedFieldName = Exclude<keyof BilingualQuestion, IdentityName | 'texts'>;
export type TextFieldName = keyof QuestionTexts;
export type FieldName = SharedFieldName | TextFieldName;

/** Fields both languages share: one value per question. Order = hash order. */
export const SHARED_FIELDS = {
  author: {
    scope: 'shared',
    storage: { columns: [{ name: 'author_name', type: 'text' }, { name: 'author_party', type: 'text' }] },
    compare: 'text',
    canonical: canonicalAuthor,
    toColumns: (a) => [a.name, a.party],
    fromColumns: ([name, party]) => ({ name: (name as string | null) ?? '', party: party as string | null }),
  },
  sentDate: column('shared', 'sent_date', 'date'),
  status: column('shared', 'status', 'text'),
  answerDeadline: column('shared', 'answer_deadline', 'date'),
  originalLanguage: column('shared', 'original_language', 'text'),
  events: childTable('question_events', canonicalEvent),
  relations: childTable('question_relations', canonicalRelation),
  answerDate: column('shared', 'answer_date', 'date'),
  conflicts: column('shared', 'conflicts', 'jsonb'),
} satisfies { [K in SharedFieldName]: Field<BilingualQuestion[K]> };

/** Fields of one language: one value per question and language. Order = hash order. */
export const TEXT_FIELDS = {
  title: column('text', 'title', 'text', 'text'),
  addressee: column('text', 'addressee', 'text', 'text'),
  subject: column('text', 'subject', 'text', 'text'),
  keywords: column('text', 'keywords', 'text[]', 'text'),
  questionText: column('text', 'question_text', 'text', 'text'),
  answer: {
    scope: 'text',
    storage: { columns: [{ name: 'answer_date', type: 'date' }, { name: 'answer_text', type: 'text' }, { name: 'answer_html', type: 'text' }] },
    compare: 'text',
    canonical: canonicalAnswer,
    toColumns: (a) => [a?.date ?? null, a?.text ?? null, a?.html ?? null],
    fromColumns: ([date, text, html]) => (text === null || text === undefined ? null : { date: date as string | null, text: text as string, html: (html as string | null) ?? '' }),
  },
  repairs: column('text', 'repairs', 'integer'),
  unknownLabels: column('text', 'unknown_labels', 'text[]'),
} satisfies { [K in TextFieldName]: ColumnField<QuestionTexts[K]> };

/**
 * The fields of one parsed page (QuestionPage) in the documented order of
 * docs/parse-output.md; `lang` is the page's own, not a field of the question.
 */
export const PAGE_FIELDS = {
  id: 'identity',
  legislature: 'identity',
  number: 'identity',
  lang: 'identity',
  title: 'text',
  author: 'shared',
  sentDate: 'shared',
  addressee: 'text',
  subject: 'text',
  keywords: 'text',
  events: 'shared',
  answerDeadline: 'shared',
  relations: 'shared',
  originalLanguage: 'shared',
  questionText: 'text',
  answer: 'text',
  status: 'shared',
  repairs: 'text',
  unknownLabels: 'text',
} as const satisfies {
  [K in keyof QuestionPage]: K extends TextFieldName ? 'text' : K extends SharedFieldName ? 'shared' : 'identity';
};

export const SHARED_FIELD_NAMES = Object.keys(SHARED_FIELDS) as SharedFieldName[];
export const TEXT_FIELD_NAMES = Object.keys(TEXT_FIELDS) as TextFieldName[];

/** The field named `name`; its value type is the record's. */
export function fieldOf(name: FieldName): Field<unknown> {
  const all = { ...SHARED_FIELDS, ...TEXT_FIELDS } as unknown as Record<FieldName, Field<unknown>>;
  return all[name];
}

/** Canonical values of the named fields of `record`, in the table's order: what is hashed. */
export function canonicalParts(names: readonly FieldName[], record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, fieldOf(n).canonical(record[n])]));
}

/** One page as documented JSON (docs/parse-output.md): documented keys, documented order. */
export function pageJson(page: QuestionPage): Record<string, unknown> {
  return Object.fromEntries(
    (Object.keys(PAGE_FIELDS) as (keyof QuestionPage)[]).map((k) => [k, PAGE_FIELDS[k] === 'identity' ? page[k] : fieldOf(k as FieldName).canonical(page[k])]),
  );
}

/** A question's per-language fields, taken from its page. */
export function textsOf(page: QuestionPage): QuestionTexts {
  return Object.fromEntries(TEXT_FIELD_NAMES.map((n) => [n, page[n]])) as unknown as QuestionTexts;
}

const SPACE = /[\s\u00a0\u200b]+/g;

/** Every string in `value` with runs of whitespace (nbsp and zero-width space included) made one space, trimmed. */
export function normaliseSpace(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(SPACE, ' ').trim();
  if (Array.isArray(value)) return value.map(normaliseSpace);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseSpace(v)]));
  return value;
}

/** How two values of a field compare: the same, different only in whitespace (text fields), or different. */
export function compareField(name: FieldName, a: unknown, b: unknown): 'same' | 'whitespace' | 'different' {
  const f = fieldOf(name);
  const ca = f.canonical(a as never) ?? null;
  const cb = f.canonical(b as never) ?? null;
  if (JSON.stringify(ca) === JSON.stringify(cb)) return 'same';
  if (f.compare === 'text' && JSON.stringify(normaliseSpace(ca)) === JSON.stringify(normaliseSpace(cb))) return 'whitespace';
  return 'different';
}
