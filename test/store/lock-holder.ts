/**
 * A process that takes the lock of a data directory (no database), for the lock tests:
 * `node --import tsx test/store/lock-holder.ts <dataDir> [waitMs]`. Prints one JSON line,
 * {"locked":true,"pid":N} or {"locked":false,"message":"..."}, then holds the lock until its
 * standard input closes (or it is killed).
 */
import { lockDataDir } from '../../src/store/data-dir-lock.ts';
import { pino } from 'pino';

const [dir, waitMs] = process.argv.slice(2);
const logger = pino({ level: 'warn' }, pino.destination(2));
try {
  const lock = await lockDataDir(dir!, { waitMs: Number(waitMs ?? 0), logger });
  process.stdout.write(`${JSON.stringify({ locked: true, pid: process.pid })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void lock.release().then(() => process.exit(0)));
} catch (e) {
  process.stdout.write(`${JSON.stringify({ locked: false, message: (e as Error).message })}\n`);
  process.exit(3);
}
