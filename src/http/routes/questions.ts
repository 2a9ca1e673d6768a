/** GET /api/questions (search, filters, keyset pages) and GET /api/questions/:id (one question, whole). */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { QuestionStatus } from '../../senate/question-record.ts';
import { brusselsDate, questionHistory } from '../../store/monitoring.ts';
import { getQuestion, type StoredQuestion } from '../../store/questions.ts';
import { QUESTION_SORTS, QUESTION_STATUSES, searchQuestions, storedIds, type QuestionCursor, type QuestionFilter, type QuestionSort } from '../../store/search.ts';
import { badParameter, HttpProblem, problemResponses } from '../problem.ts';
import { questionIdPattern } from '../schemas.ts';
import type { RouteOptions } from '../server.ts';

const text = (description: string) => ({ type: 'string', minLength: 1, maxLength: 200, description });
const isoDate = (description: string) => ({ type: 'string', format: 'date', description });

/** The listing's filters (also taken by the CSV export). */
export const filterProperties = {
  legislature: { type: 'integer', minimum: 1, maximum: 99, description: 'Legislature number, e.g. 8.' },
  status: { type: 'string', enum: QUESTION_STATUSES },
  addressee: text('The addressee: a key (minister:justice), a title or portfolio word in French or Dutch (Justice, Justitie), or part of the printed title.'),
  author: text("Part of the author's name, case-insensitive."),
  party: text("The author's party, case-insensitive."),
  sentFrom: isoDate('Sent on or after (YYYY-MM-DD).'),
  sentTo: isoDate('Sent on or before.'),
  answeredFrom: isoDate('Answered on or after.'),
  answeredTo: isoDate('Answered on or before.'),
  overdue: {
    type: 'boolean',
    description: 'true: pending, still served, past its deadline (the printed one, or the date sent plus DEADLINE_ESTIMATE_DAYS), in Brussels time; false: all others.',
  },
  q: {
    type: 'string',
    minLength: 1,
    maxLength: 500,
    description:
      'Full text over both languages, stemmed in French and in Dutch (réponses finds réponse, vragen finds vraag). Web-search syntax: "a phrase", or, -word.',
  },
} as const;

export interface FilterQuery {
  legislature?: number;
  status?: QuestionStatus;
  addressee?: string;
  author?: string;
  party?: string;
  sentFrom?: string;
  sentTo?: string;
  answeredFrom?: string;
  answeredTo?: string;
  overdue?: boolean;
  q?: string;
}

interface ListQuery extends FilterQuery {
  sort: QuestionSort;
  limit: number;
  after?: string;
}

export function filterOf(query: FilterQuery): QuestionFilter {
  const { legislature, status, addressee, author, party, sentFrom, sentTo, answeredFrom, answeredTo, overdue, q } = query;
  return { legislature, status, addressee, author, party, sentFrom, sentTo, answeredFrom, answeredTo, overdue, q };
}

/** The opaque `after` cursor: the sort it belongs to and the last row's key. */
function encodeCursor(sort: QuestionSort, c: QuestionCursor): string {
  return Buffer.from(JSON.stringify([sort, ...c])).toString('base64url');
}

function decodeCursor(sort: QuestionSort, raw: string): QuestionCursor {
  let v: unknown[] = [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(parsed)) v = parsed;
  } catch {
    // not JSON: refused below
  }
  const ok =
    v.length === 4 &&
    typeof v[0] === 'string' &&
    (v[1] === null || (typeof v[1] === 'string' && /^(-?infinity|\d{4}-\d{2}-\d{2})$/.test(v[1]))) &&
    Number.isInteger(v[2]) &&
    Number.isInteger(v[3]);
  if (!ok) throw badParameter('after', 'query', 'query parameter after is not a cursor this API gave (take it from the `next` link)');
  if (v[0] !== sort) throw badParameter('after', 'query', `query parameter after belongs to sort=${String(v[0])}, not sort=${sort}: keep the sort of the first page`);
  return [v[1] as string | null, v[2] as number, v[3] as number];
}

/** This request's path and query with `after` set to `cursor`. */
function nextLink(request: FastifyRequest, cursor: string): string {
  const [path, query = ''] = request.url.split('?');
  const params = new URLSearchParams(query);
  params.set('after', cursor);
  return `${path}?${params.toString()}`;
}

export const questionRoutes: FastifyPluginAsync<RouteOptions> = async (app, { deps }) => {
  const { db } = deps;

  app.get<{ Querystring: ListQuery }>(
    '/api/questions',
    {
      schema: {
        tags: ['questions'],
        operationId: 'listQuestions',
        summary: 'Search questions',
        description: 'Filters combine with AND. Pages follow each other by `next` (keyset: no duplicate and no gap while paging).',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...filterProperties,
            sort: { type: 'string', enum: QUESTION_SORTS, default: '-sent', description: 'sent, answered, deadline or number; a leading - for descending.' },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            after: { type: 'string', minLength: 1, maxLength: 300, description: 'The cursor of the next page, as the `next` link gives it.' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'next'],
            properties: {
              items: { type: 'array', items: { $ref: 'QuestionSummary#' } },
              next: { type: ['string', 'null'], description: 'The next page (null on the last): follow it as is.' },
            },
          },
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const { sort, limit, after } = request.query;
      const page = await searchQuestions(db, filterOf(request.query), {
        sort,
        limit,
        after: after === undefined ? null : decodeCursor(sort, after),
        deadlineEstimateDays: deps.config.deadlineEstimateDays,
      });
      const next = page.next ? nextLink(request, encodeCursor(sort, page.next)) : null;
      if (next) reply.header('link', `<${next}>; rel="next"`);
      return { items: page.items.map((q) => ({ ...q, links: { self: `/api/questions/${q.id}` } })), next };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/questions/:id',
    {
      schema: {
        tags: ['questions'],
        operationId: 'getQuestion',
        summary: 'One question: both languages, chronology, relations, change history',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: questionIdPattern, description: 'legislature-number, e.g. 8-123' } },
        },
        response: { 200: { $ref: 'Question#' }, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const q = await getQuestion(db, id);
      if (!q) throw new HttpProblem(404, `question ${id} is not stored`);
      const targets = q.relations.filter((r) => r.targetType === 'written_question' && r.target).map((r) => r.target!);
      const [history, stored] = await Promise.all([questionHistory(db, id), storedIds(db, targets)]);
      const { events, relations, ...rest } = q;
      return {
        ...rest,
        overdue: isOverdue(q, deps.config.deadlineEstimateDays),
        chronology: events,
        relations: relations.map((r) => ({
          ...r,
          stored: r.target !== null && stored.has(r.target),
          links: r.targetType === 'written_question' && r.target ? { self: `/api/questions/${r.target}` } : {},
        })),
        history: (history?.changes ?? []).map(({ old, new: value, ...c }) => ({ ...c, oldValue: old, newValue: value })),
        links: { self: `/api/questions/${id}`, events: `/api/events?question=${id}` },
      };
    },
  );
};

/** The listing's overdue (src/store/search.ts), for one question read whole. */
function isOverdue(q: StoredQuestion, deadlineEstimateDays: number, now = new Date()): boolean {
  if (q.status !== 'pending' || q.goneSince !== null) return false;
  const deadline = q.answerDeadline ?? (q.sentDate ? new Date(Date.parse(q.sentDate) + deadlineEstimateDays * 86_400_000).toISOString().slice(0, 10) : null);
  return deadline !== null && deadline < brusselsDate(now);
}
