/**
 * Change history (issue 9), the write side. An upsert of a question that is already stored
 * compares the new bilingual record with the stored one field by field (the field table,
 * src/senate/fields.ts) and, in the same transaction as the new state, writes one `changes`
 * row per changed field and the typed events those changes mean (with their webhook outbox
 * rows). The planning is pure (`planHistory`); `writeHistory` stores a plan.
 *
 * Rules:
 * - A text of the Senate's that differs only in whitespace is formatting churn, not a change:
 *   the stored text stays and nothing is written. A reparse that reads a text with other
 *   whitespace (a parser's paragraph fix) stores it, as a `reformatted` row, no event.
 * - A field that vanished from the page keeps its stored value; a `source_field_missing` row
 *   says so, once (not again while the field stays missing).
 * - A language seen for the first time records each of its fields (old value null) so that the
 *   question can be replayed; it raises no `field_changed`, only an answer event when it shows
 *   an answer.
 * - Changes caused by a newer parser (`cause` 'parser', a reparse) raise no events.
 * - The first version of a question is kept whole in `question_origins`: replaying the
 *   question's changes from it reproduces the stored row (`replayChanges`).
 */
import {
  fieldOf,
  IDENTITY_FIELDS,
  SHARED_FIELD_NAMES,
  TEXT_FIELD_NAMES,
  type FieldName,
  type SharedFieldName,
  type TextFieldName,
} from '../senate/fields.ts';
import { LANGS, type BilingualQuestion, type Lang } from '../senate/question-record.ts';
import type { Db, Queryable } from './db.ts';
import { diffQuestion } from './diff.ts';
import { insertEvents, type EventType, type NewEvent, type WebhookEndpoint } from './events.ts';

/** What a change is attributed to: the Senate's page changed, or a newer parser read the same page differently. */
export type ChangeCause = 'senate' | 'parser';
/** `changed`: stored; `reformatted`: stored, whitespace only (a reparse); `source_field_missing`: not on the page, stored value kept. */
export type ChangeKind = 'changed' | 'reformatted' | 'source_field_missing';

/** One `changes` row to write; values are canonical (the field table's JSON shape). */
export interface PlannedChange {
  lang: Lang | null;
  field: FieldName;
  kind: ChangeKind;
  old: unknown;
  /** null for `source_field_missing`. */
  new: unknown;
}

/** One event to write. A `change` names the change row it reports (`changeRef`): its id completes the key and goes in the payload. */
export interface PlannedEvent {
  type: EventType;
  lang: Lang | null;
  key: string;
  payload: Record<string, unknown>;
  change?: string;
}

export interface HistoryPlan {
  /** What to store: the new record, except that a field missing from the page keeps its stored value. */
  record: BilingualQuestion;
  changes: PlannedChange[];
  events: PlannedEvent[];
}

export interface PlanOptions {
  cause: ChangeCause;
  /** `changeRef`s of the fields whose latest change is `source_field_missing`: not recorded again. */
  openMissing?: ReadonlySet<string>;
}

/** The key of a (language, field) within one question: `fr|subject`, `|status`. */
export function changeRef(lang: Lang | null, field: FieldName): string {
  return `${lang ?? ''}|${field}`;
}

/** Fields that are always present on a page (derived, or diagnostics): never "missing". */
const NEVER_MISSING = new Set<FieldName>(['status', 'conflicts', 'repairs', 'unknownLabels']);
/** Diagnostics of the parse, not the Senate's content: recorded, never an event. */
const DIAGNOSTICS = new Set<FieldName>(['conflicts', 'repairs', 'unknownLabels']);

/** Whether a canonical value holds nothing: null, blank text, an empty list, an object of nothing. */
function absent(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v).every(absent);
  return false;
}

function canonical(field: FieldName, value: unknown): unknown {
  return fieldOf(field).canonical(value as never) ?? null;
}

/** The fields whose value is missing from `after` but stored in `before` (candidates for `source_field_missing`). */
export function missingFields(before: BilingualQuestion, after: BilingualQuestion): string[] {
  const out: string[] = [];
  const check = (lang: Lang | null, field: FieldName, b: unknown, a: unknown) => {
    if (!NEVER_MISSING.has(field) && absent(canonical(field, a)) && !absent(canonical(field, b))) out.push(changeRef(lang, field));
  };
  for (const f of SHARED_FIELD_NAMES) check(null, f, before[f], after[f]);
  for (const lang of LANGS) {
    const [b, a] = [before.texts[lang], after.texts[lang]];
    if (b && a) for (const f of TEXT_FIELD_NAMES) check(lang, f, b[f], a[f]);
  }
  return out;
}

