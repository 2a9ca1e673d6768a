import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { mergeBilingual } from '../../src/senate/bilingual.ts';
import {
  compareField,
  IDENTITY_FIELDS,
  normaliseSpace,
  PAGE_FIELDS,
  pageJson,
  SHARED_FIELD_NAMES,
  SHARED_FIELDS,
  TEXT_FIELD_NAMES,
  TEXT_FIELDS,
  textsOf,
} from '../../src/senate/fields.ts';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import type { BilingualQuestion, QuestionPage, QuestionTexts } from '../../src/senate/question-record.ts';
import { allFixtures, REPO_ROOT } from '../fixtures/corpus.ts';

const fixtures = allFixtures().filter((f) => f.markup === 'table' && f.contentType === 'text/html');
const page = (name: string): QuestionPage => {
  const f = fixtures.find((x) => x.name === name)!;
  const r = parseQuestionPage({ body: f.body, contentType: f.contentType, lang: f.lang });
  if (!r.ok) throw new Error(r.message);
  return r.page;
};
const sorted = (keys: readonly string[]) => [...keys].sort();

describe('the field table', () => {
  describe('at compile time', () => {
    it('names every key of the record types, and nothing else', () => {
      expectTypeOf<keyof typeof TEXT_FIELDS>().toEqualTypeOf<keyof QuestionTexts>();
      expectTypeOf<keyof typeof SHARED_FIELDS | keyof typeof IDENTITY_FIELDS | 'texts'>().toEqualTypeOf<keyof BilingualQuestion>();
      expectTypeOf<keyof typeof PAGE_FIELDS>().toEqualTypeOf<keyof QuestionPage>();
    });
  });

  describe('against what the parser and the merge build', () => {
    it('has a field for every key of a parsed page, answered and with relations', () => {
      for (const name of ['5-4712-fr.txt', '5-611-nl.txt', '4-231-nl-SVPrintNLFR.txt']) {
        expect(sorted(Object.keys(page(name)))).toEqual(sorted(Object.keys(PAGE_FIELDS)));
      }
    });

    it('has a field for every key of a merged record and of its texts', () => {
      const q = mergeBilingual(page('5-3820-fr.txt'), page('5-3820-nl.txt'));
      expect(sorted(Object.keys(q))).toEqual(sorted([...Object.keys(IDENTITY_FIELDS), ...SHARED_FIELD_NAMES, 'texts']));
      expect(Object.keys(q.texts.fr!)).toEqual(TEXT_FIELD_NAMES);
      expect(Object.keys(q.texts.nl!)).toEqual(TEXT_FIELD_NAMES);
    });

    it('classes each page field as the table does (text fields per language, the rest shared or identity)', () => {
      for (const [name, scope] of Object.entries(PAGE_FIELDS)) {
        if (scope === 'text') expect(TEXT_FIELD_NAMES).toContain(name);
        else if (scope === 'shared') expect(SHARED_FIELD_NAMES).toContain(name);
        else expect([...Object.keys(IDENTITY_FIELDS), 'lang']).toContain(name);
      }
    });
  });

  describe('against the documentation', () => {
    it('lists the page fields in the order and with the names of docs/parse-output.md', () => {
      const doc = readFileSync(path.join(REPO_ROOT, 'docs/parse-output.md'), 'utf8');
      const documented = [...doc.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
      expect(documented).toEqual(Object.keys(PAGE_FIELDS));
    });
  });

  describe('pageJson', () => {
    it('prints a page with the documented keys in the documented order, nested keys included', () => {
      const p = page('5-4712-fr.txt');
      const json = pageJson({ ...p, author: { party: p.author.party, name: p.author.name } });
      expect(Object.keys(json)).toEqual(Object.keys(PAGE_FIELDS));
      expect(Object.keys(json.author as object)).toEqual(['name', 'party']);
      expect(Object.keys((json.relations as object[])[0]!)).toEqual(['kind', 'target', 'targetType', 'label']);
      expect(Object.keys(json.answer as object)).toEqual(['date', 'text', 'html']);
      expect(JSON.parse(JSON.stringify(json))).toEqual(JSON.parse(JSON.stringify(p)));
    });
  });

  describe('textsOf', () => {
    it('takes exactly the text fields of a page', () => {
      const p = page('5-4712-fr.txt');
      const t = textsOf(p);
      expect(Object.keys(t)).toEqual(TEXT_FIELD_NAMES);
      for (const name of TEXT_FIELD_NAMES) expect(t[name]).toBe(p[name]);
    });
  });

  describe('storage', () => {
    it('reads back what it writes, for every column-stored field', () => {
      const p = page('5-4712-fr.txt');
      for (const name of TEXT_FIELD_NAMES) {
        const f = TEXT_FIELDS[name] as unknown as { toColumns(v: unknown): unknown[]; fromColumns(v: unknown[]): unknown };
        expect(f.fromColumns(f.toColumns(p[name]))).toEqual(p[name]);
      }
      expect(TEXT_FIELDS.answer.fromColumns(TEXT_FIELDS.answer.toColumns(null))).toBeNull();
    });
  });
});

describe('compareField', () => {
  describe('on a text field', () => {
    it('tells a change of whitespace alone from a change of wording', () => {
      expect(compareField('subject', 'Prisons belges - Surpopulation', 'Prisons belges - Surpopulation')).toBe('same');
      expect(compareField('subject', 'Prisons  belges -\u00a0Surpopulation ', 'Prisons belges - Surpopulation')).toBe('whitespace');
      expect(compareField('subject', 'Prisons belges', 'Prisons françaises')).toBe('different');
      expect(compareField('questionText', 'Un.\n\nDeux.', 'Un. Deux.')).toBe('whitespace');
      expect(compareField('answer', { date: null, text: 'A  b', html: '<p>A b</p>' }, { date: null, text: 'A b', html: '<p>A b</p>' })).toBe('whitespace');
      expect(compareField('answer', null, { date: null, text: '', html: '' })).toBe('different');
    });
  });

  describe('on an exact field', () => {
    it('counts any difference, whitespace included', () => {
      expect(compareField('unknownLabels', ['Nieuw  label'], ['Nieuw label'])).toBe('different');
      expect(compareField('conflicts', [], [])).toBe('same');
      expect(compareField('repairs', 1, 2)).toBe('different');
    });
  });

  describe('on a field with nested objects', () => {
    it('ignores the order of object keys', () => {
      const r = { kind: 'reintroduced_as', target: '5-4712', targetType: 'written_question', label: 'Heringediend als' } as const;
      const shuffled = { label: r.label, targetType: r.targetType, target: r.target, kind: r.kind };
      expect(compareField('relations', [r], [shuffled])).toBe('same');
    });
  });
});

describe('normaliseSpace', () => {
  it('makes every run of whitespace one space and trims, in nested values', () => {
    expect(normaliseSpace({ a: ' x\t\ny\u200b', b: ['  z  '], c: 3, d: null })).toEqual({ a: 'x y', b: ['z'], c: 3, d: null });
  });
});
