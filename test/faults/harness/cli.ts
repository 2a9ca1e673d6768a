/**
 * The CLI as a user runs it, in child processes the test can watch, signal, SIGKILL and
 * start again. `cliCommand` is the ONE place that says how the CLI is started (today the bin
 * runs the TypeScript sources through tsx; if it becomes compiled code, change it here).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SETTINGS } from '../../../config/index.ts';
import { track } from './registry.ts';

export const CLI_BIN = path.resolve('bin/senate-questions.js');

/** How to start `senate-questions <args>`. */
export function cliCommand(args: readonly string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [CLI_BIN, ...args] };
}

/**
 * The environment of a CLI process: this process's, minus every setting of the program (the
 * test states each one it wants), plus `env`.
 */
export function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const s of Object.values(SETTINGS)) delete out[s.env];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly pid: number;
  readonly args: readonly string[];
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr interleaved as they arrived. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<CliExit>;
  /** The exit, or null while it runs. */
  exit(): CliExit | null;
  alive(): boolean;
  /** Waits until `pattern` appears in the output; rejects with the output when it does not in time or the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number, stream?: 'stdout' | 'stderr' | 'output'): Promise<RegExpMatchArray>;
  /** The exit within `timeoutMs`, or null when it still runs then. */
  waitExit(timeoutMs: number): Promise<CliExit | null>;
  kill(signal?: NodeJS.Signals): void;
  /** A short description for assertion messages: args, exit, the output's tail. */
  describe(): string;
}

/** Starts `senate-questions <args>` with `cliEnv(env)`. */
export function spawnCli(args: readonly string[], env: Record<string, string | undefined>): CliProcess {
  const cmd = cliCommand(args);
  const child = spawn(cmd.command, cmd.args, { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const forget = track(`cli-${args[0] ?? 'none'}`, child.pid ?? null);
  let out = '';
  let err = '';
  let all = '';
  let state: CliExit | null = null;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    all += d.toString();
    notify();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    all += d.toString();
    notify();
  });
  const exited = new Promise<CliExit>((resolve) =>
    child.once('close', (code, signal) => {
      state = { code, signal };
      forget();
      notify();
      resolve(state);
    }),
  );
  const text = (stream: 'stdout' | 'stderr' | 'output') => (stream === 'stdout' ? out : stream === 'stderr' ? err : all);
  const proc: CliProcess = {
    pid: child.pid ?? -1,
    args,
    child,
    stdout: () => out,
    stderr: () => err,
    output: () => all,
    exited,
    exit: () => state,
    alive: () => state === null,
    waitFor(pattern, timeoutMs, stream = 'output') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text(stream).match(pattern);
          if (m) {
            done();
            resolve(m);
          } else if (state) {
            done();
            reject(new Error(`${pattern} never appeared: ${proc.describe()}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${pattern} did not appear in ${timeoutMs} ms: ${proc.describe()}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async waitExit(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)));
      const r = await Promise.race([exited, late]);
      clearTimeout(timer);
      return r;
    },
    kill(signal = 'SIGTERM') {
      if (state === null) child.kill(signal);
    },
    describe() {
      const how = state ? `exited ${state.code ?? state.signal}` : 'still running';
      return `\`senate-questions ${args.join(' ')}\` (pid ${child.pid}) ${how}; output tail:\n${tail(all)}`;
    },
  };
  return proc;
}

/** The last lines of an output without stack frames, each clipped (pino lines can carry whole objects). */
export function tail(text: string, lines = 30, width = 300): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s+at /.test(l))
    .slice(-lines)
    .map((l) => (l.length > width ? `${l.slice(0, width)}…` : l))
    .join('\n');
}

export interface CliResult extends CliExit {
  stdout: string;
  stderr: string;
  /** true when it was still running after the timeout (it was then SIGKILLed). */
  timedOut: boolean;
  describe(): string;
}

/** Runs `senate-questions <args>` to its end, or SIGKILLs it after `timeoutMs` and says so. */
export async function runCli(args: readonly string[], env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<CliResult> {
  const p = spawnCli(args, env);
  let exit = await p.waitExit(timeoutMs);
  const timedOut = exit === null;
  if (timedOut) {
    p.kill('SIGKILL');
    exit = await p.exited;
  }
  return { ...exit!, stdout: p.stdout(), stderr: p.stderr(), timedOut, describe: () => `${timedOut ? `timed out after ${timeoutMs} ms; ` : ''}${p.describe()}` };
}

/** The CLI's worker process, once it says it has started. */
export async function spawnWorkerCli(env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<CliProcess> {
  const w = spawnCli(['worker'], env);
  await w.waitFor(/worker \d+ started/, timeoutMs);
  return w;
}

/** SIGKILLs every process still running and waits for them (afterEach). */
export async function killAll(procs: Iterable<CliProcess>): Promise<void> {
  const list = [...procs];
  for (const p of list) p.kill('SIGKILL');
  await Promise.all(list.map((p) => p.exited));
}
