// Module resolution hooks (they run on Node's loader thread): log, then resolve as usual.
import { appendFileSync } from 'node:fs';

const log = process.env.SQ_IMPORT_LOG;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
