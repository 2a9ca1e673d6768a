/**
 * POST /api/questions/:id/recrawl: needs `Authorization: Bearer <API_TOKEN>`. Answers 202
 * with the run, queued; with `?wait=true`, waits for the run to end (up to `timeoutMs`) and
 * answers 200 with the run and what it changed (the question's changes and events of that
 * run), or 202 when it has not ended in time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { eventJson } from '../../store/events.ts';
import { listEvents } from '../../store/monitoring.ts';
import { getRun, type CrawlRun } from '../../store/runs.ts';
import { storedIds } from '../../store/search.ts';
import { runChanges } from '../../store/watch.ts';
import { HttpProblem, problemResponses } from '../problem.ts';
import { questionIdPattern } from '../schemas.ts';
import type { RouteOptions } from '../server.ts';
import { runJson } from './runs.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Throws 401 unless the request carries the configured bearer token (compared in constant time). */
export function requireToken(request: FastifyRequest, token: string | undefined): void {
  const challenge = { 'www-authenticate': 'Bearer realm="senate-questions"' };
  if (!token) throw new HttpProblem(401, 'this server has no API_TOKEN set: write operations are disabled', { headers: challenge });
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!m) throw new HttpProblem(401, 'a bearer token is required (Authorization: Bearer <API_TOKEN>)', { headers: challenge });
  if (!timingSafeEqual(digest(m[1]!), digest(token))) {
    throw new HttpProblem(401, 'the bearer token is not valid', { headers: { 'www-authenticate': 'Bearer realm="senate-questions", error="invalid_token"' } });
  }
}

const POLL_MS = 200;

export const recrawlRoutes: FastifyPluginAsync<RouteOptions> = async (app, { deps }) => {
  app.post<{ Params: { id: string }; Querystring: { wait: boolean; timeoutMs: number } }>(
    '/api/questions/:id/recrawl',
    {
      schema: {
        tags: ['questions'],
        operationId: 'recrawlQuestion',
        summary: 'Recrawl one question now',
        security: [{ bearer: [] }],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: questionIdPattern } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            wait: { type: 'boolean', default: false, description: 'Wait for the run to end and answer what changed.' },
            timeoutMs: { type: 'integer', minimum: 1, maximum: 300_000, default: 60_000, description: 'With wait: how long to wait at most.' },
          },
        },
        response: {
          200: {
            description: 'The run ended (wait=true): the run, and what it changed.',
            type: 'object',
            required: ['run', 'changes', 'events'],
            properties: {
              run: { $ref: 'Run#' },
              changes: {
                type: 'array',
                description: 'The fields this run changed.',
                items: {
                  type: 'object',
                  properties: {
                    lang: { type: ['string', 'null'] },
                    field: { type: 'string' },
                    oldValue: {},
                    newValue: {},
                    kind: { type: 'string' },
                  },
                },
              },
              events: { type: 'array', items: { $ref: 'Event#' } },
            },
          },
          202: {
            description: 'The run is queued (or still running after timeoutMs).',
            type: 'object',
            required: ['run'],
            properties: { run: { $ref: 'Run#' } },
          },
          ...problemResponses(400, 401, 404, 503),
        },
      },
    },
    async (request, reply) => {
      requireToken(request, deps.config.apiToken);
      const { id } = request.params;
      if (!deps.recrawl) throw new HttpProblem(503, 'this server cannot start runs');
      if (!(await storedIds(deps.db, [id])).has(id)) throw new HttpProblem(404, `question ${id} is not stored (a crawl discovers new questions)`);
      const runId = await deps.recrawl(id);
      reply.header('location', `/api/runs/${runId}`);
      let run = (await getRun(deps.db, runId))!;
      if (request.query.wait) {
        const deadline = Date.now() + request.query.timeoutMs;
        while (!run.finishedAt && Date.now() < deadline) {
          await sleep(POLL_MS);
          run = (await getRun(deps.db, runId))!;
        }
        if (run.finishedAt) return reply.code(200).send(await whatChanged(run, id));
      }
      return reply.code(202).send({ run: runJson(run) });
    },
  );

  async function whatChanged(run: CrawlRun, id: string) {
    const [changes, events] = await Promise.all([runChanges(deps.db, run.id), listEvents(deps.db, { questionId: id, limit: 1000 })]);
    return {
      run: runJson(run),
      changes: changes.filter((c) => c.questionId === id),
      events: events.filter((e) => e.runId === run.id).map(eventJson),
    };
  }
};
