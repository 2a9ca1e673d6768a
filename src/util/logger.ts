import { pino, type Logger } from 'pino';

export type { Logger };

/** The root logger. Library code takes a logger as a parameter and makes child loggers. */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: destination === process.stderr ? 2 : 1, sync: false }));
}

/** A logger that writes nothing (tests, pure code paths). */
export const silentLogger: Logger = pino({ level: 'silent' });
