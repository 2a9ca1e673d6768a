/**
 * Every setting, read once from the environment (and an optional `.env`), validated by one
 * zod schema. A bad value stops the program with a message naming the variable.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { STANDARD_RETRY_SCHEDULE_MS, formatDurationList, parseDurationList } from '../src/notify/retry-schedule.ts';
import { webhookSecretProblem } from '../src/notify/signature.ts';
import { EVENT_TYPES, type EventType, type WebhookEndpoint } from '../src/store/events.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const positiveNumber = z.coerce.number({ error: 'must be a number' }).finite('must be a finite number');
const share = z.coerce.number({ error: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const int = (min: number) => z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(min, `must be at least ${min}`);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be a URL (${protocols.join(' or ')})`);

const isHttpUrl = (v: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
};

/**
 * WEBHOOKS: a JSON array of `{ url, events?, secret? }`. Messages say which endpoint (from 1)
 * and what is wrong; the secret of an endpoint without one is filled in from WEBHOOK_SECRET by
 * loadConfig.
 */
const webhooksSchema = z
  .string()
  .optional()
  .transform((raw, ctx): WebhookEndpoint[] => {
    if (raw === undefined) return [];
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      // The parser's message quotes the text around the error, which may be a secret: only its position is kept.
      const position = /position (\d+)/.exec((e as Error).message)?.[1];
      return fail(`is not valid JSON${position ? ` (at character ${position})` : ''}: a list of {"url", "events", "secret"} is expected`);
    }
    if (!Array.isArray(json)) return fail('must be a JSON list of endpoints: [{"url": "https://…", "events": ["answer_arrived"], "secret": "whsec_…"}]');
    const endpoints: WebhookEndpoint[] = [];
    const seen = new Set<string>();
    for (const [i, entry] of json.entries()) {
      const at = `endpoint ${i + 1}`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail(`${at} must be an object {"url", "events", "secret"}`);
      const { url, events, secret, ...rest } = entry as Record<string, unknown>;
      const unknownKeys = Object.keys(rest);
      if (unknownKeys.length > 0) return fail(`${at} has unknown key(s) ${unknownKeys.join(', ')} (known: url, events, secret)`);
      if (typeof url !== 'string' || !isHttpUrl(url)) return fail(`${at}: "url" must be an http or https URL`);
      if (seen.has(url)) return fail(`${at}: ${url} is listed twice`);
      seen.add(url);
      let types: WebhookEndpoint['events'] = '*';
      if (events !== undefined && events !== '*') {
        if (!Array.isArray(events) || events.length === 0 || !events.every((t) => typeof t === 'string')) return fail(`${at}: "events" must be "*" or a non-empty list of event types`);
        const unknown = events.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
        if (unknown.length > 0) return fail(`${at}: unknown event type(s) ${unknown.map((t) => JSON.stringify(t)).join(', ')} (known: ${EVENT_TYPES.join(', ')})`);
        types = [...new Set(events as EventType[])];
      }
      if (secret !== undefined) {
        const problem = typeof secret === 'string' ? webhookSecretProblem(secret) : 'must be a string';
        if (problem) return fail(`${at}: "secret" ${problem}`);
      }
      endpoints.push({ url, events: types, ...(secret === undefined ? {} : { secret: secret as string }) });
    }
    return endpoints;
  });

const durationList = (fallback: readonly number[]) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return [...fallback];
      try {
        return parseDurationList(raw);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    });

