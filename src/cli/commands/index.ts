/**
 * Every command of the CLI: its name, description, arguments and options, declared here and
 * cheap to load. What a command does lives in its own file in this folder and is imported
 * only when that command runs: `--help` and a usage error load none of BullMQ, pg, PGlite,
 * undici or Playwright (test/cli/lazy-commands.test.ts keeps it so).
 */
import type { Command } from 'commander';
import type { Lang } from '../../senate/question-record.ts';
import type { Io } from '../io.ts';
import { FIRST_WEB_LEGISLATURE, lang, legislature, legislatures, wholeNumber } from '../options.ts';
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
    .command('worker')
    .description('Run a worker process of the fleet (needs REDIS_URL); SIGTERM/SIGINT stop it gracefully, a second signal forces')
    .option('-c, --concurrency <n>', 'jobs at once (default WORKER_CONCURRENCY)', wholeNumber('--concurrency'))
    .option('--metrics-port <n>', 'serve /metrics (Prometheus) and /healthz on this port', wholeNumber('--metrics-port'))
    .action(async (opts: { concurrency?: number; metricsPort?: number }) => (await import('./worker.ts')).worker(opts, io));

  program
    .command('runs')
    .description('List the most recent runs with their counts and outcome')
    .option('-n, --limit <n>', 'how many (default 10)', wholeNumber('--limit'))
    .option('--json', 'print the runs as JSON')
    .action(async (opts: { limit?: number; json?: boolean }) => (await import('./runs.ts')).runs(opts, io));

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

  program
    .command('healthcheck')
    .description('Exit 0 when the database (and Redis, with REDIS_URL) answer within a few seconds; for container health checks')
    .option('--timeout-ms <ms>', 'give up after this long (default 5000)', wholeNumber('--timeout-ms'))
    .action(async (opts: { timeoutMs?: number }) => (await import('./healthcheck.ts')).healthcheck(opts, io));
}
