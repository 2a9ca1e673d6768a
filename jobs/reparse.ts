/**
 * reparse: parse the archived pages again with the current parser, without the network,
 * and store (or, in a dry run, only report) what changes. A page the current parser refuses
 * never erases what is stored.
 */
import { mergeBilingual } from '../src/senate/bilingual.ts';
import { PARSER_VERSION, parseQuestionPage } from '../src/senate/question-page.ts';
import type { Lang, QuestionPage } from '../src/senate/question-record.ts';
import { archivedQuestionPages, type ArchivedPage } from '../src/store/archive.ts';
import type { Db } from '../src/store/db.ts';
import { diffQuestion, type FieldChange } from '../src/store/diff.ts';
import { getQuestion, upsertQuestion } from '../src/store/questions.ts';
import { addToRun, createRun, finishRun } from '../src/store/runs.ts';
import type { Logger } from '../src/util/logger.ts';

export interface ReparseOptions {
  legislature?: number;
  dryRun: boolean;
}

export interface ReparseReport {
  runId: number | null;
  questions: number;
  changed: { id: string; changes: FieldChange[] }[];
  unchanged: number;
  refused: { id: string; lang: Lang; reason: string }[];
}

export async function reparse(deps: { db: Db; logger: Logger }, opts: ReparseOptions): Promise<ReparseReport> {
  const { db } = deps;
  const runId = opts.dryRun ? null : await createRun(db, { kind: 'reparse', mode: 'full', legislatures: opts.legislature ? [opts.legislature] : [] });
  const report: ReparseReport = { runId, questions: 0, changed: [], unchanged: 0, refused: [] };
  let group: ArchivedPage[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    const id = group[0]!.questionId;
    const pages: Partial<Record<Lang, QuestionPage>> = {};
    const fetchIds: Partial<Record<Lang, number>> = {};
    for (const p of group) {
      const r = parseQuestionPage({ body: p.body, contentType: p.contentType, lang: p.lang, expectedId: id });
      if (r.ok) {
        pages[p.lang] = r.page;
        fetchIds[p.lang] = p.fetchId;
      } else report.refused.push({ id, lang: p.lang, reason: r.message });
    }
    group = [];
    if (!pages.fr && !pages.nl) return;
    report.questions++;
    const record = mergeBilingual(pages.fr ?? null, pages.nl ?? null);
    const changes = diffQuestion(await getQuestion(db, id), record);
    if (changes.length === 0) {
      report.unchanged++;
      return;
    }
    report.changed.push({ id, changes });
    // A newer parser's reading of the same pages: changes marked cause 'parser', no events.
    if (!opts.dryRun) await upsertQuestion(db, record, { parserVersion: PARSER_VERSION, runId, fetchIds, cause: 'parser' });
  };
  try {
    for await (const page of archivedQuestionPages(db, { ...(opts.legislature ? { legislature: opts.legislature } : {}) })) {
      if (group.length > 0 && group[0]!.questionId !== page.questionId) await flush();
      group.push(page);
    }
    await flush();
  } catch (e) {
    if (runId !== null) await finishRun(db, runId, 'failed', (e as Error).message);
    throw e;
  }
  if (runId !== null) {
    await addToRun(db, runId, { questionsChanged: report.changed.length, questionsUnchanged: report.unchanged, jobsTotal: 1, jobsDone: 1 });
    await finishRun(db, runId, 'succeeded');
  }
  deps.logger.info({ questions: report.questions, changed: report.changed.length, refused: report.refused.length, dryRun: opts.dryRun }, 'reparse done');
  return report;
}