/**
 * What storing `after` over `before` writes: the record to store, the change rows, the events.
 * Pure. A language absent from `after` (not fetched) is neither a change nor touched.
 */
export function planHistory(before: BilingualQuestion, after: BilingualQuestion, opts: PlanOptions): HistoryPlan {
  const changes: PlannedChange[] = [];
  const missing = new Set(missingFields(before, after));
  const record: BilingualQuestion = { ...after, texts: { ...after.texts } };
  const keepStored = (lang: Lang | null, field: FieldName) => {
    if (lang === null) (record as unknown as Record<string, unknown>)[field] = before[field as SharedFieldName];
    else record.texts[lang] = { ...record.texts[lang]!, [field]: before.texts[lang]![field as TextFieldName] };
  };
  for (const d of diffQuestion(before, after)) {
    const ref = changeRef(d.lang, d.field);
    const old = canonical(d.field, d.old);
    if (missing.has(ref)) {
      // Not on the page: the stored value stays.
      keepStored(d.lang, d.field);
      if (!opts.openMissing?.has(ref)) changes.push({ lang: d.lang, field: d.field, kind: 'source_field_missing', old, new: null });
      continue;
    }
    if (d.whitespaceOnly && opts.cause === 'senate') {
      // The Senate's formatting churn is not a change: nothing is written, the stored text stays.
      keepStored(d.lang, d.field);
      continue;
    }
    // A language stored for the first time is all "different" (old null): recorded so it can be replayed.
    changes.push({ lang: d.lang, field: d.field, kind: d.whitespaceOnly ? 'reformatted' : 'changed', old, new: canonical(d.field, d.new) });
  }
  const newLangs = LANGS.filter((l) => after.texts[l] && !before.texts[l]);
  const events = opts.cause === 'senate' ? eventsOf(before, record, changes, newLangs) : [];
  return { record, changes, events };
}

/** An excerpt of an answer for a notification: its first 280 characters, whitespace made one space. */
function excerpt(text: string | undefined): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > 280 ? `${flat.slice(0, 279)}…` : flat;
}

/** What every event about a question carries, in the event's language (or the question's own). */
function summary(q: BilingualQuestion, lang: Lang | null): Record<string, unknown> {
  const texts = q.texts[lang ?? q.originalLanguage ?? 'fr'] ?? q.texts.fr ?? q.texts.nl;
  return { addressee: texts?.addressee ?? null, author: q.author.name, subject: texts?.subject ?? null };
}

