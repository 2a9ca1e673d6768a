/**
 * `npm run bench:parse`: pages per second of parseQuestionPage over the fixture corpus (every
 * sample × 3 markups × header charset or not, plus the long answers), one process, one core.
 * The bytes are built first; only parsing (decode + blocks + fields) is timed.
 */
import { allFixtures } from '../test/fixtures/corpus.ts';
import { parseQuestionPage } from '../src/senate/question-page.ts';

const fixtures = allFixtures();
const bytes = fixtures.reduce((a, f) => a + f.body.length, 0);
const parseAll = (): number => {
  let ok = 0;
  for (const f of fixtures) if (parseQuestionPage({ body: f.body, contentType: f.contentType, lang: f.lang }).ok) ok++;
  return ok;
};
for (let i = 0; i < 5; i++) parseAll(); // warm up the JIT
const minMs = Number(process.env.BENCH_MS ?? 3000);
let pages = 0;
const start = process.hrtime.bigint();
let elapsedMs = 0;
while (elapsedMs < minMs) {
  parseAll();
  pages += fixtures.length;
  elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
}
const rate = pages / (elapsedMs / 1000);
process.stdout.write(
  `parseQuestionPage: ${fixtures.length} fixture pages (${(bytes / fixtures.length / 1024).toFixed(1)} KiB avg), ` +
    `${pages} parses in ${(elapsedMs / 1000).toFixed(2)} s → ${Math.round(rate)} pages/s (${((rate * bytes) / fixtures.length / 1024 / 1024).toFixed(1)} MiB/s)\n`,
);
