/**
 * The dashboard in headless Debian Chromium, on questions crawled from the fake Senate into
 * real PostgreSQL: an overdue question on the home page, its page with FR and NL side by
 * side, an answer's table rendered as a table, a relation followed, the layout on a phone,
 * and Senate text that tries to run script shown as text or removed, never executed.
 * Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../src/crawl/browser-fetcher.ts';
import { dashboardPlugin } from '../../src/http/dashboard/plugin.ts';
import { upsertQuestion } from '../../src/store/questions.ts';
import { startFakeSenate, type FakeSenate } from '../fake-senate/server.ts';
import { crawlInProcess, testConfig } from '../helpers/crawl-env.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';
import { answered } from '../helpers/questions.ts';

const ARTIFACTS = path.resolve('test-artifacts/dashboard');
const TABLE_ID = '8-12';
const XSS_ID = '8-13';
/** Stored directly: answer HTML as a parser that let the Senate's markup through would store it. */
const RAW_ID = '5-4712';

describe('the dashboard in a browser', () => {
  let fake: FakeSenate;
  let t: TestDb;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    fake = await startFakeSenate({ questions: { n: 40, legislature: 8, seed: 3 } });
    fake.answerArrives(TABLE_ID, { lang: 'both', date: '2026-11-20', text: { fr: 'Voici les chiffres.\n\nAnnée\tNombre\n2024\t12\n2025\t15', nl: 'Hier de cijfers.\n\nJaar\tAantal\n2024\t12\n2025\t15' } });
    fake.answerArrives(XSS_ID, {
      lang: 'both',
      date: '2026-11-21',
      text: 'Réponse <script>window.__xss = 1</script> fin.\n\n<img src="x" onerror="window.__xss = 2"> texte',
    });
    t = await pgTestDb();
    const run = await crawlInProcess(fake, t.db);
    expect(run.status).toBe('succeeded');
    const raw = answered();
    raw.texts.nl!.answer = {
      date: '2012-05-07',
      text: 'ok',
      html: '<p>ok</p><script>window.__xss = 3</script><img src="x" onerror="window.__xss = 4"><table><tr><td onclick="window.__xss = 5">Aantal</td><td>2011</td></tr></table><a href="javascript:window.__xss = 6">link</a>',
    };
    await upsertQuestion(t.db, raw, { parserVersion: 'test' });

    app = Fastify();
    await app.register(dashboardPlugin, { db: t.db, config: testConfig(fake), prefix: '/dashboard' });
    base = `${await app.listen({ host: '127.0.0.1', port: 0 })}/dashboard`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.drop();
    await fake?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  // Strings, not functions: the tests are type-checked without the DOM library.
  const xssFlag = () => page.evaluate('window.__xss ?? null');

  it('shows an overdue question on the home page, and its page has FR and NL side by side', async () => {
    const { rows: overdue } = await t.db.query<{ id: string }>(`SELECT id FROM questions WHERE status = 'pending' AND answer_deadline < current_date ORDER BY answer_deadline, id LIMIT 1`);
    expect(overdue[0], 'an overdue question in the fake Senate (a precondition)').toBeDefined();
    const id = overdue[0]!.id;

    await page.goto(`${base}/`);
    await shot('home');
    const section = page.getByRole('region', { name: /Overdue questions/ });
    const link = section.getByRole('link', { name: id, exact: true });
    await expect.poll(() => link.count()).toBe(1);
    await link.click();
    await page.waitForURL(`${base}/questions/${id}`);
    await shot('question-overdue');

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(`Question ${id}`);
    const fr = await page.locator('section[lang="fr"]').boundingBox();
    const nl = await page.locator('section[lang="nl"]').boundingBox();
    expect(fr && nl, 'both language columns shown').toBeTruthy();
    expect(Math.abs(fr!.y - nl!.y)).toBeLessThan(2);
    expect(nl!.x).toBeGreaterThan(fr!.x + fr!.width - 1);
    expect(await page.locator('section[lang="fr"] h2').textContent()).toBe('Français');
    expect(await page.locator('section[lang="nl"] h2').textContent()).toBe('Nederlands');
  });

  it('renders an answer table as a table, in both languages', async () => {
    await page.goto(`${base}/questions/${TABLE_ID}`);
    await shot('question-answer-table');
    for (const [lang, head] of [['fr', 'Année'], ['nl', 'Jaar']] as const) {
      const table = page.locator(`section[lang="${lang}"] .answer table`);
      expect(await table.count()).toBe(1);
      const cells = await table.locator('th, td').allTextContents();
      expect(cells).toEqual(expect.arrayContaining([head, '2024', '12', '2025', '15']));
      expect(await table.locator('tr').count()).toBe(3);
    }
  });

  it('follows a relation link to the related question', async () => {
    const { rows } = await t.db.query<{ question_id: string; target_id: string }>(
      `SELECT r.question_id, r.target_id FROM question_relations r JOIN questions q ON q.id = r.target_id
        WHERE r.target_type = 'written_question' ORDER BY r.question_id LIMIT 1`,
    );
    expect(rows[0], 'a relation between two stored questions (a precondition)').toBeDefined();
    const { question_id: from, target_id: to } = rows[0]!;
    await page.goto(`${base}/questions/${from}`);
    await page.getByRole('region', { name: 'Related questions' }).getByRole('link', { name: to, exact: true }).click();
    await page.waitForURL(`${base}/questions/${to}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(`Question ${to}`);
    await shot('question-relation-followed');
  });

  it('stacks the languages on a phone, and the lateness chart sits with its table', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      await phone.goto(`${base}/questions/${TABLE_ID}`);
      const fr = await phone.locator('section[lang="fr"]').boundingBox();
      const nl = await phone.locator('section[lang="nl"]').boundingBox();
      expect(nl!.y).toBeGreaterThan(fr!.y + fr!.height - 1);
      expect(fr!.width).toBeLessThanOrEqual(390);
      const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-question.png'), fullPage: true });
      await phone.goto(`${base}/lateness`);
      expect(await phone.locator('figure.chart svg[role="img"] rect').count()).toBeGreaterThan(0);
      expect(await phone.getByRole('table').count()).toBe(1);
      await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-lateness.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('reaches the search box and the links by keyboard, and searches', async () => {
    await page.goto(`${base}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.getByLabel('Search questions').fill('cijfer');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=cijfer/);
    // Stemmed Dutch full text: "cijfer" finds the answer "Hier de cijfers".
    expect(await page.getByRole('link', { name: TABLE_ID, exact: true }).count()).toBe(1);
    await shot('search');
    await page.getByLabel('Search questions').fill(TABLE_ID);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/questions/${TABLE_ID}`);
  });

  describe('when a Senate answer holds a <script> and an onerror=', () => {
    it('shows them as text and never runs them', async () => {
      await page.goto(`${base}/questions/${XSS_ID}`);
      await shot('xss-as-text');
      const answer = page.locator('section[lang="fr"] .answer');
      expect(await answer.textContent()).toContain('<script>window.__xss = 1</script>');
      expect(await answer.textContent()).toContain('<img src="x" onerror="window.__xss = 2">');
      expect(await page.locator('main script, main img, main [onerror]').count()).toBe(0);
      expect(await xssFlag()).toBeNull();
    });

    it('removes them from stored answer HTML, keeping its text and its table', async () => {
      await page.goto(`${base}/questions/${RAW_ID}`);
      await shot('xss-removed');
      const answer = page.locator('section[lang="nl"] .answer');
      expect(await answer.locator('p').first().textContent()).toBe('ok');
      expect(await answer.locator('table td').allTextContents()).toEqual(['Aantal', '2011']);
      expect(await page.locator('main script, main img, main [onerror], main [onclick], main a[href^="javascript"]').count()).toBe(0);
      expect(await answer.textContent()).not.toContain('__xss');
      expect(await xssFlag()).toBeNull();
    });
  });
});
