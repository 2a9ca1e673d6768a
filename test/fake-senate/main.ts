/**
 * `npm run fake-senate`: the fake Senate on a fixed port, for trying the crawler by hand.
 *
 *   npm run fake-senate -- --port 8090 --n 200 --legislature 8 --seed 1 --latency-ms 0 --missing 404
 *
 * Flags fall back to FAKE_SENATE_PORT, FAKE_SENATE_N, FAKE_SENATE_LEGISLATURE, FAKE_SENATE_SEED,
 * FAKE_SENATE_LATENCY_MS, FAKE_SENATE_MISSING. Pages come in a spread of markups and charset
 * announcements. Ctrl-C (or SIGTERM) closes it and prints one `served N requests {...}` line
 * with the counts by kind and status (`npm run bench:crawl` reads it).
 */
import { parseArgs } from 'node:util';
import { listingPath } from './listing.ts';
import { startFakeSenate, type MissingBehaviour } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    n: { type: 'string' },
    legislature: { type: 'string' },
    seed: { type: 'string' },
    'latency-ms': { type: 'string' },
    missing: { type: 'string' },
  },
});

function intSetting(flag: string | undefined, env: string, fallback: number): number {
  const raw = flag ?? process.env[env];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`fake-senate: ${env} (--${env.replace('FAKE_SENATE_', '').toLowerCase()}) must be a non-negative integer, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const port = intSetting(values.port, 'FAKE_SENATE_PORT', 8090);
const n = intSetting(values.n, 'FAKE_SENATE_N', 200);
const legislature = intSetting(values.legislature, 'FAKE_SENATE_LEGISLATURE', 8);
const seed = intSetting(values.seed, 'FAKE_SENATE_SEED', 1);
const latencyMs = intSetting(values['latency-ms'], 'FAKE_SENATE_LATENCY_MS', 0);
const missing = (values.missing ?? process.env.FAKE_SENATE_MISSING ?? '404') as MissingBehaviour;
if (!['404', 'empty-template', 'error-text'].includes(missing)) {
  process.stderr.write(`fake-senate: --missing must be 404, empty-template or error-text, got ${JSON.stringify(missing)}\n`);
  process.exit(2);
}

const senate = await startFakeSenate({ port, questions: { n, legislature, seed }, latencyMs, missing, serving: 'varied' });
const ids = senate.ids();
process.stdout.write(
  `fake Senate listening on ${senate.url}\n` +
    `  ${ids.length} questions, ${ids[0] ?? '-'} .. ${ids.at(-1) ?? '-'} (seed ${seed})\n` +
    `  listing: ${senate.url}${listingPath(legislature, 'nl', 1)}\n`,
);

let stopping = false;
const stop = (): void => {
  if (stopping) process.exit(1); // a second Ctrl-C forces
  stopping = true;
  const log = senate.requests();
  const byKind: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (const e of log) {
    const kind = e.url.startsWith('/robots.txt') ? 'robots' : /SVListe/i.test(e.url) ? 'listing' : /SchriftelijkeVraag|SVPrint/i.test(e.url) ? 'question' : 'other';
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  }
  process.stdout.write(`served ${log.length} requests ${JSON.stringify({ byKind, byStatus })}\n`, () => {
    void senate.close().then(() => process.exit(0));
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
