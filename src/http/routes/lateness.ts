/** GET /api/lateness: per addressee, how fast and how often on time the answers come (src/store/monitoring.ts). */
import type { FastifyPluginAsync } from 'fastify';
import { describeAddresseeKey } from '../../senate/addressee.ts';
import { latenessByAddressee } from '../../store/monitoring.ts';
import { problemResponses } from '../problem.ts';
import type { RouteOptions } from '../server.ts';

const bilingual = { type: 'object', properties: { fr: { type: ['string', 'null'] }, nl: { type: ['string', 'null'] } } } as const;

export const latenessRoutes: FastifyPluginAsync<RouteOptions> = async (app, { deps }) => {
  app.get<{ Querystring: { legislature?: number } }>(
    '/api/lateness',
    {
      schema: {
        tags: ['monitoring'],
        operationId: 'getLateness',
        summary: 'Per addressee: asked, answered, median days to answer, share answered by the deadline, oldest unanswered',
        description: 'Deadlines are the printed ones, or the date sent plus DEADLINE_ESTIMATE_DAYS; days in Brussels time. Most asked first.',
        querystring: { type: 'object', additionalProperties: false, properties: { legislature: { type: 'integer', minimum: 1, maximum: 99 } } },
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['addresseeKey', 'label', 'asked', 'answered', 'pending'],
                  properties: {
                    addresseeKey: { type: ['string', 'null'], description: 'e.g. minister:justice; null: pages naming no addressee.' },
                    label: { type: 'string', description: 'The key in words.' },
                    names: { ...bilingual, description: 'The most frequent printed title per language.' },
                    variants: { type: 'integer' },
                    asked: { type: 'integer' },
                    answered: { type: 'integer' },
                    pending: { type: 'integer' },
                    medianDaysToAnswer: { type: ['number', 'null'] },
                    due: { type: 'integer', description: 'Questions answered, or past their deadline.' },
                    answeredByDeadline: { type: 'integer' },
                    shareByDeadline: { type: ['number', 'null'], description: 'answeredByDeadline / due, 0 to 1.' },
                    oldestUnanswered: {
                      type: ['object', 'null'],
                      properties: {
                        id: { type: 'string' },
                        sentDate: { type: ['string', 'null'], format: 'date' },
                        daysWaiting: { type: ['integer', 'null'] },
                        link: { type: 'string' },
                      },
                    },
                  },
                },
              },
            },
          },
          ...problemResponses(400),
        },
      },
    },
    async (request) => {
      const rows = await latenessByAddressee(deps.db, { legislature: request.query.legislature }, { deadlineEstimateDays: deps.config.deadlineEstimateDays });
      return {
        items: rows.map((r) => ({
          ...r,
          label: describeAddresseeKey(r.addresseeKey),
          oldestUnanswered: r.oldestUnanswered ? { ...r.oldestUnanswered, link: `/api/questions/${r.oldestUnanswered.id}` } : null,
        })),
      };
    },
  );
};