/** The typed events that the senate-caused `changes` from `before` to `after` mean. */
function eventsOf(before: BilingualQuestion, after: BilingualQuestion, changes: readonly PlannedChange[], newLangs: readonly Lang[]): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const changed = new Map(changes.filter((c) => c.kind === 'changed').map((c) => [changeRef(c.lang, c.field), c]));
  const explained = new Set<string>();
  const emit = (e: PlannedEvent, ...explains: string[]) => {
    events.push(e);
    for (const r of explains) explained.add(r);
  };

  // Answers: the first language to show one is the arrival, the other its translation.
  const arrived: Lang[] = [];
  for (const lang of LANGS) {
    const ch = changed.get(changeRef(lang, 'answer'));
    const now = after.texts[lang]?.answer;
    if (!ch || !now) continue;
    if (before.texts[lang]?.answer) {
      emit(
        { type: 'answer_changed', lang, key: 'answer', change: changeRef(lang, 'answer'), payload: { lang, answerDate: now.date, ...summary(after, lang), excerpt: excerpt(now.text), previousExcerpt: excerpt(before.texts[lang]?.answer?.text) } },
        changeRef(lang, 'answer'),
      );
    } else arrived.push(lang);
  }
  const original = after.originalLanguage;
  arrived.sort((a, b) => Number(b === original) - Number(a === original));
  const hadAnswer = LANGS.some((l) => before.texts[l]?.answer);
  arrived.forEach((lang, i) => {
    const answer = after.texts[lang]!.answer!;
    const type = !hadAnswer && i === 0 ? 'answer_arrived' : 'translation_arrived';
    emit({ type, lang, key: 'arrived', payload: { lang, answerDate: answer.date ?? after.answerDate, ...summary(after, lang), excerpt: excerpt(answer.text) } }, changeRef(lang, 'answer'));
  });
  const answerEvent = events.length > 0;

  const status = changed.get(changeRef(null, 'status'));
  if (status) {
    emit({ type: 'status_changed', lang: null, key: `${String(status.old)}→${String(status.new)}`, change: changeRef(null, 'status'), payload: { from: status.old, to: status.new, ...summary(after, null) } }, changeRef(null, 'status'));
  }
  const deadline = changed.get(changeRef(null, 'answerDeadline'));
  if (deadline) {
    emit(
      { type: 'deadline_changed', lang: null, key: `${String(deadline.old)}→${String(deadline.new)}`, change: changeRef(null, 'answerDeadline'), payload: { from: deadline.old, to: deadline.new, ...summary(after, null) } },
      changeRef(null, 'answerDeadline'),
    );
  }
  if (changed.has(changeRef(null, 'events'))) {
    for (const r of after.events.filter((e) => e.type === 'reminder' && !before.events.some((x) => x.type === 'reminder' && x.date === e.date))) {
      emit({ type: 'reminder_sent', lang: null, key: `reminder|${r.date}`, payload: { date: r.date, label: r.label, ...summary(after, null) } }, changeRef(null, 'events'));
    }
    if (status || answerEvent) explained.add(changeRef(null, 'events'));
  }
  if (changed.has(changeRef(null, 'relations'))) {
    const known = new Set(before.relations.map((r) => r.target));
    for (const r of after.relations.filter((x) => x.kind === 'reintroduced_as' && x.target !== null && !known.has(x.target))) {
      emit({ type: 'reintroduced', lang: null, key: r.target!, payload: { as: r.target, targetType: r.targetType, label: r.label, ...summary(after, null) } }, changeRef(null, 'relations'));
    }
    if (status) explained.add(changeRef(null, 'relations'));
  }
  if (changed.has(changeRef(null, 'answerDate')) && (status || answerEvent)) explained.add(changeRef(null, 'answerDate'));

  // Anything else the Senate changed: one field_changed per field and language.
  for (const [ref, c] of changed) {
    if (explained.has(ref) || DIAGNOSTICS.has(c.field) || (c.lang !== null && newLangs.includes(c.lang))) continue;
    emit({ type: 'field_changed', lang: c.lang, key: ref, change: ref, payload: { field: c.field, lang: c.lang, old: c.old, new: c.new, ...summary(after, c.lang) } });
  }
  return events;
}

/** The question_new event of a question stored for the first time. */
export function questionNewEvent(q: BilingualQuestion): PlannedEvent {
  return {
    type: 'question_new',
    lang: null,
    key: 'new',
    payload: {
      ...summary(q, null),
      status: q.status,
      sentDate: q.sentDate,
      answerDeadline: q.answerDeadline,
      answered: LANGS.filter((l) => q.texts[l]?.answer),
    },
  };
}

/** A question in canonical JSON (identity, shared fields, texts per language stored): what `question_origins.record` holds. */
export type CanonicalRecord = Record<string, unknown> & { texts: Partial<Record<Lang, Record<string, unknown>>> };

export function canonicalRecord(q: BilingualQuestion): CanonicalRecord {
  const out: CanonicalRecord = { texts: {} };
  for (const k of Object.keys(IDENTITY_FIELDS) as (keyof typeof IDENTITY_FIELDS)[]) out[k] = q[k];
  for (const f of SHARED_FIELD_NAMES) out[f] = canonical(f, q[f]);
  for (const lang of LANGS) {
    const t = q.texts[lang];
    if (t) out.texts[lang] = Object.fromEntries(TEXT_FIELD_NAMES.map((f) => [f, canonical(f, t[f])]));
  }
  return out;
}

/** One stored change, as replay needs it. */
export interface ReplayChange {
  lang: Lang | null;
  field: FieldName;
  kind: ChangeKind;
  newValue: unknown;
}

/**
 * A question's canonical record after its changes (in order) are applied to its first version.
 * `source_field_missing` changes stored nothing and are skipped.
 */
