/**
 * Dates the way the Senate prints them: `d/m/yyyy` in the chronology, `d month yyyy` with
 * French or Dutch month names in the headers. Records hold ISO `YYYY-MM-DD`.
 */
import type { Lang } from '../../src/senate/question-record.ts';

const MONTHS: Record<Lang, readonly string[]> = {
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
};

function parts(iso: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not an ISO date: ${JSON.stringify(iso)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** `2011-11-28` → `28/11/2011` (not zero-padded). */
export function chronoDate(iso: string): string {
  const [y, m, d] = parts(iso);
  return `${d}/${m}/${y}`;
}

/**
 * `2011-11-28` → `28 novembre 2011` / `28 november 2011`. `typo` prints the source's
 * `aôut` for August, which real FR pages carry.
 */
export function longDate(iso: string, lang: Lang, opts: { typo?: boolean } = {}): string {
  const [y, m, d] = parts(iso);
  const month = lang === 'fr' && m === 8 && opts.typo ? 'aôut' : MONTHS[lang][m - 1]!;
  return `${d} ${month} ${y}`;
}

const DAY_MS = 86_400_000;

export function isoToDays(iso: string): number {
  const [y, m, d] = parts(iso);
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function daysToIso(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(iso: string, n: number): string {
  return daysToIso(isoToDays(iso) + n);
}
