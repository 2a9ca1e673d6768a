/** Normalises anything thrown into an Error (never throw strings). */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}

/** Bad usage or bad input: the CLI exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The work failed (not the user's input): the CLI exits 1. */
export class WorkFailedError extends Error {
  override readonly name = 'WorkFailedError';
}
