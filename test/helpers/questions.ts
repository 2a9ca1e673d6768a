/** Bilingual question records for store tests: 5-3820 as the Senate printed it (closed, no answer), and 5-4712 answered. */
import type { QuestionInput } from '../../src/store/questions.ts';

export function question(overrides: Partial<QuestionInput> = {}): QuestionInput {
  return {
    id: '5-3820',
    legislature: 5,
    number: 3820,
    author: { name: 'Bert Anciaux', party: 'sp.a' },
    sentDate: '2011-11-28',
    status: 'closed',
    answerDeadline: null,
    originalLanguage: 'nl',
    events: [
      { date: '2011-11-28', type: 'sent', label: 'Verzending vraag' },
      { date: '2011-12-07', type: 'closed', label: 'Dossier gesloten' },
    ],
    relations: [{ kind: 'reintroduced_as', target: '5-4712', targetType: 'written_question', label: 'Heringediend als' }],
    answerDate: null,
    texts: {
      fr: {
        title: 'Question écrite n° 5-3820',
        addressee: 'au ministre de la Justice',
        subject: 'Prisons belges - Surpopulation - Quotas',
        keywords: ['établissement pénitentiaire', 'détenu'],
        questionText: 'Lors de récents conflits…\n\nVoici mes questions.',
        answer: null,
        repairs: 0,
        unknownLabels: [],
      },
      nl: {
        title: 'Schriftelijke vraag nr. 5-3820',
        addressee: 'aan de minister van Justitie',
        subject: 'Belgische gevangenissen - Overbezetting - Quota',
        keywords: ['strafgevangenis', 'gedetineerde'],
        questionText: 'Naar aanleiding van…\n\nHierover de volgende vragen:',
        answer: null,
        repairs: 1,
        unknownLabels: [],
      },
    },
    conflicts: [],
    ...overrides,
  };
}

export const answered = (): QuestionInput => {
  const q = question({ id: '5-4712', number: 4712, status: 'answered', answerDate: '2012-05-07', relations: [
    { kind: 'reintroduction_of', target: '5-3820', targetType: 'written_question', label: 'Herindiening van' },
    { kind: 'requalified_as', target: null, targetType: null, label: 'Requalifiée en' },
  ] });
  q.events = [...q.events.slice(0, 1), { date: '2012-05-07', type: 'answered', label: 'Antwoord' }];
  q.texts.nl!.answer = { date: '2012-05-07', text: 'Aantal\t2011\nBrussel\t12', html: '<table><tr><td>Aantal</td><td>2011</td></tr></table>' };
  return q;
};
