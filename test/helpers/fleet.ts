/** Worker processes of the fleet, spawned as a user would start them, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createQueues, bullEnqueue, type Queues } from '../../workers/bullmq.ts';
import type { Db } from '../../src/store/db.ts';
import { tracked } from './children.ts';
import { getRun, type CrawlRun } from '../../src/store/runs.ts';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLI = path.resolve('bin/senate-questions.js');

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = tracked(spawn(process.execPath, [CLI, 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }), 'worker');
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in 30 s:\n${out}`)), 30_000);
    const check = () => {
      if (/worker \d+ started/.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out, exited });
      }
    };
    child.stderr!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited ${code} before starting:\n${out}`));
    });
  });
}

export interface FleetClient {
  prefix: string;
  queues: Queues;
  enqueue: ReturnType<typeof bullEnqueue>;
  close(): Promise<void>;
}

/** Queues for a test of its own (prefix `test-<uuid>`); close() removes every key it made. */
export function fleetClient(db: Db, prefix = `test-${randomUUID()}`): FleetClient {
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queues = createQueues(connection, { prefix });
  return {
    prefix,
    queues,
    enqueue: bullEnqueue(db, queues),
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      const keys = await connection.keys(`${prefix}*`);
      for (let i = 0; i < keys.length; i += 500) await connection.del(...keys.slice(i, i + 500));
      await connection.quit();
    },
  };
}

export async function waitForRun(db: Db, runId: number, timeoutMs: number, onTick?: (run: CrawlRun) => void | Promise<void>): Promise<CrawlRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await getRun(db, runId))!;
    await onTick?.(run);
    if (run.finishedAt) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish in ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
