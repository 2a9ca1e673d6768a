/**
 * vitest globalSetup of the fault suite: one state directory per suite run, swept at the end
 * (processes a killed test process left behind, temporary data directories).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { STATE_DIR_ENV, sweep } from './registry.ts';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'sq-faults-state-'));
  // Forked test processes start after this and inherit it.
  process.env[STATE_DIR_ENV] = dir;
  return () => {
    const { killed } = sweep(dir);
    if (killed > 0) process.stderr.write(`fault suite: killed ${killed} process(es) left behind by a test\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
