import { describe, expect, it } from 'vitest';
import { languageScore, splitFrNl, splitMergedSubject } from '../../src/senate/language.ts';

describe('language', () => {
  it('scores French positive and Dutch negative', () => {
    expect(languageScore('Le ministre peut-il me procurer cette note ?')).toBeGreaterThan(0);
    expect(languageScore('Kan de geachte minister mij deze nota bezorgen?')).toBeLessThan(0);
  });

  it('finds where French paragraphs end and Dutch ones begin', () => {
    const paras = ['Le ministre peut-il me procurer cette note ?', 'Comment évalue-t-il les résultats de cette note ?', 'Kan de geachte minister mij deze nota bezorgen?', 'Hoe evalueert hij de resultaten van deze nota?'];
    expect(splitFrNl(paras.map(languageScore), paras.map((p) => p.length))).toBe(2);
  });

  it.each([
    ['SNCB - Passages à niveaux - Suicides NMBS - Overwegen - Ongevallen - Zelfdodingen', 'SNCB - Passages à niveaux - Suicides', 'NMBS - Overwegen - Ongevallen - Zelfdodingen'],
    ['Prisons - Surpopulation - Chiffres - Mesures Gevangenissen - Overbevolking - Cijfers - Maatregelen', 'Prisons - Surpopulation - Chiffres - Mesures', 'Gevangenissen - Overbevolking - Cijfers - Maatregelen'],
    ["Demandeurs d'asile - Utilisation de la caserne de Knokke-Heist Asielzoekers - Gebruik van de Rijkswachtkazerne van Knokke-Heist", "Demandeurs d'asile - Utilisation de la caserne de Knokke-Heist", 'Asielzoekers - Gebruik van de Rijkswachtkazerne van Knokke-Heist'],
  ])('cuts the bilingual subject line %s', (line, fr, nl) => {
    expect(splitMergedSubject(line)).toEqual({ fr, nl });
  });
});
