/**
 * Following a run until it ends: a progress bar on a terminal (log lines print above it, never
 * inside it), plain lines otherwise, and the run's summary at the end. The line shows the
 * request rate and an ETA, and the Senate's circuit breaker when it is not closed.
 */
import { describeCircuit, type CircuitInfo } from '../crawl/circuit-breaker.ts';
import type { Db } from '../store/db.ts';
import { isDbUnavailable } from '../store/db-errors.ts';
import { getRun, type CrawlRun } from '../store/runs.ts';
import { coerceError } from '../util/errors.ts';
import type { Output } from './io.ts';

export function summaryLine(run: CrawlRun): string {
  const secs = ((run.durationMs ?? Date.now() - run.startedAt.getTime()) / 1000).toFixed(1);
  return (
    `run ${run.id} ${run.status}: ${run.questionsNew} new, ${run.questionsChanged} changed, ` +
    `${run.questionsUnchanged} unchanged, ${run.questionsFailed} failed; ${run.requests} requests ` +
    `(${run.notModified} not modified, ${formatBytes(run.bytes)}), ${run.jobsDone}/${run.jobsTotal} jobs in ${secs}s` +
    (run.error ? `; error: ${run.error}` : '') +
    (run.health === 'unhealthy' ? `; UNHEALTHY: ${run.healthReasons.map((r) => r.message).join('; ')}` : '')
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function bar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

/** 95 s → "1m35s", 4000 s → "1h06m". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

interface Sample {
  t: number;
  requests: number;
  jobsDone: number;
}

/**
 * Requests per second and the time left, over a sliding window of samples: at 1 request/s a
 * poll every 500 ms sees the counter move one step at a time, so a rate from two polls would
 * read 0 or 2.
 */
export class RateMeter {
  private readonly samples: Sample[] = [];

  constructor(
    private readonly windowMs = 60_000,
    /** Below this span there is too little to tell. */
    private readonly minSpanMs = 2_000,
  ) {}

  add(s: Sample): void {
    this.samples.push(s);
    while (this.samples.length > 2 && s.t - this.samples[1]!.t >= this.windowMs) this.samples.shift();
  }

  /** "1.0 req/s, ETA 3m20s", "1.0 req/s" (ETA unknown yet), or null before there is enough to tell. */
  describe(jobsTotal: number): string | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.t - first.t < this.minSpanMs) return null;
    const secs = (last.t - first.t) / 1000;
    const reqRate = (last.requests - first.requests) / secs;
    const jobRate = (last.jobsDone - first.jobsDone) / secs;
    const left = Math.max(0, jobsTotal - last.jobsDone);
    const rate = `${reqRate.toFixed(reqRate < 10 ? 1 : 0)} req/s`;
    if (left === 0) return rate;
    return jobRate > 0 ? `${rate}, ETA ${formatDuration((left / jobRate) * 1000)}` : `${rate}, ETA ?`;
  }
}

/**
 * The bottom line of a terminal: `set` redraws it; `log` prints a line above it and redraws
 * it; `end` leaves it on screen and moves below it. Writes nothing but what it is given when
 * nothing is shown.
 */
export class LiveLine {
  private line = '';

  constructor(private readonly out: Output) {}

  set(text: string): void {
    this.line = text;
    this.out.write(`\r${text}\u001b[K`);
  }

  log(text: string): void {
    const chunk = text.endsWith('\n') ? text : `${text}\n`;
    this.out.write(this.line ? `\r\u001b[K${chunk}${this.line}` : chunk);
  }

  end(): void {
    if (this.line) this.out.write('\n');
    this.line = '';
  }

  /** A stream for the logger: each pino JSON line becomes one short human line above the bar. */
  logStream(): { write(chunk: string): boolean } {
    return {
      write: (chunk: string) => {
        for (const l of String(chunk).split('\n')) if (l.trim() !== '') this.log(humanLogLine(l));
        return true;
      },
    };
  }
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const QUIET_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'v']);

