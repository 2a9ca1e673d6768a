/**
 * The event stream as the API and the Atom feeds read it: by sequence (a cursor a client can
 * poll without missing an event), by type, since a time, for one question, and for the
 * questions of an addressee, author or party.
 */
import type { Queryable } from './db.ts';
import { addresseeCondition, fillAddresseeKeys, likeLiteral } from './search.ts';
import { eventFromRow, type EventRow, type EventType, type StoredEvent } from './events.ts';

export interface EventQuery {
  types?: readonly EventType[] | undefined;
  /** Only events that occurred at or after this time. */
  since?: Date | undefined;
  /** Only events after this sequence number (the cursor). */
  after?: number | undefined;
  questionId?: string | undefined;
  /** The question's addressee (either language, case-insensitive substring, or its key). */
  addressee?: string | undefined;
  /** Part of the question author's name, case-insensitive. */
  author?: string | undefined;
  /** The question author's party, case-insensitive. */
  party?: string | undefined;
  limit: number;
  /** 'asc' (default): oldest first, for polling; 'desc': newest first, for feeds. */
  order?: 'asc' | 'desc';
}

/** An event with the titles of its question, for feeds. */
export interface EventWithQuestion extends StoredEvent {
  question: { title: Partial<Record<'fr' | 'nl', string>>; authorName: string | null; authorParty: string | null } | null;
}

export async function listEventFeed(db: Queryable, query: EventQuery): Promise<EventWithQuestion[]> {
  await fillAddresseeKeys(db, query);
  const params: unknown[] = [];
  const $ = (v: unknown) => `$${params.push(v)}`;
  const where: string[] = [];
  if (query.types && query.types.length > 0) where.push(`e.type = ANY(${$(query.types)}::text[])`);
  if (query.since) where.push(`e.occurred_at >= ${$(query.since)}::timestamptz`);
  if (query.after !== undefined) where.push(`e.seq > ${$(query.after)}::bigint`);
  if (query.questionId) where.push(`e.question_id = ${$(query.questionId)}::text`);
  if (query.author) where.push(`q.author_name ILIKE ${$(likeLiteral(query.author))}::text`);
  if (query.party) where.push(`lower(q.author_party) = lower(${$(query.party)}::text)`);
  if (query.addressee) where.push(addresseeCondition(query.addressee, params));
  const { rows } = await db.query<EventRow & { q_id: string | null; author_name: string | null; author_party: string | null; fr_title: string | null; nl_title: string | null }>(
    `SELECT e.id, e.seq, e.type, e.question_id, e.lang, e.payload, e.occurred_at, e.run_id,
            q.id AS q_id, q.author_name, q.author_party, fr.title AS fr_title, nl.title AS nl_title
       FROM events e
       LEFT JOIN questions q ON q.id = e.question_id
       LEFT JOIN question_texts fr ON fr.question_id = q.id AND fr.lang = 'fr'
       LEFT JOIN question_texts nl ON nl.question_id = q.id AND nl.lang = 'nl'
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY e.seq ${query.order === 'desc' ? 'DESC' : 'ASC'}
      LIMIT ${$(query.limit)}::int`,
    params,
  );
  return rows.map((r) => {
    const title: Partial<Record<'fr' | 'nl', string>> = {};
    if (r.fr_title) title.fr = r.fr_title;
    if (r.nl_title) title.nl = r.nl_title;
    return { ...eventFromRow(r), question: r.q_id ? { title, authorName: r.author_name, authorParty: r.author_party } : null };
  });
}
