import { pino, type Logger } from 'pino';

export type { Logger };

/** Where log lines go: stderr or stdout (by file descriptor, asynchronously), or any line sink (a terminal's progress line). */
export type LogDestination = NodeJS.WritableStream | { write(chunk: string): unknown };

/** The root logger. Library code takes a logger as a parameter and makes child loggers. */
export function createLogger(level: string, destination: LogDestination = process.stderr): Logger {
  if (destination === process.stderr || destination === process.stdout) {
    return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: destination === process.stderr ? 2 : 1, sync: false }));
  }
  return pino({ level, base: { pid: process.pid } }, destination as pino.DestinationStream);
}

/** A logger that writes nothing (tests, pure code paths). */
export const silentLogger: Logger = pino({ level: 'silent' });
