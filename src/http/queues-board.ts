/**
 * Bull Board at /admin/queues, read-only, behind the API token (API_TOKEN, sent as
 * `Authorization: Bearer …`). A browser cannot send that header, so /admin/login takes the
 * token once in a form and sets an HttpOnly, SameSite=Strict cookie holding its SHA-256 (never
 * the token itself) for /admin. Read-only twice over: every queue is given to Bull Board in its
 * read-only mode, and anything but GET/HEAD is refused here before Bull Board sees it. Without
 * API_TOKEN the board answers 401 to everyone: queues are never open to the world by default.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const QUEUES_BOARD_PATH = '/admin/queues';
export const ADMIN_LOGIN_PATH = '/admin/login';
const COOKIE = 'sq_admin';

export interface QueuesBoardOptions {
  queues: readonly Queue[];
  /** API_TOKEN; unset: every request is refused. */
  token: string | undefined;
}

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function hasBearerToken(req: FastifyRequest, token: string | undefined): boolean {
  if (!token) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m !== null && sameSecret(digest(m[1]!), digest(token));
}

const digest = (token: string) => createHash('sha256').update(`senate-questions admin ${token}`).digest('hex');

function sameSecret(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether the request carries the admin cookie that /admin/login set for this token. */
export function hasAdminCookie(req: FastifyRequest, token: string | undefined): boolean {
  if (!token) return false;
  const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${COOKIE}=`));
  return cookie !== undefined && sameSecret(cookie.slice(COOKIE.length + 1), digest(token));
}

const LOGIN_PAGE = (failed: boolean) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Queue board · sign in</title></head>
<body><main><h1>Queue board</h1>${failed ? '<p role="alert">That is not the API token.</p>' : ''}
<form method="post" action="${ADMIN_LOGIN_PATH}"><label for="token">API token (API_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required> <button type="submit">Sign in</button></form></main></body></html>
`;

function problem(reply: FastifyReply, status: number, title: string, detail: string) {
  return reply.code(status).header('content-type', 'application/problem+json').send({ type: 'about:blank', title, status, detail });
}

/** Register at the root: the board's routes are mounted at /admin/queues by this plugin. */
export async function queuesBoardPlugin(app: FastifyInstance, opts: QueuesBoardOptions): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_BOARD_PATH);
  createBullBoard({ queues: opts.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })), serverAdapter });
  await app.register(
    async (board) => {
      board.addHook('onRequest', async (req, reply) => {
        if (!hasBearerToken(req, opts.token) && !hasAdminCookie(req, opts.token)) {
          reply.header('www-authenticate', 'Bearer realm="senate-questions"');
          return problem(reply, 401, 'Unauthorized', opts.token ? `send the API token as Authorization: Bearer <API_TOKEN>, or sign in at ${ADMIN_LOGIN_PATH}` : 'API_TOKEN is not set: the queue board is closed');
        }
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          reply.header('allow', 'GET, HEAD');
          return problem(reply, 405, 'Method Not Allowed', 'the queue board is read-only');
        }
      });
      await board.register(serverAdapter.registerPlugin());
    },
    { prefix: QUEUES_BOARD_PATH },
  );
  await app.register(async (login) => {
    login.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    const page = (reply: FastifyReply, status: number, failed: boolean) =>
      reply.code(status).header('content-type', 'text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; form-action 'self'; frame-ancestors 'none'").send(LOGIN_PAGE(failed));
    login.get(ADMIN_LOGIN_PATH, async (_req, reply) => page(reply, 200, false));
    login.post<{ Body: { token?: string } }>(ADMIN_LOGIN_PATH, async (req, reply) => {
      const given = typeof req.body?.token === 'string' ? req.body.token : '';
      if (!opts.token || !sameSecret(digest(given), digest(opts.token))) return page(reply, 401, true);
      const secure = req.protocol === 'https' ? '; Secure' : '';
      return reply.code(303).header('set-cookie', `${COOKIE}=${digest(opts.token)}; Path=/admin; HttpOnly; SameSite=Strict${secure}`).header('location', `${QUEUES_BOARD_PATH}`).send();
    });
  });
}
