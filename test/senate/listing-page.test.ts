import { describe, expect, it } from 'vitest';
import { parseListingPage } from '../../src/senate/listing-page.ts';

const PAGE = 'https://www.senate.be/www/?MIval=/Vragen/SVListe&LEG=5&LANG=nl&PAGE=2';

describe('parseListingPage', () => {
  it('finds question links in a table layout, in every URL spelling, once each', () => {
    const html = `<table><tr><td><a href="/www/?MIval=/Vragen/SchriftelijkeVraag&amp;LEG=5&amp;NR=3820&amp;LANG=nl">5-3820</a></td></tr>
<tr><td><a href="http://senate.be/www/?MIval=Vragen/SchriftelijkeVraag&LEG=5&NR=3821&LANG=nl">5-3821</a></td></tr>
<tr><td><a href="https://www.senaat.be/www/?MIval=/Vragen/SVPrint&LEG=5&NR=3822&LANG=nl">print</a></td></tr>
<tr><td><a href="?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=3820&LANG=nl">again</a></td></tr>
<tr><td><a href="/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=3820&LANG=fr">FR</a></td></tr>
<tr><td><a href="https://example.org/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=1&LANG=nl">elsewhere</a></td></tr></table>`;
    const r = parseListingPage(html, PAGE);
    expect(r.questions.map((q) => `${q.id} ${q.lang}`)).toEqual(['5-3820 nl', '5-3821 nl', '5-3822 nl', '5-3820 fr']);
    expect(r.questions[0]!.url).toBe('https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=3820&LANG=nl');
  });

  it('finds pagination by parameter and by label, in a div layout, and not navigation', () => {
    const html = `<div class="list"><p><a href="/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=1&LANG=nl">1</a></p></div>
<div class="pager"><a href="/www/?MIval=/Vragen/SVListe&LEG=5&LANG=nl&PAGE=1">Vorige</a> <a href="/www/?MIval=/Vragen/SVListe&LEG=5&LANG=nl&PAGE=2">2</a>
<a href="/www/?MIval=/Vragen/SVListe&LEG=5&LANG=nl&PAGE=3">Volgende</a> <a href="/www/?MIval=/Vragen/SVListe&LEG=5&LANG=nl&PAGE=3#top">3</a>
<a href="/www/?MIval=/Vragen/SVListe&LEG=6&LANG=nl&PAGE=1">Zittingsperiode 6</a> <a href="/www/?MIval=/menu&ID=4">4</a></div>`;
    expect(parseListingPage(html, PAGE).pages).toEqual([
      'https://www.senate.be/www/?MIval=/Vragen/SVListe&LEG=5&LANG=nl&PAGE=1',
      'https://www.senate.be/www/?MIval=/Vragen/SVListe&LEG=5&LANG=nl&PAGE=3',
    ]);
  });

  it('reads a br layout with offsets and arrows', () => {
    const page = 'https://www.senate.be/cgi/list?leg=7&start=0';
    const html = `<body>Vragen:<br><a href='/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=7&NR=2095&LANG=nl'>7-2095</a><br><a href="list?leg=7&start=50">&gt;</a><br><a href="list?leg=8&start=0">Zittingsperiode 8</a></body>`;
    const r = parseListingPage(html, page);
    expect(r.questions.map((q) => q.id)).toEqual(['7-2095']);
    expect(r.pages).toEqual(['https://www.senate.be/cgi/list?leg=7&start=50']);
  });
});
