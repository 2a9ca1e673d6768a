/**
 * The CLI in this process: `main(argv)` with stdout and stderr captured and an environment of
 * the test's own (nothing inherited, so a developer's DATABASE_URL or `.env` never leaks in).
 * For what needs a real process (signals, the compiled bin), see spawnCli.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';
import { tracked } from '../helpers/children.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'senate-questions', ...args], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { LOG_LEVEL: 'silent', ...opts.env },
    cwd: opts.cwd ?? path.resolve('test/cli'),
  });
  return { code, stdout, stderr };
}

/** The development entry: bin/senate-questions.ts from the sources through tsx (never stale). */
export const DEV_BIN = path.resolve('bin/senate-questions.js');
/** What ships: `npm run build` output. */
export const COMPILED_BIN = path.resolve('dist/bin/senate-questions.js');

export interface SpawnedCli extends CliResult {
  signal: NodeJS.Signals | null;
}

/** A real `node <entry> ...args` process; resolves when it exits. */
export function spawnCli(
  entry: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[]; cwd?: string } = {},
): Promise<SpawnedCli> {
  return new Promise((resolve, reject) => {
    const child = tracked(spawn(process.execPath, [...(opts.nodeArgs ?? []), entry, ...args], { env: opts.env ?? process.env, cwd: opts.cwd ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] }), 'cli');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
}