/** One entry per setting: environment variable → typed field. Keep README's table in step. */
export const SETTINGS = {
  databaseUrl: { env: 'DATABASE_URL', schema: optionalUrl(['postgres:', 'postgresql:']).optional(), doc: 'PostgreSQL connection string. Unset: embedded PostgreSQL (PGlite) in DATA_DIR.' },
  databaseSchema: { env: 'DATABASE_SCHEMA', schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier').optional(), doc: 'PostgreSQL schema to use (created if missing). Unset: the default search_path (public).' },
  redisUrl: { env: 'REDIS_URL', schema: optionalUrl(['redis:', 'rediss:']).optional(), doc: 'Redis for the BullMQ fleet. Unset: jobs run in-process.' },
  senateBaseUrl: { env: 'SENATE_BASE_URL', schema: optionalUrl(['http:', 'https:']).default('https://www.senate.be'), doc: 'Where the Senate is (tests point it at the fake Senate).' },
  listingUrlTemplate: {
    env: 'LISTING_URL_TEMPLATE',
    schema: z
      .string()
      .trim()
      .refine((v) => v === 'none' || v.includes('{leg}'), 'must contain {leg} (and {page}), or be none')
      .default('/www/?MIval=/Vragen/SVListe&LEG={leg}&LANG={lang}&PAGE={page}')
      .transform((v) => (v === 'none' ? '' : v)),
    doc: 'Listing page path or URL; {leg}, {lang}, {page} are filled in (the real listing URL is not known: this default is a guess, and a listing that fails falls back to probing). none: discover by probing only.',
  },
  crawlRatePerSec: { env: 'CRAWL_RATE_PER_SEC', schema: positiveNumber.min(0, 'must be 0 (no limit) or more').default(1), doc: 'Total request rate to the Senate, across the whole fleet. 0 = no limit (benchmarks only).' },
  crawlerContact: { env: 'CRAWLER_CONTACT', schema: z.string().trim().min(3, 'must be a URL or an e-mail address').default('https://github.com/senate-questions/senate-questions'), doc: 'URL or e-mail put in the User-Agent.' },
  dataDir: { env: 'DATA_DIR', schema: z.string().min(1).default('./data'), doc: 'Embedded database and local state.' },
  logLevel: {
    env: 'LOG_LEVEL',
    // On a terminal the progress bar says what happens; log lines there are for problems.
    schema: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default(() => (process.stderr.isTTY ? 'warn' : 'info')),
    doc: 'pino log level. Default: warn on a terminal, info otherwise.',
  },
  fetchMode: { env: 'FETCH_MODE', schema: z.enum(['http', 'browser'], { error: 'must be http or browser' }).default('http'), doc: 'http (undici) or browser (Playwright + Chromium).' },
  fetchTimeoutMs: { env: 'FETCH_TIMEOUT_MS', schema: int(1).default(30_000), doc: 'Total time for one request.' },
  connectTimeoutMs: { env: 'CONNECT_TIMEOUT_MS', schema: int(1).default(10_000), doc: 'Time to open a connection.' },
  maxBodyBytes: { env: 'MAX_BODY_BYTES', schema: int(1024).default(5 * 1024 * 1024), doc: 'Largest response body accepted.' },
  fetchRetries: { env: 'FETCH_RETRIES', schema: int(0).default(4), doc: 'Retries of one request on timeouts, resets, 5xx and 429.' },
  chromiumPath: { env: 'CHROMIUM_PATH', schema: z.string().default('/usr/bin/chromium'), doc: 'Chromium for FETCH_MODE=browser.' },
  workerConcurrency: { env: 'WORKER_CONCURRENCY', schema: int(1).default(4), doc: 'Jobs one worker process runs at once.' },
  queuePrefix: { env: 'QUEUE_PREFIX', schema: z.string().min(1).default('sq'), doc: 'BullMQ key prefix (one per deployment).' },
  probeMisses: { env: 'PROBE_MISSES', schema: int(1).default(20), doc: 'Consecutive missing numbers that end probing past the highest known one.' },
  goneAfterMisses: { env: 'GONE_AFTER_MISSES', schema: int(1).default(3), doc: 'A stored question is marked gone after this many consecutive runs that found it missing (404, or no question page)...' },
  goneAfterDays: { env: 'GONE_AFTER_DAYS', schema: int(0).default(7), doc: '...spanning at least this many days since the first of them. Missing questions are retried on a backoff of 1 day doubling to 30.' },
  recentAnswerDays: { env: 'RECENT_ANSWER_DAYS', schema: int(0).default(30), doc: 'Answered questions are refetched for this many days after the answer.' },
  deadlineEstimateDays: { env: 'DEADLINE_ESTIMATE_DAYS', schema: int(1).default(30), doc: 'When a page prints no answer deadline (LEG 5 pages), the deadline is estimated as the date sent plus this many days, and shown as an estimate.' },
  currentLegislature: { env: 'CURRENT_LEGISLATURE', schema: int(1).default(8), doc: 'The open legislature; older ones are closed and only refetched with --full.' },
  watchRequestsPerHour: { env: 'WATCH_REQUESTS_PER_HOUR', schema: int(0).default(360), doc: 'Requests per hour the answer watch may spend (two per question), out of the same CRAWL_RATE_PER_SEC. 0: the watch fetches nothing.' },
  watchDeadlineDays: { env: 'WATCH_DEADLINE_DAYS', schema: int(0).default(7), doc: 'The answer watch refetches pending questions whose deadline is at most this many days ahead (or past).' },
  watchClosedEveryDays: { env: 'WATCH_CLOSED_EVERY_DAYS', schema: int(1).default(7), doc: 'Questions still pending in a closed legislature are refetched by the answer watch once per this many days.' },
  jobLockMs: { env: 'JOB_LOCK_MS', schema: int(1000).default(30_000), doc: 'How long a job stays locked to a worker without renewal: a dead worker\'s jobs are taken over after it.' },
  senateGiveUpMs: {
    env: 'SENATE_GIVE_UP_MS',
    schema: int(1000).default(600_000),
    doc: 'How long a run keeps trying a Senate that does not answer (its circuit breaker open) before it fails, naming SENATE_BASE_URL.',
  },
  shutdownTimeoutMs: { env: 'SHUTDOWN_TIMEOUT_MS', schema: int(0).default(30_000), doc: 'Graceful shutdown deadline.' },
  changeHistory: {
    env: 'CHANGE_HISTORY',
    schema: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on').transform((v) => v === 'on'),
    doc: 'on: every upsert records what changed (changes) and its events (events, webhooks) in the same transaction. off: only the latest state is stored (benchmarks only).',
  },
  redisConnectTimeoutMs: {
    env: 'REDIS_CONNECT_TIMEOUT_MS',
    schema: int(1000).default(15_000),
    doc: 'How long `crawl` tries to reach Redis (REDIS_URL) before it fails with exit 1. A worker keeps trying.',
  },
  webhooks: {
    env: 'WEBHOOKS',
    schema: webhooksSchema,
    sensitive: true,
    doc: 'Webhook receivers, a JSON list: [{"url":"https://…","events":["answer_arrived"],"secret":"whsec_…"}]; events default to all ("*"), secret to WEBHOOK_SECRET. Unset: no webhooks.',
  },
  webhookSecret: {
    env: 'WEBHOOK_SECRET',
    schema: z
      .string()
      .trim()
      .refine((v) => webhookSecretProblem(v) === null, { error: (issue) => webhookSecretProblem(String(issue.input)) ?? 'invalid' })
      .optional(),
    sensitive: true,
    doc: 'Standard Webhooks signing secret (whsec_ + base64 of 24 to 64 random bytes) of the endpoints that have none.',
  },
  webhookTimeoutMs: { env: 'WEBHOOK_TIMEOUT_MS', schema: int(100).default(15_000), doc: 'Total time for one webhook attempt; a slower receiver counts as failed and is tried again.' },
  webhookConcurrency: { env: 'WEBHOOK_CONCURRENCY', schema: int(1).default(4), doc: 'Webhook attempts in flight at once in one process.' },
  webhookRetryScheduleMs: {
    env: 'WEBHOOK_RETRY_SCHEDULE',
    schema: durationList(STANDARD_RETRY_SCHEDULE_MS),
    doc: `Delays between webhook attempts (units ms, s, m, h, d); after the last, the delivery is failed. Default: Standard Webhooks' ${formatDurationList(STANDARD_RETRY_SCHEDULE_MS)} (about 27 h).`,
  },
  apiToken: {
    env: 'API_TOKEN',
    schema: z.string().trim().min(16, 'must be at least 16 characters').optional(),
    sensitive: true,
    doc: 'Bearer token for the write API and /admin/queues. Unset: those answer 401 to everyone.',
  },
  runHealthMinListedShare: {
    env: 'RUN_HEALTH_MIN_LISTED_SHARE',
    schema: share.default(0.5),
    doc: 'A run whose listing links to fewer questions than this share of recent runs\' is unhealthy (0 to 1).',
  },
  runHealthMaxNotAQuestionShare: {
    env: 'RUN_HEALTH_MAX_NOT_A_QUESTION_SHARE',
    schema: share.default(0.25),
    doc: 'A run in which more than this share of the question pages are not question pages is unhealthy (0 to 1).',
  },
  runHealthNoNewQuestionDays: {
    env: 'RUN_HEALTH_NO_NEW_QUESTION_DAYS',
    schema: int(1).default(30),
    doc: 'A run is unhealthy when no new question of the current legislature was found for this many days.',
  },
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(problems.map((p) => `${p.variable}: ${p.message}`).join('\n'));
  }
}