export function replayChanges(origin: CanonicalRecord, changes: readonly ReplayChange[]): CanonicalRecord {
  const out = structuredClone(origin);
  for (const c of changes) {
    if (c.kind === 'source_field_missing') continue;
    if (c.lang === null) out[c.field] = c.newValue;
    else (out.texts[c.lang] ??= {})[c.field] = c.newValue;
  }
  // In the field table's order, as canonicalRecord gives it.
  for (const lang of LANGS) {
    const t = out.texts[lang];
    if (t) out.texts[lang] = Object.fromEntries(TEXT_FIELD_NAMES.map((f) => [f, t[f] ?? null]));
  }
  return out;
}

export interface HistoryContext {
  cause: ChangeCause;
  parserVersion: string;
  runId?: number | null | undefined;
  /** fetch id of the response each language was parsed from */
  fetchIds?: Partial<Record<Lang, number>> | undefined;
  now: Date;
  endpoints?: readonly WebhookEndpoint[] | undefined;
}

/** The fetch that evidenced a change: its language's page, or for a shared field the page of the question's language (else either). */
function evidence(lang: Lang | null, originalLanguage: Lang | null, fetchIds: Partial<Record<Lang, number>> = {}): number | null {
  if (lang) return fetchIds[lang] ?? null;
  return (originalLanguage ? fetchIds[originalLanguage] : undefined) ?? fetchIds.fr ?? fetchIds.nl ?? null;
}

/** Stores a plan's change rows, then its events (each with its change row's id); call inside the upsert's transaction. */
export async function writeHistory(tx: Queryable, questionId: string, plan: Pick<HistoryPlan, 'changes' | 'events' | 'record'>, ctx: HistoryContext): Promise<void> {
  const ids = new Map<string, number>();
  if (plan.changes.length > 0) {
    const c = plan.changes;
    const { rows } = await tx.query<{ id: number; lang: Lang | null; field: string }>(
      `INSERT INTO changes (question_id, lang, field, old_value, new_value, observed_at, fetch_id, run_id, parser_version, cause, kind)
       SELECT $1::text, s.lang, s.field, s.old_value, s.new_value, $2::timestamptz, s.fetch_id, $3::bigint, $4::text, $5::text, s.kind
         FROM unnest($6::text[], $7::text[], $8::jsonb[], $9::jsonb[], $10::bigint[], $11::text[])
              WITH ORDINALITY AS s(lang, field, old_value, new_value, fetch_id, kind, ord)
        ORDER BY s.ord
       RETURNING id, lang, field`,
      [
        questionId,
        ctx.now,
        ctx.runId ?? null,
        ctx.parserVersion,
        ctx.cause,
        c.map((x) => x.lang),
        c.map((x) => x.field),
        c.map((x) => JSON.stringify(x.old)),
        c.map((x) => (x.kind === 'source_field_missing' ? null : JSON.stringify(x.new))),
        c.map((x) => evidence(x.lang, plan.record.originalLanguage, ctx.fetchIds)),
        c.map((x) => x.kind),
      ],
    );
    for (const r of rows) ids.set(changeRef(r.lang, r.field as FieldName), Number(r.id));
  }
  await storeEvents(tx, questionId, plan.events, ctx, ids);
}

async function storeEvents(tx: Queryable, questionId: string, events: readonly PlannedEvent[], ctx: Omit<HistoryContext, 'cause' | 'parserVersion'>, changeIds = new Map<string, number>()): Promise<void> {
  if (events.length === 0) return;
  await insertEvents(tx, newEvents(questionId, events, ctx, changeIds), ctx.endpoints ?? []);
}

function newEvents(questionId: string, events: readonly PlannedEvent[], ctx: Omit<HistoryContext, 'cause' | 'parserVersion'>, changeIds = new Map<string, number>()): NewEvent[] {
  return events.map((e) => {
    const changeId = e.change === undefined ? undefined : changeIds.get(e.change);
    if (e.change !== undefined && changeId === undefined) throw new Error(`event ${e.type} of ${questionId} names change ${e.change}, which was not written`);
    return {
      type: e.type,
      questionId,
      lang: e.lang,
      // The change row makes a change's event unique (a field that goes A→B, back, and A→B again is two events).
      key: changeId === undefined ? e.key : `${e.key}#${changeId}`,
      payload: changeId === undefined ? e.payload : { ...e.payload, changeId },
      occurredAt: ctx.now,
      runId: ctx.runId ?? null,
    };
  });
}

