/**
 * The damaged characters of the Senate's Dutch pages (docs/anatomy.md, "Damaged characters"):
 * text once decoded with the wrong code page. The ground truth holds the repaired text and
 * the number of repaired tokens; the served page shows the damage. This module is the
 * inverse of the parser's repair, for the families the generator uses.
 */
import type { QuestionPage } from '../../src/senate/question-record.ts';

export type DamageFamily = 'mac' | 'dos' | 'baltic';

const FAMILIES: Record<DamageFamily, Readonly<Record<string, string>>> = {
  // Mac Central European read as Windows-1252: BelgiŽ, comitť.
  mac: { 'ë': 'Ž', 'é': 'ť' },
  // DOS code pages 850/852: CÚcile, ge´ntegreerd.
  dos: { 'é': 'Ú', 'ï': '´' },
  // Baltic code page 1257.
  baltic: { 'ï': 'ļ', 'ë': 'ė' },
};

/** One family per page, chosen from the number so that printing stays a pure function of the record. */
export function damageFamily(number: number): DamageFamily {
  return (['mac', 'mac', 'dos', 'baltic'] as const)[number % 4]!;
}

export function damageText(text: string, family: DamageFamily): string {
  const map = FAMILIES[family];
  let out = '';
  for (const ch of text) out += map[ch] ?? ch;
  return out;
}

function isDamageable(ch: string, family: DamageFamily): boolean {
  return FAMILIES[family][ch] !== undefined;
}

/** The NL fields that carry damage on real pages; answers are usually clean. */
export function damagedFields(page: Pick<QuestionPage, 'subject' | 'keywords' | 'questionText'>): string[] {
  return [page.subject ?? '', ...page.keywords, page.questionText];
}

/** Whitespace-separated tokens that damage would touch, and the characters it would touch. */
export function damageCounts(texts: readonly string[], family: DamageFamily): { tokens: number; chars: number } {
  let tokens = 0;
  let chars = 0;
  for (const text of texts) {
    for (const token of text.split(/\s+/)) {
      let n = 0;
      for (const ch of token) if (isDamageable(ch, family)) n++;
      if (n > 0) tokens++;
      chars += n;
    }
  }
  return { tokens, chars };
}

/**
 * The repair count a parser must report if this NL page is served damaged, or 0 when the page
 * should not be damaged: we only damage pages where every touched token holds exactly one
 * damaged character, so "tokens repaired" and "characters repaired" agree whichever the
 * parser counts.
 */
export function cleanRepairCount(page: Pick<QuestionPage, 'number' | 'subject' | 'keywords' | 'questionText'>): number {
  const { tokens, chars } = damageCounts(damagedFields(page), damageFamily(page.number));
  return tokens === chars ? tokens : 0;
}
