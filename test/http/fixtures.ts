/** Questions for the API tests: each fixture's words appear in it alone, so a search that finds another one is wrong. */
import type { QuestionInput } from '../../src/store/questions.ts';
import { upsertQuestion } from '../../src/store/questions.ts';
import type { Db } from '../../src/store/db.ts';

export interface Spec {
  id: string;
  status?: QuestionInput['status'];
  sentDate?: string | null;
  answerDeadline?: string | null;
  answerDate?: string | null;
  author?: string;
  party?: string | null;
  addressee?: { fr: string; nl: string };
  fr?: { subject: string; text: string; answer?: string } | null;
  nl?: { subject: string; text: string; answer?: string } | null;
  relations?: QuestionInput['relations'];
}

export function build(s: Spec): QuestionInput {
  const [legislature, number] = s.id.split('-').map(Number) as [number, number];
  const texts: QuestionInput['texts'] = {};
  for (const lang of ['fr', 'nl'] as const) {
    const t = s[lang] === undefined ? { subject: `Sujet ${s.id}`, text: `Texte ${s.id}` } : s[lang];
    if (!t) continue;
    texts[lang] = {
      // Not the Senate's "Schriftelijke vraag": every question would match a search for vragen.
      title: lang === 'fr' ? `Question écrite n° ${s.id}` : `Schriftelijk nr. ${s.id}`,
      addressee: s.addressee?.[lang] ?? null,
      subject: t.subject,
      keywords: [],
      questionText: t.text,
      answer: t.answer ? { date: s.answerDate ?? null, text: t.answer, html: `<p>${t.answer}</p>` } : null,
      repairs: 0,
      unknownLabels: [],
    };
  }
  const sent = s.sentDate === undefined ? '2024-01-01' : s.sentDate;
  return {
    id: s.id,
    legislature,
    number,
    author: { name: s.author ?? 'Anonyme Auteur', party: s.party === undefined ? null : s.party },
    sentDate: sent,
    status: s.status ?? 'pending',
    answerDeadline: s.answerDeadline ?? null,
    originalLanguage: 'fr',
    events: sent ? [{ date: sent, type: 'sent', label: 'Envoi question' }] : [],
    relations: s.relations ?? [],
    answerDate: s.answerDate ?? null,
    texts,
    conflicts: [],
  };
}

export async function store(db: Db, specs: readonly Spec[]): Promise<void> {
  for (const s of specs) await upsertQuestion(db, build(s), { parserVersion: 'test' });
}

/** The hand-made questions every filter is checked against. */
export const NAMED: Spec[] = [
  {
    id: '8-1',
    status: 'pending',
    sentDate: '2024-01-10',
    answerDeadline: '2024-02-10',
    author: 'Alice Dupont',
    party: 'PS',
    addressee: { fr: 'au ministre de la Justice', nl: 'aan de minister van Justitie' },
    fr: { subject: 'Prisons - Surpopulation', text: "J'attends une réponse claire du gouvernement sur les prisons." },
    nl: { subject: 'Gevangenissen - Overbevolking', text: 'Ik wacht op een duidelijk antwoord over de gevangenissen.' },
    relations: [
      { kind: 'reintroduced_as', target: '8-2', targetType: 'written_question', label: 'Réintroduite comme' },
      { kind: 'requalified_as', target: '8-999', targetType: 'written_question', label: 'Requalifiée en' },
    ],
  },
  {
    id: '8-2',
    status: 'answered',
    sentDate: '2024-02-01',
    answerDeadline: '2024-03-01',
    answerDate: '2024-03-05',
    author: 'Bert Peeters',
    party: 'N-VA',
    addressee: { fr: 'à la ministre de la Santé publique', nl: 'aan de minister van Volksgezondheid' },
    fr: { subject: 'Hôpitaux - Urgences', text: 'Combien de lits les hôpitaux comptent-ils?', answer: 'Les lits sont au nombre de 12.' },
    nl: { subject: 'Ziekenhuizen - Spoed', text: 'Ik heb een vraag over de ziekenhuizen.', answer: 'Er zijn 12 bedden.' },
  },
  {
    id: '8-3',
    status: 'pending',
    sentDate: '2024-03-15',
    answerDeadline: '2099-12-31',
    author: 'Alice Dupont',
    party: 'PS',
    addressee: { fr: 'au ministre de la Mobilité', nl: 'aan de minister van Mobiliteit' },
    fr: { subject: 'Trains - Retards', text: 'Les trains arrivent-ils à l’heure?' },
    nl: { subject: 'Treinen - Vertragingen', text: 'Komen de treinen op tijd?' },
  },
  {
    id: '7-10',
    status: 'closed',
    sentDate: '2019-05-02',
    author: 'Carla Janssens',
    party: 'Groen',
    addressee: { fr: 'au ministre de la Justice', nl: 'aan de minister van Justitie' },
    fr: { subject: 'Tribunaux - Arriéré', text: 'Quel est l’arriéré des tribunaux?' },
    nl: { subject: 'Rechtbanken - Achterstand', text: 'Wat is de achterstand van de rechtbanken?' },
  },
];
