/**
 * Shutdown on SIGINT/SIGTERM, as graphile-worker's signals.ts does it: the first signal asks
 * for a graceful stop (the caller's `graceful`), a second one forces the process out with
 * exit code 1 without waiting for the graceful stop to finish.
 */
const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export interface ShutdownSignalOptions {
  /** Called once, on the first signal: start stopping (do not block). */
  graceful(signal: NodeJS.Signals): void;
  /** Called on the second signal, just before the forced exit (log and flush here). */
  forcing?(signal: NodeJS.Signals): void;
  /** How the process is forced out; tests pass their own. Default: process.exit. */
  exit?(code: number): void;
}

export interface ShutdownSignals {
  /** The first signal received, or null. */
  readonly received: NodeJS.Signals | null;
  /** Removes the handlers (idempotent); the default signal behaviour applies again. */
  dispose(): void;
}

export function onShutdownSignals(opts: ShutdownSignalOptions): ShutdownSignals {
  let received: NodeJS.Signals | null = null;
  let disposed = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (received) {
      opts.forcing?.(signal);
      (opts.exit ?? process.exit)(1);
      return;
    }
    received = signal;
    opts.graceful(signal);
  };
  for (const s of SHUTDOWN_SIGNALS) process.on(s, handler);
  return {
    get received() {
      return received;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const s of SHUTDOWN_SIGNALS) process.off(s, handler);
    },
  };
}
