import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { questionUrl } from '../../src/senate/urls.ts';
import { generateQuestions } from './generate.ts';
import { get } from './http-client.ts';
import { maxInWindow, nowMs } from './request-log.ts';
import { startFakeSenate, type FakeSenate } from './server.ts';

describe('maxInWindow', () => {
  const at = (...ts: number[]): { t: number }[] => ts.map((t) => ({ t }));

  it('is 0 for an empty log', () => {
    expect(maxInWindow([], 1000)).toBe(0);
  });

  it('counts the most requests that started within any window', () => {
    expect(maxInWindow(at(0, 100, 200, 1500, 1600, 1700, 1800), 1000)).toBe(4);
  });

  it('excludes a request exactly one window later', () => {
    expect(maxInWindow(at(0, 1000, 2000), 1000)).toBe(1);
    expect(maxInWindow(at(0, 999.9), 1000)).toBe(2);
  });

  it('does not depend on the order of the log', () => {
    expect(maxInWindow(at(1800, 0, 1600, 100, 1700, 200, 1500), 1000)).toBe(4);
  });
});

describe('the request log', () => {
  let senate: FakeSenate;
  beforeAll(async () => {
    senate = await startFakeSenate({ questions: generateQuestions(5, { legislature: 8, seed: 1 }) });
  });
  afterAll(() => senate.close());

  it('records method, url, status, user agent, validators and timing of every request', async () => {
    senate.clearRequests();
    const before = nowMs();
    const url = questionUrl(senate.url, '8-2', 'nl');
    const first = await get(url, { 'User-Agent': 'senate-questions-test/1.0' });
    await get(url, { 'If-None-Match': String(first.headers.etag), 'If-Modified-Since': 'Sat, 01 Jan 2000 00:00:00 GMT' });
    await get(`${senate.url}/robots.txt`, {}, { method: 'HEAD' });
    const log = senate.requests();
    expect(log).toHaveLength(3);
    expect(log[0]).toMatchObject({
      method: 'GET',
      url: '/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=8&NR=2&LANG=nl',
      status: 200,
      userAgent: 'senate-questions-test/1.0',
      ifNoneMatch: null,
      ifModifiedSince: null,
      fault: null,
    });
    expect(log[1]).toMatchObject({ status: 304, ifNoneMatch: first.headers.etag, ifModifiedSince: 'Sat, 01 Jan 2000 00:00:00 GMT', userAgent: null });
    expect(log[2]).toMatchObject({ method: 'HEAD', url: '/robots.txt', status: 200 });
    for (const e of log) {
      expect(e.t).toBeGreaterThanOrEqual(before);
      expect(e.t).toBeLessThanOrEqual(nowMs());
      expect(e.ms).toBeGreaterThan(0);
    }
    expect(log[1]!.t).toBeGreaterThan(log[0]!.t);
  });

  it('hands out copies, and starts afresh when cleared', async () => {
    await get(`${senate.url}/robots.txt`);
    const copy = senate.requests();
    copy.length = 0;
    expect(senate.requests().length).toBeGreaterThan(0);
    senate.clearRequests();
    expect(senate.requests()).toEqual([]);
  });

  it('lets a politeness test measure the request rate', async () => {
    senate.clearRequests();
    for (let i = 0; i < 5; i++) await get(`${senate.url}/robots.txt`);
    expect(maxInWindow(senate.requests(), 1000)).toBe(5);
  });
});
