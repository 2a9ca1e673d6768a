/**
 * `npm run bench:api`: the HTTP API and the export over N stored questions (default 100,000)
 * on real PostgreSQL, in a fresh schema (dropped at the end unless --keep-schema).
 *
 *   1. Stores N synthetic bilingual questions (seeded vocabulary of French and Dutch words, so
 *      a full-text query matches a realistic share) straight into the tables in batches.
 *   2. Starts `senate-questions serve` in its own process and loads GET /api/questions with
 *      full-text queries under autocannon: p50/p95/p99 latency and requests/s per query.
 *   3. Runs `senate-questions export --format csv -o FILE` in its own process: rows/s and the
 *      process's peak RSS (VmHWM); then GET /api/export.csv through the server, rows/s and the
 *      server's peak RSS before and after.
 *
 *   npm run bench:api -- [--questions 100000] [--duration 10] [--connections 10] [--keep-schema] [--schema NAME]
 *
 * --keep-schema keeps the seeded schema (its name is printed); --schema NAME runs on a schema
 * kept before (seeding takes minutes) and keeps it; --exports-only skips the load.
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) says where PostgreSQL is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { openDb, type Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';

const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'keep-schema': { type: 'boolean', default: false },
    schema: { type: 'string' },
    'exports-only': { type: 'boolean', default: false },
  },
});

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench:api: --${name} takes a whole number ≥ 1, not ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const N = positiveInt('questions', values.questions);
const DURATION_S = positiveInt('duration', values.duration);
const CONNECTIONS = positiveInt('connections', values.connections);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLI = path.resolve('bin/senate-questions.js');
/** The export must finish with its heap capped this low: it never holds the set. */
const HEAP_CAP_MB = 48;
const SCHEMA = values.schema ?? `bench_api_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const KEEP = values['keep-schema'] || values.schema !== undefined;

// mulberry32: a small seeded generator, so every run stores the same questions.
let seed = 42;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const FR = (
  'question réponse réponses ministre gouvernement prison prisons détenus surpopulation hôpital hôpitaux urgences lits ' +
  'train trains retards mobilité police sécurité justice tribunal tribunaux arriéré budget impôts fiscalité pension pensions ' +
  'emploi chômage entreprise entreprises climat énergie nucléaire électricité environnement agriculture santé médecin ' +
  'vaccin vaccins école enseignement université recherche défense armée frontière asile migration étrangers nombre ' +
  'combien pourquoi quelles mesures année chiffres évolution région province commune fédéral service personnel ' +
  'contrat marché public coût coûts délai délais procédure dossier dossiers plainte plaintes victime victimes'
).split(' ');
const NL = (
  'vraag vragen antwoord antwoorden minister regering gevangenis gevangenissen gedetineerden overbevolking ziekenhuis ' +
  'ziekenhuizen spoed bedden trein treinen vertragingen mobiliteit politie veiligheid justitie rechtbank rechtbanken achterstand ' +
  'begroting belastingen pensioen pensioenen werk werkloosheid bedrijf bedrijven klimaat energie kernenergie elektriciteit ' +
  'milieu landbouw gezondheid arts vaccin vaccins school onderwijs universiteit onderzoek defensie leger grens asiel ' +
  'migratie vreemdelingen aantal hoeveel waarom welke maatregelen jaar cijfers evolutie gewest provincie gemeente federaal ' +
  'dienst personeel contract overheidsopdracht kosten termijn termijnen procedure dossier dossiers klacht klachten slachtoffer'
).split(' ');
const ADDRESSEES: [string, string][] = [
  ['au ministre de la Justice', 'aan de minister van Justitie'],
  ['à la ministre de la Santé publique', 'aan de minister van Volksgezondheid'],
  ['au ministre de la Mobilité', 'aan de minister van Mobiliteit'],
  ['au ministre des Finances', 'aan de minister van Financiën'],
  ['à la ministre de l’Intérieur', 'aan de minister van Binnenlandse Zaken'],
  ['au ministre de la Défense', 'aan de minister van Defensie'],
];
const PARTIES = ['PS', 'MR', 'N-VA', 'Vooruit', 'CD&V', 'Open Vld', 'Groen', 'Ecolo', 'Les Engagés', 'PVDA-PTB', 'VB'];
const NAMES = ['Dupont', 'Peeters', 'Janssens', 'Maes', 'Lambert', 'Dubois', 'Claes', 'Martin', 'Jacobs', 'Willems'];

function words(list: readonly string[], n: number): string {
  return Array.from({ length: n }, () => pick(list)).join(' ');
}

function isoDay(base: number, offsetDays: number): string {
  return new Date(base + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

async function seedQuestions(db: Db): Promise<void> {
  const BATCH = 2_000;
  const start = Date.UTC(2019, 6, 1);
  for (let from = 0; from < N; from += BATCH) {
    const q: Record<string, unknown[]> = { id: [], leg: [], nr: [], author: [], party: [], sent: [], status: [], deadline: [], answer: [] };
    const t: Record<string, unknown[]> = { qid: [], lang: [], title: [], addressee: [], subject: [], text: [], answerDate: [], answerText: [] };
    for (let i = from; i < Math.min(N, from + BATCH); i++) {
      const nr = i + 1;
      const id = `8-${nr}`;
      const sent = isoDay(start, Math.floor((i / N) * 2000));
      const answered = rand() < 0.6;
      const answerDate = answered ? isoDay(Date.parse(sent), 10 + Math.floor(rand() * 120)) : null;
      const [adFr, adNl] = pick(ADDRESSEES);
      // A rare subject (about 1 % of questions), for a selective query.
      const rare = rand() < 0.01;
      q.id!.push(id);
      q.leg!.push(8);
      q.nr!.push(nr);
      q.author!.push(`${pick(['Anne', 'Bert', 'Carla', 'Didier', 'Els'])} ${pick(NAMES)}`);
      q.party!.push(pick(PARTIES));
      q.sent!.push(sent);
      q.status!.push(answered ? 'answered' : pick(['pending', 'pending', 'closed']));
      q.deadline!.push(isoDay(Date.parse(sent), 35));
      q.answer!.push(answerDate);
      for (const [lang, list, title, ad] of [
        ['fr', FR, `Question écrite n° ${id}`, adFr],
        ['nl', NL, `Schriftelijke vraag nr. ${id}`, adNl],
      ] as const) {
        t.qid!.push(id);
        t.lang!.push(lang);
        t.title!.push(title);
        t.addressee!.push(ad);
        t.subject!.push(words(list, 4));
        t.text!.push(`${words(list, 60 + Math.floor(rand() * 80))}${rare ? (lang === 'fr' ? ' cybersécurité' : ' cyberveiligheid') : ''}`);
        t.answerDate!.push(answerDate);
        t.answerText!.push(answered ? words(list, 40 + Math.floor(rand() * 120)) : null);
      }
    }
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO questions (id, legislature, number, author_name, author_party, sent_date, status, answer_deadline, answer_date, first_seen_at)
         SELECT * , now() FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::date[], $7::text[], $8::date[], $9::date[])`,
        [q.id, q.leg, q.nr, q.author, q.party, q.sent, q.status, q.deadline, q.answer],
      );
      await tx.query(
        `INSERT INTO question_texts (question_id, lang, title, addressee, subject, question_text, answer_date, answer_text, content_sha256, parser_version)
         SELECT *, 'bench', 'bench' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::text[])`,
        [t.qid, t.lang, t.title, t.addressee, t.subject, t.text, t.answerDate, t.answerText],
      );
    });
    if ((from / BATCH) % 10 === 0) process.stderr.write(`  stored ${Math.min(N, from + BATCH)} / ${N}\n`);
  }
  await db.exec('ANALYZE questions; ANALYZE question_texts;');
}

