/**
 * Repairs the damaged characters of docs/anatomy.md ("Damaged characters in the source text"):
 * Dutch text that was once decoded with the wrong code page (Mac Central European, DOS 850/852,
 * Baltic 1257). None of these characters occurs in correct Dutch or French, so the repair is
 * made token by token, and the number of repaired tokens is counted.
 */

const MAP: Record<string, string> = {
  'Ž': 'ë',
  'ť': 'é',
  '†': '\u00a0',
  '≠': '–',
  'Ú': 'é',
  '´': 'ï',
  'ź': '«',
  '╗': '»',
  'ļ': 'ï',
  'ė': 'ë',
};

const DAMAGED = /[Žť†≠Ú´ź╗ļė]/;
const TOKEN = /[^\s]*[Žť†≠Ú´ź╗ļė][^\s]*/g;
/** `l´Etat`, `d´un`: an acute accent used as an apostrophe is not a damaged `ï`. */
const ACUTE_AS_APOSTROPHE = /^(?:[ldnsjcmt]|qu)´/i;

export interface Repaired {
  text: string;
  /** Number of tokens that were changed. */
  count: number;
}

function repairToken(token: string): string {
  let out = '';
  for (let i = 0; i < token.length; i++) {
    const ch = token[i]!;
    const to = MAP[ch];
    if (to === undefined) {
      out += ch;
      continue;
    }
    if (ch === '´' && (ACUTE_AS_APOSTROPHE.test(token) || !/\p{L}/u.test(token[i - 1] ?? '') || !/\p{Ll}/u.test(token[i + 1] ?? ''))) {
      out += ch;
      continue;
    }
    // `Ú` is only damage inside a word that has lower-case letters (`CÚcile`).
    if (ch === 'Ú' && !/\p{Ll}/u.test(token)) {
      out += ch;
      continue;
    }
    out += to;
  }
  return out;
}

/** Repairs `text` token by token; `count` is the number of tokens changed. */
export function repairText(text: string): Repaired {
  if (!DAMAGED.test(text)) return { text, count: 0 };
  let count = 0;
  const out = text.replace(TOKEN, (token) => {
    const fixed = repairToken(token);
    if (fixed !== token) count++;
    return fixed;
  });
  return { text: out, count };
}
