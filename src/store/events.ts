/**
 * Typed domain events and the webhook outbox (issue 9). An event is written in the same
 * transaction as the change it reports, and so is one `webhook_deliveries` row per configured
 * endpoint that wants it: an event is never stored without its deliveries, nor delivered
 * without being stored (the transactional outbox). Event ids are derived from the content, so
 * a replayed job, a retry or two writers at once cannot make a second event of one change.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './db.ts';

/** The event types (the CHECK of migration 0002). */
export const EVENT_TYPES = [
  'question_new',
  'answer_arrived',
  'translation_arrived',
  'answer_changed',
  'status_changed',
  'reminder_sent',
  'deadline_changed',
  'reintroduced',
  'question_gone',
  'question_back',
  'field_changed',
  'crawl_unhealthy',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type EventLang = 'fr' | 'nl';

/** One configured webhook receiver (the WEBHOOKS setting). The URL is its identity in the outbox. */
export interface WebhookEndpoint {
  url: string;
  /** The event types it receives; '*' for all. */
  events: readonly EventType[] | '*';
  /** Standard Webhooks secret (`whsec_…`); unset: WEBHOOK_SECRET. */
  secret?: string | undefined;
}

/** An event to store. Its id is `eventId(type, questionId, lang, key)`. */
export interface NewEvent {
  type: EventType;
  /** null for events about a run, not a question (crawl_unhealthy). */
  questionId: string | null;
  lang: EventLang | null;
  /**
   * What makes this event unique among the events of its type, question and language (an
   * answer's text hash, `from→to` and the change row, …): the same key is the same event.
   */
  key: string;
  payload: Record<string, unknown>;
  /** Default: the database's now(). */
  occurredAt?: Date;
  runId?: number | null;
}

export interface StoredEvent {
  id: string;
  seq: number;
  type: EventType;
  questionId: string | null;
  lang: EventLang | null;
  occurredAt: Date;
  runId: number | null;
  payload: Record<string, unknown>;
}

/** The event as the API, the webhooks and `events --json` give it. */
export interface EventJson {
  id: string;
  seq: number;
  type: EventType;
  questionId: string | null;
  lang: EventLang | null;
  occurredAt: string;
  runId: number | null;
  payload: Record<string, unknown>;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The id of an event: `evt_` and 26 base32 characters (130 bits) of the sha256 of
 * `type|questionId|lang|key`. Letters and digits only, so it is safe as Standard Webhooks'
 * `webhook-id` (no `.`), and stable: the same change always gives the same id.
 */
export function eventId(type: EventType, questionId: string | null, lang: EventLang | null, key: string): string {
  const digest = createHash('sha256').update(`${type}|${questionId ?? ''}|${lang ?? ''}|${key}`).digest();
  return `evt_${base32(digest).slice(0, 26)}`;
}

/** Whether `endpoint` wants events of `type`. */
export function endpointWants(endpoint: Pick<WebhookEndpoint, 'events'>, type: EventType): boolean {
  return endpoint.events === '*' || endpoint.events.includes(type);
}

/**
 * Stores `events` (an id already stored is skipped: ON CONFLICT DO NOTHING) and, in the same
 * statement, one pending delivery per (inserted event, endpoint whose filter matches it).
 * Call it inside the transaction that writes the change the events report, with that
 * transaction's `q`: rolled back, neither the events nor their deliveries remain.
 *
 * Returns the events this call inserted, in seq order; events that were already stored are
 * not returned (and get no new deliveries).
 */
export async function insertEvents(q: Queryable, events: readonly NewEvent[], endpoints: readonly WebhookEndpoint[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const params: unknown[] = [];
  const ctes = eventWriteCtes(events, endpoints, (v) => `$${params.push(v)}`);
  const { rows: stored } = await q.query<EventRow>(`WITH ${ctes.join(',\n     ')}\n     SELECT * FROM ev_inserted ORDER BY seq`, params);
  return stored.map(eventFromRow);
}

/**
 * The CTEs that store `events` and their deliveries (as insertEvents does), to be part of a
 * larger statement: `ev_inserted` is the events inserted. `param` adds a parameter and returns
 * its placeholder; `when`, a SQL condition, stores them only when it holds (say, when the row
 * they are about was inserted by the same statement).
 */
export function eventWriteCtes(events: readonly NewEvent[], endpoints: readonly WebhookEndpoint[], param: (value: unknown) => string, when?: string): string[] {
  const seen = new Set<string>();
  const rows: { id: string; e: NewEvent }[] = [];
  for (const e of events) {
    const id = eventId(e.type, e.questionId, e.lang, e.key);
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push({ id, e });
  }
  // One row per (endpoint, type it wants); '*' stands for every type.
  const endpointUrls: string[] = [];
  const endpointTypes: string[] = [];
  for (const ep of endpoints) {
    for (const t of ep.events === '*' ? ['*'] : ep.events) {
      endpointUrls.push(ep.url);
      endpointTypes.push(t);
    }
  }
  return [
    `ev_input AS (
       SELECT * FROM unnest(${param(rows.map((r) => r.id))}::text[], ${param(rows.map((r) => r.e.type))}::text[], ${param(rows.map((r) => r.e.questionId))}::text[],
                            ${param(rows.map((r) => r.e.lang))}::text[], ${param(rows.map((r) => JSON.stringify(r.e.payload)))}::jsonb[],
                            ${param(rows.map((r) => r.e.occurredAt ?? null))}::timestamptz[], ${param(rows.map((r) => r.e.runId ?? null))}::bigint[])
         WITH ORDINALITY AS s(id, type, question_id, lang, payload, occurred_at, run_id, ord)
     )`,
    `ev_inserted AS (
       INSERT INTO events (id, type, question_id, lang, payload, occurred_at, run_id)
       SELECT id, type, question_id, lang, payload, coalesce(occurred_at, now()), run_id FROM ev_input ${when ? `WHERE ${when}` : ''} ORDER BY ord
       ON CONFLICT (id) DO NOTHING
       RETURNING id, seq, type, question_id, lang, payload, occurred_at, run_id
     )`,
    `ev_wanted AS (
       SELECT * FROM unnest(${param(endpointUrls)}::text[], ${param(endpointTypes)}::text[]) AS w(endpoint, type)
     )`,
    // Runs whether or not the statement reads it (a data-modifying CTE always runs once).
    `ev_deliveries AS (
       INSERT INTO webhook_deliveries (event_id, endpoint)
       SELECT DISTINCT i.id, w.endpoint FROM ev_inserted i JOIN ev_wanted w ON w.type = '*' OR w.type = i.type
       ON CONFLICT (event_id, endpoint) DO NOTHING
     )`,
  ];
}

export interface EventRow {
  id: string;
  seq: number;
  type: string;
  question_id: string | null;
  lang: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date;
  run_id: number | null;
}

export function eventFromRow(r: EventRow): StoredEvent {
  return {
    id: r.id,
    seq: Number(r.seq),
    type: r.type as EventType,
    questionId: r.question_id,
    lang: r.lang as EventLang | null,
    occurredAt: r.occurred_at,
    runId: r.run_id === null ? null : Number(r.run_id),
    payload: r.payload,
  };
}

/** The event's JSON (camelCase, ISO time), as every output gives it. */
export function eventJson(e: StoredEvent): EventJson {
  return {
    id: e.id,
    seq: e.seq,
    type: e.type,
    questionId: e.questionId,
    lang: e.lang,
    occurredAt: e.occurredAt.toISOString(),
    runId: e.runId,
    payload: e.payload,
  };
}
