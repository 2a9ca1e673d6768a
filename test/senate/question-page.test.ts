import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allFixtures, loadSamples, REPO_ROOT, type Fixture } from '../fixtures/corpus.ts';
import { LONG_ANSWERS } from '../fixtures/long-answers/index.ts';
import { encodePage, renderPage, type Block } from '../fake-senate/markup.ts';
import { parseQuestionPage, PARSER_VERSION } from '../../src/senate/question-page.ts';
import type { QuestionPage } from '../../src/senate/question-record.ts';

/** Expected values per sample, checked by hand against each samples/*.txt file. */
type Expected =
  | { notAQuestion: string }
  | {
      id: string; lang: string; title: string; author: { name: string; party: string | null }; sentDate: string | null;
      addressee: string | null; subject: string | null; keywords: string[]; events: string[]; answerDeadline: string | null;
      relations: string[]; originalLanguage: string | null; questionStartsWith: string; answerDate: string | null;
      answerStartsWith: string | null; status: string; repairs: number;
    };
const EXPECTED = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/senate/expected/samples.json'), 'utf8')) as Record<string, Expected>;

const FIXTURES = allFixtures();
const sampleFixtures = FIXTURES.filter((f) => f.name.endsWith('.txt'));

function parse(f: Fixture) {
  return parseQuestionPage({ body: f.body, contentType: f.contentType, lang: f.lang });
}

function page(f: Fixture): QuestionPage {
  const r = parse(f);
  if (!r.ok) throw new Error(`${f.name} (${f.markup}): ${r.reason}: ${r.message}`);
  return r.page;
}

