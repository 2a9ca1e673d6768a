import { describe, expect, it } from 'vitest';
import { allFixtures } from '../fixtures/corpus.ts';
import { challengePage, binaryBody } from '../fake-senate/fault-bodies.ts';
import { mergeBilingual } from '../../src/senate/bilingual.ts';
import { parseQuestionPage } from '../../src/senate/question-page.ts';
import { describeNonPage, judgePage, planStore } from '../../src/senate/quality.ts';
import type { QuestionPage } from '../../src/senate/question-record.ts';

const fixtures = allFixtures().filter((f) => f.markup === 'div' && f.contentType === 'text/html');
const page = (name: string): QuestionPage => {
  const f = fixtures.find((x) => x.name === name)!;
  const r = parseQuestionPage({ body: f.body, contentType: f.contentType, lang: f.lang });
  if (!r.ok) throw new Error(r.message);
  return r.page;
};

const fr = page('5-611-fr-SVPrintNLFR.txt');
const nl = page('5-611-nl.txt');
const stored = mergeBilingual(fr, nl);
const answerOf = (p: QuestionPage) => p.answer!;

describe('judgePage', () => {
  it('has an answered question to judge against (a precondition)', () => {
    expect(answerOf(nl).text.length).toBeGreaterThan(200);
    expect(nl.subject).toBeTruthy();
  });

  describe('stores', () => {
    it('the same page again', () => {
      expect(judgePage(nl, stored)).toEqual({ store: true, reasons: [] });
    });

    it('any page of a question not stored, or not stored in that language', () => {
      const damaged = { ...nl, subject: 'Onder\uFFFDwerp' };
      expect(judgePage(damaged, null).store).toBe(true);
      expect(judgePage(damaged, mergeBilingual(fr, null)).store).toBe(true);
    });

    it('a page that repairs a text stored with replacement characters', () => {
      const damagedStore = mergeBilingual(fr, { ...nl, subject: `${nl.subject!.slice(0, 3)}\uFFFD${nl.subject!.slice(4)}` });
      expect(judgePage(nl, damagedStore).store).toBe(true);
    });

    it('real changes: an answer that arrives, a corrected subject, an answer rewritten', () => {
      const unanswered = mergeBilingual(fr, { ...nl, answer: null });
      expect(judgePage(nl, unanswered).store).toBe(true);
      expect(judgePage({ ...nl, subject: 'Een ander onderwerp' }, stored).store).toBe(true);
      const rewritten = `Het geachte lid verwijs ik naar ${answerOf(nl).text.slice(40)}`;
      expect(judgePage({ ...nl, answer: { ...answerOf(nl), text: rewritten } }, stored).store).toBe(true);
    });
  });

  describe('holds back', () => {
    it('a page with more replacement characters than the stored text (a lying charset)', () => {
      const v = judgePage({ ...nl, questionText: nl.questionText.replace(/e/g, '\uFFFD') }, stored);
      expect(v.store).toBe(false);
      expect(v.reasons).toEqual([expect.stringMatching(/replacement character/)]);
    });

    it('a page that lost its answer, or its subject and its keywords at once', () => {
      expect(judgePage({ ...nl, answer: null }, stored).reasons).toEqual(['answer lost']);
      expect(judgePage({ ...nl, subject: null, addressee: null }, stored).reasons).toEqual(['subject lost', 'addressee lost']);
      if (nl.keywords.length > 0) expect(judgePage({ ...nl, subject: null, keywords: [] }, stored).reasons).toContain('keywords lost');
    });

    it('but not a page that lost one small field alone: stored, the change history keeps the value (source_field_missing)', () => {
      expect(judgePage({ ...nl, subject: null }, stored)).toEqual({ store: true, reasons: [] });
      if (nl.keywords.length > 0) expect(judgePage({ ...nl, keywords: [] }, stored)).toEqual({ store: true, reasons: [] });
    });

    it('a page whose answer is a cut-short copy of the stored one, however little is missing', () => {
      const text = answerOf(nl).text;
      const v = judgePage({ ...nl, answer: { ...answerOf(nl), text: text.slice(0, text.length - 10) } }, stored);
      expect(v).toEqual({ store: false, reasons: [expect.stringMatching(/^answer is cut short \(\d+ < \d+ chars/)] });
    });

    it('a page whose question text is much shorter on an unchanged frame', () => {
      const long = { ...nl, questionText: `${nl.questionText}\n\n${'Bijkomende vraag over de cijfers. '.repeat(10)}` };
      const v = judgePage({ ...long, questionText: 'Iets heel anders en kort.' }, mergeBilingual(fr, long));
      expect(v.reasons).toEqual([expect.stringMatching(/^question text is much shorter/)]);
    });
  });

  describe('when the page was read from the very bytes the stored text came from (reparse)', () => {
    it('lets a newer parser read less, but never more replacement characters', () => {
      const text = answerOf(nl).text;
      expect(judgePage({ ...nl, answer: { ...answerOf(nl), text: text.slice(0, 50) } }, stored, { sameSource: true }).store).toBe(true);
      expect(judgePage({ ...nl, subject: '\uFFFD' }, stored, { sameSource: true }).store).toBe(false);
    });
  });
});

describe('planStore', () => {
  it('keeps the good language and holds back the worse one, with its reasons', () => {
    const plan = planStore({ fr, nl: { ...nl, answer: null } }, stored);
    expect(plan.pages).toEqual({ fr, nl: null });
    expect(plan.heldBack).toEqual({ nl: ['answer lost'] });
  });
});

describe('describeNonPage', () => {
  it('names a challenge page, a binary document and a body announced as something else', () => {
    expect(describeNonPage(Buffer.from(challengePage('www.senate.be')), 'text/html; charset=UTF-8')).toBe('a browser challenge page');
    expect(describeNonPage(binaryBody('pdf').body, 'text/html')).toMatch(/binary data/);
    expect(describeNonPage(binaryBody('gzip').body, 'text/html')).toMatch(/binary data/);
    expect(describeNonPage(Buffer.from('x'), 'application/pdf')).toBe('not HTML (application/pdf)');
  });

  it('says nothing of an HTML page, even an error page', () => {
    expect(describeNonPage(Buffer.from('<html><body><p>De gevraagde pagina bestaat niet.</p></body></html>'), 'text/html')).toBeNull();
    expect(describeNonPage(fixtures[0]!.body, fixtures[0]!.contentType)).toBeNull();
  });
});
