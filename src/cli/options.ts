/**
 * Argument parsers shared by the command definitions. They run while commander parses, before
 * any command's work is loaded; bad input is a UsageError (exit 2).
 */
import type { Lang } from '../senate/question-record.ts';
import { UsageError } from '../util/errors.ts';

/** Legislatures with question pages on senate.be (docs/anatomy.md: LEG 1–3 were printed bulletins). */
export const FIRST_WEB_LEGISLATURE = 4;

/** A commander argument parser for a whole number ≥ 1. */
export function wholeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a whole number ≥ 1, not ${JSON.stringify(value)}`);
    return n;
  };
}

/** `--legislature <n>`: a legislature number such as 8 (whether it exists yet needs the config: the command checks). */
export function legislature(value: string): number {
  const n = Number(value);
  if (!/^\d{1,2}$/.test(value) || n < 1) throw new UsageError(`--legislature takes a legislature number such as 8, not ${JSON.stringify(value)}`);
  return n;
}

/** A repeatable `--legislature <n>`: collects every one given, in order. */
export function legislatures(value: string, previous: readonly number[] = []): number[] {
  return [...previous, legislature(value)];
}

/** `--lang fr|nl`, any case. */
export function lang(value: string): Lang {
  const given = value.toLowerCase();
  if (given !== 'fr' && given !== 'nl') throw new UsageError(`--lang must be fr or nl (got ${JSON.stringify(value)})`);
  return given;
}
