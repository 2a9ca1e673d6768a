import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reparse } from '../../jobs/reparse.ts';
import { PARSER_VERSION } from '../../src/senate/question-page.ts';
import { questionUrl } from '../../src/senate/urls.ts';
import { archiveFetch, loadBody } from '../../src/store/archive.ts';
import { getQuestion } from '../../src/store/questions.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

const run = promisify(execFile);

describe('reparse', () => {
  let fake: FakeSenate;
  let t: TestDb;

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 12, legislature: 8, seed: 3 }, serving: 'varied' });
    t = await pgTestDb();
    await crawlInProcess(fake, t.db);
    await fake.close();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('finds nothing to change when the stored records came from the same parser', async () => {
    const report = await reparse({ db: t.db, logger: silentLogger }, { dryRun: true });
    expect(report).toMatchObject({ questions: 12, unchanged: 12, changed: [], refused: [] });
  });

  describe('when a stored field differs from what the archive parses to', () => {
    it('reports the field in a dry run and stores nothing, without the network', async () => {
      await t.db.query(`UPDATE question_texts SET subject = 'tampered', content_sha256 = 'old' WHERE question_id = '8-5' AND lang = 'fr'`);
      await t.db.query(`UPDATE questions SET content_sha256 = 'x' WHERE id = '8-5'`);
      const report = await reparse({ db: t.db, logger: silentLogger }, { dryRun: true, legislature: 8 });
      expect(report.changed).toEqual([{ id: '8-5', changes: [expect.objectContaining({ lang: 'fr', field: 'subject', old: 'tampered' })] }]);
      expect((await getQuestion(t.db, '8-5'))!.texts.fr!.subject).toBe('tampered');
    });

    it('through the CLI, lists the change with --dry-run and exits 0', async () => {
      const { stdout } = await run('node', [path.resolve('bin/senate-questions.js'), 'reparse', '--dry-run', '--legislature', '8'], {
        env: { ...process.env, DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema, LOG_LEVEL: 'silent' },
      });
      expect(stdout).toMatch(/8-5:\n {2}fr subject: tampered -> /);
      expect(stdout).toMatch(/12 questions reparsed with parser [\d.]+: 1 would change, 11 unchanged, 0 pages refused/);
    });

    it('stores the parsed value when not a dry run, and records a reparse run', async () => {
      const report = await reparse({ db: t.db, logger: silentLogger }, { dryRun: false });
      expect(report.changed.map((c) => c.id)).toEqual(['8-5']);
      expect((await getQuestion(t.db, '8-5'))!.texts.fr!.subject).not.toBe('tampered');
      const { rows } = await t.db.query<{ kind: string; status: string; questions_changed: number }>(
        `SELECT kind, status, questions_changed FROM crawl_runs WHERE id = $1`,
        [report.runId],
      );
      expect(rows[0]).toEqual({ kind: 'reparse', status: 'succeeded', questions_changed: 1 });
    });

    it('records the change as caused by the parser, with its version and run, and raises no event', async () => {
      const { rows } = await t.db.query<{ question_id: string; lang: string; field: string; old_value: string; cause: string; kind: string; parser_version: string; run_id: number }>(
        'SELECT question_id, lang, field, old_value, cause, kind, parser_version, run_id FROM changes',
      );
      expect(rows).toEqual([{ question_id: '8-5', lang: 'fr', field: 'subject', old_value: 'tampered', cause: 'parser', kind: 'changed', parser_version: PARSER_VERSION, run_id: expect.any(Number) }]);
      const { rows: events } = await t.db.query<{ type: string }>("SELECT type FROM events WHERE type <> 'question_new'");
      expect(events).toEqual([]);
    });

    it('writes no new changes or events on a second identical reparse', async () => {
      const count = async () => (await t.db.query<{ n: number }>('SELECT (SELECT count(*) FROM changes) + (SELECT count(*) FROM events) AS n')).rows[0]!.n;
      const before = await count();
      const report = await reparse({ db: t.db, logger: silentLogger }, { dryRun: false });
      expect(report).toMatchObject({ changed: [], unchanged: 12 });
      expect(await count()).toBe(before);
    });
  });
});

