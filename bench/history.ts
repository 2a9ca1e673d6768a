/**
 * `npm run bench:history`: what change history costs a crawl. Runs the crawl benchmark
 * (bench/crawl.ts: a fake Senate in its own process, the real pipeline on PostgreSQL in a fresh
 * schema, no rate limit) with CHANGE_HISTORY=on and =off, alternating, `--rounds` times each,
 * and prints the median end-to-end pages/s and the crawling process's CPU per page of each, and
 * the cost of history: 1 − on/off. The issue's budget is 15 %. Exits 1 when a crawl failed.
 *
 * What history adds to a first crawl: the question's first version (question_origins) in the
 * insert, its question_new event and, with WEBHOOKS, outbox rows, all in one transaction.
 *
 *   npm run bench:history -- [--questions 2000] [--rounds 3] [--fleet] [--workers 1]
 *
 * Default: the in-process runner (no Redis); `--fleet` runs BullMQ worker processes instead.
 * DATABASE_URL and REDIS_URL as for bench:crawl.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    fleet: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
  },
});

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench:history: --${name} takes a whole number ≥ 1, not ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const questions = positiveInt('questions', values.questions);
const rounds = positiveInt('rounds', values.rounds);
const workers = positiveInt('workers', values.workers);

interface Sample {
  pagesPerS: number;
  /** CPU seconds of the crawling process(es) */
  cpuS: number;
  pages: number;
}

function crawlOnce(history: 'on' | 'off'): Promise<Sample> {
  const args = ['--import', 'tsx', 'bench/crawl.ts', '--questions', String(questions), ...(values.fleet ? ['--workers', String(workers)] : ['--in-process'])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, CHANGE_HISTORY: history }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const rate = /end-to-end pages\/s\s+([\d.]+)/.exec(out);
      const pages = /question pages\s+\d+ \/ (\d+) fetched/.exec(out);
      const cpu = [...out.matchAll(/CPU ([\d.]+) s/g)].reduce((s, m) => s + Number(m[1]), 0);
      if (code !== 0 || !rate || !pages) reject(new Error(`bench:crawl with CHANGE_HISTORY=${history} exited ${code}:\n${out.slice(-3000)}`));
      else resolve({ pagesPerS: Number(rate[1]), cpuS: cpu, pages: Number(pages[1]) });
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<number> {
  const samples: Record<'on' | 'off', Sample[]> = { on: [], off: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first, so a drift of the machine's load does not favour one.
      for (const h of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const s = await crawlOnce(h);
        samples[h].push(s);
        process.stderr.write(`round ${r + 1}/${rounds} CHANGE_HISTORY=${h}: ${s.pagesPerS.toFixed(1)} pages/s, CPU ${s.cpuS.toFixed(1)} s\n`);
      }
    }
  } catch (e) {
    process.stderr.write(`bench:history failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const rate = (h: 'on' | 'off') => median(samples[h].map((s) => s.pagesPerS));
  const cpuMs = (h: 'on' | 'off') => median(samples[h].map((s) => (s.cpuS * 1000) / s.pages));
  const cost = 1 - rate('on') / rate('off');
  const lines: [string, string][] = [
    ['mode', values.fleet ? `BullMQ, ${workers} worker process${workers > 1 ? 'es' : ''}` : 'in-process runner'],
    ['questions / rounds', `${questions} (${samples.on[0]?.pages ?? 0} question pages) / ${rounds} per setting`],
    ['pages/s, history off (median)', `${rate('off').toFixed(1)}  [${samples.off.map((s) => s.pagesPerS.toFixed(1)).join(', ')}]`],
    ['pages/s, history on (median)', `${rate('on').toFixed(1)}  [${samples.on.map((s) => s.pagesPerS.toFixed(1)).join(', ')}]`],
    ['crawler CPU per page, off / on', `${cpuMs('off').toFixed(2)} ms / ${cpuMs('on').toFixed(2)} ms`],
    ['cost of change history', `${(cost * 100).toFixed(1)} % of pages/s (budget 15 %)`],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  process.stdout.write(`\nbench:history ${process.argv.slice(2).join(' ')}\n${lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`);
  return 0;
}

process.exitCode = await main();
