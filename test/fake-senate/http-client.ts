/**
 * A bare HTTP client for the fake Senate's own tests: raw bytes, raw headers, keep-alive, no
 * decoding and no redirects, so the tests see exactly what the server sent.
 */
import { Agent, request } from 'node:http';
import iconv from 'iconv-lite';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body decoded as windows-1252 (what the pages are). */
  text: string;
}

export const keepAlive = new Agent({ keepAlive: true, maxSockets: 16 });

export function get(url: string, headers: Record<string, string> = {}, opts: { method?: string; timeoutMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
      res.on('end', () => {
        if (!res.complete) return reject(new Error('response incomplete'));
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: iconv.decode(body, 'windows-1252') });
      });
    });
    if (opts.timeoutMs !== undefined) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The hrefs of all anchors, entities decoded. */
export function hrefs(html: string): string[] {
  return [...html.matchAll(/<a\s+href="([^"]*)"/gi)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}
