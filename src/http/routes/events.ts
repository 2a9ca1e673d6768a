/** GET /api/events: the event stream, polled by sequence (`after`) so that a client never misses one. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { EVENT_TYPES, eventJson, type EventType } from '../../store/events.ts';
import { listEvents } from '../../store/monitoring.ts';
import { problemResponses } from '../problem.ts';
import { questionIdPattern } from '../schemas.ts';
import type { RouteOptions } from '../server.ts';

interface EventsQuery {
  type?: EventType[];
  since?: string;
  after?: number;
  question?: string;
  limit: number;
}

function withAfter(request: FastifyRequest, after: number): string {
  const [path, query = ''] = request.url.split('?');
  const params = new URLSearchParams(query);
  params.set('after', String(after));
  return `${path}?${params.toString()}`;
}

export const eventRoutes: FastifyPluginAsync<RouteOptions> = async (app, { deps }) => {
  app.get<{ Querystring: EventsQuery }>(
    '/api/events',
    {
      schema: {
        tags: ['monitoring'],
        operationId: 'listEvents',
        summary: 'Events in sequence order',
        description:
          'Oldest first. `next` carries the last sequence number seen: poll it (even when `items` is empty) and no event is ever missed or seen twice.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: { type: 'array', items: { type: 'string', enum: EVENT_TYPES }, description: 'Event type(s); repeat the parameter for several.' },
            since: { type: 'string', format: 'date-time', description: 'Only events that occurred at or after this time.' },
            after: { type: 'integer', minimum: 0, description: 'Only events after this sequence number (the cursor).' },
            question: { type: 'string', pattern: questionIdPattern, description: "Only this question's events." },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'next', 'more'],
            properties: {
              items: { type: 'array', items: { $ref: 'Event#' } },
              next: { type: 'string', description: 'Poll this for the events after these.' },
              more: { type: 'boolean', description: 'More events are waiting now: follow next at once.' },
            },
          },
          ...problemResponses(400),
        },
      },
    },
    async (request) => {
      const { type, since, after, question, limit } = request.query;
      const events = await listEvents(deps.db, {
        types: type,
        since: since === undefined ? undefined : new Date(since),
        afterSeq: after,
        questionId: question,
        limit: limit + 1,
      });
      const more = events.length > limit;
      const page = more ? events.slice(0, limit) : events;
      const last = page[page.length - 1]?.seq ?? after ?? 0;
      return { items: page.map(eventJson), next: withAfter(request, last), more };
    },
  );
};
