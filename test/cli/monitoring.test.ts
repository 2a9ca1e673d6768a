/**
 * The monitoring commands in this process (main(argv, io)) on a PostgreSQL schema of their own,
 * seeded with parsed fake-Senate pages, events and changes (test/helpers/monitoring-seed.ts).
 * Day counts depend on today, so these tests assert what does not: ids, order, columns, flags.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { seedAll } from '../helpers/monitoring-seed.ts';
import { runCli } from './run-cli.ts';

describe('the monitoring commands', () => {
  let t: TestDb;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await pgTestDb();
    await seedAll(t.db);
    env = { DATABASE_URL: t.url, DATABASE_SCHEMA: t.schema };
  });
  afterAll(async () => {
    await t?.drop();
  });

  const cli = (...args: string[]) => runCli(args, { env });
  const ids = (stdout: string) => [...stdout.matchAll(/^(8-\d+)\b/gm)].map((m) => m[1]);

  describe('pending', () => {
    it('prints an aligned table of the unanswered questions, longest waiting first', async () => {
      const r = await cli('pending');
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^id\s+sent\s+waiting\s+deadline\s+overdue\s+reminders\s+addressee\s+author\s+subject$/);
      expect(lines[1]).toMatch(/^-+( +-+)+$/);
      expect(ids(r.stdout)).toEqual(['8-1', '8-5', '8-2']);
      // Every column starts where its header does.
      const start = lines[0]!.indexOf('addressee');
      for (const l of lines.slice(2, 5)) expect(l.slice(start)).toMatch(/^Minister of (Justice|Foreign Affairs)/);
      expect(r.stdout).toContain('~2026-10-31');
      expect(r.stdout).toMatch(/~ estimated deadline: the page prints none; sent \+ 30 days/);
    });

    it('narrows by addressee and author, and takes DEADLINE_ESTIMATE_DAYS', async () => {
      expect(ids((await cli('pending', '--addressee', 'Justitie')).stdout)).toEqual(['8-1', '8-2']);
      expect(ids((await cli('pending', '--author', 'Anciaux', '-l', '8')).stdout)).toEqual(['8-1']);
      const r = await cli('pending', '--addressee', 'nobody');
      expect(r.stdout).toBe('no unanswered questions\n');
      const json = JSON.parse((await runCli(['pending', '--json', '--addressee', 'Buitenlandse'], { env: { ...env, DEADLINE_ESTIMATE_DAYS: '10' } })).stdout) as { id: string; deadline: string; deadlineEstimated: boolean }[];
      expect(json).toEqual([expect.objectContaining({ id: '8-5', deadline: '2026-10-11', deadlineEstimated: true })]);
    });

    it('prints CSV with --csv', async () => {
      const r = await cli('pending', '--csv');
      const records = r.stdout.split('\r\n');
      expect(records[0]).toBe('id,sent,waiting,deadline,overdue,reminders,addressee,author,subject');
      expect(records.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['8-1', '8-5', '8-2']);
      expect(records[1]).toContain(',Minister of Justice,Bert Anciaux (sp.a),');
      expect(records.at(-1)).toBe('');
    });
  });

  it('overdue lists the questions past their deadline, an estimated one marked', async () => {
    const r = await cli('overdue');
    expect(r.code, r.stderr).toBe(0);
    expect(ids(r.stdout)).toEqual(['8-1', '8-5']);
    const json = JSON.parse((await cli('overdue', '--json')).stdout) as { id: string; deadlineEstimated: boolean }[];
    expect(json.map((q) => [q.id, q.deadlineEstimated])).toEqual([
      ['8-1', false],
      ['8-5', true],
    ]);
  });

  it('answered --since lists the answers first seen since then, with the printed date and when seen', async () => {
    const r = await cli('answered', '--since', '2026-11-29T00:00Z');
    expect(r.code, r.stderr).toBe(0);
    expect(ids(r.stdout)).toEqual(['8-3', '8-6', '8-8']);
    expect(r.stdout).toMatch(/^8-3\s+2026-11-29 10:00Z\s+fr\s+2026-06-21\s+2026-11-30 08:00Z\s+event\s+Minister of Justice/m);
    const json = JSON.parse((await cli('answered', '--since', '2026-11-29T12:00Z', '--json')).stdout) as { questionId: string; source: string }[];
    expect(json.map((a) => [a.questionId, a.source])).toEqual([
      ['8-6', 'change'],
      ['8-8', 'first_seen'],
    ]);
  });

  describe('history', () => {
    it('prints the changes oldest first with a word diff of a changed text', async () => {
      const r = await cli('history', '8-1');
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('8-1: first seen 2026-07-01 03:00Z, 2 changes, oldest first');
      expect(lines[1]).toMatch(/^2026-10-02 03:00Z {2}answerDeadline {2}parser 1\.0\.1$/);
      expect(lines[2]).toBe('  2026-09-30 → 2026-10-01');
      expect(lines[3]).toMatch(/^2026-11-30 08:30Z {2}subject \(fr\) {2}senate$/);
      expect(lines[4]).toBe('  Prisons {+belges +}- Surpopulation{+ carcérale+}');
      expect(r.stdout).not.toContain('\u001b[');
    });

    it('colours the diff on a terminal', async () => {
      let stdout = '';
      const { main } = await import('../../src/cli/main.ts');
      const code = await main(['node', 'senate-questions', 'history', '8-1'], {
        stdout: { write: (s: string) => (stdout += s), isTTY: true },
        stderr: { write: () => true },
        env: { LOG_LEVEL: 'silent', ...env },
        cwd: process.cwd(),
      });
      expect(code).toBe(0);
      expect(stdout).toContain('Prisons \u001b[32mbelges \u001b[0m- Surpopulation\u001b[32m carcérale\u001b[0m');
    });

    it('prints JSON and CSV', async () => {
      const json = JSON.parse((await cli('history', '8-1', '--json')).stdout) as { changes: { field: string }[] };
      expect(json.changes.map((c) => c.field)).toEqual(['answerDeadline', 'subject']);
      const csv = (await cli('history', '8-1', '--csv')).stdout.split('\r\n');
      expect(csv[0]).toBe('id,observed_at,lang,field,cause,kind,parser_version,run_id,fetch_id,old,new');
      expect(csv[2]).toMatch(/^\d+,2026-11-30T08:30:00\.000Z,fr,subject,senate,changed,1\.0\.0,,,"""Prisons - Surpopulation""","""Prisons belges - Surpopulation carcérale"""$/);
    });

    it('exits 1 for a question not stored, 2 for a bad id', async () => {
      const missing = await cli('history', '8-999');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('question 8-999 is not stored');
      for (const bad of ['8-x', '8-0', '123']) {
        const r = await cli('history', bad);
        expect(r.code, bad).toBe(2);
        expect(r.stderr).toContain('<id> takes a question id such as 8-123');
      }
    });
  });

  it('events lists the stream in order, by type and since', async () => {
    const r = await cli('events');
    expect(r.code, r.stderr).toBe(0);
    expect([...r.stdout.matchAll(/^\s*\d+\s+\S+ \S+\s+(\w+)/gm)].map((m) => m[1])).toEqual(['question_new', 'answer_arrived', 'answer_arrived', 'translation_arrived', 'field_changed']);
    const typed = JSON.parse((await cli('events', '--type', 'answer_arrived,translation_arrived', '--json')).stdout) as { questionId: string; type: string }[];
    expect(typed.map((e) => `${e.type} ${e.questionId}`)).toEqual(['answer_arrived 8-4', 'answer_arrived 8-3', 'translation_arrived 8-3']);
    const since = (await cli('events', '--since', '2026-11-30T00:00Z', '--csv')).stdout.split('\r\n');
    expect(since[0]).toBe('seq,id,occurred_at,type,question_id,lang,run_id,payload');
    expect(since.slice(1, -1).map((l) => l.split(',')[3])).toEqual(['translation_arrived', 'field_changed']);
  });

  it('lateness prints one row per addressee with its figures', async () => {
    const r = await cli('lateness', '-l', '8');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^addressee\s+key\s+asked\s+answered\s+pending\s+median days\s+by deadline\s+oldest unanswered\s+title \(fr\)$/);
    expect(lines[2]).toMatch(/^Minister of Justice\s+minister:justice\s+4\s+2\s+2\s+45\s+33%\s+8-1 \(\d+d\)\s+à la ministre de la Justice$/);
    const csv = (await cli('lateness', '--csv')).stdout.split('\r\n');
    expect(csv[1]).toMatch(/^minister:justice,Minister of Justice,à la ministre de la Justice,aan de minister van Justitie,4,2,2,45,3,1,0\.333\d*,8-1,2026-09-01,\d+$/);
    expect(JSON.parse((await cli('lateness', '--json', '-l', '7')).stdout)).toEqual([]);
  });

  it('events --follow on the embedded database exits 2: nothing else could write while it holds it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sq-follow-'));
    try {
      const r = await runCli(['events', '--follow'], { env: { DATA_DIR: dataDir } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--follow needs DATABASE_URL');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    [['pending', '--json', '--csv'], '--json and --csv cannot be given together'],
    [['pending', '-l', 'eight'], '--legislature takes a legislature number'],
    [['answered'], "required option '--since <when>' not specified"],
    [['answered', '--since', 'yesterday'], '--since takes a date'],
    [['answered', '--since', '2026-02-31'], '--since takes a date'],
    [['events', '--type', 'answer'], '--type must be one of question_new'],
    [['events', '--since', '3 days'], '--since takes a date'],
    [['lateness', '-l', '0'], '--legislature takes a legislature number'],
  ])('%j exits 2 naming the argument', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
