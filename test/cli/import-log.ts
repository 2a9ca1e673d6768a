/** Which packages a CLI process loaded, through the resolve hook in import-log/. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnCli, type SpawnedCli } from './run-cli.ts';

const REGISTER = path.resolve('test/cli/import-log/register.mjs');

/** What `--help` and a usage error must never load: each costs 50–200 ms or more at start. */
export const HEAVY_PACKAGES = ['bullmq', 'ioredis', 'pg', '@electric-sql/pglite', 'undici', 'playwright-core', 'cheerio', 'zod', 'pino', 'fastify'];

export interface LoggedRun extends SpawnedCli {
  /** npm packages whose modules were resolved, by name. */
  packages: Set<string>;
}

export async function runLogged(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<LoggedRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sq-imports-'));
  const log = path.join(dir, 'imports.log');
  try {
    const result = await spawnCli(entry, args, { nodeArgs: ['--import', REGISTER], env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env, SQ_IMPORT_LOG: log } });
    let urls: string[] = [];
    try {
      urls = readFileSync(log, 'utf8').trim().split('\n');
    } catch {
      // nothing resolved at all: packages stays empty and the caller's assertions say so
    }
    const packages = new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
    return { ...result, packages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
