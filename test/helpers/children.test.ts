import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a test process that ends with a child and a temporary directory still there (a timed-out test)', () => {
  it('kills the child and removes the directory as it exits', async () => {
    const state = mkdtempSync(path.join(tmpdir(), 'children-test-'));
    try {
      // A test process that starts a child that would run forever, makes a directory, and exits without cleaning up.
      const script = `
        import { spawn } from 'node:child_process';
        import { tracked, trackedTempDir } from './test/helpers/children.ts';
        const child = tracked(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }));
        const dir = trackedTempDir('children-test-dir-');
        console.log(JSON.stringify({ pid: child.pid, dir }));
        process.exit(0);
      `;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, SQ_FAULTS_STATE_DIR: state }, encoding: 'utf8' });
      const { pid, dir } = JSON.parse(out.trim()) as { pid: number; dir: string };
      const deadline = Date.now() + 10_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid)).toBe(false);
      expect(existsSync(dir)).toBe(false);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
