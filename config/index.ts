/**
 * Every setting, read once from the environment (and an optional `.env`), validated by one
 * zod schema. A bad value stops the program with a message naming the variable.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const positiveNumber = z.coerce.number({ error: 'must be a number' }).finite('must be a finite number');
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
  logLevel: { env: 'LOG_LEVEL', schema: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'), doc: 'pino log level.' },
  fetchMode: { env: 'FETCH_MODE', schema: z.enum(['http', 'browser'], { error: 'must be http or browser' }).default('http'), doc: 'http (undici) or browser (Playwright + Chromium).' },
  fetchTimeoutMs: { env: 'FETCH_TIMEOUT_MS', schema: int(1).default(30_000), doc: 'Total time for one request.' },
  connectTimeoutMs: { env: 'CONNECT_TIMEOUT_MS', schema: int(1).default(10_000), doc: 'Time to open a connection.' },
  maxBodyBytes: { env: 'MAX_BODY_BYTES', schema: int(1024).default(5 * 1024 * 1024), doc: 'Largest response body accepted.' },
  fetchRetries: { env: 'FETCH_RETRIES', schema: int(0).default(4), doc: 'Retries of one request on timeouts, resets, 5xx and 429.' },
  chromiumPath: { env: 'CHROMIUM_PATH', schema: z.string().default('/usr/bin/chromium'), doc: 'Chromium for FETCH_MODE=browser.' },
  workerConcurrency: { env: 'WORKER_CONCURRENCY', schema: int(1).default(4), doc: 'Jobs one worker process runs at once.' },
  queuePrefix: { env: 'QUEUE_PREFIX', schema: z.string().min(1).default('sq'), doc: 'BullMQ key prefix (one per deployment).' },
  probeMisses: { env: 'PROBE_MISSES', schema: int(1).default(20), doc: 'Consecutive missing numbers that end probing past the highest known one.' },
  recentAnswerDays: { env: 'RECENT_ANSWER_DAYS', schema: int(0).default(30), doc: 'Answered questions are refetched for this many days after the answer.' },
  currentLegislature: { env: 'CURRENT_LEGISLATURE', schema: int(1).default(8), doc: 'The open legislature; older ones are closed and only refetched with --full.' },
  jobLockMs: { env: 'JOB_LOCK_MS', schema: int(1000).default(30_000), doc: 'How long a job stays locked to a worker without renewal: a dead worker\'s jobs are taken over after it.' },
  shutdownTimeoutMs: { env: 'SHUTDOWN_TIMEOUT_MS', schema: int(0).default(30_000), doc: 'Graceful shutdown deadline.' },
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
    if (result.success) out[key] = result.data;
    else problems.push({ variable: setting.env, message: `${result.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(raw)})` });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}

/** The User-Agent every request to the Senate carries. */
export function userAgent(config: Pick<Config, 'crawlerContact'>): string {
  return `senate-questions/0.1 (+${config.crawlerContact})`;
}
