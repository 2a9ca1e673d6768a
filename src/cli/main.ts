/**
 * The `senate-questions` CLI. Exit codes: 0 success, 1 the work failed, 2 bad usage or input.
 * `commands/index.ts` declares every command; a command's work is imported only when it runs,
 * so `--help` and a usage error never load the database, queue, HTTP or browser libraries.
 */
import { Command, CommanderError } from 'commander';
import type { ConfigError } from '../../config/index.ts';
import { UsageError, coerceError } from '../util/errors.ts';
import { defineCommands } from './commands/index.ts';
import { processIo, type Io } from './io.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export const VERSION = '0.1.0';

export function buildProgram(io: Io = processIo()): Command {
  const program = new Command('senate-questions')
    .description("Crawl, store and monitor the Belgian Senate's written questions")
    .version(VERSION)
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .exitOverride();
  defineCommands(program, io);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI on `argv` (node's: program and script first) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (e) {
    return exitCodeFor(e, io);
  }
}

export function exitCodeFor(e: unknown, io: Pick<Io, 'stderr'> = processIo()): number {
  if (e instanceof CommanderError) {
    // Commander has already printed its message (and the help).
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT_OK;
    return EXIT_USAGE;
  }
  if (isConfigError(e)) {
    io.stderr.write(`Configuration error:\n${e.message}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof UsageError) {
    io.stderr.write(`error: ${e.message}\n`);
    return EXIT_USAGE;
  }
  const err = coerceError(e);
  io.stderr.write(`error: ${err.message}\n`);
  return EXIT_FAILED;
}

/** By name, not instanceof: importing config/ would load zod (~70 ms) on every `--help`. */
function isConfigError(e: unknown): e is ConfigError {
  return e instanceof Error && e.name === 'ConfigError';
}
