/**
 * Every command of the CLI: its name, description, arguments and options, declared here and
 * cheap to load. What a command does lives in its own file in this folder and is imported
 * only when that command runs: `--help` and a usage error load none of BullMQ, pg, PGlite,
 * undici or Playwright (test/cli/lazy-commands.test.ts keeps it so).
 */
import type { Command } from 'commander';
import type { Lang } from '../../senate/question-record.ts';
import type { Io } from '../io.ts';
import { EVENT_TYPES, type EventType } from '../../store/events.ts';
import { FIRST_WEB_LEGISLATURE, lang, legislature, legislatures, oneOf, questionId, sinceTime, wholeNumber } from '../options.ts';
import { exportFormat, port } from '../http-options.ts';
import { eventIdArg, retryTarget } from '../webhook-options.ts';

export function defineCommands(program: Command, io: Io): void {
  program
    .command('crawl')
    .description('Start a crawl run: listing pages, new numbers, and the questions that can still change')
    .option('-l, --legislature <n>', 'a legislature to crawl (repeatable); default: the current one', legislatures)
    .option('--all', `every legislature from ${FIRST_WEB_LEGISLATURE} to the current one`)
    .option('--full', 'refetch every known question, closed legislatures included')
    .option('--wait', 'follow the run until it ends and print its summary (always on without REDIS_URL)')
    .action(async (opts: { legislature?: number[]; all?: boolean; full?: boolean; wait?: boolean }) => (await import('./crawl.ts')).crawl(opts, io));

  program
    .command('schedule')
    .description('Install the nightly crawl and the answer watch as fleet schedules (needs REDIS_URL), show or remove them')
    .option('--cron <pattern>', 'when the nightly crawl runs, a cron pattern such as "0 3 * * *"')
    .option('--tz <zone>', 'time zone of the patterns, e.g. Europe/Brussels (default UTC)')
    .option('-l, --legislature <n>', 'a legislature the nightly crawl covers (repeatable); default: the current one', legislatures)
    .option('--watch-cron <pattern>', 'when the answer watch runs (default "*/15 * * * *")')
    .option('--no-watch', 'no answer watch (removes an installed one)')
    .option('--show', 'print the installed schedules and their last runs')
    .option('--remove', 'remove the schedules')
    .action(async (opts: { cron?: string; tz?: string; legislature?: number[]; watch?: boolean; watchCron?: string; show?: boolean; remove?: boolean }) =>
      (await import('./schedule.ts')).schedule(opts, io),
    );

  program
    .command('recrawl')
    .description('Fetch these questions now, ahead of any queued crawl work; --wait prints what changed')
    .argument('<id...>', 'question ids, e.g. 8-123')
    .option('--wait', 'follow the run and print what changed (always on without REDIS_URL)')
    .action(async (ids: string[], opts: { wait?: boolean }) => (await import('./recrawl.ts')).recrawl(ids, opts, io));

  program
    .command('watch')
    .description('One answer-watch run now: refetch the questions expecting an answer soon, within WATCH_REQUESTS_PER_HOUR (for cron without Redis; `schedule` installs it on the fleet)')
    .option('--every-min <n>', 'minutes between two watch runs in your crontab: the run takes that share of the hourly budget (default 15)', wholeNumber('--every-min'))
    .option('--wait', 'with REDIS_URL: follow the run to its end (always on without REDIS_URL)')
    .action(async (opts: { everyMin?: number; wait?: boolean }) => (await import('./watch.ts')).watch(opts, io));

  program
    .command('worker')
    .description('Run a worker process of the fleet (needs REDIS_URL); SIGTERM/SIGINT stop it gracefully, a second signal forces')
    .option('-c, --concurrency <n>', 'jobs at once (default WORKER_CONCURRENCY)', wholeNumber('--concurrency'))
    .option('--metrics-port <n>', 'serve /metrics (Prometheus) and /healthz on this port', wholeNumber('--metrics-port'))
    .action(async (opts: { concurrency?: number; metricsPort?: number }) => (await import('./worker.ts')).worker(opts, io));

  const runs = program.command('runs').description('The most recent runs with their counts and outcome (the default); cancel a stuck run');
  // The default subcommand, so that `runs -n 5 --json` keeps working beside `runs cancel <id>`.
  runs
    .command('list', { isDefault: true })
    .description('List the most recent runs with their counts and outcome')
    .option('-n, --limit <n>', 'how many (default 10)', wholeNumber('--limit'))
    .option('--json', 'print the runs as JSON')
    .action(async (opts: { limit?: number; json?: boolean }) => (await import('./runs.ts')).runs(opts, io));
  runs
    .command('cancel')
    .description('End a running run as cancelled (its unfinished jobs are counted cancelled; workers skip them)')
    .argument('<id>', 'the run (its id, as `runs` lists)', wholeNumber('the run id'))
    .option('--reason <text>', 'why, recorded as the run\'s error (default: cancelled by hand)')
    .action(async (id: number, opts: { reason?: string }) => (await import('./runs.ts')).runsCancel(id, opts, io));

  program
    .command('reparse')
    .description('Parse the archived pages again with the current parser (no network) and store what changes')
    .option('-l, --legislature <n>', 'only this legislature', legislature)
    .option('--dry-run', 'report what would change, store nothing')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { legislature?: number; dryRun?: boolean; json?: boolean }) => (await import('./reparse.ts')).reparseCommand(opts, io));

  program
    .command('show')
    .description('Print one stored question (both languages) as JSON')
    .argument('<id>', 'question id, e.g. 8-123')
    .action(async (id: string) => (await import('./show.ts')).show(id, io));

  program
    .command('migrate')
    .description('Apply pending database migrations (DATABASE_URL, or the embedded database in DATA_DIR)')
    .action(async () => (await import('./migrate.ts')).migrateCommand(io));

  program
    .command('parse')
    .description('Parse one question page (a file or a URL) and print its record as JSON')
    .argument('<file-or-url>', 'an HTML file or a question page URL')
    .option('--lang <lang>', "fr or nl (default: the URL's LANG= or -fr/-nl in the file name)", lang)
    .action(async (target: string, opts: { lang?: Lang }) => (await import('./parse.ts')).parse(target, opts, io));

  const webhooks = program.command('webhooks').description('Webhook deliveries: their state per endpoint (the default), one event\'s attempts, retries, delivery');
  // The default subcommand, so that `webhooks --json` and `webhooks show <id> --json` each reach their own --json.
  webhooks
    .command('status', { isDefault: true })
    .description('Per endpoint: pending, delivered and failed deliveries, the oldest pending, the last error')
    .option('--json', 'print the endpoints as JSON')
    .action(async (opts: { json?: boolean }) => (await import('./webhooks.ts')).webhooksStatus(opts, io));
  webhooks
    .command('show')
    .description("One event's deliveries and every attempt")
    .argument('<event-id>', 'an event id, evt_…', eventIdArg)
    .option('--json', 'print them as JSON')
    .action(async (eventId: string, opts: { json?: boolean }) => (await import('./webhooks.ts')).webhooksShow(eventId, opts, io));
  webhooks
    .command('retry')
    .description('Put failed deliveries back to pending, with the whole retry schedule again')
    .argument('[delivery-id]', 'one delivery (its id, as `webhooks show` lists)')
    .option('--failed', 'every failed delivery')
    .action(async (deliveryId: string | undefined, opts: { failed?: boolean }) => {
      const target = retryTarget(deliveryId, opts);
      await (await import('./webhooks.ts')).webhooksRetry(target, io);
    });
  webhooks
    .command('deliver')
    .description('Deliver what is due now and exit (for cron); --loop keeps delivering until SIGINT/SIGTERM')
    .option('--loop', 'keep delivering, a round every few seconds')
    .option('--timeout-ms <ms>', 'without --loop: stop after this long (default 60000)', wholeNumber('--timeout-ms'))
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { loop?: boolean; timeoutMs?: number; json?: boolean }) =>
      (await import('./webhooks.ts')).webhooksDeliver({ ...opts, ...(opts.timeoutMs ? { deadlineMs: opts.timeoutMs } : {}) }, io),
    );

  for (const which of ['pending', 'overdue'] as const) {
    program
      .command(which)
      .description(
        which === 'pending'
          ? 'Unanswered questions: days waiting, deadline (~ estimated), days overdue'
          : 'Unanswered questions past their deadline (~ a deadline we estimated: the page prints none)',
      )
      .option('-l, --legislature <n>', 'only this legislature', legislature)
      .option('--addressee <text>', 'an addressee: a minister\'s title or portfolio in French or Dutch (Justice, Justitie), a key (minister:justice), or part of the printed title')
      .option('--author <text>', "part of the author's name")
      .option('--json', 'print the questions as JSON')
      .option('--csv', 'print the questions as CSV')
      .action(async (opts: { legislature?: number; addressee?: string; author?: string; json?: boolean; csv?: boolean }) => (await import('./pending.ts'))[which](opts, io));
  }

  program
    .command('answered')
    .description('Answers first seen since a time, with the date printed on the page and when we first saw them')
    .requiredOption('--since <when>', 'a date (2026-11-30, Brussels midnight), a date and time, or a duration back from now (24h, 7d)', sinceTime('--since'))
    .option('--json', 'print the answers as JSON')
    .option('--csv', 'print the answers as CSV')
    .action(async (opts: { since: Date; json?: boolean; csv?: boolean }) => (await import('./answered.ts')).answered(opts, io));

  program
    .command('history')
    .description("A question's changes, oldest first, with a word-level diff of changed texts")
    .argument('<id>', 'question id, e.g. 8-123', questionId)
    .option('--json', 'print the changes as JSON')
    .option('--csv', 'print the changes as CSV (old and new values as JSON)')
    .action(async (id: string, opts: { json?: boolean; csv?: boolean }) => (await import('./history.ts')).history(id, opts, io));

  program
    .command('events')
    .description('The event stream in the order stored; --follow keeps printing new events until SIGINT/SIGTERM')
    .option('--type <type>', `only these types (repeatable or comma-separated): ${EVENT_TYPES.join(', ')}`, oneOf<EventType>('--type', EVENT_TYPES))
    .option('--since <when>', 'only events since a date, a date and time, or a duration back from now (24h, 7d)', sinceTime('--since'))
    .option('-f, --follow', 'keep printing new events (without --since: only new ones)')
    .option('--json', 'print the events as JSON (with --follow: one object a line)')
    .option('--csv', 'print the events as CSV')
    .action(async (opts: { type?: EventType[]; since?: Date; follow?: boolean; json?: boolean; csv?: boolean }) => (await import('./events.ts')).events(opts, io));

  program
    .command('lateness')
    .description('Per addressee: asked, answered, median days to answer, share answered by the deadline, oldest unanswered')
    .option('-l, --legislature <n>', 'only this legislature', legislature)
    .option('--json', 'print the addressees as JSON')
    .option('--csv', 'print the addressees as CSV')
    .action(async (opts: { legislature?: number; json?: boolean; csv?: boolean }) => (await import('./lateness.ts')).lateness(opts, io));

  program
    .command('serve')
    .description('Serve the HTTP API, Atom feeds and exports (OpenAPI at /openapi.json, reference at /docs) until SIGTERM/SIGINT')
    .option('--port <n>', 'port to listen on (default 8080; 0: any free port)', port)
    .option('--host <address>', 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)')
    .action(async (opts: { port?: number; host?: string }) => (await import('./serve.ts')).serve(opts, io));

  program
    .command('export')
    .description('Write every question (both languages, one row or line per question) as CSV or JSON Lines, streamed')
    .requiredOption('--format <format>', 'csv or jsonl', exportFormat)
    .option('--since <date|time>', 'only questions first seen or changed since then (2024-05-01, 2024-05-01T08:00:00Z, or 7d)', sinceTime('--since'))
    .option('-o, --output <file>', 'write to this file (default: stdout)')
    .action(async (opts: { format: 'csv' | 'jsonl'; since?: Date; output?: string }) => (await import('./export.ts')).exportCommand(opts, io));

  program
    .command('healthcheck')
    .description('Exit 0 when the database (and Redis, with REDIS_URL) answer within a few seconds; for container health checks')
    .option('--timeout-ms <ms>', 'give up after this long (default 5000)', wholeNumber('--timeout-ms'))
    .action(async (opts: { timeoutMs?: number }) => (await import('./healthcheck.ts')).healthcheck(opts, io));
}
