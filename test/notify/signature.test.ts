/**
 * Our signatures checked against the Standard Webhooks reference: its published test vector,
 * and the official JavaScript library (`standardwebhooks`, a devDependency) as the receiver.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, webhookHeaders, webhookSecretKey, webhookSecretProblem } from '../../src/notify/signature.ts';

// The vector of the reference library's tests (libraries/javascript/src/webhook.test.ts, "sign function works").
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('signWebhook', () => {
  it("gives the reference's signature for its test vector", () => {
    expect(signWebhook(webhookSecretKey(VECTOR.secret), VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });
});

describe('webhookHeaders, checked by the official standardwebhooks library', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ id: 'evt_abc', seq: 1, type: 'answer_arrived', payload: { excerpt: 'Réponse: « oui » — 100 %' } });

  it('verifies, and the library returns the body parsed', () => {
    const headers = webhookHeaders(webhookSecretKey(secret), 'evt_abc', new Date(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('puts the unix time in seconds in webhook-timestamp and the event id in webhook-id', () => {
    const headers = webhookHeaders(webhookSecretKey(secret), 'evt_abc', new Date('2024-01-02T03:04:05.678Z'), body);
    expect(headers['webhook-timestamp']).toBe('1704164645');
    expect(headers['webhook-id']).toBe('evt_abc');
  });

  it('does not verify with another secret, another body or another id', () => {
    const headers = webhookHeaders(webhookSecretKey(secret), 'evt_abc', new Date(), body);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(body.replace('oui', 'non'), headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_abd' })).toThrow(WebhookVerificationError);
  });
});

describe('webhookSecretProblem', () => {
  it('accepts whsec_ and base64 of 24 to 64 bytes', () => {
    expect(webhookSecretProblem(VECTOR.secret)).toBeNull();
    expect(webhookSecretProblem(generateWebhookSecret(64))).toBeNull();
  });

  it.each([
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'must start with whsec_'],
    ['whsec_not base64!', 'must be whsec_ followed by base64'],
    ['whsec_c2hvcnQ=', 'must hold 24 to 64 bytes (it holds 5)'],
  ])('refuses %j: %s', (secret, problem) => {
    expect(webhookSecretProblem(secret)).toContain(problem);
    expect(() => webhookSecretKey(secret)).toThrow(problem);
  });
});