/** A live process's peak resident set (VmHWM) and current one (VmRSS), MB; NaN once it has exited. */
function rssMb(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's resident set every 50 ms; stop() gives the largest seen, MB. */
function sampleRss(pid: number): { stop(): number } {
  let peak = 0;
  const take = () => {
    const v = rssMb(pid, 'VmRSS');
    if (!Number.isNaN(v)) peak = Math.max(peak, v);
  };
  take();
  const timer = setInterval(take, 50);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

const childEnv = (): NodeJS.ProcessEnv => ({ ...process.env, DATABASE_URL, DATABASE_SCHEMA: SCHEMA, LOG_LEVEL: 'warn', REDIS_URL: '' });

async function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, base };
}

/** autocannon's load, with every response time kept (its summary has p90 and p97.5, no p95). */
async function load(base: string, pathAndQuery: string): Promise<{ r: autocannon.Result; p50: number; p95: number; p99: number }> {
  const times: number[] = [];
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: `${base}${pathAndQuery}`, connections: CONNECTIONS, duration: DURATION_S }, (err, result) => (err ? reject(err) : resolve(result)));
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms));
  });
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN;
  return { r, p50: at(50), p95: at(95), p99: at(99) };
}

async function main(): Promise<void> {
  const db = await openDb({ databaseUrl: DATABASE_URL, schema: SCHEMA, poolSize: 4 });
  let server: ChildProcess | null = null;
  const csvFile = path.join(tmpdir(), `${SCHEMA}.csv`);
  try {
    await migrate(db);
    const { rows: [have] } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM questions');
    if (have!.n === 0) {
      process.stderr.write(`bench:api: storing ${N} questions in schema ${SCHEMA}\n`);
      const t0 = Date.now();
      await seedQuestions(db);
      process.stderr.write(`  stored in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    } else if (have!.n !== N) throw new Error(`schema ${SCHEMA} holds ${have!.n} questions, not ${N}`);

    const started = await startServer();
    server = started.child;
    const { base } = started;
    const idleRss = rssMb(server.pid!, 'VmRSS');

    const queries = [
      // The vocabulary is small: a common word is in most questions (the worst case: many matches to sort).
      ['common word, FR', '/api/questions?q=prisons'],
      ['common word, NL', '/api/questions?q=gevangenissen'],
      ['two words, FR, with a filter', `/api/questions?q=${encodeURIComponent('surpopulation détenus')}&status=answered`],
      ['rare word (about 1 %), FR', `/api/questions?q=${encodeURIComponent('cybersécurité')}`],
      ['rare word (about 1 %), NL, or, sorted by number', `/api/questions?q=${encodeURIComponent('cyberveiligheid or cyberaanval')}&sort=-number`],
      ['no q: default listing', '/api/questions'],
    ] as const;
    const lines: string[] = [];
    for (const [label, url] of values['exports-only'] ? [] : queries) {
      const probe = (await (await fetch(`${base}${url}${url.includes('?') ? '&' : '?'}limit=200`)).json()) as { items: unknown[] };
      const { r, p50, p95, p99 } = await load(base, url);
      lines.push(
        `  ${label}: ${url}\n    p50 ${p50.toFixed(1)} ms  p95 ${p95.toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  ${Math.round(r.requests.average)} req/s ` +
          `(${r.requests.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors; ${probe.items.length >= 200 ? '200+' : probe.items.length} matches)`,
      );
    }

    // Export by the CLI, in its own process; again with the V8 heap capped far below the export's size.
    const cliExport = async (nodeOptions: string) => {
      const e0 = Date.now();
      const exporter = spawn(process.execPath, [CLI, 'export', '--format', 'csv', '-o', csvFile], {
        env: { ...childEnv(), NODE_OPTIONS: nodeOptions },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const exporterRss = sampleRss(exporter.pid!);
      const code = await new Promise<number | null>((r) => exporter.on('exit', r));
      const peak = exporterRss.stop();
      if (code !== 0) throw new Error(`export${nodeOptions ? ` with ${nodeOptions}` : ''} exited ${code}`);
      return { seconds: (Date.now() - e0) / 1000, peak, mb: statSync(csvFile).size / 1024 / 1024 };
    };
    const free = await cliExport('');
    const capped = await cliExport(`--max-old-space-size=${HEAP_CAP_MB}`);
    const exportS = free.seconds;
    const exportPeak = free.peak;
    const csvMb = free.mb;

    // Export through the server.
    const loadedRss = rssMb(server.pid!, 'VmRSS');
    const serverRss = sampleRss(server.pid!);
    const h0 = Date.now();
    const res = await fetch(`${base}/api/export.csv`);
    let httpRows = -1; // the header (the generated texts hold no line break: one line per row)
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) httpRows++;
    }
    const httpS = (Date.now() - h0) / 1000;
    const serverPeak = serverRss.stop();

    process.stdout.write(
      [
        `bench:api: ${N} questions (2 languages each), PostgreSQL, autocannon ${CONNECTIONS} connections × ${DURATION_S} s per query`,
        'GET /api/questions (limit 50):',
        ...lines,
        `export --format csv -o FILE (own process): ${N} rows in ${exportS.toFixed(1)} s = ${Math.round(N / exportS)} rows/s (process start included), ${csvMb.toFixed(0)} MB, peak RSS ${exportPeak.toFixed(0)} MB (sampled every 50 ms)`,
        `  again with the V8 heap capped at ${HEAP_CAP_MB} MB (--max-old-space-size): done in ${capped.seconds.toFixed(1)} s, ${capped.mb.toFixed(0)} MB, peak RSS ${capped.peak.toFixed(0)} MB`,
        `GET /api/export.csv: ${httpRows} rows in ${httpS.toFixed(1)} s = ${Math.round(httpRows / httpS)} rows/s, ${(bytes / 1024 / 1024).toFixed(0)} MB; server RSS ${idleRss.toFixed(0)} MB after start, ${loadedRss.toFixed(0)} MB after the load, ${serverPeak.toFixed(0)} MB at most during the export`,
        '',
      ].join('\n'),
    );
  } finally {
    server?.kill('SIGTERM');
    rmSync(csvFile, { force: true });
    await db.close();
    if (!KEEP) {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
      await client.end();
    } else process.stderr.write(`kept schema ${SCHEMA}\n`);
  }
}

await main();
