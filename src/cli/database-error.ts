/**
 * A database that cannot be reached says which setting points at it: "ECONNREFUSED" alone
 * does not tell a user that DATABASE_URL is the thing to check.
 */
import { WorkFailedError, coerceError } from '../util/errors.ts';

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is PostgreSQL running there?',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
  '28P01': 'the password was refused',
  '28000': 'the user is not allowed to connect',
  '3D000': 'the database does not exist',
  '57P03': 'the server is starting up or shutting down',
};

/** The code of a connection failure, looking inside an AggregateError (IPv4 and IPv6 both tried). */
function codeOf(err: unknown): string | null {
  const e = err as { code?: unknown; errors?: unknown[] } | null;
  if (typeof e?.code === 'string') return e.code;
  if (Array.isArray(e?.errors)) for (const inner of e.errors) if (codeOf(inner)) return codeOf(inner);
  return null;
}

/** DATABASE_URL without its password. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/**
 * A WorkFailedError naming DATABASE_URL (password hidden) and the cause, when `err` is a failure
 * to connect to it; otherwise `err` as it was.
 */
export function explainDatabaseError(err: unknown, databaseUrl: string | undefined): unknown {
  if (!databaseUrl) return err;
  const code = codeOf(err);
  const message = coerceError(err).message;
  const known = code ? CONNECTION_CODES[code] : undefined;
  const terminated = /Connection terminated|connect ECONNREFUSED|timeout expired/i.test(message);
  if (!known && !terminated) return err;
  return new WorkFailedError(
    `cannot use the PostgreSQL database at DATABASE_URL=${redactDatabaseUrl(databaseUrl)}: ${known ?? message}${code ? ` (${code})` : ''}. ` +
      'Check DATABASE_URL, or unset it to use the embedded database in DATA_DIR.',
    { cause: err },
  );
}
