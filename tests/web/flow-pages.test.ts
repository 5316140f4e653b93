import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocumentWorld, createDoc, INCOMING, type DocumentWorld } from '../support/documents.ts';
import { buildDossier, buildWorld, type BuiltDossier, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { DESKTOP, expectAccessible, launchBrowser, newPerson, PHONE, screenshot } from './support/browser.ts';

/**
 * The flow drawing readable (issue 14 §5), in Chromium: the dossier page's column shows the path so far
 * and the next steps (lists, no drawing); the whole drawing has its own page, scaled to fit the window
 * at every size without scrolling, and printed on one A4 landscape sheet.
 */
let app: TestApp;
let w: World;
let d: BuiltDossier;
let browser: Browser;
let dw: DocumentWorld;
let documentId: number;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  d = await buildDossier(w, { state: 'leadershipApproval' });
  dw = await buildDocumentWorld(app);
  documentId = (await createDoc(dw.http, dw.clerk, INCOMING)).id as number;
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function person(viewport: { width: number; height: number }) {
  const p = await newPerson(browser, app.url, viewport);
  await p.context.addCookies([{ name: 'idesk_session', value: w.director.token, url: app.url }]);
  return p;
}

describe('the flow on the dossier page', () => {
  it('shows the path so far and the next steps, not the whole machine', { timeout: 60_000 }, async () => {
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const { page, context } = await person(viewport);
      await page.goto(`/dossiers/${d.id}`);
      const section = page.locator('section[aria-labelledby="so-do"]');
      expect(await section.locator('svg').count(), name).toBe(0);
      const path = section.locator('ol.flow-path > li');
      expect(await path.count()).toBeGreaterThanOrEqual(3);
      const current = section.locator('li[aria-current="step"]');
      expect(await current.count()).toBe(1);
      expect(await current.getAttribute('data-state')).toBe('leadershipApproval');
      expect(await path.last().getAttribute('aria-current')).toBe('step');
      const next = await section.locator('ul.flow-next > li').allInnerTexts();
      expect(next.length).toBeGreaterThan(0);
      expect(next.join('\n')).toContain('Phê duyệt → Chờ nộp phí');
      expect(await current.innerText()).toContain('Lãnh đạo Sở phê duyệt');
      // Readable: the column's text at the page's own size, nothing wider than the column.
      const fits = await section.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
      expect(fits, name).toBe(true);
      await expectAccessible(page, `dossier flow summary (${name})`);
      await screenshot(page, `dossier-flow-summary-${name}`);
      await context.close();
    }
  });
});

describe('the whole drawing on its own page', () => {
  it('fits the window at every size, without scrolling; at its own size on request', { timeout: 90_000 }, async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }, { width: 1024, height: 768 }, PHONE]) {
      const { page, context } = await person(viewport);
      await page.goto(`/dossiers/${d.id}/flow`);
      await page.getByRole('link', { name: /Hồ sơ/ }).first().waitFor();
      const m = await page.evaluate(() => {
        const svg = document.querySelector('main svg') as SVGSVGElement;
        const r = svg.getBoundingClientRect();
        const vb = svg.viewBox.baseVal;
        // preserveAspectRatio meet: the drawing is scaled by the smaller of the two ratios.
        const scale = Math.min(r.width / vb.width, r.height / vb.height);
        return { right: r.right, bottom: r.bottom + window.scrollY, boxHeight: r.height, width: window.innerWidth, height: window.innerHeight, scrollWidth: document.documentElement.scrollWidth, scale };
      });
      const where = `${viewport.width}×${viewport.height}`;
      expect(m.scrollWidth, where).toBeLessThanOrEqual(m.width);
      expect(m.right, where).toBeLessThanOrEqual(m.width);
      // The drawing fits one screen; on a desktop, the first one (the page's header and title above it included).
      expect(m.boxHeight, where).toBeLessThanOrEqual(m.height);
      if (viewport.width >= 1024) expect(m.bottom, where).toBeLessThanOrEqual(m.height);
      expect(m.scale, `${where}: scaled down to fit, never up`).toBeLessThanOrEqual(1);
      await screenshot(page, `dossier-flow-full-${viewport.width}x${viewport.height}`);
      if (viewport.width === 1280) await expectAccessible(page, 'the whole flow drawing');
      await context.close();
    }
  });

  it('at its own size (khổ thật) draws at scale 1, its text as large as designed, for reading closely', { timeout: 60_000 }, async () => {
    const { page, context } = await person(DESKTOP);
    await page.goto(`/dossiers/${d.id}/flow`);
    await page.getByRole('link', { name: 'Xem khổ thật (cuộn để xem)' }).click();
    await page.waitForURL(/kho=that/);
    const scale = await page.evaluate(() => {
      const svg = document.querySelector('main svg') as SVGSVGElement;
      return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    });
    expect(scale).toBeCloseTo(1, 2);
    expect(await page.getByRole('link', { name: 'Thu vừa màn hình' }).count()).toBe(1);
    await context.close();
  });

  it('prints on one A4 landscape sheet', { timeout: 60_000 }, async () => {
    const { page, context } = await person(DESKTOP);
    await page.goto(`/dossiers/${d.id}/flow`);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const text = pdf.toString('latin1');
    const pages = [...text.matchAll(/\/Type\s*\/Page(?!s)/g)].length;
    expect(pages).toBe(1);
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(text);
    expect(box).not.toBeNull();
    const [width, height] = [Number(box![1]), Number(box![2])];
    // A4 landscape in points: 842 × 595.
    expect(Math.round(width)).toBe(842);
    expect(Math.round(height)).toBe(595);
    await context.close();
  });
});

describe('a document’s flow', () => {
  it('its page shows the path and next steps in the registers’ words; its whole drawing fits the window', { timeout: 60_000 }, async () => {
    const p = await newPerson(browser, app.url, DESKTOP);
    await p.context.addCookies([{ name: 'idesk_session', value: dw.clerk.token, url: app.url }]);
    const { page } = p;
    await page.goto(`/van-ban/${documentId}`);
    const section = page.locator('section[aria-labelledby="so-do"]');
    expect(await section.locator('svg').count()).toBe(0);
    expect(await section.locator('li[aria-current="step"]').innerText()).toContain('Chờ lãnh đạo Sở cho ý kiến chỉ đạo');
    expect(await section.locator('ul.flow-next').innerText()).toContain('Cho ý kiến chỉ đạo (bút phê)');
    await expectAccessible(page, 'document flow summary');
    await page.getByRole('link', { name: 'Xem toàn bộ sơ đồ quy trình' }).click();
    await page.waitForURL(/\/so-do$/);
    const svg = page.locator('main svg');
    expect(await svg.locator('text', { hasText: 'Đã xử lý xong' }).count()).toBeGreaterThan(0);
    const fits = await page.evaluate(() => {
      const r = (document.querySelector('main svg') as SVGSVGElement).getBoundingClientRect();
      return r.right <= window.innerWidth && r.bottom <= window.innerHeight && document.documentElement.scrollWidth <= window.innerWidth;
    });
    expect(fits).toBe(true);
    await screenshot(page, 'document-flow-full');
    await p.context.close();
  });
});
