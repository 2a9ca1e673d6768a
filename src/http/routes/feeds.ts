/** GET /feeds/answers.atom and /feeds/questions.atom: Atom feeds of events, filterable by addressee, author and party. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { listEventFeed, type EventWithQuestion } from '../../store/event-feed.ts';
import type { EventType } from '../../store/events.ts';
import { atomDocument } from '../atom.ts';
import { problemResponses } from '../problem.ts';
import type { RouteOptions } from '../server.ts';

interface FeedQuery {
  addressee?: string;
  author?: string;
  party?: string;
  limit: number;
}

const FEEDS: { path: string; types: EventType[]; title: string; subtitle: string; entryTitle: (e: EventWithQuestion) => string }[] = [
  {
    path: '/feeds/answers.atom',
    types: ['answer_arrived'],
    title: "Answers to the Belgian Senate's written questions",
    subtitle: 'One entry per answer that arrived (in a language).',
    entryTitle: (e) => `Answer${e.lang ? ` (${e.lang})` : ''}: ${questionLabel(e)}`,
  },
  {
    path: '/feeds/questions.atom',
    types: ['question_new'],
    title: "New written questions in the Belgian Senate",
    subtitle: 'One entry per question first seen.',
    entryTitle: (e) => `New question: ${questionLabel(e)}`,
  },
];

function questionLabel(e: EventWithQuestion): string {
  const title = e.question?.title.fr ?? e.question?.title.nl;
  return title ? `${e.questionId ?? ''} ${title}`.trim() : (e.questionId ?? e.type);
}

function summary(e: EventWithQuestion): string {
  const q = e.question;
  const lines: string[] = [];
  if (q?.title.fr) lines.push(`FR: ${q.title.fr}`);
  if (q?.title.nl) lines.push(`NL: ${q.title.nl}`);
  if (q?.authorName) lines.push(`${q.authorName}${q.authorParty ? ` (${q.authorParty})` : ''}`);
  const date = e.payload.answerDate ?? e.payload.date;
  if (typeof date === 'string') lines.push(`${date}`);
  return lines.join('\n');
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export const feedRoutes: FastifyPluginAsync<RouteOptions> = async (app, { deps }) => {
  const text = (description: string) => ({ type: 'string', minLength: 1, maxLength: 200, description });
  for (const feed of FEEDS) {
    app.get<{ Querystring: FeedQuery }>(
      feed.path,
      {
        schema: {
          tags: ['feeds'],
          summary: feed.title,
          description: `${feed.subtitle} Entry ids are the events' stable ids (urn:senate-questions:event:…).`,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              addressee: text('Part of the addressee (minister), in either language.'),
              author: text("Part of the author's name."),
              party: text("The author's party."),
              limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            },
          },
          response: {
            200: { description: 'An Atom 1.0 feed, newest first.', content: { 'application/atom+xml': { schema: { type: 'string' } } } },
            ...problemResponses(400),
          },
        },
      },
      async (request, reply) => {
        const { addressee, author, party, limit } = request.query;
        const events = await listEventFeed(deps.db, { types: feed.types, addressee, author, party, limit, order: 'desc' });
        const base = origin(request);
        const xml = atomDocument({
          id: `${base}${feed.path}`,
          title: feed.title,
          subtitle: feed.subtitle,
          self: `${base}${request.url}`,
          updated: events[0]?.occurredAt ?? new Date(),
          entries: events.map((e) => ({
            id: `urn:senate-questions:event:${e.id}`,
            title: feed.entryTitle(e),
            updated: e.occurredAt,
            link: e.questionId ? `${base}/api/questions/${e.questionId}` : undefined,
            author: e.question?.authorName ?? undefined,
            categories: [e.type],
            summary: summary(e),
          })),
        });
        return reply.type('application/atom+xml; charset=utf-8').send(xml);
      },
    );
  }
};
