/**
 * `npm run bench:parse`: pages per second of parseQuestionPage over the fixture corpus (every
 * sample × 3 markups × header charset or not, plus the long answers), one process, one core.
 * The bytes are built first; only parsing (decode + blocks + fields) is timed.
 *
 * For comparison it times, in the same rounds, the streaming htmlparser2 pass alone
 * (decode + htmlToBlocks, src/senate/html-blocks.ts) and what a DOM-based parser would spend
 * before reading a single field: decode + building the document with cheerio (its default
 * parse5 tree, and cheerio/slim's htmlparser2 tree). That is why the hot path is a streaming
 * pass: see "Parsing" in README.md. The variants take turns in short rounds and each figure is
 * the median round, so that a busy machine slows them alike.
 */
import * as cheerio from 'cheerio';
import * as cheerioSlim from 'cheerio/slim';
import { allFixtures, type Fixture } from '../test/fixtures/corpus.ts';
import { htmlToBlocks } from '../src/senate/html-blocks.ts';
import { parseQuestionPage } from '../src/senate/question-page.ts';
import { decodeBody } from '../src/text/charset.ts';

const fixtures = allFixtures();
const bytes = fixtures.reduce((a, f) => a + f.body.length, 0);
const totalMs = Number(process.env.BENCH_MS ?? 3000);
const ROUND_MS = 250;

const variants: { name: string; parse: (f: Fixture) => unknown }[] = [
  { name: 'parseQuestionPage', parse: (f) => parseQuestionPage({ body: f.body, contentType: f.contentType, lang: f.lang }) },
  { name: 'decode + htmlToBlocks (the streaming htmlparser2 pass alone)', parse: (f) => htmlToBlocks(decodeBody(f.body, f.contentType).text) },
  { name: 'decode + cheerio/slim load (an htmlparser2 DOM, no field read)', parse: (f) => cheerioSlim.load(decodeBody(f.body, f.contentType).text) },
  { name: 'decode + cheerio.load (a parse5 DOM, no field read)', parse: (f) => cheerio.load(decodeBody(f.body, f.contentType).text) },
];

/** Parses the whole corpus with `parse` for about `ms`; returns pages/s. */
function round(parse: (f: Fixture) => unknown, ms: number): { pages: number; rate: number } {
  let pages = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < ms) {
    for (const f of fixtures) parse(f);
    pages += fixtures.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return { pages, rate: pages / (elapsed / 1000) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const ok = fixtures.filter((f) => parseQuestionPage({ body: f.body, contentType: f.contentType, lang: f.lang }).ok).length;
for (const v of variants) for (let i = 0; i < 5; i++) for (const f of fixtures) v.parse(f); // warm up the JIT
const rates = variants.map(() => [] as number[]);
let parses = 0;
const rounds = Math.max(1, Math.round(totalMs / ROUND_MS));
for (let r = 0; r < rounds; r++) {
  variants.forEach((v, i) => {
    const res = round(v.parse, ROUND_MS);
    rates[i]!.push(res.rate);
    if (i === 0) parses += res.pages;
  });
}
const main = median(rates[0]!);
process.stdout.write(
  `parseQuestionPage: ${fixtures.length} fixture pages (${(bytes / fixtures.length / 1024).toFixed(1)} KiB avg, ${ok} questions), ` +
    `${parses} parses in ${rounds} rounds → ${Math.round(main)} pages/s (${((main * bytes) / fixtures.length / 1024 / 1024).toFixed(1)} MiB/s)\n`,
);
variants.slice(1).forEach((v, i) => process.stdout.write(`  ${v.name}: ${Math.round(median(rates[i + 1]!))} pages/s\n`));
