/**
 * reparse: parse the archived pages again with the current parser, without the network,
 * and store (or, in a dry run, only report) what changes. A page the current parser refuses
 * never erases what is stored, and a parse worse than the stored text (src/senate/quality.ts)
 * is held back; records stored damaged (U+FFFD from a lying charset) are repaired, the bytes
 * being decoded with the charset that reads them cleanly.
 */
import { mergeBilingual } from '../src/senate/bilingual.ts';
import { PARSER_VERSION, parseQuestionPage } from '../src/senate/question-page.ts';
import type { Lang, QuestionPage } from '../src/senate/question-record.ts';
import { archivedQuestionPages, type ArchivedPage } from '../src/store/archive.ts';
import type { Db } from '../src/store/db.ts';
import { diffQuestion, type FieldChange } from '../src/store/diff.ts';
import { planStore } from '../src/senate/quality.ts';
import { getQuestion, storedFetchIds, upsertQuestion } from '../src/store/questions.ts';
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
  /** pages that parse but read worse than the stored text: not stored */
  heldBack: { id: string; lang: Lang; reasons: string[] }[];
}

export async function reparse(deps: { db: Db; logger: Logger }, opts: ReparseOptions): Promise<ReparseReport> {
  const { db } = deps;
  const runId = opts.dryRun ? null : await createRun(db, { kind: 'reparse', mode: 'full', legislatures: opts.legislature ? [opts.legislature] : [] });
  const report: ReparseReport = { runId, questions: 0, changed: [], unchanged: 0, refused: [], heldBack: [] };
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
    const [stored, sources] = await Promise.all([getQuestion(db, id), storedFetchIds(db, id)]);
    const plan = planStore(pages, stored, {
      fr: { sameSource: fetchIds.fr !== undefined && sources.fr === fetchIds.fr },
      nl: { sameSource: fetchIds.nl !== undefined && sources.nl === fetchIds.nl },
    });
    for (const [lang, reasons] of Object.entries(plan.heldBack) as [Lang, string[]][]) {
      report.heldBack.push({ id, lang, reasons });
      delete fetchIds[lang];
    }
    if (!plan.pages.fr && !plan.pages.nl) return;
    const record = mergeBilingual(plan.pages.fr, plan.pages.nl);
    const changes = diffQuestion(stored, record);
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
    // Pages held back leave records as they were, not as the archive reads: say so.
    await finishRun(db, runId, report.heldBack.length > 0 ? 'partial' : 'succeeded', report.heldBack.length > 0 ? `${report.heldBack.length} page(s) held back as worse than the stored text` : null);
  }
  deps.logger.info({ questions: report.questions, changed: report.changed.length, refused: report.refused.length, heldBack: report.heldBack.length, dryRun: opts.dryRun }, 'reparse done');
  return report;
}
