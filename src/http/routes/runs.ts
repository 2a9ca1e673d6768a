/** GET /api/runs and /api/runs/:id: crawl runs with their counts and outcome. */
import type { FastifyPluginAsync } from 'fastify';
import { getRun, listRuns, type CrawlRun } from '../../store/runs.ts';
import { HttpProblem, problemResponses } from '../problem.ts';
import type { RouteOptions } from '../server.ts';

export function runJson(run: CrawlRun): CrawlRun & { links: { self: string } } {
  return { ...run, links: { self: `/api/runs/${run.id}` } };
}

export const runRoutes: FastifyPluginAsync<RouteOptions> = async (app, { deps }) => {
  app.get<{ Querystring: { limit: number } }>(
    '/api/runs',
    {
      schema: {
        tags: ['monitoring'],
        operationId: 'listRuns',
        summary: 'The most recent runs, newest first',
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 20 } } },
        response: {
          200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { $ref: 'Run#' } } } },
          ...problemResponses(400),
        },
      },
    },
    async (request) => ({ items: (await listRuns(deps.db, request.query.limit)).map(runJson) }),
  );

  app.get<{ Params: { id: number } }>(
    '/api/runs/:id',
    {
      schema: {
        tags: ['monitoring'],
        operationId: 'getRun',
        summary: 'One run',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
        response: { 200: { $ref: 'Run#' }, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const run = await getRun(deps.db, request.params.id);
      if (!run) throw new HttpProblem(404, `run ${request.params.id} does not exist`);
      return runJson(run);
    },
  );
};
