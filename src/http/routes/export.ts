/**
 * GET /api/export.csv (and .jsonl): every question matching the filters, both languages, one
 * row per question, streamed batch by batch as the client reads (backpressure from the
 * socket: a slow client never makes the server hold the whole set).
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { exportLines, type ExportFormat } from '../../export/format.ts';
import { exportQuestions } from '../../store/search.ts';
import { problemResponses } from '../problem.ts';
import type { RouteOptions } from '../server.ts';
import { filterOf, filterProperties, type FilterQuery } from './questions.ts';

const MEDIA: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8; header=present', jsonl: 'application/jsonl; charset=utf-8' };

export const exportRoutes: FastifyPluginAsync<RouteOptions> = async (app, { deps }) => {
  for (const format of ['csv', 'jsonl'] as const) {
    app.get<{ Querystring: FilterQuery & { since?: string } }>(
      `/api/export.${format}`,
      {
        schema: {
          tags: ['exports'],
          operationId: format === 'csv' ? 'exportCsv' : 'exportJsonl',
          summary: format === 'csv' ? 'Every question as CSV (UTF-8, a header row, one row per question)' : 'Every question as JSON Lines (one object per line)',
          description: 'In legislature and number order; the same filters as /api/questions, and `since`. Streamed.',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ...filterProperties,
              since: { type: 'string', format: 'date-time', description: 'Only questions first seen or changed at or after this time.' },
            },
          },
          response: {
            200: { description: 'The export.', content: { [MEDIA[format].split(';')[0]!]: { schema: { type: 'string' } } } },
            ...problemResponses(400),
          },
        },
      },
      async (request, reply) => {
        const { since, ...rest } = request.query;
        const filter = { ...filterOf(rest), changedSince: since === undefined ? undefined : new Date(since) };
        // One batch (1,000 rows of text) buffered at most, not Readable.from's default of 16.
        const body = Readable.from(exportLines(format, exportQuestions(deps.db, filter)), { highWaterMark: 1 });
        return reply
          .type(MEDIA[format])
          .header('content-disposition', `attachment; filename="senate-questions.${format}"`)
          .send(body);
      },
    );
  }
};
