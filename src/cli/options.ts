import { UsageError } from '../util/errors.ts';

/** A commander argument parser for a whole number ≥ 1; bad input is a usage error (exit 2). */
export function wholeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a whole number ≥ 1, not ${JSON.stringify(value)}`);
    return n;
  };
}
