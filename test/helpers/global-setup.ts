/**
 * vitest globalSetup of the main suite: one state directory per run, where test processes
 * record the processes and temporary directories they start (test/helpers/children.ts); swept
 * at the end, so that a test process killed on a timeout leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { STATE_DIR_ENV, sweep } from '../faults/harness/registry.ts';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'sq-tests-state-'));
  process.env[STATE_DIR_ENV] = dir;
  return () => {
    const { killed } = sweep(dir);
    if (killed > 0) process.stderr.write(`tests: killed ${killed} process(es) left behind by a test\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
