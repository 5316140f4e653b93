import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocumentWorld, createDoc, fireDoc, INCOMING, OUTGOING, type DocumentWorld } from '../support/documents.ts';
import { pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { checkPage, launchBrowser, logIn, navigating, newPerson, PHONE } from './support/browser.ts';

/**
 * The registers in Debian's Chromium against the real app: the clerk registers an incoming document with
 * its scan through the form, finds it in the register, and again by typing without diacritics; the
 * outgoing forms and the workspace's "Văn bản chờ xử lý". Every page passes axe-core and is photographed
 * under tests/web/screenshots/.
 */
let app: TestApp;
let w: DocumentWorld;
let browser: Browser;
const blocked: string[] = [];
const SLOW = 180_000;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildDocumentWorld(app);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  expect(blocked).toEqual([]);
});

async function person(viewport?: { width: number; height: number }) {
  const p = await newPerson(browser, app.url, viewport);
  blocked.push(...p.blocked);
  return p;
}

describe('the registers in a browser', () => {
  it('the clerk registers an incoming document with its scan, sees it in the register and finds it without diacritics', { timeout: SLOW }, async () => {
    const { page } = await person();
    await logIn(page, w.clerk.username, w.clerk.password);
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Văn bản đến' }).click();
    await page.waitForURL('**/van-ban-den');
    await navigating(page, () => page.getByRole('link', { name: 'Đăng ký văn bản đến' }).click());

    // A secret document first: refused with the rule beside the field, what was typed kept.
    await page.locator('#issuerName').fill('Sở Công Thương tỉnh Quảng Ngãi');
    await page.locator('#sourceSymbol').fill('318/SCT-QLTM');
    await page.locator('#documentDate').fill('2026-02-25');
    await page.locator('#typeCode').selectOption('CV');
    await page.locator('#urgency').selectOption('very_urgent');
    await page.locator('#secrecy').selectOption('confidential');
    await page.locator('#pageCount').fill('2');
    await page.locator('#signerName').fill('Phạm Quốc Hùng');
    await page.locator('#summary').fill('Về việc phối hợp kiểm tra hoạt động kinh doanh khí dầu mỏ hóa lỏng');
    await page.locator('#replyRequired').check();
    await page.locator('#dueDate').fill('2026-03-16');
    await page.locator('#file').setInputFiles({ name: 'CV 318.pdf', mimeType: 'application/pdf', buffer: pdfWith('cv318') });
    await checkPage(page, 'documents-incoming-form');
    const before = Number((await app.deps.db('documents').count<{ n: number }[]>('* as n'))[0]?.n);
    await navigating(page, () => page.getByRole('button', { name: 'Đăng ký văn bản đến' }).click());
    expect(await page.locator('#secrecy-error').textContent()).toContain('Điều 4.2.a');
    expect(await page.locator('#sourceSymbol').inputValue()).toBe('318/SCT-QLTM');
    await checkPage(page, 'documents-incoming-form-refused');
    expect(Number((await app.deps.db('documents').count<{ n: number }[]>('* as n'))[0]?.n)).toBe(before);

    // Not secret: registered, with its scan, and the page of the document is next.
    await page.locator('#secrecy').selectOption('none');
    await page.locator('#file').setInputFiles({ name: 'CV 318.pdf', mimeType: 'application/pdf', buffer: pdfWith('cv318') });
    await navigating(page, () => page.getByRole('button', { name: 'Đăng ký văn bản đến' }).click());
    const url = new URL(page.url());
    const id = Number(/^\/van-ban\/(\d+)$/.exec(url.pathname)?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(url.search).toBe('?moi=1');
    const row = await app.deps.db('documents').where({ id }).first('state', 'register_number', 'urgency', 'source_symbol');
    expect(row).toMatchObject({ state: 'registered', urgency: 2, source_symbol: '318/SCT-QLTM' });
    expect(await app.deps.db('document_files').where({ document_id: id }).pluck('name')).toEqual(['CV 318.pdf']);

    // In the register, urgent first (thượng khẩn above the khẩn one registered before it).
    const older = await createDoc(w.http, w.clerk, INCOMING);
    await page.goto('/van-ban-den');
    const links = await page.locator('main table a[href^="/van-ban/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links.indexOf(`/van-ban/${id}`)).toBeGreaterThanOrEqual(0);
    expect(links.indexOf(`/van-ban/${id}`)).toBeLessThan(links.indexOf(`/van-ban/${older.id}`));
    expect(await page.locator('main table').textContent()).toContain(`${row.register_number}/2026`);
    await checkPage(page, 'documents-incoming-register');

    // Typed without diacritics, the summary's words find it; the other document is not among the hits.
    await page.locator('#q').fill('kinh doanh khi dau mo hoa long');
    await navigating(page, () => page.getByRole('button', { name: 'Tìm', exact: true }).click());
    const hits = await page.locator('main table a[href^="/van-ban/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hits).toEqual([`/van-ban/${id}`]);
    await checkPage(page, 'documents-incoming-search');

    // On a phone: the table stacks into cards.
    const phone = await person(PHONE);
    await logIn(phone.page, w.clerk.username, w.clerk.password);
    await phone.page.goto('/van-ban-den');
    await checkPage(phone.page, 'documents-incoming-register-phone');
  });

  it('the outgoing forms, the outgoing register and the documents waiting in the workspace', { timeout: SLOW }, async () => {
    const incoming = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: '12/BCT-TTTN', issuerName: 'Bộ Công Thương' });
    const d = { id: incoming.id, version: incoming.version };
    await fireDoc(w.http, d, w.director, 'DIRECT', { lead: { departmentId: w.trade.id, dueAt: new Date(app.clock.now().getTime() + 5 * 86_400_000).toISOString() }, text: 'Giao Phòng QLTM' });
    await fireDoc(w.http, d, w.clerk, 'DISTRIBUTE');
    await fireDoc(w.http, d, w.lead, 'FORWARD', { userId: w.specialist.id });
    await createDoc(w.http, w.specialist, { ...OUTGOING, urgency: 'urgent' });

    const { page } = await person();
    await logIn(page, w.specialist.username, w.specialist.password);
    expect(new URL(page.url()).pathname).toBe('/workspace');
    const section = page.locator('section[aria-labelledby="van-ban-cho-xu-ly"]');
    expect(await section.textContent()).toContain('Xử lý văn bản được giao');
    expect(await section.textContent()).toContain('Hoàn thiện, trình dự thảo');
    await checkPage(page, 'documents-workspace-specialist');

    await page.goto(`/van-ban-di/moi?traLoi=${incoming.id}`);
    expect(await page.locator('#summary').inputValue()).toContain('V/v trả lời văn bản số 12/BCT-TTTN');
    await page.getByLabel('Phòng Quản lý Năng lượng').check();
    await page.locator('#external').fill('Bộ Công Thương\nUBND tỉnh');
    await checkPage(page, 'documents-outgoing-form');
    await navigating(page, () => page.getByRole('button', { name: 'Lưu dự thảo' }).click());
    expect(new URL(page.url()).pathname).toMatch(/^\/van-ban\/\d+$/);

    await page.goto('/van-ban-di');
    await checkPage(page, 'documents-outgoing-register');

    // Directed, not yet distributed: it waits for the clerk.
    const directed = await createDoc(w.http, w.clerk, { ...INCOMING, urgency: 'flash', sourceSymbol: '5/CĐ-UBND' });
    await fireDoc(w.http, { id: directed.id, version: directed.version }, w.director, 'DIRECT', { lead: { departmentId: w.energy.id, dueAt: new Date(app.clock.now().getTime() + 2 * 86_400_000).toISOString() }, text: 'Giao Phòng QLNL' });
    const clerk = await person();
    await logIn(clerk.page, w.clerk.username, w.clerk.password);
    const waiting = clerk.page.locator('section[aria-labelledby="van-ban-cho-xu-ly"]');
    expect(await waiting.textContent()).toContain('Chuyển văn bản đến các phòng');
    expect(await waiting.locator(`a[href="/van-ban/${directed.id}"]`).count()).toBe(1);
    await checkPage(clerk.page, 'documents-workspace-clerk');
    await clerk.page.goto('/van-ban-di/da-ky');
    await checkPage(clerk.page, 'documents-outgoing-signed-form');
  });
});