/** `{"level":40,"time":…,"msg":"fetch failed","url":"…"}` → `03:12:04 WARN fetch failed url=…`. Not JSON: as it is. */
export function humanLogLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 19) : '';
  const level = LEVELS[o.level as number] ?? String(o.level);
  const fields = Object.entries(o)
    .filter(([k]) => !QUIET_FIELDS.has(k))
    .map(([k, v]) => {
      const value = typeof v === 'object' && v !== null ? ((v as { message?: unknown }).message ?? JSON.stringify(v)) : v;
      return `${k}=${String(value).slice(0, 200)}`;
    });
  return [time, level, String(o.msg ?? ''), ...fields].filter((s) => s !== '').join(' ');
}

export interface WatchOptions {
  /** Default: stderr. */
  out?: Output;
  /** On a terminal: the line the bar is drawn on (log lines go above it). Default: one of its own on `out`. */
  live?: LiveLine;
  intervalMs?: number;
  /** plain line every this many ms when not on a terminal */
  plainEveryMs?: number;
  signal?: AbortSignal;
  /** The Senate's circuit breaker, shown when it is not closed. */
  circuit?: () => Promise<CircuitInfo | null>;
  /** How long the database may fail to answer before following the run gives up, ms. Default 300 000. */
  dbOutageMs?: number;
}

/** The progress line of a run, with its rate, ETA and circuit (when not closed). */
export function progressLine(run: CrawlRun, rate: string | null, circuit: CircuitInfo | null): string {
  const open = circuit ? describeCircuit(circuit) : null;
  return (
    `${bar(run.jobsDone, run.jobsTotal)} jobs, ${run.questionsNew} new, ${run.questionsChanged} changed, ${run.questionsFailed} failed, ${run.requests} requests` +
    (rate ? `, ${rate}` : '') +
    (open ? `; ${open}` : '')
  );
}

/**
 * Polls the run until it has finished; returns it. A database that stops answering for a while
 * (a restart) is waited out, saying so, up to `dbOutageMs`.
 */
export async function watchRun(db: Db, runId: number, opts: WatchOptions = {}): Promise<CrawlRun> {
  const out = opts.out ?? process.stderr;
  const tty = Boolean(out.isTTY);
  const live = tty ? (opts.live ?? new LiveLine(out)) : null;
  const interval = opts.intervalMs ?? 500;
  const meter = new RateMeter();
  let lastPlain = 0;
  let failingSince: number | null = null;
  for (;;) {
    let run: CrawlRun | null;
    try {
      run = await getRun(db, runId);
      failingSince = null;
    } catch (e) {
      // The database away for a while (a restart) is no reason to stop following the run.
      if (!isDbUnavailable(e)) throw e;
      failingSince ??= Date.now();
      if (Date.now() - failingSince > (opts.dbOutageMs ?? 300_000)) throw e;
      const note = `run ${runId}: the database does not answer (${coerceError(e).message}); still waiting`;
      if (live) live.set(note);
      else if (Date.now() - lastPlain >= (opts.plainEveryMs ?? 5_000)) {
        out.write(`${note}\n`);
        lastPlain = Date.now();
      }
      await new Promise((r) => setTimeout(r, Math.max(interval, 1_000)));
      continue;
    }
    if (!run) throw new Error(`run ${runId} does not exist`);
    meter.add({ t: Date.now(), requests: run.requests, jobsDone: run.jobsDone });
    const circuit = opts.circuit ? await opts.circuit().catch(() => null) : null;
    const line = progressLine(run, run.finishedAt ? null : meter.describe(run.jobsTotal), circuit);
    if (live) live.set(line);
    else if (Date.now() - lastPlain >= (opts.plainEveryMs ?? 5_000) || run.finishedAt) {
      out.write(`run ${runId}: ${line}\n`);
      lastPlain = Date.now();
    }
    if (run.finishedAt) {
      live?.end();
      return run;
    }
    if (opts.signal?.aborted) throw opts.signal.reason;
    await new Promise((r) => setTimeout(r, interval));
  }
}
