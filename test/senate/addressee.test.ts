import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addresseeKey, addresseeQueryKeys, describeAddresseeKey, normaliseAddressee } from '../../src/senate/addressee.ts';

const SAMPLES = path.resolve('test/fixtures/senate/samples');
const ADDRESSEE_LINE = /^(à |au |aux |aan )/;

/** Every addressee line of the real pages (a bilingual print has two: FR then NL). */
function sampleAddressees(): { file: string; lines: string[] }[] {
  return readdirSync(SAMPLES)
    .filter((f) => f.endsWith('.txt'))
    .map((file) => ({ file, lines: readFileSync(path.join(SAMPLES, file), 'utf8').split('\n').map((l) => l.trim()).filter((l) => ADDRESSEE_LINE.test(l)) }))
    .filter((s) => s.lines.length > 0);
}

const key = (raw: string) => normaliseAddressee(raw)?.key;

describe('normaliseAddressee on the real pages', () => {
  const samples = sampleAddressees();

  it('finds the addressee lines of the samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(45);
  });

  it('knows the role and the main portfolio of every title printed in the samples', () => {
    const unknown = samples.flatMap((s) => s.lines).filter((l) => !normaliseAddressee(l)?.known || !normaliseAddressee(l)?.role);
    expect(unknown).toEqual([]);
  });

  it('gives the French and the Dutch title of each bilingual print one key', () => {
    const pairs = samples.filter((s) => s.file.includes('SVPrintNLFR'));
    expect(pairs.length).toBe(6);
    for (const { file, lines } of pairs) {
      expect(lines, file).toHaveLength(2);
      expect(key(lines[0]!), file).toBe(key(lines[1]!));
    }
  });

  it.each([
    ['au ministre de la Justice', 'minister:justice'],
    ['à la ministre de la Justice', 'minister:justice'],
    ['aan de minister van Justitie', 'minister:justice'],
    ['au ministre des Affaires étrangères', 'minister:foreign-affairs'],
    ['aan de minister van Buitenlandse Zaken', 'minister:foreign-affairs'],
    ['à la ministre de la Fonction publique et des Entreprises publiques', 'minister:civil-service'],
    ['aan de minister van Ambtenarenzaken en Overheidsbedrijven', 'minister:civil-service'],
    ['à la ministre de l\'Emploi', 'minister:employment'],
    ['aan de minister van Werk', 'minister:employment'],
    ['au secrétaire d\'État au Budget, à la Politique de migration et d\'asile, à la Politique des familles et aux Institutions culturelles fédérales', 'secretary-of-state:budget'],
    ['aan de staatssecretaris voor Begroting, Migratie- en asielbeleid, Gezinsbeleid en Federale Culturele Instellingen', 'secretary-of-state:budget'],
    [
      "au secrétaire d'État à l'Intégration sociale et à la Lutte contre la pauvreté, adjoint à la ministre des Affaires sociales et de la Santé publique, chargée de l'Intégration sociale",
      'secretary-of-state:social-integration',
    ],
    [
      'aan de staatssecretaris voor Maatschappelijke Integratie en Armoedebestrijding, toegevoegd aan de Minister van Sociale Zaken en Volksgezondheid, belast met Maatschappelijke Integratie',
      'secretary-of-state:social-integration',
    ],
    // The source's typo `dÉtat` (5-9422-fr).
    [
      'au secrétaire d\'Etat aux Affaires sociales, aux Familles et aux Personnes handicapées, chargé des Risques professionnels, et secrétaire dÉtat à la Politique scientifique, adjoint à la ministre des Affaires sociales et de la Santé publique',
      'secretary-of-state:social-affairs',
    ],
    ['au premier ministre', 'prime-minister'],
    ['aan de eerste minister', 'prime-minister'],
  ])('%s → %s', (raw, expected) => {
    expect(key(raw)).toBe(expected);
  });

  it('counts small variants of one title as one: a portfolio added, a tail, vice-prime minister', () => {
    const interior = [
      'aan de minister van Binnenlandse Zaken',
      'aan de vice-eersteminister en minister van Binnenlandse Zaken',
      'aan de vice-eersteminister en minister van Binnenlandse Zaken en Gelijke Kansen',
      "au ministre de l'Intérieur",
    ];
    expect(new Set(interior.map(key))).toEqual(new Set(['minister:interior']));
    const publicEnterprises = [
      'aan de minister van Overheidsbedrijven en Ontwikkelingssamenwerking, belast met Grote Steden',
      'aan de minister van Overheidsbedrijven, Wetenschapsbeleid en Ontwikkelingssamenwerking, belast met Grote Steden',
      'au ministre des Entreprises publiques et de la Coopération au développement, chargé des Grandes Villes',
    ];
    expect(new Set(publicEnterprises.map(key))).toEqual(new Set(['minister:public-enterprises']));
    const social = [
      'à la vice-première ministre et ministre des Affaires sociales et de la Santé publique',
      "à la vice-première ministre et ministre des Affaires sociales et de la Santé publique, chargée de l'Intégration sociale",
      'aan de vice-eersteminister en Minister van Sociale Zaken en Volksgezondheid',
      'à la ministre des Affaires sociales et de la Santé publique',
      'aan de minister van Sociale Zaken en Volksgezondheid',
    ];
    expect(new Set(social.map(key))).toEqual(new Set(['minister:social-affairs']));
  });

  it('keeps different portfolios and roles apart', () => {
    const keys = [
      'aan de minister van Justitie',
      'aan de minister van Buitenlandse Zaken',
      'aan de minister van Werk',
      'aan de staatssecretaris voor Begroting, Migratie- en asielbeleid',
      'aan de minister van Begroting',
      'au premier ministre',
    ].map(key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps every portfolio of the head, not the attributions', () => {
    expect(normaliseAddressee('aan de minister van Mobiliteit, belast met Belgocontrol en de Nationale Maatschappij der Belgische spoorwegen')).toEqual({
      key: 'minister:mobility',
      role: 'minister',
      portfolio: 'mobility',
      known: true,
      portfolios: ['mobility'],
    });
    expect(normaliseAddressee('à la ministre des Classes moyennes, des PME, des Indépendants et de l\'Agriculture')?.portfolios).toEqual([
      'middle-classes',
      'smes',
      'self-employed',
      'agriculture',
    ]);
  });

  it('slugs a portfolio the dictionary does not know, and marks it unknown', () => {
    expect(normaliseAddressee('au ministre de la Régie des Bâtiments')).toMatchObject({ key: 'minister:regie-des-batiments', known: false });
    expect(normaliseAddressee('')).toBeNull();
    expect(normaliseAddressee(null)).toBeNull();
  });
});

