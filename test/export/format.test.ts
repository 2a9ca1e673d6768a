/** The export formats: RFC 4180 fields, one row per question, languages side by side. */
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, csvHeader, csvRow, jsonlRow } from '../../src/export/format.ts';
import type { ExportQuestion } from '../../src/store/search.ts';

const q: ExportQuestion = {
  id: '8-1',
  legislature: 8,
  number: 1,
  status: 'answered',
  authorName: 'Zoë "Z", Dubois',
  authorParty: null,
  sentDate: '2024-01-01',
  answerDeadline: null,
  deadlineEstimated: false,
  answerDate: '2024-02-01',
  originalLanguage: 'fr',
  firstSeenAt: new Date('2024-01-02T00:00:00Z'),
  lastChangedAt: null,
  goneSince: null,
  texts: {
    fr: { title: 'Question', addressee: null, subject: 'A\nB', keywords: ['x', 'y, z'], questionText: 'Q', answerDate: null, answerText: null, answerHtml: null },
    nl: null,
  },
};

describe('csvField', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(csvField(new Date('2024-01-02T00:00:00Z'))).toBe('2024-01-02T00:00:00.000Z');
  });
});

describe('csvRow', () => {
  it('has one cell per header column, the missing language empty', () => {
    expect(csvHeader()).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    const row = csvRow(q);
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row).toContain('"Zoë ""Z"", Dubois"');
    expect(row).toContain('"A\nB"');
    expect(row).toContain('"x; y, z"');
    // 8 text columns of nl, all empty, at the end.
    expect(row.endsWith(`${','.repeat(8)}\r\n`)).toBe(true);
  });
});

describe('jsonlRow', () => {
  it('is one line of JSON per question', () => {
    const line = jsonlRow(q);
    expect(line.split('\n')).toHaveLength(2);
    expect(JSON.parse(line)).toMatchObject({ id: '8-1', texts: { fr: { subject: 'A\nB' }, nl: null } });
  });
});
