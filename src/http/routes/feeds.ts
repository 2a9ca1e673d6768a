/** GET /feeds/answers.atom and /feeds/questions.atom: Atom feeds of events, filterable by addressee, author and party. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Db } from '../../store/db.ts';
import { listEventFeed, type EventWithQuestion } from '../../store/event-feed.ts';
import { answerFeed } from '../../store/monitoring.ts';
import { atomDocument, type AtomEntry } from '../atom.ts';
import { problemResponses } from '../problem.ts';
import type { RouteOptions } from '../server.ts';

interface FeedQuery {
  addressee?: string;
  author?: string;
  party?: string;
  limit: number;
}

interface FeedFilter {
  addressee?: string | undefined;
  author?: string | undefined;
  party?: string | undefined;
  limit: number;
}

interface Feed {
  path: string;
  operationId: string;
  title: string;
  subtitle: string;
  entries(db: Db, filter: FeedFilter, base: string): Promise<AtomEntry[]>;
}

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
  return lines.join('\n');
}

const eventUrn = (id: string) => `urn:senate-questions:event:${id}`;
const byline = (name: string | null, party: string | null) => (name ? `${name}${party ? ` (${party})` : ''}` : null);

const FEEDS: Feed[] = [
  {
    path: '/feeds/answers.atom',
    operationId: 'answersFeed',
    title: "Answers to the Belgian Senate's written questions",
    subtitle: 'One entry per answer that arrived (in a language).',
    async entries(db, filter, base) {
      return (await answerFeed(db, filter)).map((a) => ({
        id: eventUrn(a.eventId),
        title: `Answer${a.lang ? ` (${a.lang})` : ''}: ${a.questionId} ${a.subject.fr ?? a.subject.nl ?? a.title.fr ?? a.title.nl ?? ''}`.trim(),
        updated: a.seenAt,
        link: `${base}/api/questions/${a.questionId}`,
        author: a.author ?? undefined,
        categories: ['answer_arrived'],
        summary: [
          a.title.fr && `FR: ${a.title.fr}${a.subject.fr ? ` – ${a.subject.fr}` : ''}`,
          a.title.nl && `NL: ${a.title.nl}${a.subject.nl ? ` – ${a.subject.nl}` : ''}`,
          byline(a.author, a.party),
          a.addressee.fr ?? a.addressee.nl,
          a.answerDate && `Answer of ${a.answerDate}`,
          a.excerpt,
        ]
          .filter(Boolean)
          .join('\n'),
      }));
    },
  },
  {
    path: '/feeds/questions.atom',
    operationId: 'questionsFeed',
    title: 'New written questions in the Belgian Senate',
    subtitle: 'One entry per question first seen.',
    async entries(db, filter, base) {
      return (await listEventFeed(db, { ...filter, types: ['question_new'], order: 'desc' })).map((e) => ({
        id: eventUrn(e.id),
        title: `New question: ${questionLabel(e)}`,
        updated: e.occurredAt,
        link: e.questionId ? `${base}/api/questions/${e.questionId}` : undefined,
        author: e.question?.authorName ?? undefined,
        categories: [e.type],
        summary: summary(e),
      }));
    },
  },
];

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
          operationId: feed.operationId,
          summary: feed.title,
          description: `${feed.subtitle} Newest first. Entry ids are the events' stable ids (urn:senate-questions:event:…).`,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              addressee: text('The addressee: a key (minister:justice), a title or portfolio word in French or Dutch, or part of the printed title.'),
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
        const base = origin(request);
        const entries = await feed.entries(deps.db, { addressee, author, party, limit }, base);
        const xml = atomDocument({
          id: `${base}${feed.path}`,
          title: feed.title,
          subtitle: feed.subtitle,
          self: `${base}${request.url}`,
          updated: entries[0]?.updated ?? new Date(),
          entries,
        });
        return reply.type('application/atom+xml; charset=utf-8').send(xml);
      },
    );
  }
};
