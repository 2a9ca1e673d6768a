/**
 * The HTTP server of `senate-questions serve`: the JSON API, feeds and exports on fastify.
 * Every route declares JSON schemas; they validate each request (a bad parameter is a 400
 * problem+json naming it) and produce the OpenAPI 3.1 description at /openapi.json, with a
 * reference page at /docs. Works on PostgreSQL and on the embedded database alike: it only
 * talks to the store.
 *
 * Other parts (the dashboard, /metrics, health) come in as `plugins`, registered after the
 * API with the same deps.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../../config/index.ts';
import type { Db } from '../store/db.ts';
import type { Logger } from '../util/logger.ts';
import { installProblemHandlers } from './problem.ts';
import type { Recrawler } from './recrawl.ts';
import { eventRoutes } from './routes/events.ts';
import { exportRoutes } from './routes/export.ts';
import { feedRoutes } from './routes/feeds.ts';
import { latenessRoutes } from './routes/lateness.ts';
import { questionRoutes } from './routes/questions.ts';
import { recrawlRoutes } from './routes/recrawl.ts';
import { runRoutes } from './routes/runs.ts';
import { SHARED_SCHEMAS } from './schemas.ts';

/** What the routes work with. */
export interface ServerDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /**
   * Starts a recrawl of one question (POST /api/questions/:id/recrawl). Unset: that route
   * answers 503. `serve` passes one that queues it on the fleet (REDIS_URL) or runs it here.
   */
  recrawl?: Recrawler | undefined;
  /**
   * More routes, added after the API's: the dashboard, /metrics, health checks. Each is called
   * once with the app and these deps and registers what it brings with the options it takes,
   * e.g. `(app, { db, config }) => app.register(dashboardPlugin, { db, config })`.
   */
  plugins?: readonly ServerPlugin[];
}

export type ServerPlugin = (app: FastifyInstance, deps: ServerDeps) => unknown;

/** Options of the API's own route plugins. */
export interface RouteOptions {
  deps: ServerDeps;
}

export const API_TITLE = 'senate-questions API';

/** Builds the server (not listening: call listen(), or inject() in tests). Close it with close(); the Db stays open. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is fastify's logger; typed as the base so that the instance keeps fastify's default types.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Unknown query parameters are refused (400 naming them) rather than silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    routerOptions: { ignoreTrailingSlash: true },
  });
  installProblemHandlers(app);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: API_TITLE,
        version: '0.1.0',
        description:
          "The Belgian Senate's written questions, both languages, kept current by the crawler: search, details, change history, events, feeds and exports. Errors are application/problem+json (RFC 9457).",
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The API_TOKEN setting.' } },
      },
      tags: [
        { name: 'questions', description: 'Search and read questions' },
        { name: 'monitoring', description: 'Events, lateness and runs' },
        { name: 'feeds', description: 'Atom feeds' },
        { name: 'exports', description: 'Every question, streamed' },
      ],
    },
    // Only the API: the dashboard's pages, /metrics and the health checks have no tags.
    hideUntagged: true,
    // Components are named after their $id (Question, Problem…) rather than def-0, def-1.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const opts: RouteOptions = { deps };
  await app.register(questionRoutes, opts);
  await app.register(recrawlRoutes, opts);
  await app.register(eventRoutes, opts);
  await app.register(latenessRoutes, opts);
  await app.register(runRoutes, opts);
  await app.register(feedRoutes, opts);
  await app.register(exportRoutes, opts);
  for (const plugin of deps.plugins ?? []) await plugin(app, deps);
  return app;
}
