import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/cli/seed-demo.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_DB } from '../support/test-db.ts';
import { checkPage, launchBrowser, logIn, navigating, newPerson, PHONE } from './support/browser.ts';

/** The catalogue in Chromium: a citizen on a phone searches without diacritics and filters; the clerk picks from the search. */
let app: TestApp;
let browser: Browser;
const PASSWORD = 'Demo-2026-idesk';

beforeAll(async () => {
  app = await startTestApp();
  await seedDemo(app.deps.db, PASSWORD, app.clock.now(), 2 ** 10);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe(`the catalogue in Chromium on ${TEST_DB}`, () => {
  it('a citizen on a phone types words without diacritics, filters by sector and opens the procedure sheet', async () => {
    const { page, context, blocked } = await newPerson(browser, app.url, PHONE);
    try {
      await page.goto('/thu-tuc');
      await checkPage(page, 'catalogue-portal-list');
      await page.getByLabel('Tìm thủ tục').fill('cua hang xang dau');
      await navigating(page, () => page.getByRole('button', { name: 'Tìm kiếm' }).click());
      expect(page.url()).toContain('q=cua+hang+xang+dau');
      const titles = await page.locator('.card-list h2').allTextContents();
      expect(titles).toContain('Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu');
      await page.getByLabel('Tìm thủ tục').fill('');
      await page.getByLabel('Lĩnh vực').selectOption('Xúc tiến thương mại');
      await navigating(page, () => page.getByRole('button', { name: 'Tìm kiếm' }).click());
      const promotion = await page.locator('.card-list h2').allTextContents();
      expect(promotion.length).toBeGreaterThan(2);
      expect(promotion.some((t) => /khuyến mại/.test(t))).toBe(true);
      expect(promotion.some((t) => /hội chợ/.test(t))).toBe(true);
      await navigating(page, () => page.getByRole('link', { name: /khuyến mại mang tính may rủi/ }).click());
      await checkPage(page, 'catalogue-portal-procedure');
      const sheet = await page.locator('dl.facts').textContent();
      expect(sheet).toContain('Xúc tiến thương mại');
      expect(sheet).toContain('Căn cứ pháp lý');
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the clerk finds the procedure from the intake form and lands on the form with it chosen', async () => {
    const { page, context } = await newPerson(browser, app.url);
    try {
      await logIn(page, 'motcua', PASSWORD);
      await page.goto('/counter/intake');
      await navigating(page, () => page.getByRole('link', { name: 'Tìm thủ tục theo tên, mã hoặc lĩnh vực' }).click());
      await page.getByLabel('Tìm thủ tục').fill('thuoc la');
      await navigating(page, () => page.getByRole('button', { name: 'Tìm kiếm' }).click());
      await checkPage(page, 'catalogue-counter-search');
      await navigating(page, () => page.getByRole('link', { name: 'Tiếp nhận hồ sơ thủ tục này' }).first().click());
      expect(page.url()).toMatch(/\/counter\/intake\?procedureId=\d+$/);
      expect(await page.locator('#thanh-phan').textContent()).toMatch(/thuốc lá/);
    } finally {
      await context.close();
    }
  });
});
