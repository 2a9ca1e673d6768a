import { describe, expect, it } from 'vitest';
import { LiveLine, RateMeter, formatDuration, humanLogLine, progressLine } from '../../src/cli/progress.ts';
import type { CrawlRun } from '../../src/store/runs.ts';
import { createLogger } from '../../src/util/logger.ts';

function run(over: Partial<CrawlRun> = {}): CrawlRun {
  return {
    id: 1, kind: 'crawl', mode: 'incremental', legislatures: [8], status: 'running', startedAt: new Date(), finishedAt: null, error: null, durationMs: null,
    jobsTotal: 100, jobsDone: 10, requests: 20, notModified: 0, bytes: 0, questionsNew: 10, questionsChanged: 0, questionsUnchanged: 0, questionsFailed: 0, health: null, healthReasons: [],
    ...over,
  };
}

describe('progress at a low rate (1 request/s)', () => {
  it('shows the request rate and an ETA from a sliding window, though each poll sees the counter move by 0 or 1', () => {
    const m = new RateMeter();
    // Polled every 500 ms for 10 s: one request and half a job per second.
    for (let i = 0; i <= 20; i++) m.add({ t: i * 500, requests: Math.floor(i / 2), jobsDone: Math.floor(i / 4) });
    expect(m.describe(100)).toBe('1.0 req/s, ETA 3m10s'); // 95 jobs left at 0.5 job/s
  });

  it('says nothing before two seconds have been seen, and ETA ? while no job has ended', () => {
    const m = new RateMeter();
    m.add({ t: 0, requests: 0, jobsDone: 0 });
    m.add({ t: 1_000, requests: 1, jobsDone: 0 });
    expect(m.describe(10)).toBeNull();
    m.add({ t: 3_000, requests: 3, jobsDone: 0 });
    expect(m.describe(10)).toBe('1.0 req/s, ETA ?');
  });

  it('forgets samples older than its window', () => {
    const m = new RateMeter(10_000);
    for (let i = 0; i <= 30; i++) m.add({ t: i * 1_000, requests: i < 20 ? i * 10 : 190 + (i - 19), jobsDone: i });
    expect(m.describe(1_000)).toMatch(/^1\.0 req\/s/); // the fast start is out of the window
  });

  it('formats durations', () => {
    expect([formatDuration(5_000), formatDuration(95_000), formatDuration(4_000_000)]).toEqual(['5s', '1m35s', '1h06m']);
  });
});

describe('the progress line', () => {
  it('carries the rate, and the circuit breaker when it is not closed', () => {
    const now = Date.UTC(2026, 0, 1, 3, 12, 0);
    const line = progressLine(run(), '1.0 req/s, ETA 3m20s', { state: 'open', untilMs: Date.now() + 60_000, sinceMs: now, reason: 'network error ECONNREFUSED' });
    expect(line).toMatch(/10\/100 jobs, 10 new, 0 changed, 0 failed, 20 requests, 1\.0 req\/s, ETA 3m20s; circuit open until \d\d:\d\d:\d\d \(Senate failing since 03:12:00: network error ECONNREFUSED\)$/);
    expect(progressLine(run(), null, { state: 'closed', untilMs: null, sinceMs: null, reason: null })).not.toMatch(/circuit/);
  });
});

describe('on a terminal', () => {
  function terminal() {
    let screen = '';
    return { out: { isTTY: true, write: (s: string) => void (screen += s) }, screen: () => screen };
  }

  it('prints log lines above the progress bar and redraws the bar under them', () => {
    const t = terminal();
    const live = new LiveLine(t.out);
    live.set('[#.] 1/2 jobs');
    live.log('03:12:04 WARN fetch failed');
    expect(t.screen()).toBe('\r[#.] 1/2 jobs\u001b[K\r\u001b[K03:12:04 WARN fetch failed\n[#.] 1/2 jobs');
    live.end();
    expect(t.screen().endsWith('\n')).toBe(true);
  });

  it('turns the logger\'s JSON into one short line above the bar', () => {
    const t = terminal();
    const live = new LiveLine(t.out);
    live.set('BAR');
    const logger = createLogger('warn', live.logStream());
    logger.info('not shown at warn');
    logger.warn({ url: 'http://x/robots.txt', err: new Error('network error ECONNREFUSED') }, 'robots.txt unreachable');
    const lines = t.screen().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.startsWith('\rBAR\u001b[K\r\u001b[K')).toBe(true);
    expect(lines[0]).toMatch(/\d\d:\d\d:\d\d WARN robots.txt unreachable url=http:\/\/x\/robots.txt err=network error ECONNREFUSED$/);
    expect(lines[1]).toBe('BAR');
    expect(t.screen()).not.toContain('"level"');
  });

  it('keeps what is not JSON as it is', () => {
    expect(humanLogLine('plain text')).toBe('plain text');
  });
});
