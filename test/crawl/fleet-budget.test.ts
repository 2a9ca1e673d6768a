import { spawn } from 'node:child_process';
import { tracked } from '../helpers/children.ts';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maxInWindow, startTestServer, type TestServer } from './test-server.ts';

const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
  server.route('/p', (_req, res) => void res.end('page'));
});
afterEach(async () => {
  await server.close();
});

interface WorkerReport {
  pid: number;
  ok: number;
  failed: number;
  stats: { requests: number };
}

function runWorker(env: Record<string, string>): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = tracked(spawn(process.execPath, ['--import', 'tsx', WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }), 'budget-worker');
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as WorkerReport) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

describe('the fleet-wide politeness budget', () => {
  describe('when three worker processes share one Redis budget of 5 requests/s', () => {
    it('never lets more than 5 (+1) requests reach the Senate in any one-second window', async () => {
      const env = { BASE_URL: server.url, KEY_PREFIX: `test-${randomUUID()}:`, DURATION_MS: '4000', CONCURRENCY: '4', RATE: '5' };
      const reports = await Promise.all([runWorker(env), runWorker(env), runWorker(env)]);

      const times = server.log.map((r) => r.at);
      const pids = new Set(server.log.filter((r) => r.path.startsWith('/p?')).map((r) => /pid=(\d+)/.exec(r.path)?.[1]));
      // All three really hammered the server…
      expect(pids.size).toBe(3);
      expect(reports.every((r) => r.ok > 0 && r.failed === 0)).toBe(true);
      // …and the server saw the fleet's total rate, not 3 × 5/s.
      expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(6);
      const spanSec = (Math.max(...times) - Math.min(...times)) / 1000;
      expect(times.length).toBeLessThanOrEqual(Math.ceil(spanSec * 5) + 1);
      // Without the shared budget 3 × 4 loops would have sent hundreds; with it, about 5/s for ~4 s.
      expect(times.length).toBeGreaterThanOrEqual(15);
      expect(reports.reduce((n, r) => n + r.stats.requests, 0)).toBe(times.length);
    }, 60_000);
  });
});
