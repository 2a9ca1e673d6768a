import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSenate } from '../fake-senate/server.ts';
import { startFakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess, testConfig } from '../helpers/crawl-env.ts';
import { judgeRun } from '../../jobs/judge-run.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { summaryLine } from '../../src/cli/progress.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { getQuestions } from '../../src/store/questions.ts';
import { getRunHealth } from '../../src/store/run-health.ts';

/**
 * The Senate redesigns its site: the listing links to questions under a new URL scheme (our
 * parser finds no question link on it) and the question pages print their titles in new
 * words (our parser finds no title). A proxy in front of the fake Senate does the redesign,
 * byte for byte on the Windows-1252 pages, and drops the validators so nothing answers 304.
 */
interface Redesign {
  url: string;
  redesigned: boolean;
  close(): Promise<void>;
}

async function redesignProxy(fake: FakeSenate): Promise<Redesign> {
  const target = new URL(fake.url);
  let origin = '';
  const state = { redesigned: false };
  const server: Server = createServer((req, res) => {
    const headers = { ...req.headers, host: target.host };
    if (state.redesigned) {
      delete headers['if-none-match'];
      delete headers['if-modified-since'];
    }
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (upRes) => {
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        // latin1 maps every byte to one character and back: the Windows-1252 bytes survive.
        let body = Buffer.concat(chunks).toString('latin1').replaceAll(fake.url, origin);
        const out = { ...upRes.headers };
        if (state.redesigned) {
          body = body
            .replace(/SchriftelijkeVraag/g, 'Dossier')
            .replace(/Schriftelijke vraag nr\.?/gi, 'Dossier')
            .replace(/Question \u00e9crite n[\u00b0\u00ba]/gi, 'Dossier');
          delete out.etag;
          delete out['last-modified'];
        }
        const bytes = Buffer.from(body, 'latin1');
        out['content-length'] = String(bytes.length);
        res.writeHead(upRes.statusCode ?? 502, out);
        res.end(bytes);
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    get redesigned() {
      return state.redesigned;
    },
    set redesigned(v: boolean) {
      state.redesigned = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('run health', () => {
  let fake: FakeSenate;
  let proxy: Redesign;
  let t: TestDb;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeSenate({ questions: { n: 30, legislature: 8, seed: 11 } });
    proxy = await redesignProxy(fake);
    t = await pgTestDb();
    env = { WEBHOOKS: JSON.stringify([{ url: 'http://127.0.0.1:9/hook', events: ['crawl_unhealthy'] }]), WEBHOOK_SECRET: SECRET };
  });
  afterAll(async () => {
    await proxy?.close();
    await fake?.close();
    await t?.drop();
  });

  // The proxy stands in the fake Senate's place.
  const crawl = () => crawlInProcess(fake, t.db, { env: { ...env, SENATE_BASE_URL: proxy.url } });
  const unhealthyEvents = async () =>
    (await t.db.query<{ run_id: number; payload: { reasons: { code: string }[] } }>(`SELECT run_id, payload FROM events WHERE type = 'crawl_unhealthy' ORDER BY seq`)).rows;

  describe('when the site is as the parser knows it', () => {
    it('judges the first and the next run healthy and emits no event', async () => {
      const first = await crawl();
      expect(first.status).toBe('succeeded');
      expect(first.questionsNew).toBe(30);
      expect(await getRunHealth(t.db, first.id)).toEqual({ health: 'healthy', reasons: [] });
      const next = await crawl();
      expect(await getRunHealth(t.db, next.id)).toEqual({ health: 'healthy', reasons: [] });
      expect(await unhealthyEvents()).toEqual([]);
    });
  });

  describe('when the Senate changed its markup', () => {
    it('marks the run unhealthy with its reasons, emits one crawl_unhealthy event with its webhook delivery, and leaves every stored record as it was', async () => {
      const meta = ({ lastFetchedAt, ...q }: Awaited<ReturnType<typeof getQuestions>>[number]) => q;
      const before = (await getQuestions(t.db, fake.ids())).map(meta);
      const changesBefore = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes');
      expect(before).toHaveLength(30);

      proxy.redesigned = true;
      const run = await crawl();

      const health = await getRunHealth(t.db, run.id);
      expect(health?.health).toBe('unhealthy');
      const codes = health!.reasons.map((r) => r.code);
      expect(codes).toContain('listing_empty');
      expect(codes).toContain('not_a_question');
      expect(health!.reasons.find((r) => r.code === 'listing_empty')?.message).toBe('the listing of legislature 8 linked to no question');

      expect(run.health).toBe('unhealthy');
      expect(summaryLine(run)).toContain('; UNHEALTHY: the listing of legislature 8 linked to no question; ');

      const events = await unhealthyEvents();
      expect(events).toHaveLength(1);
      expect(events[0]!.run_id).toBe(run.id);
      expect(events[0]!.payload.reasons.map((r) => r.code)).toEqual(codes);
      const deliveries = await t.db.query<{ endpoint: string; status: string }>(
        `SELECT d.endpoint, d.status FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE e.type = 'crawl_unhealthy'`,
      );
      expect(deliveries.rows).toEqual([{ endpoint: 'http://127.0.0.1:9/hook', status: 'pending' }]);

      expect((await getQuestions(t.db, fake.ids())).map(meta)).toEqual(before);
      expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes')).rows[0]!.n).toBe(changesBefore.rows[0]!.n);
    });

    it('judges the site back to normal healthy again, and judging a run twice makes no second event', async () => {
      const [event] = await unhealthyEvents();
      const again = await judgeRun({ db: t.db, config: testConfig(fake, env), logger: silentLogger }, event!.run_id);
      expect(again).toMatchObject({ health: 'unhealthy', event: null });
      proxy.redesigned = false;
      const run = await crawl();
      expect(await getRunHealth(t.db, run.id)).toEqual({ health: 'healthy', reasons: [] });
      expect(await unhealthyEvents()).toHaveLength(1);
    });
  });
});
