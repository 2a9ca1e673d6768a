import { describe, expect, it } from 'vitest';
import type { QuestionPage } from '../../src/senate/question-record.ts';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import { answerFromParts } from './answer-content.ts';
import { comparable } from './comparable.ts';
import { cleanRepairCount } from './damage.ts';
import { generateQuestions } from './generate.ts';
import { encodePage, MARKUPS, renderPage, type Block, type Markup } from './markup.ts';
import { pageBlocks } from './print-page.ts';

/** 5-3820 and 5-4712 as in samples/, reduced to a record. */
function sample(lang: 'fr' | 'nl', over: Partial<QuestionPage> = {}): QuestionPage {
  const fr = lang === 'fr';
  return {
    id: '6-788',
    legislature: 6,
    number: 788,
    lang,
    title: fr ? 'Question écrite n° 6-788' : 'Schriftelijke vraag nr. 6-788',
    author: { name: 'Petra De Sutter', party: 'Ecolo-Groen' },
    sentDate: '2015-12-18',
    addressee: fr ? 'à la ministre des Affaires sociales et de la Santé publique' : 'aan de minister van Sociale Zaken en Volksgezondheid',
    subject: fr ? 'Perturbateurs endocriniens - Tests complémentaires' : 'Hormoonverstoorders - Bijkomende tests',
    keywords: fr ? ['perturbateur endocrinien', 'hormone'] : ['hormoonverstoorder', 'officiële statistiek'],
    events: [
      { date: '2015-12-18', type: 'sent', label: fr ? 'Envoi question' : 'Verzending vraag' },
      { date: '2019-01-16', type: 'reminder', label: 'Rappel' },
      { date: '2019-01-20', type: 'answered', label: fr ? 'Réponse' : 'Antwoord' },
    ],
    answerDeadline: '2016-01-21',
    relations: [
      { kind: 'also_asked_to', target: '6-612', targetType: 'written_question', label: fr ? 'Aussi posée à' : 'Ook gesteld aan' },
      { kind: 'requalified_as', target: '6-4572', targetType: 'request_for_explanations', label: fr ? 'Requalifiée en' : 'Geherkwalificeerd als' },
    ],
    originalLanguage: 'nl',
    questionText: fr ? 'Premier paragraphe.\n\n1) Une question ?' : 'Eerste alinea over België.\n\n1) Een vraag?',
    answer: answerFromParts('2019-01-20', [
      { kind: 'p', text: fr ? 'Voici la réponse.' : 'Hier is het antwoord.' },
      { kind: 'table', rows: [['A', '1'], ['B', '2']], header: false },
    ]),
    status: 'answered',
    repairs: 0,
    unknownLabels: [],
    ...over,
  };
}

const texts = (blocks: Block[]): string[] => blocks.map((b) => (b.kind === 'text' ? b.text : b.kind === 'event' ? `${b.date}|${b.label}` : `[${b.kind}]`));

describe('pageBlocks', () => {
  it('prints a French page in the order and wording of the Senate', () => {
    expect(texts(pageBlocks(sample('fr')))).toEqual([
      'Version à imprimer bilingue Version à imprimer unilingue',
      'Question écrite n° 6-788',
      'de Petra De Sutter (Ecolo-Groen) du 18 décembre 2015',
      'à la ministre des Affaires sociales et de la Santé publique',
      'Perturbateurs endocriniens - Tests complémentaires',
      'perturbateur endocrinien',
      'hormone',
      'Chronologie',
      '18/12/2015|Envoi question (Fin du délai de réponse: 21/1/2016)',
      '16/1/2019|Rappel',
      '20/1/2019|Réponse',
      'Aussi posée à : question écrite 6-612',
      "Requalifiée en : demande d'explications 6-4572",
      'Question n° 6-788 du 18 décembre 2015 : (Question posée en néerlandais)',
      'Premier paragraphe.',
      '1) Une question ?',
      'Réponse reçue le 20 janvier 2019 :',
      'Voici la réponse.',
      '[table]',
    ]);
  });

  it('prints a Dutch page with its own wording and the deadline with a space before the parenthesis', () => {
    const lines = texts(pageBlocks(sample('nl')));
    expect(lines).toContain('van Petra De Sutter (Ecolo-Groen) d.d. 18 december 2015');
    expect(lines).toContain('18/12/2015|Verzending vraag (Einde van de antwoordtermijn: 21/1/2016 )');
    expect(lines).toContain('Ook gesteld aan : schriftelijke vraag 6-612');
    expect(lines).toContain('Geherkwalificeerd als : vraag om uitleg 6-4572');
    expect(lines).toContain('Vraag nr. 6-788 d.d. 18 december 2015 : (Vraag gesteld in het Nederlands)');
    expect(lines).toContain('Antwoord ontvangen op 20 januari 2019 :');
  });

  it('prints no answer heading for an unanswered question and no deadline when there is none', () => {
    const lines = texts(pageBlocks(sample('fr', { answer: null, answerDeadline: null, status: 'pending' })));
    expect(lines.some((l) => l.startsWith('Réponse reçue'))).toBe(false);
    expect(lines).toContain('18/12/2015|Envoi question');
  });

  it('prints a relation without a target as its bare label', () => {
    const lines = texts(pageBlocks(sample('fr', { relations: [{ kind: 'requalified_as', target: null, targetType: null, label: 'Requalifiée en' }] })));
    expect(lines).toContain('Requalifiée en :');
  });

  it('prints the source typo aôut on some French pages (numbers divisible by 5)', () => {
    const lines = texts(pageBlocks(sample('fr', { number: 790, id: '6-790', sentDate: '2015-08-01' })));
    expect(lines).toContain('de Petra De Sutter (Ecolo-Groen) du 1 aôut 2015');
  });

  it('prints an NL page with repairs using the damaged characters, leaving the answer clean', () => {
    const clean = sample('nl');
    const page = { ...clean, repairs: cleanRepairCount(clean) };
    expect(page.repairs).toBe(2); // België, officiële (family of 788: mac)
    const lines = texts(pageBlocks(page));
    expect(lines).toContain('officiŽle statistiek');
    expect(lines).toContain('Eerste alinea over BelgiŽ.');
    expect(lines).toContain('Hier is het antwoord.');
  });
});

/** The fake Senate is only useful if what it serves parses back into its ground truth. */
describe('generated → rendered → parsed', () => {
  const pairs = generateQuestions(300, { legislature: 8, seed: 11 });
  const pages = pairs.flatMap((p) => [p.fr, p.nl]);

  const roundTrip = (page: QuestionPage, markup: Markup): QuestionPage => {
    const body = encodePage(renderPage(pageBlocks(page), { markup, lang: page.lang }));
    const r = parseQuestionPage({ body, contentType: 'text/html; charset=windows-1252', lang: page.lang, expectedId: page.id });
    if (!r.ok) throw new Error(`${page.id}/${page.lang} (${markup}) not parsed: ${r.reason} ${r.message}`);
    return r.page;
  };

  for (const markup of MARKUPS) {
    it(`returns the ground truth for ${pages.length} pages in the ${markup} markup`, () => {
      for (const page of pages) {
        const [got, want] = comparable(roundTrip(page, markup), page, markup);
        expect(got).toEqual(want);
      }
    });
  }

  it('returns the damaged NL pages repaired, with their repair count', () => {
    const damaged = pages.filter((p) => p.repairs > 0);
    expect(damaged.length).toBeGreaterThan(5);
    for (const page of damaged) {
      const got = roundTrip(page, 'div');
      expect(got.repairs).toBe(page.repairs);
      expect(got.questionText).toBe(page.questionText);
    }
  });
});
