/**
 * `senate-questions parse <file-or-url> [--lang fr|nl]`: parses one question page and prints
 * its record as JSON (field names in docs/parse-output.md). The language comes from --lang,
 * else the URL's `LANG=`, else `-fr`/`-nl` in the file name. A page that is not a question
 * fails with its reason (exit 1); bad usage exits 2.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { userAgent } from '../../../config/index.ts';
import { pageJson } from '../../senate/fields.ts';
import type { Lang } from '../../senate/question-record.ts';
import { parseQuestionPage } from '../../senate/question-page.ts';
import { parseQuestionUrl } from '../../senate/urls.ts';
import { UsageError, WorkFailedError, coerceError } from '../../util/errors.ts';
import { configFor } from '../config.ts';
import type { Io } from '../io.ts';

function isUrl(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/** The language of a target: the URL's LANG= or `-fr`/`-nl` in a file name. */
export function languageOf(target: string): Lang | null {
  if (isUrl(target)) {
    const m = /[?&]LANG=(fr|nl)\b/i.exec(target);
    return m ? (m[1]!.toLowerCase() as Lang) : null;
  }
  const m = /(?:^|[-_.])(fr|nl)(?=[-_.]|$)/i.exec(path.basename(target));
  return m ? (m[1]!.toLowerCase() as Lang) : null;
}

async function load(target: string, io: Io): Promise<{ body: Buffer; contentType: string | null }> {
  if (!isUrl(target)) {
    try {
      return { body: await readFile(path.resolve(io.cwd, target)), contentType: null };
    } catch (e) {
      throw new UsageError(`cannot read ${target}: ${coerceError(e).message}`);
    }
  }
  const config = configFor(io);
  let res: Response;
  try {
    res = await fetch(target, { headers: { 'user-agent': userAgent(config) }, signal: AbortSignal.timeout(config.fetchTimeoutMs) });
  } catch (e) {
    throw new WorkFailedError(`cannot fetch ${target}: ${coerceError(e).message}`, { cause: e });
  }
  if (!res.ok) throw new WorkFailedError(`${target} answered HTTP ${res.status}`);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') };
}

export async function parse(target: string, opts: { lang?: Lang }, io: Io): Promise<void> {
  const lang = opts.lang ?? languageOf(target);
  if (!lang) throw new UsageError(`cannot tell the language of ${target}: pass --lang fr|nl`);
  const { body, contentType } = await load(target, io);
  const expectedId = isUrl(target) ? parseQuestionUrl(target)?.id : undefined;
  const result = parseQuestionPage({ body, contentType, lang, ...(expectedId ? { expectedId } : {}) });
  if (!result.ok) throw new WorkFailedError(`${target} is not a question page (${result.reason}): ${result.message}`);
  // Documented order and names (docs/parse-output.md), from the field table.
  const out = pageJson(result.page);
  io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
