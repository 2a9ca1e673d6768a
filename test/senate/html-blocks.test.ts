import { describe, expect, it } from 'vitest';
import { htmlToBlocks } from '../../src/senate/html-blocks.ts';

const texts = (html: string) => htmlToBlocks(html).blocks.map((b) => b.text);

describe('htmlToBlocks', () => {
  it('makes one block per paragraph, cell and <br> line, with whitespace and &nbsp; collapsed', () => {
    expect(texts('<p>een&nbsp;&nbsp;twee</p><table><tr><td>7/12/2009</td><td> Verzending\nvraag </td></tr></table>a<br>b<br><br>c')).toEqual([
      'een twee', '7/12/2009', 'Verzending vraag', 'a', 'b', 'c',
    ]);
  });

  it('never reads scripts, styles or comments', () => {
    expect(texts('<script>var t = "<p>Schriftelijke vraag nr. 9-9</p>";</script><style>p{}</style><!-- Vraag --><p>tekst</p>')).toEqual(['tekst']);
  });

  it('keeps inline emphasis in the block HTML and nothing else', () => {
    const [b] = htmlToBlocks('<p><font color=red><b>Vet</b> en <a href="x">link</a> &amp; <i>schuin</i></font></p>').blocks;
    expect(b!.html).toBe('<b>Vet</b> en link &amp; <i>schuin</i>');
  });

  it('marks link-only blocks (navigation)', () => {
    const blocks = htmlToBlocks('<div><a href="/">Home</a> | <a href="/z">Zoeken</a></div><p>Inhoud <a href="/b">bijlage</a></p>').blocks;
    expect(blocks.map((b) => b.linkOnly)).toEqual([false, false]);
    expect(htmlToBlocks('<div><a href="/">Home</a></div>').blocks[0]!.linkOnly).toBe(true);
  });

  it('records table cells so a table can be rebuilt', () => {
    const { blocks, tables } = htmlToBlocks('<table><tr><th>Jaar</th><th>Aantal</th></tr><tr><td>2009</td><td>542<br>(voorlopig)</td></tr></table>');
    const table = tables.get(blocks[0]!.cell!.table)!;
    expect(table.rows.map((r) => r.cells)).toEqual([['Jaar', 'Aantal'], ['2009', '542 (voorlopig)']]);
    expect(table.rows[0]!.header).toEqual([true, true]);
    expect(table.firstBlock).toBe(0);
  });

  it('turns <hr> into a rule block like the printed ________', () => {
    expect(texts('<p>a</p><hr><p>b</p>')).toEqual(['a', '________', 'b']);
  });

  it('knows whether the document was closed', () => {
    expect(htmlToBlocks('<html><body><p>a</p></body></html>').complete).toBe(true);
    expect(htmlToBlocks('<html><body><p>a</p>').complete).toBe(false);
  });
});
