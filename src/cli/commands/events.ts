/**
 * `senate-questions events [--type T] [--since …] [--follow]`: the event stream in the order it
 * was stored. `--follow` keeps printing new events until SIGINT/SIGTERM (one JSON object a line
 * with --json, CSV records under one header with --csv).
 */
import { EventFollower } from '../../store/event-follower.ts';
import { eventJson, type EventType, type StoredEvent } from '../../store/events.ts';
import { lastEventSeq, listEvents } from '../../store/monitoring.ts';
import { UsageError } from '../../util/errors.ts';
import { configFor } from '../config.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';
import { onShutdownSignals } from '../signals.ts';
import { columnWidths, csvLine, outputFormat, renderRows, tableLine, type Column } from '../table.ts';
import { minute } from './answered.ts';

export interface EventsOptions {
  type?: EventType[];
  since?: Date;
  follow?: boolean;
  json?: boolean;
  csv?: boolean;
  /** How often --follow looks for new events, ms. Default 1000. */
  intervalMs?: number;
}

const PAGE = 1000;

const COLUMNS: readonly Column<StoredEvent>[] = [
  { header: 'seq', value: (e) => e.seq, align: 'right' },
  { header: 'occurred', value: (e) => minute(e.occurredAt) },
  { header: 'type', value: (e) => e.type },
  { header: 'question', value: (e) => e.questionId },
  { header: 'lang', value: (e) => e.lang },
  { header: 'run', value: (e) => e.runId },
  { header: 'payload', value: (e) => (Object.keys(e.payload).length > 0 ? JSON.stringify(e.payload) : null), max: 70 },
];

const CSV_COLUMNS: readonly Column<StoredEvent>[] = [
  { header: 'seq', value: (e) => e.seq },
  { header: 'id', value: (e) => e.id },
  { header: 'occurred_at', value: (e) => e.occurredAt.toISOString() },
  { header: 'type', value: (e) => e.type },
  { header: 'question_id', value: (e) => e.questionId },
  { header: 'lang', value: (e) => e.lang },
  { header: 'run_id', value: (e) => e.runId },
  { header: 'payload', value: (e) => JSON.stringify(e.payload) },
];

export async function events(opts: EventsOptions, io: Io): Promise<void> {
  const format = outputFormat(opts);
  // The embedded database belongs to one process: a follower holding it would keep the crawl out.
  if (opts.follow && !configFor(io).databaseUrl) {
    throw new UsageError('--follow needs DATABASE_URL (PostgreSQL): the embedded database is held by one process at a time, so nothing could write events while it follows');
  }
  await withApp(io, async ({ db }) => {
    const query = { types: opts.type, since: opts.since };
    // What is stored now, up to the seq the follower starts after (events stored meanwhile come with it).
    const upTo = opts.follow ? await lastEventSeq(db) : Number.POSITIVE_INFINITY;
    const stored: StoredEvent[] = [];
    // --follow without --since: only what comes from now on (as tail -f would, without the backlog).
    const backlog = !opts.follow || opts.since !== undefined;
    for (let after = 0; backlog; ) {
      const page = (await listEvents(db, { ...query, afterSeq: after, limit: PAGE })).filter((e) => e.seq <= upTo);
      stored.push(...page);
      if (page.length < PAGE) break;
      after = page.at(-1)!.seq;
    }
    if (!opts.follow) {
      io.stdout.write(renderRows(format, stored, format === 'csv' ? CSV_COLUMNS : COLUMNS, { json: (r) => r.map(eventJson), empty: 'no events' }));
      return;
    }
    await follow(db, opts, io, format, stored, upTo);
  });
}

/** Prints `stored`, then new events as they come, until a shutdown signal. */
async function follow(db: Parameters<typeof lastEventSeq>[0], opts: EventsOptions, io: Io, format: ReturnType<typeof outputFormat>, stored: StoredEvent[], upTo: number): Promise<void> {
  // A table cannot be re-aligned once printed: fixed widths, wide enough for most events.
  const widths = [7, 17, 19, 9, 4, 5, 70];
  const print = (batch: readonly StoredEvent[]) => {
    for (const e of batch) {
      if (format === 'json') io.stdout.write(`${JSON.stringify(eventJson(e))}\n`);
      else if (format === 'csv') io.stdout.write(csvLine(CSV_COLUMNS.map((c) => c.value(e))));
      else io.stdout.write(`${tableLine(COLUMNS, widths, COLUMNS.map((c) => String(c.value(e) ?? '')))}\n`);
    }
  };
  if (format === 'csv') io.stdout.write(csvLine(CSV_COLUMNS.map((c) => c.header)));
  if (format === 'table') {
    const w = columnWidths(COLUMNS, []);
    io.stdout.write(`${tableLine(COLUMNS, widths.map((x, i) => Math.max(x, w[i]!)), COLUMNS.map((c) => c.header))}\n`);
  }
  print(stored);
  const follower = new EventFollower(db, { afterSeq: upTo, types: opts.type, since: opts.since });
  const stop = new AbortController();
  const signals = onShutdownSignals({ graceful: () => stop.abort() });
  io.stderr.write('following new events until SIGINT/SIGTERM\n');
  try {
    while (!stop.signal.aborted) {
      print(await follower.poll());
      await sleep(opts.intervalMs ?? 1000, stop.signal);
    }
  } finally {
    signals.dispose();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
