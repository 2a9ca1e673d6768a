/**
 * GET /healthz: the process is up and serving (no I/O: a liveness probe must not fail because
 * a dependency is slow). GET /readyz: PostgreSQL answers, its schema is migrated to this
 * release, and Redis answers a PING when the process uses Redis; 503 naming what is not, each
 * check bounded by `timeoutMs`.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../store/db.ts';
import { migrationStatus, pingDb } from '../store/migrate.ts';
import { coerceError } from '../util/errors.ts';

export interface HealthOptions {
  db: Db;
  /** The process's Redis, when it uses one (anything with ping()). */
  redis?: { ping(): Promise<string> } | null;
  /** Each readiness check's deadline, ms. Default 2,000. */
  timeoutMs?: number;
}

export interface CheckResult {
  ok: boolean;
  detail: string;
}

async function bounded(work: () => Promise<string>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([
      work().then(
        (detail): CheckResult => ({ ok: true, detail }),
        (e: unknown): CheckResult => ({ ok: false, detail: coerceError(e).message }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function healthPlugin(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const started = Date.now();

  app.get('/healthz', async (_req, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000) }));

  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, Promise<CheckResult>> = {
      database: bounded(async () => {
        await pingDb(opts.db);
        return `${opts.db.kind === 'pg' ? 'PostgreSQL' : 'embedded PostgreSQL'} answers`;
      }, timeoutMs),
      migrations: bounded(async () => {
        const { pending, unknown } = await migrationStatus(opts.db);
        if (unknown.length > 0) throw new Error(`the database holds migration(s) ${unknown.join(', ')} this release does not know`);
        if (pending.length > 0) throw new Error(`migration(s) ${pending.join(', ')} not applied`);
        return 'current';
      }, timeoutMs),
    };
    if (opts.redis) {
      const redis = opts.redis;
      checks.redis = bounded(async () => `Redis answers ${await redis.ping()}`, timeoutMs);
    }
    const results = Object.fromEntries(await Promise.all(Object.entries(checks).map(async ([k, p]) => [k, await p] as const)));
    const ready = Object.values(results).every((r) => r.ok);
    return reply.code(ready ? 200 : 503).header('cache-control', 'no-store').send({ status: ready ? 'ready' : 'not ready', checks: results });
  });
}
