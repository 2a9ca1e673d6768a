/**
 * A small HTTP server on 127.0.0.1 for the crawl tests: per-path handlers and a log of
 * every request with its arrival time. (The full fake Senate lives in test/fake-senate/.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../config/index.ts';
import { maxInWindow as maxOfLog } from '../fake-senate/request-log.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface LoggedRequest {
  method: string;
  /** Path and query, e.g. `/page?x=1`. */
  path: string;
  headers: IncomingMessage['headers'];
  /** Arrival time, `performance.now()` of the test process. */
  at: number;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  log: LoggedRequest[];
  /** Handler for an exact path+query, or for a pathname (query ignored). Unrouted paths get 404. */
  route(path: string, handler: Handler): void;
  requestsTo(path: string): LoggedRequest[];
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const log: LoggedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    log.push({ method: req.method ?? 'GET', path, headers: req.headers, at: performance.now() });
    const handler = routes.get(path) ?? routes.get(path.split('?')[0] ?? path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    route: (path, handler) => void routes.set(path, handler),
    requestsTo: (path) => log.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A port whose TCP handshakes never complete: a listener with a backlog of 1 in a child
 * process that is stopped (SIGSTOP), its queue filled. Connects to it hang, so a connect
 * timeout fires, all on 127.0.0.1.
 */
export async function startBlackholePort(): Promise<{ port: number; close(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', `const s=require('net').createServer(()=>{});s.listen({port:0,host:'127.0.0.1',backlog:1},()=>console.log(s.address().port))`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  child.kill('SIGSTOP');
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.on('error', () => undefined);
    fillers.push(s);
    await new Promise<void>((resolve) => {
      s.once('connect', () => resolve());
      setTimeout(resolve, 200);
    });
  }
  return {
    port,
    close: async () => {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
      await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    },
  };
}

/** Defaults from the real schema, pointed at `baseUrl`, with test-sized overrides. */
export function testConfig(baseUrl: string, overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ SENATE_BASE_URL: baseUrl }), crawlRatePerSec: 0, fetchRetries: 2, fetchTimeoutMs: 5_000, connectTimeoutMs: 2_000, ...overrides };
}

/** The largest number of requests whose arrival times fall within any `windowMs` window. */
export function maxInWindow(times: number[], windowMs: number): number {
  return maxOfLog(times.map((t) => ({ t })), windowMs);
}
