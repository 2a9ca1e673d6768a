import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../fixtures/corpus.ts';
import { encodePage, renderPage, sampleToBlocks } from '../fake-senate/markup.ts';
import { readFileSync } from 'node:fs';
import { SAMPLES_DIR } from '../fixtures/corpus.ts';

let dir: string;
const run = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/senate-questions.js'), 'parse', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 60_000 });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parse-cli-'));
  const { blocks } = sampleToBlocks(readFileSync(path.join(SAMPLES_DIR, '5-4712-fr.txt'), 'utf8'));
  writeFileSync(path.join(dir, '5-4712-fr.html'), encodePage(renderPage(blocks, { markup: 'table', lang: 'fr' })));
  writeFileSync(path.join(dir, 'page.html'), encodePage(renderPage(blocks, { markup: 'br', lang: 'fr' })));
  writeFileSync(path.join(dir, 'error-nl.html'), encodePage(renderPage([{ kind: 'text', text: 'Er is een fout opgetreden.' }], { markup: 'div', lang: 'nl' })));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('senate-questions parse', () => {
  it('prints the record as JSON with the documented field names (exit 0)', () => {
    const r = run('5-4712-fr.html');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'id', 'legislature', 'number', 'lang', 'title', 'author', 'sentDate', 'addressee', 'subject', 'keywords', 'events',
      'answerDeadline', 'relations', 'originalLanguage', 'questionText', 'answer', 'status', 'repairs', 'unknownLabels',
    ]);
    expect(json).toMatchObject({
      id: '5-4712', legislature: 5, number: 4712, lang: 'fr', status: 'answered', author: { name: 'Bert Anciaux', party: 'sp.a' },
      relations: [
        { kind: 'reintroduction_of', target: '5-3820', targetType: 'written_question', label: 'Réintroduction de' },
        { kind: 'requalified_as', target: null, targetType: null, label: 'Requalifiée en' },
      ],
      answer: { date: '2013-12-17' },
    });
    expect((json.events as unknown[])[2]).toEqual({ date: '2013-12-13', type: 'requalified', label: 'Requalification' });
  });

  it('takes the language from --lang when the file name has none', () => {
    expect(run('page.html', '--lang', 'fr').status).toBe(0);
  });

  it('is a usage error (exit 2) when the language cannot be told', () => {
    const r = run('page.html');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--lang fr\|nl/);
  });

  it('is a usage error (exit 2) on a bad --lang', () => {
    expect(run('page.html', '--lang', 'de').status).toBe(2);
  });

  it('fails (exit 1) with the reason when the page is not a question', () => {
    const r = run('error-nl.html');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not a question page \(error_page\)/);
    expect(r.stdout).toBe('');
  });

  it('fetches a URL with the crawler User-Agent and the language of its LANG= (exit 0)', async () => {
    const body = readFileSync(path.join(dir, '5-4712-fr.html'));
    const agents: string[] = [];
    const server: Server = createServer((req, res) => {
      agents.push(String(req.headers['user-agent']));
      res.writeHead(200, { 'content-type': 'text/html; charset=windows-1252' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const url = `http://127.0.0.1:${port}/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=4712&LANG=fr`;
      // Async spawn: the server answers from this process while the CLI runs.
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/senate-questions.js'), 'parse', url], { cwd: dir, env: { ...process.env, CRAWLER_CONTACT: 'tests@example.org' } });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ id: '5-4712', lang: 'fr' });
      expect(agents).toEqual(['senate-questions/0.1 (+tests@example.org)']);
    } finally {
      server.close();
    }
  });
});
