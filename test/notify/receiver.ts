/**
 * A webhook receiver on 127.0.0.1 for tests: records every request (headers, raw body) and
 * answers as the test's `answer` says: a status (and headers, body), a delay, or a dropped
 * connection.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  /** 1 for the first request the receiver got. */
  n: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it answered; null when it dropped the connection. */
  answered: number | null;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer after this long, ms. */
  delayMs?: number;
  /** Close the connection without answering. */
  drop?: boolean;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(answer: (req: Omit<ReceivedRequest, 'answered'>) => Answer = () => ({})): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { n: ++n, method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const a = answer(received);
      const record: ReceivedRequest = { ...received, answered: a.drop ? null : (a.status ?? 200) };
      requests.push(record);
      const send = () => {
        if (a.drop) {
          req.socket.destroy();
          return;
        }
        if (res.destroyed) return;
        res.writeHead(a.status ?? 200, { 'content-type': 'text/plain', ...a.headers });
        res.end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