describe('reparse, on records stored worse than their archive', () => {
  let fake: FakeSenate;
  let t: TestDb;
  let answeredId: string;

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 8, legislature: 8, seed: 4 }, serving: 'varied' });
    t = await pgTestDb();
    await crawlInProcess(fake, t.db);
    answeredId = fake.ids().find((id) => (fake.groundTruth(id)!.nl.answer?.text.length ?? 0) > 200)!;
    await fake.close();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('repairs texts stored with U+FFFD, decoding archived bytes announced as UTF-8 with the charset that reads them cleanly', async () => {
    // The archive says UTF-8 in front of windows-1252 bytes; what was stored from it read every non-ASCII letter as U+FFFD.
    await t.db.query(`UPDATE fetches SET headers = jsonb_set(headers, '{content-type}', '"text/html; charset=utf-8"') WHERE kind = 'question'`);
    const { rowCount } = await t.db.query(`UPDATE question_texts SET subject = regexp_replace(subject, '[^\\x01-\\x7F]', chr(65533), 'g'), content_sha256 = 'damaged'
      WHERE subject ~ '[^\\x01-\\x7F]'`);
    expect(rowCount, 'subjects damaged (a precondition)').toBeGreaterThan(0);

    const report = await reparse({ db: t.db, logger: silentLogger }, { dryRun: false });
    expect(report.heldBack).toEqual([]);
    expect(report.changed.length).toBe(new Set(report.changed.map((c) => c.id)).size);
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM question_texts WHERE subject LIKE '%' || chr(65533) || '%'`);
    expect(rows[0]!.n).toBe(0);
    for (const id of fake.ids()) expect((await getQuestion(t.db, id))!.texts.nl!.subject).toBe(fake.groundTruth(id)!.nl.subject);
  });

  it('holds back a newer archived copy that reads worse than the stored text, and says so', async () => {
    const url = questionUrl(fake.url, answeredId, 'nl');
    const good = await t.db.query<{ sha256: string }>(`SELECT sha256 FROM fetches WHERE url = $1 AND status = 200 ORDER BY id DESC LIMIT 1`, [url]);
    const body = (await loadBody(t.db, good.rows[0]!.sha256))!;
    const cut = body.toString('latin1');
    // Keep the page up to the middle of its answer and close it: it still parses, with half an answer.
    const answerAt = cut.indexOf('Antwoord ontvangen op');
    expect(answerAt, 'the answer heading in the archived page (a precondition)').toBeGreaterThan(0);
    const end = cut.lastIndexOf('>', answerAt + Math.floor((cut.length - answerAt) / 2));
    const short = Buffer.from(`${cut.slice(0, end + 1)}\n</body></html>\n`, 'latin1');
    await archiveFetch(t.db, { runId: null, kind: 'question', url, questionId: answeredId, lang: 'nl', status: 200, headers: { 'content-type': 'text/html; charset=windows-1252' }, body: short });
    const before = (await getQuestion(t.db, answeredId))!.texts.nl;

    const report = await reparse({ db: t.db, logger: silentLogger }, { dryRun: false });
    expect(report.heldBack).toEqual([{ id: answeredId, lang: 'nl', reasons: [expect.stringMatching(/^answer (is cut short|lost)/)] }]);
    expect((await getQuestion(t.db, answeredId))!.texts.nl).toEqual(before);
    const { rows } = await t.db.query<{ status: string; error: string }>(`SELECT status, error FROM crawl_runs WHERE id = $1`, [report.runId]);
    expect(rows[0]).toEqual({ status: 'partial', error: '1 page(s) held back as worse than the stored text' });
  });
});
