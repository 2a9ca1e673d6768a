/**
 * Standard Webhooks signatures (standardwebhooks.com, symmetric scheme): the secret is
 * `whsec_` + base64 of 24 to 64 random bytes; the signature of a message is
 * `v1,` + base64(HMAC-SHA256(secret bytes, `${webhook-id}.${webhook-timestamp}.${body}`)).
 */
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
/** The spec's bounds on the secret: at least 24 bytes (192 bits), at most 64. */
export const SECRET_MIN_BYTES = 24;
export const SECRET_MAX_BYTES = 64;

/** What is wrong with a `whsec_…` secret, or null when it is usable. */
export function webhookSecretProblem(secret: string): string | null {
  if (!secret.startsWith(PREFIX)) return `must start with ${PREFIX} (a Standard Webhooks secret: ${PREFIX} + base64 of ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES} random bytes)`;
  const b64 = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return `must be ${PREFIX} followed by base64`;
  const n = Buffer.from(b64, 'base64').length;
  if (n < SECRET_MIN_BYTES || n > SECRET_MAX_BYTES) return `must hold ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES} bytes (it holds ${n})`;
  return null;
}

/** The HMAC key of a `whsec_…` secret. Throws on a malformed one (config validates them first). */
export function webhookSecretKey(secret: string): Buffer {
  const problem = webhookSecretProblem(secret);
  if (problem) throw new Error(`webhook secret ${problem}`);
  return Buffer.from(secret.slice(PREFIX.length), 'base64');
}

/** A new random secret (for the README and tests). */
export function generateWebhookSecret(bytes = 32): string {
  return `${PREFIX}${randomBytes(bytes).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256>` of `${id}.${timestampSec}.${body}`. */
export function signWebhook(key: Buffer, id: string, timestampSec: number, body: string): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers of one attempt. */
export function webhookHeaders(key: Buffer, id: string, at: Date, body: string): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestampSec = Math.floor(at.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSec), 'webhook-signature': signWebhook(key, id, timestampSec, body) };
}
