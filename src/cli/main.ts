/**
 * The `senate-questions` CLI. Exit codes: 0 success, 1 the work failed, 2 bad usage or input.
 * Each command lives in `commands/` and registers itself on the program.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../../config/index.ts';
import { UsageError, coerceError } from '../util/errors.ts';
import { COMMANDS } from './commands/index.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function buildProgram(): Command {
  const program = new Command('senate-questions')
    .description("Crawl, store and monitor the Belgian Senate's written questions")
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (e) {
    return exitCodeFor(e);
  }
}

export function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT_OK;
    return EXIT_USAGE;
  }
  if (e instanceof ConfigError) {
    process.stderr.write(`Configuration error:\n${e.message}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`error: ${e.message}\n`);
    return EXIT_USAGE;
  }
  const err = coerceError(e);
  process.stderr.write(`error: ${err.message}\n`);
  return EXIT_FAILED;
}