/** The question_new event of a question stored for the first time, ready for insertEvents or eventWriteCtes. */
export function questionNewEvents(q: BilingualQuestion, ctx: Omit<HistoryContext, 'cause' | 'parserVersion'>): NewEvent[] {
  return newEvents(q.id, [questionNewEvent(q)], ctx);
}

/** The `changeRef`s of a question's fields whose latest change is `source_field_missing`. */
export async function openMissingFields(tx: Queryable, questionId: string): Promise<Set<string>> {
  const { rows } = await tx.query<{ lang: Lang | null; field: FieldName; kind: ChangeKind }>(
    `SELECT DISTINCT ON (lang, field) lang, field, kind FROM changes WHERE question_id = $1 ORDER BY lang, field, id DESC`,
    [questionId],
  );
  return new Set(rows.filter((r) => r.kind === 'source_field_missing').map((r) => changeRef(r.lang, r.field)));
}

/** Keeps `q` as the first version of its question, unless one is kept already. */
export async function writeOrigin(
  tx: Queryable,
  q: BilingualQuestion,
  o: { observedAt: Date; runId?: number | null | undefined; fetchIds?: Partial<Record<Lang, number>> | undefined; parserVersion: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO question_origins (question_id, record, observed_at, run_id, fetch_ids, parser_version)
     VALUES ($1::text, $2::jsonb, $3::timestamptz, $4::bigint, $5::jsonb, $6::text) ON CONFLICT (question_id) DO NOTHING`,
    [q.id, JSON.stringify(canonicalRecord(q)), o.observedAt, o.runId ?? null, JSON.stringify(o.fetchIds ?? {}), o.parserVersion],
  );
}

/** The question_back event: the Senate serves again a question marked gone at `goneSince`. */
export async function writeQuestionBack(tx: Queryable, questionId: string, goneSince: Date, ctx: Omit<HistoryContext, 'cause' | 'parserVersion'>): Promise<void> {
  await storeEvents(tx, questionId, [{ type: 'question_back', lang: null, key: `back|${goneSince.toISOString()}`, payload: { goneSince: goneSince.toISOString() } }], ctx);
}

/**
 * Marks a question gone (the Senate no longer serves it) and, when it was not gone already,
 * writes its question_gone event in the same transaction. Nothing stored is deleted. Returns
 * whether the question went gone now (false: not stored, or gone already). The upsert of a
 * question that comes back clears the mark and writes question_back.
 */
export async function recordGone(db: Db, questionId: string, ctx: { now?: Date; runId?: number | null; endpoints?: readonly WebhookEndpoint[] } = {}): Promise<boolean> {
  const now = ctx.now ?? new Date();
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ gone_since: Date }>('UPDATE questions SET gone_since = $2 WHERE id = $1 AND gone_since IS NULL RETURNING gone_since', [questionId, now]);
    const goneSince = rows[0]?.gone_since;
    if (!goneSince) return false;
    await storeEvents(tx, questionId, [{ type: 'question_gone', lang: null, key: `gone|${goneSince.toISOString()}`, payload: { goneSince: goneSince.toISOString() } }], { now, runId: ctx.runId ?? null, endpoints: ctx.endpoints });
    return true;
  });
}

/** A question's first version and its changes in order: what replay needs. null when no first version is kept. */
export async function loadReplay(db: Queryable, questionId: string): Promise<{ origin: CanonicalRecord; changes: ReplayChange[] } | null> {
  const { rows: [origin] } = await db.query<{ record: CanonicalRecord }>('SELECT record FROM question_origins WHERE question_id = $1', [questionId]);
  if (!origin) return null;
  const { rows } = await db.query<{ lang: Lang | null; field: FieldName; kind: ChangeKind; new_value: unknown }>(
    'SELECT lang, field, kind, new_value FROM changes WHERE question_id = $1 ORDER BY id',
    [questionId],
  );
  return { origin: origin.record, changes: rows.map((r) => ({ lang: r.lang, field: r.field, kind: r.kind, newValue: r.new_value })) };
}
