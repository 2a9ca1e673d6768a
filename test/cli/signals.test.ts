import { afterEach, describe, expect, it } from 'vitest';
import { onShutdownSignals, type ShutdownSignals } from '../../src/cli/signals.ts';

// process.emit runs the listeners as a delivered signal would, without signalling the test runner.
const deliver = (signal: NodeJS.Signals) => process.emit(signal, signal);

describe('shutdown signals', () => {
  let handle: ShutdownSignals | undefined;
  afterEach(() => handle?.dispose());

  describe('on the first SIGTERM or SIGINT', () => {
    it('asks for a graceful stop once and does not exit', () => {
      const graceful: NodeJS.Signals[] = [];
      const exits: number[] = [];
      handle = onShutdownSignals({ graceful: (s) => graceful.push(s), exit: (code) => exits.push(code) });
      expect(handle.received).toBeNull();
      deliver('SIGTERM');
      expect(graceful).toEqual(['SIGTERM']);
      expect(handle.received).toBe('SIGTERM');
      expect(exits).toEqual([]);
    });
  });

  describe('on a second signal', () => {
    it('forces the exit with code 1 after telling the caller, without a second graceful stop', () => {
      const events: string[] = [];
      handle = onShutdownSignals({
        graceful: (s) => events.push(`graceful ${s}`),
        forcing: (s) => events.push(`forcing ${s}`),
        exit: (code) => events.push(`exit ${code}`),
      });
      deliver('SIGINT');
      deliver('SIGTERM');
      expect(events).toEqual(['graceful SIGINT', 'forcing SIGTERM', 'exit 1']);
    });
  });

  describe('once disposed', () => {
    it('no longer listens', () => {
      const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
      const graceful: NodeJS.Signals[] = [];
      handle = onShutdownSignals({ graceful: (s) => graceful.push(s), exit: () => undefined });
      expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
      expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
      handle.dispose();
      handle.dispose();
      expect(process.listenerCount('SIGINT')).toBe(before.int);
      expect(process.listenerCount('SIGTERM')).toBe(before.term);
      expect(graceful).toEqual([]);
    });
  });
});
