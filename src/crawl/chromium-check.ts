/**
 * FETCH_MODE=browser needs a Chromium: find out at start, not minutes later when the first page
 * is fetched (where it would read as robots.txt being unreachable).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/** Why `chromiumPath` cannot be run (a sentence naming CHROMIUM_PATH), or null when it can. */
export async function chromiumProblem(chromiumPath: string, envPath: string = process.env.PATH ?? ''): Promise<string | null> {
  const candidates = chromiumPath.includes('/') ? [chromiumPath] : envPath.split(path.delimiter).filter(Boolean).map((d) => path.join(d, chromiumPath));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      if ((await stat(c)).isFile()) return null;
    } catch {
      // try the next one
    }
  }
  return (
    `FETCH_MODE=browser needs Chromium, and CHROMIUM_PATH=${chromiumPath} is not an executable file` +
    `${chromiumPath.includes('/') ? '' : ' on PATH'}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH, or use FETCH_MODE=http`
  );
}
