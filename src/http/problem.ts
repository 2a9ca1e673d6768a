/**
 * Every error the API answers is `application/problem+json` (RFC 9457): a 400 names the
 * parameter that was wrong and where it was (query, path, body), a 404 the resource, a 401
 * says a bearer token is needed. Schema validation errors, unknown routes and thrown
 * HttpProblems all end here; anything else is a 500 whose detail is not shown.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const PROBLEM_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** The request parameter that was wrong (400). */
  parameter?: string;
  /** Where the parameter was: query, path, header or body (400). */
  in?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error that is answered as it says. Throw it from a handler. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { parameter?: string; in?: string; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export function badParameter(parameter: string, where: 'query' | 'path' | 'body' | 'header', detail: string): HttpProblem {
  return new HttpProblem(400, detail, { parameter, in: where });
}

/** The JSON schema of a problem body, for the OpenAPI description of every error response. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'An RFC 9457 problem detail (media type application/problem+json).',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'about:blank: the title is the HTTP status phrase.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request path.' },
    parameter: { type: 'string', description: 'The request parameter that was wrong (400).' },
    in: { type: 'string', enum: ['query', 'path', 'header', 'body'] },
  },
} as const;

/** `{ 400: problem, 404: problem }` for a route's `response` schema. */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: TITLES[s] ?? 'Error', content: { [PROBLEM_TYPE]: { schema: { $ref: 'Problem#' } } } }]),
  );
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, status: number, detail: string | undefined, extra: Partial<Problem> = {}): FastifyReply {
  const body: Problem = {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    instance: request.url.split('?')[0]!,
    ...extra,
  };
  return reply.code(status).type(PROBLEM_TYPE).send(body);
}

/** Fastify's validation context → where the parameter was. */
const PART: Record<string, string> = { querystring: 'query', params: 'path', body: 'body', headers: 'header' };

/**
 * The parameter an ajv error is about: the property of a `required` or `additionalProperties`
 * error, else the first segment of the instance path (`/limit` → limit).
 */
function parameterOf(e: { instancePath: string; params: Record<string, unknown> }): string | undefined {
  if (typeof e.params.missingProperty === 'string') return e.params.missingProperty;
  if (typeof e.params.additionalProperty === 'string') return e.params.additionalProperty;
  const seg = e.instancePath.split('/').filter(Boolean)[0];
  return seg === undefined ? undefined : decodeURIComponent(seg.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function validationDetail(e: { keyword: string; message?: string | undefined; params: Record<string, unknown> }, parameter: string | undefined, where: string): string {
  const name = parameter ? `${where} parameter ${parameter}` : `the ${where}`;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown ${where} parameter ${parameter ?? ''}`.trim();
    case 'required':
      return `${name} is required`;
    case 'enum':
      return `${name} must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${name} ${e.message ?? 'is invalid'}`;
  }
}

/** Installs the problem+json error and not-found handlers on `app`. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.addSchema(problemSchema);
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`));
  app.setErrorHandler((error: FastifyError & { validation?: { keyword: string; instancePath: string; params: Record<string, unknown>; message?: string }[]; validationContext?: string }, request, reply) => {
    if (error instanceof HttpProblem) {
      if (error.extra.headers) reply.headers(error.extra.headers);
      const { parameter, in: where } = error.extra;
      return sendProblem(request, reply, error.status, error.detail, { ...(parameter ? { parameter } : {}), ...(where ? { in: where } : {}) });
    }
    if (error.validation && error.validation.length > 0) {
      const where = PART[error.validationContext ?? ''] ?? error.validationContext ?? 'request';
      const first = error.validation[0]!;
      const parameter = parameterOf(first);
      return sendProblem(request, reply, 400, validationDetail(first, parameter, where), { ...(parameter ? { parameter } : {}), in: where });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendProblem(request, reply, status, undefined);
    }
    // Fastify's own client errors (a body that is not JSON, too large, an unsupported media type): their message is safe.
    return sendProblem(request, reply, status, error.message);
  });
}
