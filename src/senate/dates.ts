/**
 * The Senate's date formats → ISO `YYYY-MM-DD`: chronology dates `d/m/yyyy` (not zero-padded)
 * and header dates `d {month} yyyy` in French or Dutch, including the source's typo `aôut`
 * and the French `1er` or plain `1`.
 */

const MONTHS: Record<string, number> = {
  janvier: 1, février: 2, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7,
  août: 8, aout: 8, aôut: 8, septembre: 9, octobre: 10, novembre: 11, décembre: 12, decembre: 12,
  januari: 1, februari: 2, maart: 3, april: 4, mei: 5, juni: 6, juli: 7, augustus: 8,
  september: 9, oktober: 10, november: 11, december: 12,
};

const NUMERIC = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/;
const WRITTEN = /^\s*(\d{1,2})(?:er)?\s+([^\s\d]+)\s+(\d{4})\s*$/i;

/** Source text for a written date, usable inside larger patterns. */
export const WRITTEN_DATE_SRC = '\\d{1,2}(?:er)?\\s+[^\\s\\d:()]+\\s+\\d{4}';
export const NUMERIC_DATE_SRC = '\\d{1,2}\\/\\d{1,2}\\/\\d{4}';

export function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2200) return null;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `7/12/2009` → `2009-12-07`; null when not a valid date. */
export function parseNumericDate(text: string): string | null {
  const m = NUMERIC.exec(text);
  return m ? isoDate(Number(m[3]), Number(m[2]), Number(m[1])) : null;
}

/** `1 aôut 2008`, `1er août 2008`, `28 november 2011` → ISO; null when not a date. */
export function parseWrittenDate(text: string): string | null {
  const m = WRITTEN.exec(text);
  if (!m) return null;
  const month = MONTHS[m[2]!.toLowerCase()];
  return month ? isoDate(Number(m[3]), month, Number(m[1])) : null;
}

/** Either format. */
export function parseDate(text: string): string | null {
  return parseNumericDate(text) ?? parseWrittenDate(text);
}
