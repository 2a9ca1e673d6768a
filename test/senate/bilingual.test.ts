import { describe, expect, it } from 'vitest';
import { allFixtures } from '../fixtures/corpus.ts';
import { mergeBilingual } from '../../src/senate/bilingual.ts';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import type { QuestionPage } from '../../src/senate/question-record.ts';

const fixtures = allFixtures().filter((f) => f.markup === 'div' && f.contentType === 'text/html');
const page = (name: string): QuestionPage => {
  const f = fixtures.find((x) => x.name === name)!;
  const r = parseQuestionPage({ body: f.body, contentType: f.contentType, lang: f.lang });
  if (!r.ok) throw new Error(r.message);
  return r.page;
};

describe('mergeBilingual', () => {
  it('builds one record from the FR and NL pages of 5-3820 with no conflicts', () => {
    const q = mergeBilingual(page('5-3820-fr.txt'), page('5-3820-nl.txt'));
    expect(q).toMatchObject({ id: '5-3820', legislature: 5, number: 3820, author: { name: 'Bert Anciaux', party: 'sp.a' }, sentDate: '2011-11-28', status: 'closed', originalLanguage: 'nl', conflicts: [] });
    expect(q.relations).toEqual([{ kind: 'reintroduced_as', target: '5-4712', targetType: 'written_question', label: 'Réintroduite comme' }]);
    expect(q.texts.fr?.subject).toBe('Prisons belges - Surpopulation - Quotas');
    expect(q.texts.nl?.subject).toBe('Belgische gevangenissen - Overbezetting - Quota');
  });

  it('takes the deadline from the page that prints it, without a conflict', () => {
    const q = mergeBilingual(page('5-611-fr-SVPrintNLFR.txt'), page('5-611-nl.txt'));
    expect(q.conflicts).toEqual([]);
    expect(q.answerDate).toBe('2011-01-31');
    expect(q.status).toBe('answered');
  });

  it('lists disagreements instead of throwing', () => {
    const fr = page('5-3820-fr.txt');
    const nl = { ...page('5-3820-nl.txt'), sentDate: '2011-11-29', author: { name: 'Bert Anciaux', party: 'Groen' } };
    const q = mergeBilingual(fr, nl);
    expect(q.conflicts).toEqual(['author.party: fr "sp.a" ≠ nl "Groen"', 'sentDate: fr "2011-11-28" ≠ nl "2011-11-29"']);
    expect(q.sentDate).toBe('2011-11-28');
  });

  it('works with one language only', () => {
    const q = mergeBilingual(null, page('7-2095-nl.txt'));
    expect(Object.keys(q.texts)).toEqual(['nl']);
    expect(q.status).toBe('pending');
    expect(q.answerDeadline).toBe('2023-08-21');
  });

  it('refuses to merge nothing', () => {
    expect(() => mergeBilingual(null, null)).toThrow(/at least one page/);
  });
});
