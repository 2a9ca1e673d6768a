import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SAMPLES_DIR } from '../fixtures/corpus.ts';
import { encodePage, renderPage, sampleToBlocks } from '../fake-senate/markup.ts';
import { runCli } from './run-cli.ts';

let dir: string;
// File names are relative to the command's working directory, as on a shell.
const run = (...args: string[]) => runCli(['parse', ...args], { cwd: dir });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parse-cli-'));
  const { blocks } = sampleToBlocks(readFileSync(path.join(SAMPLES_DIR, '5-4712-fr.txt'), 'utf8'));
  writeFileSync(path.join(dir, '5-4712-fr.html'), encodePage(renderPage(blocks, { markup: 'table', lang: 'fr' })));
  writeFileSync(path.join(dir, 'page.html'), encodePage(renderPage(blocks, { markup: 'br', lang: 'fr' })));
  writeFileSync(path.join(dir, 'error-nl.html'), encodePage(renderPage([{ kind: 'text', text: 'Er is een fout opgetreden.' }], { markup: 'div', lang: 'nl' })));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('senate-questions parse', () => {
  it('prints the record as JSON with the documented field names (exit 0)', async () => {
    const r = await run('5-4712-fr.html');
    expect(r.code).toBe(0);
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

  it('takes the language from --lang when the file name has none', async () => {
    const r = await run('page.html', '--lang', 'fr');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: '5-4712', lang: 'fr' });
  });

  it('is a usage error (exit 2) when the language cannot be told', async () => {
    const r = await run('page.html');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--lang fr\|nl/);
  });

  it('is a usage error (exit 2) on a bad --lang', async () => {
    expect((await run('page.html', '--lang', 'de')).code).toBe(2);
  });

  it('is a usage error (exit 2) when the file cannot be read', async () => {
    const r = await run('missing-fr.html');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read missing-fr\.html/);
  });

  it('fails (exit 1) with the reason when the page is not a question', async () => {
    const r = await run('error-nl.html');
    expect(r.code).toBe(1);
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
      const r = await runCli(['parse', url], { cwd: dir, env: { CRAWLER_CONTACT: 'tests@example.org' } });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ id: '5-4712', lang: 'fr' });
      expect(agents).toEqual(['senate-questions/0.1 (+tests@example.org)']);
    } finally {
      server.close();
    }
  });

  describe('when the target is too large or cannot be reached', () => {
    it('refuses a file larger than MAX_BODY_BYTES, like a response (exit 2), without reading it all', async () => {
      writeFileSync(path.join(dir, 'big-fr.html'), Buffer.alloc(4096, 0x61));
      const r = await runCli(['parse', 'big-fr.html'], { cwd: dir, env: { MAX_BODY_BYTES: '2048' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/big-fr\.html is larger than MAX_BODY_BYTES \(2048 bytes\)/);
    });

    it('returns from /dev/zero with an error (exit 2)', async () => {
      const r = await run('/dev/zero', '--lang', 'fr');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/MAX_BODY_BYTES/);
    });

    it('names the host and the cause when a URL cannot be reached (exit 1)', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      await new Promise((resolve) => server.close(resolve)); // nothing listens there now
      const r = await run(`http://127.0.0.1:${port}/www/?LANG=fr`);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
    });

    it('refuses a response larger than MAX_BODY_BYTES (exit 1)', async () => {
      const server: Server = createServer((_req, res) => res.end(Buffer.alloc(8192, 0x61)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      try {
        const r = await runCli(['parse', `http://127.0.0.1:${port}/?LANG=fr`], { cwd: dir, env: { MAX_BODY_BYTES: '2048' } });
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/larger than MAX_BODY_BYTES \(2048 bytes\)/);
      } finally {
        server.close();
      }
    });
  });
});
