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

/**
 * C0 control characters that no page text holds (everything below U+0020 but tab, line feed,
 * form feed and carriage return), raw or as a numeric character reference (`&#0;`, `&#x1;`).
 * PostgreSQL cannot store U+0000 in text, and an HTML parser turns `&#0;` into U+FFFD, so
 * they are removed from the decoded page before it is parsed.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F]|&#(?:0*([0-9]{1,7})|[xX]0*([0-9a-fA-F]{1,6}));?/g;

function isStrippedControl(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d;
}

/** Removes control characters (raw or referenced) from decoded HTML; `count` is the number removed. */
export function stripControlCharacters(html: string): Repaired {
  let count = 0;
  const text = html.replace(CONTROL, (match, dec: string | undefined, hex: string | undefined) => {
    if (dec === undefined && hex === undefined) {
      count++;
      return '';
    }
    const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex!, 16);
    if (!isStrippedControl(code)) return match;
    count++;
    return '';
  });
  return { text, count };
}
