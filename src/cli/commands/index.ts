import type { Command } from 'commander';
import { register as migrate } from './migrate.ts';

/** Every CLI command registers itself here: one file per command in this folder. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [migrate];