/** Reads `.env` in `cwd` if present; real environment variables win over it. */
export function readEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Record<string, string | undefined> {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

/** Validates the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = readEnv()): Config {
  const out: Record<string, unknown> = {};
  const problems: { variable: string; message: string }[] = [];
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const raw = env[setting.env];
    const value = raw === undefined || raw === '' ? undefined : raw;
    const result = (setting.schema as z.ZodType).safeParse(value);
    // A secret is never echoed back (WEBHOOKS holds secrets too).
    const got = 'sensitive' in setting && setting.sensitive ? 'value not shown' : `got ${JSON.stringify(raw)}`;
    if (result.success) out[key] = result.data;
    else problems.push({ variable: setting.env, message: `${result.error.issues[0]?.message ?? 'invalid'} (${got})` });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = out as Config;
  return { ...config, webhooks: withDefaultSecret(config.webhooks, config.webhookSecret) };
}

/** Every endpoint with its secret: its own, or WEBHOOK_SECRET; an endpoint with neither is an error naming WEBHOOKS. */
function withDefaultSecret(endpoints: WebhookEndpoint[], fallback: string | undefined): WebhookEndpoint[] {
  const missing = endpoints.filter((e) => !e.secret && !fallback);
  if (missing.length > 0) {
    throw new ConfigError([{ variable: 'WEBHOOKS', message: `${missing.map((e) => e.url).join(', ')} has no "secret" and WEBHOOK_SECRET is unset: every delivery is signed` }]);
  }
  return endpoints.map((e) => ({ ...e, secret: e.secret ?? fallback }));
}

/** The User-Agent every request to the Senate carries. */
export function userAgent(config: Pick<Config, 'crawlerContact'>): string {
  return `senate-questions/0.1 (+${config.crawlerContact})`;
}
