import { describe, expect, it } from 'vitest';
import { csvLine, outputFormat, renderCsv, renderRows, renderTable, type Column } from '../../src/cli/table.ts';

interface Row {
  id: string;
  n: number | null;
  text: string;
}
const COLUMNS: Column<Row>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'count', value: (r) => r.n, align: 'right' },
  { header: 'text', value: (r) => r.text, max: 10 },
];
const ROWS: Row[] = [
  { id: '8-1', n: 5, text: 'short' },
  { id: '8-1234', n: null, text: 'a "quoted", long\ntext' },
];

describe('renderTable', () => {
  it('aligns columns under their headers, numbers to the right, long cells cut, no trailing blanks', () => {
    expect(renderTable(ROWS, COLUMNS)).toBe(
      ['id      count  text', '------  -----  ----------', '8-1         5  short', '8-1234         a "quoted…', ''].join('\n'),
    );
  });
});

describe('renderCsv', () => {
  it('quotes what needs it, keeps values whole, ends records with CRLF', () => {
    expect(renderCsv(ROWS, COLUMNS)).toBe('id,count,text\r\n8-1,5,short\r\n8-1234,,"a ""quoted"", long\ntext"\r\n');
    expect(csvLine([null, undefined, 0, 'x'])).toBe(',,0,x\r\n');
  });
});

describe('renderRows', () => {
  it('prints JSON of the records, or the empty message for a table without rows', () => {
    expect(JSON.parse(renderRows('json', ROWS, COLUMNS, { json: (r) => r, empty: 'none' }))).toEqual(ROWS);
    expect(renderRows('table', [], COLUMNS, { json: (r) => r, empty: 'nothing here' })).toBe('nothing here\n');
    expect(renderRows('csv', [], COLUMNS, { json: (r) => r, empty: 'nothing here' })).toBe('id,count,text\r\n');
  });
});

describe('outputFormat', () => {
  it('is a table by default, and refuses --json with --csv', () => {
    expect(outputFormat({})).toBe('table');
    expect(outputFormat({ json: true })).toBe('json');
    expect(outputFormat({ csv: true })).toBe('csv');
    expect(() => outputFormat({ json: true, csv: true })).toThrow('--json and --csv cannot be given together');
  });
});
