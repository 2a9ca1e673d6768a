import { describe, expect, it } from 'vitest';
import type { QuestionPage } from '../../src/senate/question-record.ts';
import { deriveStatus, generateQuestions, type QuestionPair } from './generate.ts';
import { pageBlocks } from './print-page.ts';

const LEG8 = generateQuestions(2000, { legislature: 8, seed: 42 });
const LEG7 = generateQuestions(2000, { legislature: 7, seed: 42 });
const byId = (pairs: QuestionPair[]): Map<string, QuestionPair> => new Map(pairs.map((p) => [p.fr.id, p]));
const share = (pairs: QuestionPair[], pred: (p: QuestionPair) => boolean): number => pairs.filter(pred).length / pairs.length;

describe('generateQuestions', () => {
  describe('determinism', () => {
    it('returns the same records for the same seed', () => {
      expect(generateQuestions(300, { legislature: 8, seed: 7 })).toEqual(generateQuestions(300, { legislature: 8, seed: 7 }));
    });

    it('returns different records for another seed', () => {
      const a = generateQuestions(50, { legislature: 8, seed: 7 });
      const b = generateQuestions(50, { legislature: 8, seed: 8 });
      expect(a.map((p) => p.fr.subject)).not.toEqual(b.map((p) => p.fr.subject));
    });

    it('numbers questions consecutively from startNumber', () => {
      const pairs = generateQuestions(20, { legislature: 5, seed: 1, startNumber: 3000 });
      expect(pairs.map((p) => p.fr.id)).toEqual(Array.from({ length: 20 }, (_, i) => `5-${3000 + i}`));
    });

    it('generates 10,000 questions in a few seconds', () => {
      const t0 = performance.now();
      const pairs = generateQuestions(10_000, { legislature: 8, seed: 1 });
      expect(pairs).toHaveLength(10_000);
      expect(performance.now() - t0).toBeLessThan(5_000);
    });
  });

  describe('the two languages of one question', () => {
    it('agree on author, dates, events, deadline, relations and status', () => {
      for (const { fr, nl } of LEG8) {
        expect(nl.author).toEqual(fr.author);
        expect(nl.sentDate).toBe(fr.sentDate);
        expect(nl.answerDeadline).toBe(fr.answerDeadline);
        expect(nl.events.map((e) => [e.date, e.type])).toEqual(fr.events.map((e) => [e.date, e.type]));
        expect(nl.relations.map((r) => [r.kind, r.target, r.targetType])).toEqual(fr.relations.map((r) => [r.kind, r.target, r.targetType]));
        expect(nl.status).toBe(fr.status);
        expect(nl.originalLanguage).toBe(fr.originalLanguage);
        expect(nl.keywords).toHaveLength(fr.keywords.length);
      }
    });

    it('translate labels, subject and texts', () => {
      const { fr, nl } = LEG8[0]!;
      expect(fr.title).toBe(`Question écrite n° ${fr.id}`);
      expect(nl.title).toBe(`Schriftelijke vraag nr. ${nl.id}`);
      expect(fr.events[0]!.label).toBe('Envoi question');
      expect(nl.events[0]!.label).toBe('Verzending vraag');
      expect(fr.subject).not.toBe(nl.subject);
      expect(fr.questionText).not.toBe(nl.questionText);
    });
  });

  describe('the mix', () => {
    it('has about 55% answered questions, some with a table in the answer', () => {
      expect(share(LEG8, (p) => p.fr.status === 'answered')).toBeGreaterThan(0.45);
      expect(share(LEG8, (p) => p.fr.status === 'answered')).toBeLessThan(0.65);
      expect(share(LEG8, (p) => p.fr.answer?.html.includes('<table>') ?? false)).toBeGreaterThan(0.05);
      expect(share(LEG8, (p) => p.fr.answer?.html.includes('<ul>') || p.fr.answer?.html.includes('<ol>') || false)).toBeGreaterThan(0.02);
    });

    it('has pending questions with deadlines both past and future (as of 2026-11-15)', () => {
      const pending = LEG8.filter((p) => p.fr.status === 'pending');
      expect(pending.some((p) => p.fr.answerDeadline! < '2026-11-15')).toBe(true);
      expect(pending.some((p) => p.fr.answerDeadline! > '2026-11-15')).toBe(true);
      expect(pending.some((p) => p.fr.events.some((e) => e.type === 'reminder'))).toBe(true);
    });

    it('closes questions and re-submits them under a later number, linked both ways', () => {
      const ids = byId(LEG8);
      const forward = LEG8.flatMap((p) => p.fr.relations.filter((r) => r.kind === 'reintroduced_as').map((r) => [p, r.target!] as const));
      expect(forward.length).toBeGreaterThan(20);
      for (const [closed, target] of forward) {
        expect(closed.fr.status).toBe('closed');
        const next = ids.get(target)!;
        expect(next.fr.number).toBeGreaterThan(closed.fr.number);
        expect(next.fr.relations).toContainEqual(expect.objectContaining({ kind: 'reintroduction_of', target: closed.fr.id }));
        expect(next.nl.subject).toBe(closed.nl.subject);
        expect(next.fr.author).toEqual(closed.fr.author);
        expect(next.fr.sentDate! > closed.fr.events.at(-1)!.date).toBe(true);
      }
    });

    it('sends some questions to several ministers, each pointing at the others', () => {
      const ids = byId(LEG8);
      const grouped = LEG8.filter((p) => p.fr.relations.some((r) => r.kind === 'also_asked_to'));
      expect(grouped.length).toBeGreaterThan(50);
      for (const p of grouped) {
        for (const r of p.fr.relations.filter((x) => x.kind === 'also_asked_to')) {
          const other = ids.get(r.target!)!;
          expect(other.fr.relations).toContainEqual(expect.objectContaining({ kind: 'also_asked_to', target: p.fr.id }));
          expect(other.fr.questionText).toBe(p.fr.questionText);
          expect(other.fr.addressee).not.toBe(p.fr.addressee);
        }
      }
    });

    it('requalifies some questions into requests for explanations, some answered after all', () => {
      const requalified = LEG8.filter((p) => p.fr.events.some((e) => e.type === 'requalified'));
      expect(requalified.length).toBeGreaterThan(10);
      for (const p of requalified) {
        expect(p.fr.relations).toContainEqual(expect.objectContaining({ kind: 'requalified_as', targetType: 'request_for_explanations' }));
      }
      expect(requalified.some((p) => p.fr.status === 'requalified')).toBe(true);
      expect(requalified.some((p) => p.fr.status === 'answered')).toBe(true);
    });

    it('lets unanswered questions lapse at the end of a finished legislature, and none in the current one', () => {
      expect(share(LEG7, (p) => p.fr.status === 'lapsed')).toBeGreaterThan(0.15);
      expect(LEG7.filter((p) => p.fr.status === 'lapsed').every((p) => p.fr.events.at(-1)!.date === '2024-05-09')).toBe(true);
      expect(LEG7.some((p) => p.fr.status === 'pending')).toBe(false);
      expect(LEG8.some((p) => p.fr.status === 'lapsed')).toBe(false);
    });

    it('prints no deadline in legislature 5, as the real pages do', () => {
      const leg5 = generateQuestions(100, { legislature: 5, seed: 1 });
      expect(leg5.every((p) => p.fr.answerDeadline === null)).toBe(true);
      expect(LEG8.every((p) => p.fr.answerDeadline !== null)).toBe(true);
    });

    it('damages about 5% of NL pages, counted in repairs, never FR', () => {
      const damaged = share(LEG8, (p) => p.nl.repairs > 0);
      expect(damaged).toBeGreaterThan(0.03);
      expect(damaged).toBeLessThan(0.08);
      expect(LEG8.every((p) => p.fr.repairs === 0)).toBe(true);
    });

    it('keeps every status consistent with the events and the answer', () => {
      for (const p of [...LEG8, ...LEG7]) {
        for (const page of [p.fr, p.nl]) {
          expect(page.status).toBe(deriveStatus(page.events, page.answer !== null));
          expect(page.events[0]!.type).toBe('sent');
          const dates = page.events.map((e) => e.date);
          expect([...dates].sort()).toEqual(dates);
          if (page.answer) expect(page.answer.date).toBe(page.events.findLast((e) => e.type === 'answered')!.date);
        }
      }
    });

    it('prints pages of 1 to 3 KB of text', () => {
      const sizes = LEG8.slice(0, 500).flatMap((p) => [p.fr, p.nl]).map(printedSize);
      expect(Math.min(...sizes)).toBeGreaterThan(900);
      expect(Math.max(...sizes)).toBeLessThan(3200);
    });
  });
});

function printedSize(page: QuestionPage): number {
  return pageBlocks(page)
    .map((b) => (b.kind === 'text' ? b.text : b.kind === 'event' ? `${b.date} ${b.label}` : JSON.stringify(b)))
    .join('\n').length;
}
