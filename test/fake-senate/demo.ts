/**
 * `npm run demo`: the main job on the embedded default, with no server and no network.
 * Starts the fake Senate on 127.0.0.1, runs `senate-questions crawl --legislature 8` against
 * it (embedded PostgreSQL in ./data/demo, jobs in-process, 20 requests/s), then a second,
 * incremental run that only asks for what can still change, and shows one stored question.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSenate } from './server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'bin/senate-questions.js');
const senate = await startFakeSenate({ questions: { n: 40, legislature: 8, seed: 1 }, serving: 'varied', listingPageSize: 20 });
const env: NodeJS.ProcessEnv = {
  ...process.env,
  SENATE_BASE_URL: senate.url,
  DATA_DIR: process.env.DATA_DIR ?? path.join(root, 'data/demo'),
  CRAWL_RATE_PER_SEC: process.env.CRAWL_RATE_PER_SEC ?? '20',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
delete env.DATABASE_URL;
delete env.REDIS_URL;
// Asynchronous: the fake Senate answers from this very process.
const exec = promisify(execFile);
const run = async (...args: string[]) => {
  const child = exec(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  child.child.stderr?.pipe(process.stderr);
  return (await child).stdout;
};
try {
  process.stdout.write(`fake Senate with ${senate.ids().length} questions on ${senate.url}; embedded database in ${env.DATA_DIR}\n\n`);
  process.stdout.write(`$ senate-questions crawl --legislature 8\n${await run('crawl', '--legislature', '8')}\n`);
  process.stdout.write(`$ senate-questions crawl --legislature 8   # again: only what can still change\n${await run('crawl', '--legislature', '8')}\n`);
  const shown = JSON.parse(await run('show', '8-3')) as { id: string; status: string; author: { name: string }; texts: { fr?: { subject: string }; nl?: { subject: string } } };
  process.stdout.write(`$ senate-questions show 8-3\n${shown.id} (${shown.status}) by ${shown.author.name}\n  fr: ${shown.texts.fr?.subject}\n  nl: ${shown.texts.nl?.subject}\n`);
  // The demo's database is kept apart from ./data (the default): these are the commands that read it.
  const dataDir = path.relative(process.cwd(), env.DATA_DIR!) || '.';
  const next = ['runs', 'show 8-3', 'pending', 'lateness', 'history 8-3', 'serve   # then open http://127.0.0.1:8080/'];
  process.stdout.write(`\nThe demo's data is in ${dataDir}. To look at it:\n${next.map((c) => `  DATA_DIR=${dataDir} npx senate-questions ${c}\n`).join('')}`);
} finally {
  await senate.close();
}
