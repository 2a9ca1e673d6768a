import type { Command } from 'commander';

/** Every CLI command registers itself here: one file per command in this folder. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [];
