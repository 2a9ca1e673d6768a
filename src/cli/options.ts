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

/** `<id>`: a question id `{leg}-{nr}` such as 8-123 (legislature 1–99, number ≥ 1). */
export function questionId(value: string): string {
  const m = /^(\d{1,2})-(\d{1,6})$/.exec(value.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`<id> takes a question id such as 8-123, not ${JSON.stringify(value)}`);
  return `${Number(m[1])}-${Number(m[2])}`;
}

/** The instant a Brussels calendar day begins. */
export function brusselsMidnight(day: string): Date {
  const utc = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(utc.getTime())) return utc;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Brussels', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(utc);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const offsetMs = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - utc.getTime();
  return new Date(utc.getTime() - offsetMs);
}

const DURATION_UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * `--since <date|24h|7d>`: an ISO date (its midnight in Brussels, the Senate's calendar), an ISO
 * date and time (without an offset: the machine's local time), or a duration back from `now`
 * (m, h, d, w). A commander parser for the flag named `flag`.
 */
export function sinceTime(flag: string, now: () => Date = () => new Date()) {
  return (value: string): Date => {
    const v = value.trim();
    const duration = /^(\d{1,6})\s*([mhdw])$/i.exec(v);
    if (duration) return new Date(now().getTime() - Number(duration[1]) * DURATION_UNITS_MS[duration[2]!.toLowerCase()]!);
    if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
      const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
      const d = dateOnly ? brusselsMidnight(v) : new Date(v.replace(' ', 'T'));
      // A date that does not exist (2026-02-31) would roll over: refuse it.
      const day = v.slice(0, 10);
      const probe = new Date(`${day}T00:00:00Z`);
      const exists = !Number.isNaN(probe.getTime()) && probe.toISOString().slice(0, 10) === day;
      if (exists && !Number.isNaN(d.getTime())) return d;
    }
    throw new UsageError(`${flag} takes a date (2026-11-30), a date and time (2026-11-30T08:00Z) or a duration back from now (90m, 24h, 7d, 2w), not ${JSON.stringify(value)}`);
  };
}

/** A repeatable, comma-separated `--type <t>` checked against `known`: collects every one given. */
export function oneOf<T extends string>(flag: string, known: readonly T[]) {
  return (value: string, previous: readonly T[] = []): T[] => {
    const given = value.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = given.filter((g) => !known.includes(g as T));
    if (given.length === 0 || bad.length > 0) throw new UsageError(`${flag} must be one of ${known.join(', ')} (got ${JSON.stringify(value)})`);
    return [...previous, ...(given as T[])];
  };
}
