import { describe, expect, it } from 'vitest';
import { HttpStatusError, OffHostRedirectError, TooManyRedirectsError } from '../../src/crawl/errors.ts';
import { ChallengeError, finalResponse, flattenHeaders, isRedirect, MAX_REDIRECTS, redirectTarget } from '../../src/crawl/response.ts';

const host = 'www.senate.be';
const from = 'https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=5&NR=1&LANG=fr';

describe('flattenHeaders', () => {
  it('lower-cases names, joins repeated names and repeated values with ", ", and skips absent values', () => {
    expect(
      flattenHeaders([
        ['Set-Cookie', ['a=1', 'b=2']],
        ['set-cookie', 'c=3'],
        ['ETag', '"x"'],
        ['x-none', undefined],
      ]),
    ).toEqual({ 'set-cookie': 'a=1, b=2, c=3', etag: '"x"' });
  });
});

describe('isRedirect', () => {
  it('is true for 301, 302, 303, 307 and 308 only', () => {
    expect([300, 301, 302, 303, 304, 307, 308, 309].filter(isRedirect)).toEqual([301, 302, 303, 307, 308]);
  });
});

describe('redirectTarget', () => {
  const hop = (location: string, n = 1) => () => redirectTarget({ from, location, host, hop: n, requested: from });

  it('resolves a relative location against the URL redirected from', () => {
    expect(hop('/www/?MIval=/Vragen/SVPrint&LEG=5&NR=1')().href).toBe('https://www.senate.be/www/?MIval=/Vragen/SVPrint&LEG=5&NR=1');
  });

  it('accepts http on the same host, whatever the case of the host', () => {
    expect(hop('http://WWW.SENATE.BE/x')().hostname).toBe('www.senate.be');
  });

  it('refuses another host, another scheme and a location that is not a URL', () => {
    expect(hop('https://evil.example/x')).toThrow(OffHostRedirectError);
    expect(hop('ftp://www.senate.be/x')).toThrow(OffHostRedirectError);
    expect(hop('http://[::1')).toThrow(OffHostRedirectError);
  });

  it(`allows ${MAX_REDIRECTS} hops and refuses the next`, () => {
    expect(hop('/a', MAX_REDIRECTS)().pathname).toBe('/a');
    expect(hop('/a', MAX_REDIRECTS + 1)).toThrow(TooManyRedirectsError);
  });
});

describe('finalResponse', () => {
  const base = { url: from, finalUrl: from, headers: { 'retry-after': '7' }, body: Buffer.from('page'), fetchedAt: new Date(), startedMs: performance.now() };

  it('gives a 2xx with its body', () => {
    expect(finalResponse({ ...base, status: 200 })).toMatchObject({ status: 200, notModified: false, body: Buffer.from('page'), attempts: 1 });
  });

  it('gives a 304 as not modified, with no body', () => {
    const r = finalResponse({ ...base, status: 304 });
    expect(r).toMatchObject({ status: 304, notModified: true });
    expect(r.body.length).toBe(0);
  });

  it('throws any other status as an HttpStatusError with its Retry-After', () => {
    let thrown: unknown = null;
    try {
      finalResponse({ ...base, status: 503 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HttpStatusError);
    expect(thrown).toMatchObject({ status: 503, retryAfterMs: 7000, url: from });
    expect(() => finalResponse({ ...base, status: 404 })).toThrow(HttpStatusError);
  });

  it('throws a 4xx that is a browser challenge (cf-mitigated, or its page) as a ChallengeError, and a plain 403 as itself', () => {
    const thrown = (r: Parameters<typeof finalResponse>[0]): unknown => {
      try {
        finalResponse(r);
      } catch (e) {
        return e;
      }
      return null;
    };
    expect(thrown({ ...base, status: 403, headers: { 'cf-mitigated': 'challenge' } })).toBeInstanceOf(ChallengeError);
    const byBody = thrown({ ...base, status: 403, headers: {}, body: Buffer.from('<title>Just a moment...</title>') });
    expect(byBody).toBeInstanceOf(ChallengeError);
    expect((byBody as Error).message).toMatch(/^HTTP 403 for .* \(a browser challenge page/);
    const plain = thrown({ ...base, status: 403, headers: {} });
    expect(plain).toBeInstanceOf(HttpStatusError);
    expect(plain).not.toBeInstanceOf(ChallengeError);
  });
});
