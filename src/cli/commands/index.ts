import type { Command } from 'commander';
import { register as crawl } from './crawl.ts';
import { register as migrate } from './migrate.ts';
import { register as parse } from './parse.ts';
import { register as reparse } from './reparse.ts';
import { register as runs } from './runs.ts';
import { register as show } from './show.ts';
import { register as worker } from './worker.ts';

/** Every CLI command registers itself here: one file per command in this folder. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [crawl, worker, runs, reparse, show, migrate, parse];
