import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { questionUrl } from '../../src/senate/urls.ts';
import { generateQuestions, type QuestionPair } from './generate.ts';
import { get } from './http-client.ts';
import { listingPath } from './listing.ts';
import { startFakeSenate, type FakeSenate } from './server.ts';

const PAIRS = generateQuestions(400, { legislature: 8, seed: 21 });
const pending = PAIRS.filter((p) => p.fr.status === 'pending');

describe('the scripting API', () => {
  let senate: FakeSenate;
  beforeAll(async () => {
    senate = await startFakeSenate({ questions: PAIRS });
  });
  afterAll(() => senate.close());
  const fetchPage = async (id: string, lang: 'fr' | 'nl'): Promise<string> => (await get(questionUrl(senate.url, id, lang))).text;

  describe('when the answer arrives in one language, then in the other', () => {
    const id = pending[0]!.fr.id;

    it('shows the answer on the French page only, and the Dutch page keeps showing none', async () => {
      senate.answerArrives(id, { lang: 'fr', date: '2026-11-20', text: 'Première réponse.\n\nDeuxième paragraphe.' });
      const truth = senate.groundTruth(id)!;
      expect(truth.fr.status).toBe('answered');
      expect(truth.fr.answer).toEqual({ date: '2026-11-20', text: 'Première réponse.\n\nDeuxième paragraphe.', html: '<p>Première réponse.</p>\n<p>Deuxième paragraphe.</p>' });
      expect(truth.fr.events.at(-1)).toEqual({ date: '2026-11-20', type: 'answered', label: 'Réponse' });
      expect(truth.nl.answer).toBeNull();
      expect(truth.nl.status).toBe('pending');
      expect(await fetchPage(id, 'fr')).toContain('Réponse reçue le 20 novembre 2026 :');
      expect(await fetchPage(id, 'nl')).not.toContain('Antwoord ontvangen');
    });

    it('shows it on the Dutch page once the Dutch text arrives', async () => {
      senate.answerArrives(id, { lang: 'nl', date: '2026-11-20', text: 'Eerste antwoord.\n\nA\t1\nB\t2' });
      const truth = senate.groundTruth(id)!;
      expect(truth.nl.status).toBe('answered');
      expect(truth.nl.answer!.html).toBe('<p>Eerste antwoord.</p>\n<table>\n<tr><td>A</td><td>1</td></tr>\n<tr><td>B</td><td>2</td></tr>\n</table>');
      expect(truth.nl.events.map((e) => e.type)).toEqual(truth.fr.events.map((e) => e.type));
      const nl = await fetchPage(id, 'nl');
      expect(nl).toContain('Antwoord ontvangen op 20 november 2026 :');
      expect(nl).toContain('<td>B</td>');
    });
  });

  it('answers both languages at once, with a text per language', () => {
    const id = pending[1]!.fr.id;
    senate.answerArrives(id, { lang: 'both', date: '2026-11-21', text: { fr: 'Réponse.', nl: 'Antwoord.' } });
    const truth = senate.groundTruth(id)!;
    expect([truth.fr.answer!.text, truth.nl.answer!.text]).toEqual(['Réponse.', 'Antwoord.']);
  });

  it('corrects a subject on one page, in the listing too', async () => {
    const id = PAIRS.at(-1)!.fr.id;
    senate.correctSubject(id, 'nl', 'Gecorrigeerd onderwerp');
    expect(senate.groundTruth(id)!.nl.subject).toBe('Gecorrigeerd onderwerp');
    expect(senate.groundTruth(id)!.fr.subject).toBe(PAIRS.at(-1)!.fr.subject);
    expect(await fetchPage(id, 'nl')).toContain('Gecorrigeerd onderwerp');
    expect((await get(senate.url + listingPath(8, 'nl', 1))).text).toContain('Gecorrigeerd onderwerp');
  });

  it('recounts the repairs when the subject of a damaged page is corrected', () => {
    const damaged = PAIRS.find((p) => p.nl.repairs > 0 && /[ëéï]/.test(p.nl.subject ?? ''))!;
    expect(damaged).toBeDefined();
    senate.correctSubject(damaged.nl.id, 'nl', 'Zonder bijzondere tekens');
    expect(senate.groundTruth(damaged.nl.id)!.nl.repairs).toBeLessThan(damaged.nl.repairs);
  });

  it('hands out copies of the ground truth, not the store itself', () => {
    const id = PAIRS[0]!.fr.id;
    const truth = senate.groundTruth(id)!;
    truth.fr.subject = 'changed by the test';
    expect(senate.groundTruth(id)!.fr.subject).toBe(PAIRS[0]!.fr.subject);
  });

  it('adds a question, which then is served and listed', async () => {
    const extra: QuestionPair = generateQuestions(1, { legislature: 8, seed: 99, startNumber: 900 })[0]!;
    senate.addQuestion(extra);
    expect(senate.ids().at(-1)).toBe('8-900');
    expect(await fetchPage('8-900', 'fr')).toContain('Question écrite n° 8-900');
  });

  it('changes the markup of every page at once', async () => {
    senate.setMarkup('*', 'div');
    try {
      expect(await fetchPage(PAIRS[5]!.fr.id, 'fr')).toContain('<div id="content">');
      expect(await fetchPage(PAIRS[6]!.fr.id, 'nl')).toContain('<div id="content">');
    } finally {
      senate.setMarkup('*', 'table');
    }
  });

  it('refuses to script a question it does not have', () => {
    expect(() => senate.answerArrives('8-5000', { lang: 'fr', date: '2026-01-01', text: 'x' })).toThrow('no question 8-5000');
    expect(() => senate.setMarkup('nonsense', 'br')).toThrow('not a question id');
  });
});
