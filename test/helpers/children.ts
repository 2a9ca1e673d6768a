/**
 * Child processes and temporary directories of the main suite, recorded (with the fault suite's
 * registry) so that a test that times out or fails mid-way leaves nothing behind: this test
 * process kills and removes what is left when it exits, and the global teardown
 * (test/helpers/global-setup.ts) sweeps what a test process that was itself killed left.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { track } from '../faults/harness/registry.ts';

/** Records `child` until it exits; returns it. */
export function tracked<T extends ChildProcess>(child: T, kind = 'child'): T {
  const forget = track(kind, child.pid ?? null);
  child.once('exit', forget);
  return child;
}

/** A temporary directory removed at the latest when this test process exits (remove it earlier as usual). */
export function trackedTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  track('tmp', null, [dir]);
  return dir;
}
