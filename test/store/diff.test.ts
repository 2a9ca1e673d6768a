import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeBilingual } from '../../src/senate/bilingual.ts';
import { SHARED_FIELD_NAMES, TEXT_FIELD_NAMES, type SharedFieldName, type TextFieldName } from '../../src/senate/fields.ts';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import type { QuestionPage, QuestionTexts } from '../../src/senate/question-record.ts';
import { diffQuestion } from '../../src/store/diff.ts';
import { contentHashes, getQuestions, upsertQuestion, type QuestionInput } from '../../src/store/questions.ts';
import { allFixtures } from '../fixtures/corpus.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { question } from '../helpers/questions.ts';

/** 5-3820 with an answer in both languages, so that every field has a value to change. */
function record(): QuestionInput {
  const q = question();
  q.texts.fr!.answer = { date: '2013-12-17', text: "L'idée du quota n'est pas neuve.", html: "<p>L'idée du quota n'est pas neuve.</p>" };
  q.texts.nl!.answer = { date: '2013-12-17', text: 'Het idee van quota is niet nieuw.', html: '<p>Het idee van quota is niet nieuw.</p>' };
  return q;
}

/** Another value for every shared field; a field added to the table must be added here. */
const OTHER_SHARED: { [K in SharedFieldName]: QuestionInput[K] } = {
  author: { name: 'Bert Anciaux', party: 'Groen' },
  sentDate: '2011-12-29',
  status: 'requalified',
  answerDeadline: '2012-01-27',
  originalLanguage: 'fr',
  events: [{ date: '2011-12-28', type: 'sent', label: 'Verzending vraag' }],
  relations: [],
  answerDate: '2013-12-18',
  conflicts: ['sentDate: fr "2011-12-28" ≠ nl "2011-12-29"'],
};

/** Another value for every text field; a field added to the table must be added here. */
const OTHER_TEXT: { [K in TextFieldName]: QuestionTexts[K] } = {
  title: 'Schriftelijke vraag nr. 5-4713',
  addressee: 'aan de minister van Binnenlandse Zaken',
  subject: 'Belgische gevangenissen - Overbevolking',
  keywords: ['strafgevangenis'],
  questionText: 'Naar aanleiding van…\n\nHierover deze vragen:',
  answer: null,
  repairs: 2,
  unknownLabels: ['Nieuw label'],
};

