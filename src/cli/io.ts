/**
 * What a command reads and writes besides its arguments: stdout, stderr and the environment.
 * The real process's by default; tests pass captures and an environment of their own, so a
 * command runs in the test's process instead of a spawned one.
 */
export interface Output {
  write(chunk: string): unknown;
  /** A terminal gets a progress bar, anything else plain lines. */
  readonly isTTY?: boolean;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  /** The environment settings are read from (with `.env` in `cwd` under it). */
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
