import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBvZiAzMiBieXRlcyE=';

function problems(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('the configuration was accepted');
}

describe('the webhook settings', () => {
  it('default to no webhooks, a 15 s timeout, 4 at once and the Standard Webhooks schedule', () => {
    expect(loadConfig({})).toMatchObject({
      webhooks: [],
      webhookSecret: undefined,
      webhookTimeoutMs: 15_000,
      webhookConcurrency: 4,
      webhookRetryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
    });
  });

  describe('WEBHOOKS', () => {
    it('gives every endpoint its event filter (all by default) and its secret (WEBHOOK_SECRET by default)', () => {
      const c = loadConfig({
        WEBHOOK_SECRET: SECRET,
        WEBHOOKS: JSON.stringify([
          { url: 'https://example.org/hooks/senate', events: ['answer_arrived', 'translation_arrived', 'answer_arrived'] },
          { url: 'http://127.0.0.1:8080/all', secret: OTHER },
          { url: 'http://127.0.0.1:8080/star', events: '*' },
        ]),
      });
      expect(c.webhooks).toEqual([
        { url: 'https://example.org/hooks/senate', events: ['answer_arrived', 'translation_arrived'], secret: SECRET },
        { url: 'http://127.0.0.1:8080/all', events: '*', secret: OTHER },
        { url: 'http://127.0.0.1:8080/star', events: '*', secret: SECRET },
      ]);
    });

    it.each([
      ['[]', null],
      ['[{"url":"http://a/","events":[]}]', 'endpoint 1: "events" must be "*" or a non-empty list of event types'],
      ['[{"url":"http://a/"},{"url":"http://a/"}]', 'endpoint 2: http://a/ is listed twice'],
      ['[{"url":"http://a/","filter":["x"]}]', 'endpoint 1 has unknown key(s) filter (known: url, events, secret)'],
      ['["http://a/"]', 'endpoint 1 must be an object {"url", "events", "secret"}'],
    ])('reads %s as %s', (value, message) => {
      if (message === null) expect(loadConfig({ WEBHOOKS: value }).webhooks).toEqual([]);
      else expect(problems({ WEBHOOKS: value, WEBHOOK_SECRET: SECRET })).toEqual([{ variable: 'WEBHOOKS', message: `${message} (value not shown)` }]);
    });
  });

  describe('WEBHOOK_SECRET', () => {
    it('must be whsec_ and base64 of 24 to 64 bytes, and is never echoed', () => {
      expect(problems({ WEBHOOK_SECRET: 'whsec_c2hvcnQ=' })).toEqual([{ variable: 'WEBHOOK_SECRET', message: 'must hold 24 to 64 bytes (it holds 5) (value not shown)' }]);
      expect(problems({ WEBHOOK_SECRET: 'hunter2' })[0]!.message).not.toContain('hunter2');
    });
  });

  describe('WEBHOOK_RETRY_SCHEDULE', () => {
    it('reads a list of durations', () => {
      expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '1s, 1m,1h' }).webhookRetryScheduleMs).toEqual([1_000, 60_000, 3_600_000]);
    });

    it('names a duration it cannot read', () => {
      expect(problems({ WEBHOOK_RETRY_SCHEDULE: '1s,soon' })).toEqual([
        { variable: 'WEBHOOK_RETRY_SCHEDULE', message: '"soon" is not a duration (a number and ms, s, m, h or d) (got "1s,soon")' },
      ]);
    });
  });
});
