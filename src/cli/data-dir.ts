/**
 * Read-only commands (`runs`, `show`) on the embedded database in the default DATA_DIR (./data):
 * when there is no database there yet, it is said so rather than silently created empty, and
 * the demo's data (./data/demo, where `npm run demo` keeps it apart) is pointed at. A DATA_DIR
 * that was set on purpose is used as it is.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/index.ts';
import { WorkFailedError } from '../util/errors.ts';

/** Where `npm run demo` puts its embedded database, relative to the project. */
export const DEMO_DATA_DIR = './data/demo';
const DEFAULT_DATA_DIR = './data';

function isDefaultEmbedded(config: Pick<Config, 'databaseUrl' | 'dataDir'>): boolean {
  return !config.databaseUrl && path.resolve(config.dataDir) === path.resolve(DEFAULT_DATA_DIR);
}

function hasDatabase(dataDir: string): boolean {
  return existsSync(path.resolve(dataDir, 'pglite'));
}

/** "(the demo's data is in ./data/demo: DATA_DIR=./data/demo senate-questions runs)", when it is there and not in use. */
export function demoHint(config: Pick<Config, 'databaseUrl' | 'dataDir'>, command: string): string {
  if (!isDefaultEmbedded(config) || !hasDatabase(DEMO_DATA_DIR)) return '';
  return `; the demo's data is in ${DEMO_DATA_DIR}: DATA_DIR=${DEMO_DATA_DIR} senate-questions ${command}`;
}

/** Throws, naming DATA_DIR, when the embedded database does not exist yet (rather than creating an empty one). */
export function requireEmbeddedDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, command: string): void {
  if (!isDefaultEmbedded(config) || hasDatabase(config.dataDir)) return;
  throw new WorkFailedError(`there is no database in DATA_DIR=${config.dataDir} yet: crawl first (senate-questions crawl)${demoHint(config, command)}`);
}
