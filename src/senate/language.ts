/**
 * Tells French from Dutch, to cut the bilingual print (SVPrintNLFR) into its two languages:
 * French comes first, Dutch second, in the subject line, the keyword list, the question and
 * the answer. Scores come from function words and spelling features; no dictionary.
 */

const FR_WORDS = new Set(
  'le la les des du et est une un que qui pour dans sur par pas au aux ce cette ces il elle ils sont ont été avec plus ne se son sa ses leur nous vous je peut peut-il quel quelle quels quelles combien si ou mais comme entre vers chez sans sous été être a à également également'.split(' '),
);
const NL_WORDS = new Set(
  'het een van en is zijn niet dat die voor op met aan te er wordt worden ook bij naar uit hij zij deze dit om tot als kan nog wat hoeveel welke waarom hoe geen meer over door heeft hebben werd werden of maar mijn uw u ik graag'.split(' '),
);
const FR_SHAPE = /[éèêàâçôûùî]|(?:tion|tions|ment|ments|eux|aux|ique|iques|ité|ités|eur|eurs|aire|aires|ée|ées|és|oire|ais|ait)$/;
const NL_SHAPE = /ij|oe|aa|uu|sch|(?:heid|ing|ingen|lijk|lijke|isch|ische|tie|ties|cht|gen|ken|den|ten|ers)$/;
const WORD = /[a-zà-ÿœæ'’-]+/g;

/** Positive: French; negative: Dutch. */
export function languageScore(text: string): number {
  let score = 0;
  const words = text.toLowerCase().match(WORD);
  if (!words) return 0;
  for (const w of words) score += wordScore(w);
  return score;
}

export function wordScore(word: string): number {
  const w = word.toLowerCase().replace(/^[ld]['’]/, (p) => (p ? 'le ' : ''));
  if (w.startsWith('le ')) return 1;
  if (FR_WORDS.has(w)) return 1;
  if (NL_WORDS.has(w)) return -1;
  let s = 0;
  if (FR_SHAPE.test(w)) s += 0.5;
  if (NL_SHAPE.test(w)) s -= 0.5;
  return s;
}

/**
 * Where French ends and Dutch begins in a sequence: the index k maximising French before and
 * Dutch after; among equals, the one that balances the two sides' length best.
 */
export function splitFrNl(scores: readonly number[], lengths: readonly number[]): number {
  const n = scores.length;
  const total = lengths.reduce((a, b) => a + b, 0);
  let best = 0;
  let bestScore = -Infinity;
  let bestBalance = Infinity;
  let before = 0;
  let after = scores.reduce((a, b) => a + b, 0);
  let lenBefore = 0;
  for (let k = 0; k <= n; k++) {
    const s = before - after;
    const balance = Math.abs(total - 2 * lenBefore);
    if (s > bestScore + 1e-9 || (Math.abs(s - bestScore) <= 1e-9 && balance < bestBalance)) {
      best = k;
      bestScore = s;
      bestBalance = balance;
    }
    if (k < n) {
      before += scores[k]!;
      after -= scores[k]!;
      lenBefore += lengths[k]!;
    }
  }
  return best;
}

/**
 * Cuts a bilingual subject printed on one line (`Prisons - Surpopulation Gevangenissen -
 * Overbevolking`) into its French and Dutch halves. The cut is at a space before a capital
 * that does not start a ` - ` part; capitals inside parts are taken as proper nouns and not
 * scored. Among candidates: best language score, then equal part counts, then the later one.
 */
export function splitMergedSubject(line: string): { fr: string; nl: string } | null {
  const text = line.trim();
  const candidates: number[] = [];
  for (let i = 1; i < text.length - 1; i++) {
    if (text[i] !== ' ') continue;
    const next = text[i + 1]!;
    if (next.toLowerCase() === next || !/\p{Lu}/u.test(next)) continue;
    if (text[i - 1] === '-' || text[i - 1] === ' ') continue;
    candidates.push(i);
  }
  if (candidates.length === 0) return null;
  const scoreSide = (side: string, sign: number): number => {
    let s = 0;
    for (const part of side.split(' - ')) {
      const words = part.trim().split(/\s+/);
      words.forEach((w, idx) => {
        if (idx > 0 && /^\p{Lu}/u.test(w)) return; // a proper noun inside a part
        s += sign * wordScore(w);
      });
    }
    return s;
  };
  let best: { at: number; score: number; balance: number } | null = null;
  for (const at of candidates) {
    const fr = text.slice(0, at);
    const nl = text.slice(at + 1);
    const score = scoreSide(fr, 1) + scoreSide(nl, -1);
    const balance = -Math.abs(fr.split(' - ').length - nl.split(' - ').length);
    if (!best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && balance >= best.balance)) {
      best = { at, score, balance };
    }
  }
  return { fr: text.slice(0, best!.at).trim(), nl: text.slice(best!.at + 1).trim() };
}
