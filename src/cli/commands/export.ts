/**
 * `senate-questions export --format csv|jsonl [--since …] [-o FILE]`: every question, both
 * languages, one row or line per question, streamed from the database batch by batch (memory
 * stays one batch whatever the number of questions). To a file: written beside it and renamed
 * when complete, so a failed export never leaves a truncated file under the asked name.
 */
import { EventEmitter, once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportLines, type ExportFormat } from '../../export/format.ts';
import { exportQuestions } from '../../store/search.ts';
import { withApp } from '../context.ts';
import type { Io } from '../io.ts';

export interface ExportOptions {
  format: ExportFormat;
  since?: Date;
  output?: string;
}

export async function exportCommand(opts: ExportOptions, io: Io): Promise<void> {
  await withApp(io, async ({ db }) => {
    let rows = 0;
    const lines = async function* () {
      for await (const batch of exportQuestions(db, opts.since ? { changedSince: opts.since } : {})) {
        rows += batch.length;
        yield batch;
      }
    };
    if (!opts.output || opts.output === '-') {
      for await (const chunk of exportLines(opts.format, lines())) {
        // A real stdout says when to wait (a slow pipe); a test's capture never does.
        if (io.stdout.write(chunk) === false && io.stdout instanceof EventEmitter) await once(io.stdout, 'drain');
      }
    } else {
      // One batch (1,000 rows of text) buffered at most, not Readable.from's default of 16.
      const source = Readable.from(exportLines(opts.format, lines()), { highWaterMark: 1 });
      const target = path.resolve(io.cwd, opts.output);
      const partial = `${target}.partial-${process.pid}`;
      try {
        await pipeline(source, createWriteStream(partial));
        await rename(partial, target);
      } catch (e) {
        await rm(partial, { force: true });
        throw e;
      }
    }
    io.stderr.write(`exported ${rows} question(s)${opts.output && opts.output !== '-' ? ` to ${opts.output}` : ''}\n`);
  });
}