describe('parseQuestionPage', () => {
  it('exports a parser version', () => {
    expect(PARSER_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('has an expectation for every sample', () => {
    expect(loadSamples().map((s) => s.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(sampleFixtures.map((f) => [`${f.name} [${f.markup}, ${f.contentType}]`, f] as const))('sample %s', (_label, f) => {
    const exp = EXPECTED[f.name]!;
    if ('notAQuestion' in exp) {
      it(`is refused as not a question (${exp.notAQuestion})`, () => {
        const r = parse(f);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reason).toBe(exp.notAQuestion);
      });
      return;
    }
    it('reads every field as printed', () => {
      const p = page(f);
      expect({
        id: p.id, lang: p.lang, title: p.title, author: p.author, sentDate: p.sentDate, addressee: p.addressee, subject: p.subject,
        keywords: p.keywords, events: p.events.map((e) => `${e.date} ${e.type} ${e.label}`), answerDeadline: p.answerDeadline,
        relations: p.relations.map((r) => `${r.kind} ${r.target ?? '-'} ${r.targetType ?? '-'}`), originalLanguage: p.originalLanguage,
        questionStartsWith: p.questionText.slice(0, 50), answerDate: p.answer ? p.answer.date : null,
        answerStartsWith: p.answer ? p.answer.text.slice(0, 40) : null, status: p.status, repairs: p.repairs,
      }).toEqual(exp);
      expect(p.legislature).toBe(Number(exp.id.split('-')[0]));
      expect(p.number).toBe(Number(exp.id.split('-')[1]));
      expect(p.unknownLabels).toEqual([]);
    });
  });

  describe('when the same question is printed in both languages', () => {
    const pairs: [string, string][] = [
      ['4-231-nl.txt', '4-231-nl-SVPrintNLFR.txt'],
      ['5-1480-fr.txt', '5-1480-nl-SVPrint.txt'],
      ['5-3820-fr.txt', '5-3820-nl.txt'],
      ['5-611-fr-SVPrintNLFR.txt', '5-611-nl.txt'],
      ['4-490-nl-SVPrint.txt', '4-631-nl.txt'],
    ];
    it.each(pairs)('%s and %s agree on author, dates, events, relations and original language', (a, b) => {
      for (const markup of ['table', 'div', 'br'] as const) {
        const pa = page(sampleFixtures.find((f) => f.name === a && f.markup === markup)!);
        const pb = page(sampleFixtures.find((f) => f.name === b && f.markup === markup)!);
        if (pa.id !== pb.id) {
          // 4-490 was re-submitted as 4-631: the pair shows the relation both ways instead.
          expect(pa.relations.map((r) => r.target)).toContain(pb.id);
          expect(pb.relations.map((r) => r.target)).toContain(pa.id);
          continue;
        }
        expect(pa.author).toEqual(pb.author);
        expect(pa.sentDate).toBe(pb.sentDate);
        expect(pa.events.map((e) => [e.date, e.type])).toEqual(pb.events.map((e) => [e.date, e.type]));
        expect(pa.relations.map((r) => [r.kind, r.target])).toEqual(pb.relations.map((r) => [r.kind, r.target]));
        expect(pa.originalLanguage).toBe(pb.originalLanguage);
        expect(pa.status).toBe(pb.status);
      }
    });

    it('the bilingual print gives the requested language', () => {
      const f = sampleFixtures.find((x) => x.name === '5-611-fr-SVPrintNLFR.txt' && x.markup === 'div')!;
      const fr = page(f);
      const nl = parseQuestionPage({ body: f.body, contentType: f.contentType, lang: 'nl' });
      expect(fr.title).toBe('Question écrite n° 5-611');
      expect(fr.questionText).toMatch(/^Depuis quelques mois, Fedasil/);
      expect(nl.ok && nl.page.title).toBe('Schriftelijke vraag nr. 5-611');
      expect(nl.ok && nl.page.subject).toBe('Asielzoekers - Opvangproblematiek - Gebruik van de Rijkswachtkazerne van Knokke-Heist');
      expect(nl.ok && nl.page.keywords).toEqual(['Federaal Agentschap voor de opvang van asielzoekers', 'politiek asiel', 'Regie der Gebouwen', 'sociale voorzieningen', 'asielzoeker']);
      expect(nl.ok && nl.page.addressee).toMatch(/^aan de staatssecretaris/);
    });
  });

  describe('when the answer holds tables', () => {
    const longFixtures = FIXTURES.filter((f) => f.name.startsWith('long-'));
    it.each(longFixtures.map((f) => [`${f.name} [${f.markup}, ${f.contentType}]`, f] as const))('%s keeps each table as a table', (_l, f) => {
      const exp = LONG_ANSWERS.find((l) => l.name === f.name)!.expected;
      const p = page(f);
      expect(p.id).toBe(exp.id);
      expect(p.status).toBe(exp.status);
      expect(p.answer?.date).toBe(exp.answerDate);
      expect(p.answer!.text.startsWith(exp.answerStartsWith)).toBe(true);
      expect(p.answer!.text.endsWith(exp.answerEndsWith)).toBe(true);
      const html = p.answer!.html;
      expect(html.match(/<table>/g)?.length).toBe(exp.tables.length);
      for (const table of exp.tables) {
        // Rows are tab-separated lines in the text, rows of cells in the HTML.
        for (const row of table) expect(p.answer!.text).toContain(row.join('\t'));
        expect(html).toContain(`<tr>${table[1]!.map((c) => `<td>${c}</td>`).join('')}</tr>`);
      }
      // The page's footer and navigation are not part of the answer.
      expect(p.answer!.text).not.toMatch(/Disclaimer|Naar boven|Haut de page|info@senate/);
      expect(html).not.toMatch(/<(?:script|a|div|font|span)\b/i);
    });

    it('marks a header row with th', () => {
      const f = longFixtures.find((x) => x.name === 'long-5-4181-nl' && x.markup === 'div')!;
      expect(page(f).answer!.html).toContain('<tr><th>Regio</th><th>Provincie</th><th>2009</th><th>2010</th><th>2011</th></tr>');
    });

    it('keeps lists as lists', () => {
      const f = longFixtures.find((x) => x.name === 'long-7-1089-fr' && x.markup === 'div')!;
      const a = page(f).answer!;
      expect(a.html).toContain('<ol><li>les chiffres de 2020 sont provisoires ;</li>');
      expect(a.text).toContain('1. les chiffres de 2020 sont provisoires ;\n2. les visites domiciliaires');
    });

    it('repairs damaged characters of the long answer header and counts them', () => {
      const f = longFixtures.find((x) => x.name === 'long-4-5510-nl' && x.markup === 'br')!;
      const p = page(f);
      expect(p.keywords).toContain('officiële statistiek');
      expect(p.repairs).toBe(1);
      expect(p.answerDeadline).toBe('2010-01-08');
    });
  });
});

const t = (text: string): Block => ({ kind: 'text', text });
const question = (extra: Block[] = [], head: Block[] = []): Block[] => [
  t('Tweetalige printerversie Eentalige printerversie'),
  t('Schriftelijke vraag nr. 5-3820'),
  t('van Bert Anciaux (sp.a) d.d. 28 november 2011'),
  t('aan de minister van Justitie'),
  t('Belgische gevangenissen - Overbezetting - Quota'),
  t('strafgevangenis'),
  t('Chronologie'),
  { kind: 'event', date: '28/11/2011', label: 'Verzending vraag' },
  ...extra,
  ...head,
  t('Vraag nr. 5-3820 d.d. 28 november 2011 : (Vraag gesteld in het Nederlands)'),
  t('Hierover de volgende vragen:'),
];
const bytes = (blocks: Block[], markup: 'table' | 'div' | 'br' = 'div') => encodePage(renderPage(blocks, { markup, lang: 'nl' }));

describe('when the page is not a question', () => {
  it('refuses an empty body', () => {
    const r = parseQuestionPage({ body: Buffer.alloc(0), lang: 'nl' });
    expect(r).toMatchObject({ ok: false, reason: 'empty' });
  });

  it.each(['table', 'div', 'br'] as const)('refuses an empty template (%s)', (markup) => {
    const r = parseQuestionPage({ body: bytes([t('Tweetalige printerversie Eentalige printerversie'), t('Schriftelijke vraag nr.'), t('Chronologie')], markup), lang: 'nl' });
    expect(r).toMatchObject({ ok: false, reason: 'empty' });
    if (!r.ok) expect(r.message).toMatch(/empty template/);
  });

  it('refuses an error page and says so', () => {
    const r = parseQuestionPage({ body: bytes([t('Er is een fout opgetreden.'), t('De gevraagde pagina bestaat niet.')]), lang: 'nl' });
    expect(r).toMatchObject({ ok: false, reason: 'error_page' });
  });

  it('refuses a body cut before the title', () => {
    const html = renderPage(question(), { markup: 'table', lang: 'nl' });
    const cut = html.slice(0, html.indexOf('Schriftelijke vraag nr. 5-3820') - 20);
    expect(parseQuestionPage({ body: encodePage(cut), lang: 'nl' })).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('refuses a body cut after the title rather than return half a record', () => {
    const html = renderPage(question(), { markup: 'div', lang: 'nl' });
    const cut = html.slice(0, html.indexOf('Chronologie'));
    expect(parseQuestionPage({ body: encodePage(cut), lang: 'nl' })).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('refuses a page titled with another number', () => {
    const r = parseQuestionPage({ body: bytes(question()), lang: 'nl', expectedId: '5-3821' });
    expect(r).toMatchObject({ ok: false, reason: 'wrong_number' });
    if (!r.ok) expect(r.message).toBe('the page is question 5-3820, not the expected 5-3821');
  });

  it('accepts the page when the number is the expected one', () => {
    expect(parseQuestionPage({ body: bytes(question()), lang: 'nl', expectedId: '5-3820' }).ok).toBe(true);
  });

  it('does not read a question title hidden in scripts or comments', () => {
    const r = parseQuestionPage({ body: bytes([t('Welkom bij de Senaat')]), lang: 'nl' });
    expect(r).toMatchObject({ ok: false, reason: 'no_title' });
  });
});

describe('when labels are unknown', () => {
  it('keeps an unknown event and an unknown relation, and reports both labels', () => {
    const r = parseQuestionPage({
      body: bytes(question([{ kind: 'event', date: '3/1/2012', label: 'Voorlopig antwoord' }], [t('Samengevoegd met : schriftelijke vraag 5-3821')])),
      lang: 'nl',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.page.events).toContainEqual({ date: '2012-01-03', type: 'unknown', label: 'Voorlopig antwoord' });
    expect(r.page.relations).toContainEqual({ kind: 'unknown', target: '5-3821', targetType: 'written_question', label: 'Samengevoegd met' });
    expect(r.page.unknownLabels).toEqual(['Voorlopig antwoord', 'Samengevoegd met']);
    expect(r.page.status).toBe('pending');
  });
});

describe('status', () => {
  const withEvents = (...events: [string, string][]) => {
    const r = parseQuestionPage({ body: bytes(question(events.map(([date, label]) => ({ kind: 'event', date, label })))), lang: 'nl' });
    if (!r.ok) throw new Error(r.message);
    return r.page.status;
  };
  it('is pending with only the sent event and reminders', () => expect(withEvents(['1/12/2011', 'Rappel'])).toBe('pending'));
  it('is answered when an answer follows a requalification', () => expect(withEvents(['1/12/2011', 'Herkwalificatie'], ['5/12/2011', 'Antwoord'])).toBe('answered'));
  it('is requalified when the requalification is last', () => expect(withEvents(['1/12/2011', 'Rappel'], ['5/12/2011', 'Herkwalificatie'])).toBe('requalified'));
  it('is closed after Dossier gesloten', () => expect(withEvents(['7/12/2011', 'Dossier gesloten'])).toBe('closed'));
  it('is lapsed after the end of the legislature', () => expect(withEvents(['28/4/2014', 'Einde zittingsperiode'])).toBe('lapsed'));
});

describe('whitespace and layout variations', () => {
  it('reads a deadline on its own line and events without a space after the date', () => {
    const html = `<html><body><div>Schriftelijke vraag nr. 6-1322<br>van Guy D'haeseleer (Vlaams Belang) d.d. 16 maart 2017<br>aan de minister van Justitie<br>Gevangenissen<br>strafgevangenis<br>16/3/2017Verzending vraag<br>(Einde van de antwoordtermijn: 20/4/2017 )<br>19/4/2017 Antwoord<br>Vraag nr. 6-1322 d.d. 16 maart 2017 : (Vraag gesteld in het Nederlands)<br>Tekst.</div></body></html>`;
    const r = parseQuestionPage({ body: html, lang: 'nl' });
    expect(r.ok && r.page.answerDeadline).toBe('2017-04-20');
    expect(r.ok && r.page.events.map((e) => e.label)).toEqual(['Verzending vraag', 'Antwoord']);
  });

  it('reads a bilingual print laid out in two cells per row', () => {
    const row = (fr: string, nl: string) => `<tr><td>${fr}</td><td>${nl}</td></tr>`;
    const html = `<html><body><table>${row('Question écrite n° 6-1322', 'Schriftelijke vraag nr. 6-1322')}</table>
<p>de Guy D'haeseleer (Vlaams Belang)</p><p>van Guy D'haeseleer (Vlaams Belang)</p><p>au ministre de la Justice</p><p>aan de minister van Justitie</p><hr>
<table>${row('Prisons - Surpopulation', 'Gevangenissen - Overbevolking')}</table><hr>
<table>${row('établissement pénitentiaire<br>détenu', 'strafgevangenis<br>gedetineerde')}</table><hr>
<p>16/3/2017 Verzending vraag</p><p>19/4/2017 Antwoord</p>
<table>${row('Question n° 6-1322 du 16 mars 2017 : (Question posée en néerlandais)', 'Vraag nr. 6-1322 d.d. 16 maart 2017 : (Vraag gesteld in het Nederlands)')}</table>
<table>${row('<p>La surpopulation carcérale est une réalité dans notre pays.</p>', '<p>De overbevolking van de gevangenissen is een realiteit in ons land.</p>')}</table></body></html>`;
    const nl = parseQuestionPage({ body: html, lang: 'nl' });
    const fr = parseQuestionPage({ body: html, lang: 'fr' });
    expect(nl.ok && [nl.page.title, nl.page.subject, nl.page.keywords, nl.page.questionText]).toEqual([
      'Schriftelijke vraag nr. 6-1322', 'Gevangenissen - Overbevolking', ['strafgevangenis', 'gedetineerde'], 'De overbevolking van de gevangenissen is een realiteit in ons land.',
    ]);
    expect(fr.ok && [fr.page.subject, fr.page.keywords, fr.page.addressee]).toEqual(['Prisons - Surpopulation', ['établissement pénitentiaire', 'détenu'], 'au ministre de la Justice']);
  });
});

describe('the end of the answer', () => {
  const page = (tail: string) =>
    `<html><body><div><a href="/">Home</a><br>Schriftelijke vraag nr. 5-3820<br>van Bert Anciaux (sp.a) d.d. 28 november 2011<br>aan de minister van Justitie<br>Quota<br>strafgevangenis<br>28/11/2011 Verzending vraag<br>7/5/2012 Antwoord<br>Vraag nr. 5-3820 d.d. 28 november 2011 : (Vraag gesteld in het Nederlands)<br>Vraag.<br>Antwoord ontvangen op 7 mei 2012 :<br>Antwoord.<br>${tail}</div></body></html>`;

  it('drops navigation links that share the content container', () => {
    const r = parseQuestionPage({ body: page('<a href="#top">Naar boven</a><br><a href="/print">Printversie</a>'), lang: 'nl' });
    expect(r.ok && r.page.answer?.text).toBe('Antwoord.');
  });

  it('keeps a closing link to an annex or a URL as content', () => {
    const r = parseQuestionPage({ body: page('<a href="/b1.pdf">http://www.senate.be/bijlage1.pdf</a>'), lang: 'nl' });
    expect(r.ok && r.page.answer?.text).toBe('Antwoord.\n\nhttp://www.senate.be/bijlage1.pdf');
  });

  it('reads a title printed as a link when it is the only one', () => {
    const html = page('').replace('Schriftelijke vraag nr. 5-3820', '<a href="?x">Schriftelijke vraag nr. 5-3820</a>');
    const r = parseQuestionPage({ body: html, lang: 'nl' });
    expect(r.ok && r.page.id).toBe('5-3820');
  });
});

describe('when the page carries damage the parser can undo', () => {
  const withText = (text: string) => question().map((b) => (b.kind === 'text' && b.text === 'Hierover de volgende vragen:' ? { ...b, text } : b));

  it('removes a raw NUL and a &#0; reference, and counts each as a repair', () => {
    const clean = parseQuestionPage({ body: bytes(withText('Hierover de volgende vragen:')), lang: 'nl' });
    const html = renderPage(withText('Hier\u0000over de volgende vragen:'), { markup: 'div', lang: 'nl' }).replace('volgende', 'vol&#0;gende');
    const r = parseQuestionPage({ body: encodePage(html), lang: 'nl' });
    if (!r.ok || !clean.ok) throw new Error('both pages should parse');
    expect(r.page.questionText).toBe(clean.page.questionText);
    expect(r.page.questionText.includes('\u0000') || r.page.questionText.includes('\uFFFD')).toBe(false);
    expect(r.page.repairs).toBe(clean.page.repairs + 2);
    expect(r.warnings).toEqual([expect.stringMatching(/removed 2 control/)]);
  });

  it('reads a windows-1252 page announced as UTF-8 as windows-1252, and warns of the fallback', () => {
    const body = bytes(withText('Hierover de volgende vragen: België, réponse'));
    const declared = parseQuestionPage({ body, contentType: 'text/html; charset=windows-1252', lang: 'nl' });
    const lying = parseQuestionPage({ body, contentType: 'text/html; charset=utf-8', lang: 'nl' });
    if (!lying.ok || !declared.ok) throw new Error('both pages should parse');
    expect(lying.page).toEqual(declared.page);
    expect(lying.page.questionText).toContain('België, réponse');
    expect(lying.warnings).toEqual([expect.stringMatching(/decoded as windows-1252: the header's utf-8/)]);
    expect(declared.warnings).toEqual([]);
  });
});
