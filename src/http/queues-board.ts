/**
 * Bull Board at /admin/queues, read-only, behind the API token (API_TOKEN, sent as
 * `Authorization: Bearer …`). Read-only twice over: every queue is given to Bull Board in its
 * read-only mode, and anything but GET/HEAD is refused here before Bull Board sees it. Without
 * API_TOKEN the board answers 401 to everyone: queues are never open to the world by default.
 */
import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const QUEUES_BOARD_PATH = '/admin/queues';

export interface QueuesBoardOptions {
  queues: readonly Queue[];
  /** API_TOKEN; unset: every request is refused. */
  token: string | undefined;
}

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function hasBearerToken(req: FastifyRequest, token: string | undefined): boolean {
  if (!token) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

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
        if (!hasBearerToken(req, opts.token)) {
          reply.header('www-authenticate', 'Bearer realm="senate-questions"');
          return problem(reply, 401, 'Unauthorized', opts.token ? 'send the API token as Authorization: Bearer <API_TOKEN>' : 'API_TOKEN is not set: the queue board is closed');
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
}