describe('addresseeKey of a question', () => {
  it('takes the key the dictionary knows, whichever language knows it', () => {
    expect(addresseeKey({ fr: 'au ministre de la Régie des Bâtiments', nl: 'aan de minister van Justitie' })).toBe('minister:justice');
    expect(addresseeKey({ fr: 'au ministre de la Justice', nl: null })).toBe('minister:justice');
  });

  it('falls back to the French slug, then the Dutch one, and is null without any title', () => {
    expect(addresseeKey({ fr: 'au ministre de la Régie des Bâtiments', nl: 'aan de minister van de Regie der Gebouwen' })).toBe('minister:regie-des-batiments');
    expect(addresseeKey({ nl: 'aan de minister van de Regie der Gebouwen' })).toBe('minister:regie-der-gebouwen');
    expect(addresseeKey({})).toBeNull();
  });
});

describe('addresseeQueryKeys', () => {
  it('reads a key, a title or a portfolio word', () => {
    expect(addresseeQueryKeys('minister:justice')).toContain('minister:justice');
    expect(addresseeQueryKeys('ministre de la Justice')).toContain('minister:justice');
    expect(addresseeQueryKeys('Justitie')).toEqual(expect.arrayContaining(['minister:justice', 'secretary-of-state:justice']));
    expect(addresseeQueryKeys('Smith')).toEqual([]);
  });
});

describe('describeAddresseeKey', () => {
  it('names a key in words', () => {
    expect(describeAddresseeKey('minister:justice')).toBe('Minister of Justice');
    expect(describeAddresseeKey('secretary-of-state:budget')).toBe('Secretary of State for Budget');
    expect(describeAddresseeKey('prime-minister')).toBe('Prime Minister');
    expect(describeAddresseeKey('minister:regie-des-batiments')).toBe('Minister of regie des batiments');
    expect(describeAddresseeKey(null)).toBe('(no addressee)');
  });
});