describe('diffQuestion', () => {
  describe('when one shared field changes', () => {
    it.each(SHARED_FIELD_NAMES)('reports %s, and only it, as a change of the question', (field) => {
      const after = { ...record(), [field]: OTHER_SHARED[field] };
      expect(diffQuestion(record(), after)).toEqual([{ lang: null, field, old: record()[field], new: OTHER_SHARED[field], whitespaceOnly: false }]);
      expect(contentHashes(after).shared).not.toBe(contentHashes(record()).shared);
    });
  });

  describe('when one text field changes in one language', () => {
    it.each(TEXT_FIELD_NAMES)('reports %s of that language, and only it', (field) => {
      const after = record();
      after.texts.nl = { ...after.texts.nl!, [field]: OTHER_TEXT[field] };
      expect(diffQuestion(record(), after)).toEqual([{ lang: 'nl', field, old: record().texts.nl![field], new: OTHER_TEXT[field], whitespaceOnly: false }]);
      const [before, now] = [contentHashes(record()), contentHashes(after)];
      expect(now.texts.nl).not.toBe(before.texts.nl);
      expect(now.texts.fr).toBe(before.texts.fr);
    });
  });

  describe('when only fields the old diff ignored change', () => {
    it('reports conflicts and unknownLabels, which the content hashes count', () => {
      const after = record();
      after.conflicts = ['status: fr answered ≠ nl pending'];
      after.texts.fr!.unknownLabels = ['Rappel bis'];
      expect(diffQuestion(record(), after).map((c) => [c.lang, c.field])).toEqual([
        [null, 'conflicts'],
        ['fr', 'unknownLabels'],
      ]);
    });
  });

  describe('when a text field changes only in whitespace', () => {
    it('reports it, marked whitespaceOnly', () => {
      const after = record();
      after.texts.fr!.questionText = 'Lors de récents  conflits…\nVoici mes questions. ';
      after.texts.fr!.answer = { ...after.texts.fr!.answer!, html: "<p>L'idée du quota  n'est pas neuve.</p>" };
      expect(diffQuestion(record(), after)).toEqual([
        expect.objectContaining({ lang: 'fr', field: 'questionText', whitespaceOnly: true }),
        expect.objectContaining({ lang: 'fr', field: 'answer', whitespaceOnly: true }),
      ]);
    });

    it('does not mark a change of wording whitespaceOnly', () => {
      const after = record();
      after.texts.fr!.subject = 'Prisons belges - Surpopulation';
      expect(diffQuestion(record(), after)).toEqual([expect.objectContaining({ field: 'subject', whitespaceOnly: false })]);
    });
  });

  describe('when a language is missing from the new version', () => {
    it('reports nothing for it (a language not fetched is kept as stored)', () => {
      const after = record();
      delete after.texts.nl;
      expect(diffQuestion(record(), after)).toEqual([]);
    });
  });

  describe('when a language appears', () => {
    it('reports every text field of it, from null', () => {
      const before = record();
      delete before.texts.nl;
      const changes = diffQuestion(before, record());
      expect(changes.map((c) => c.field)).toEqual(TEXT_FIELD_NAMES);
      expect(changes.every((c) => c.lang === 'nl' && c.old === null)).toBe(true);
    });
  });

  describe('when there is no stored version', () => {
    it('reports every field of the table, shared and per language', () => {
      const changes = diffQuestion(null, record());
      expect(changes.map((c) => `${c.lang ?? '-'} ${c.field}`)).toEqual([
        ...SHARED_FIELD_NAMES.map((f) => `- ${f}`),
        ...TEXT_FIELD_NAMES.map((f) => `fr ${f}`),
        ...TEXT_FIELD_NAMES.map((f) => `nl ${f}`),
      ]);
    });
  });

  describe('when objects carry the same values in another key order', () => {
    it('reports nothing', () => {
      const after = record();
      after.author = { party: 'sp.a', name: 'Bert Anciaux' };
      after.relations = after.relations.map((r) => ({ label: r.label, targetType: r.targetType, target: r.target, kind: r.kind }));
      expect(diffQuestion(record(), after)).toEqual([]);
    });
  });
});

describe('diffQuestion and the content hashes, over the fixture corpus', () => {
  const pages = allFixtures().flatMap((f) => {
    const r = parseQuestionPage({ body: f.body, contentType: f.contentType, lang: f.lang });
    return r.ok ? [r.page] : [];
  });
  const records = pages.map((p: QuestionPage) => (p.lang === 'fr' ? mergeBilingual(p, null) : mergeBilingual(null, p)));
  let t: TestDb;
  beforeAll(async () => {
    t = await pgTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('agree: two versions differ in a field exactly when their hashes differ', () => {
    let compared = 0;
    let differing = 0;
    for (const a of records) {
      for (const b of records) {
        if (a.id !== b.id || Object.keys(a.texts)[0] !== Object.keys(b.texts)[0]) continue;
        const [ha, hb] = [contentHashes(a), contentHashes(b)];
        const sameHashes = JSON.stringify(ha) === JSON.stringify(hb);
        expect(diffQuestion(a, b).length === 0).toBe(sameHashes);
        compared++;
        if (!sameHashes) differing++;
      }
    }
    expect(compared).toBeGreaterThan(records.length);
    expect(differing).toBeGreaterThan(0);
  });

  it('finds no difference between a parsed record and the same record read back from PostgreSQL', async () => {
    const seen = new Set<string>();
    const unique = records.filter((r) => !seen.has(r.id) && seen.add(r.id));
    for (const r of unique) await upsertQuestion(t.db, r, { parserVersion: 'test' });
    const stored = await getQuestions(t.db, unique.map((r) => r.id));
    expect(stored).toHaveLength(unique.length);
    for (const s of stored) expect(diffQuestion(s, unique.find((r) => r.id === s.id)!)).toEqual([]);
  });
});
