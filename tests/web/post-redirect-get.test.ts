import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureView } from '../../src/domain/procedures/procedures.service.ts';
import { buildDocumentWorld, type DocumentWorld } from '../support/documents.ts';
import { buildProcedure } from '../support/factories.ts';
import { pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { checkPage, launchBrowser, logIn, newPerson, PHONE, backAndReload, countPosts, submitting } from './support/browser.ts';

/**
 * Issue 14 §5 in Chromium started in English (`--lang=en-US`, an English locale): every form POST —
 * refused or not — answers 303 to a GET page, so Back and Reload never send a form again (each test
 * counts the POSTs that reach the server); a refused form's error summary is at the top and focused,
 * even on a phone; dates are typed and shown dd/mm/yyyy whatever the browser's language.
 */
let app: TestApp;
let w: DocumentWorld;
let browser: Browser;
let procedure: ProcedureView;
const SLOW = 180_000;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildDocumentWorld(app);
  procedure = await buildProcedure(app, w.trade.id, { name: 'Cấp Giấy phép bán lẻ sản phẩm rượu', requiredPapers: [{ code: 'don-de-nghi', name: 'Đơn đề nghị', original: true }], hasFee: false });
  browser = await launchBrowser({ lang: 'en-US' });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A person in an English browser, and every POST their browser sent. */
async function person(viewport?: { width: number; height: number }) {
  const p = await newPerson(browser, app.url, viewport, 'en-US');
  expect(p.blocked).toEqual([]);
  return { ...p, posts: countPosts(p.page) };
}


describe('Post/Redirect/Get', () => {
  it('the login form: refused, then right — each POST once, Back and Reload repeat none', { timeout: SLOW }, async () => {
    const { page, posts, context } = await person();
    await page.goto('/login');
    await page.getByLabel('Tên đăng nhập').fill(w.clerk.username);
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
    const refused = await submitting(page, () => page.getByRole('button', { name: 'Đăng nhập' }).click());
    expect(refused.posted.status()).toBe(303);
    expect(refused.shown.status()).toBe(401);
    expect(new URL(page.url()).pathname).toBe('/login');
    // The summary of the refusal, the name typed kept.
    await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    expect(await page.getByLabel('Tên đăng nhập').inputValue()).toBe(w.clerk.username);
    await backAndReload(page, posts);
    // Shown once: after a reload the login page is fresh, and nothing was sent again.
    expect(await page.locator('.error-summary').count()).toBe(0);

    await page.getByLabel('Tên đăng nhập').fill(w.clerk.username);
    await page.getByLabel('Mật khẩu').fill(w.clerk.password);
    const ok = await submitting(page, () => page.getByRole('button', { name: 'Đăng nhập' }).click());
    expect(ok.posted.status()).toBe(303);
    await backAndReload(page, posts);
    expect(posts).toEqual(['/login', '/login']);
    await context.close();
  });

  it('the portal submission on a phone: the summary in view and focused; the answer survives Reload; no POST repeated', { timeout: SLOW }, async () => {
    const { page, posts, context } = await person(PHONE);
    await page.goto(`/thu-tuc/${procedure.id}/nop-ho-so`);
    await page.getByLabel('Họ tên cá nhân hoặc tên tổ chức').fill('Hộ kinh doanh Nguyễn Văn An');
    await page.getByLabel('Loại giấy tờ').selectOption('cccd');
    await page.getByLabel('Số giấy tờ').fill('4100123456');
    await page.getByLabel('Thư điện tử').fill('khong-phai-email');
    // No paper: refused too, in the same round as the fields.
    const refused = await submitting(page, () => page.getByRole('button', { name: 'Nộp hồ sơ' }).click());
    expect(refused.posted.status()).toBe(303);
    expect(refused.shown.status()).toBe(400);
    const summary = page.locator('.error-summary');
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    const box = await summary.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(PHONE.height);
    const lines = await summary.locator('li a').evaluateAll((as) => as.map((a) => [(a as HTMLAnchorElement).getAttribute('href'), a.textContent]));
    expect(lines).toEqual([
      ['#idNumber', 'Số giấy tờ: Số định danh cá nhân gồm đúng 12 chữ số.'],
      ['#email', 'Thư điện tử: Địa chỉ thư điện tử không hợp lệ.'],
      ['#f-giay-to-don-de-nghi', 'Giấy tờ đính kèm: Hãy đính kèm các giấy tờ trong thành phần hồ sơ.'],
    ]);
    // A link of the summary takes the focus to its field, far down the phone's page.
    await summary.getByRole('link', { name: /^Giấy tờ đính kèm/ }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-giay-to-don-de-nghi');
    await checkPage(page, 'prg-portal-summary-phone');
    await backAndReload(page, posts);

    // Reloaded, the refusal was shown once: the form is fresh again.
    expect(await page.locator('.error-summary').count()).toBe(0);
    await page.getByLabel('Họ tên cá nhân hoặc tên tổ chức').fill('Hộ kinh doanh Nguyễn Văn An');
    await page.getByLabel('Loại giấy tờ').selectOption('cccd');
    await page.getByLabel('Số giấy tờ').fill('052096001234');
    await page.getByLabel('Thư điện tử').fill('an@example.vn');
    await page.getByLabel('Đơn đề nghị').setInputFiles({ name: 'don.pdf', mimeType: 'application/pdf', buffer: pdfWith('prg-don') });
    const ok = await submitting(page, () => page.getByRole('button', { name: 'Nộp hồ sơ' }).click());
    expect(ok.posted.status()).toBe(303);
    expect(new URL(page.url()).pathname).toMatch(/^\/tra-cuu\/[^/]+\/da-nop$/);
    const secret = await page.locator('#tracking-secret').textContent();
    expect(secret).toBeTruthy();
    await page.reload();
    // Reload shows the same answer (a GET), never a second dossier.
    expect(await page.locator('#tracking-secret').textContent()).toBe(secret);
    await backAndReload(page, posts);
    expect(posts).toEqual([`/thu-tuc/${procedure.id}/nop-ho-so`, `/thu-tuc/${procedure.id}/nop-ho-so`]);
    expect(Number((await app.deps.db('dossiers').where({ applicant_name: 'Hộ kinh doanh Nguyễn Văn An' }).count({ n: '*' }).first())?.n)).toBe(1);
    await context.close();
  });

  it('a staff form (the incoming register) in an English browser: dates typed and shown dd/mm/yyyy; refused and right, no POST repeated', { timeout: SLOW }, async () => {
    const { page, posts, context } = await person();
    await logIn(page, w.clerk.username, w.clerk.password);
    const loginPosts = posts.length;
    await page.goto('/van-ban-den/moi');
    const date = page.locator('#documentDate');
    // A text field, not the browser's date input (which would read mm/dd/yyyy here).
    expect(await date.getAttribute('type')).toBe('text');
    expect(await date.getAttribute('placeholder')).toBe('dd/mm/yyyy');
    await page.locator('#issuerName').fill('Ủy ban nhân dân tỉnh Gia Lai');
    await page.locator('#sourceSymbol').fill('88/UBND-KTTH');
    await date.fill('26/02/2026');
    await page.locator('#typeCode').selectOption('CV');
    await page.locator('#arrivedAt').fill('27/02/2026 08:15');
    await page.locator('#dueDate').fill('31/02/2026');
    // No summary and an impossible due date: refused beside both, in one round.
    const refused = await submitting(page, () => page.getByRole('button', { name: 'Đăng ký văn bản đến' }).click());
    expect(refused.posted.status()).toBe(303);
    expect(refused.shown.status()).toBe(400);
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await page.locator('#dueDate-error').textContent()).toContain('26/02/2026');
    // What was typed comes back as it was written: dd/mm/yyyy.
    expect(await date.inputValue()).toBe('26/02/2026');
    expect(await page.locator('#arrivedAt').inputValue()).toBe('27/02/2026 08:15');
    expect(await page.locator('#dueDate').inputValue()).toBe('31/02/2026');
    await checkPage(page, 'prg-incoming-refused-en');
    await backAndReload(page, posts);

    await page.goto('/van-ban-den/moi');
    await page.locator('#issuerName').fill('Ủy ban nhân dân tỉnh Gia Lai');
    await page.locator('#sourceSymbol').fill('88/UBND-KTTH');
    await date.fill('26/02/2026');
    await page.locator('#typeCode').selectOption('CV');
    await page.locator('#arrivedAt').fill('27/02/2026 08:15');
    await page.locator('#dueDate').fill('16/03/2026');
    await page.locator('#summary').fill('Về việc báo cáo tình hình thị trường xăng dầu');
    await page.locator('#file').setInputFiles({ name: 'cv88.pdf', mimeType: 'application/pdf', buffer: pdfWith('prg-cv88') });
    const ok = await submitting(page, () => page.getByRole('button', { name: 'Đăng ký văn bản đến' }).click());
    expect(ok.posted.status()).toBe(303);
    await backAndReload(page, posts);
    expect(posts.slice(loginPosts)).toEqual(['/van-ban-den/moi', '/van-ban-den/moi']);
    const row = await app.deps.db('documents').where({ source_symbol: '88/UBND-KTTH' }).first('document_date', 'arrived_at', 'due_at');
    expect(String(row.document_date).slice(0, 10)).toBe('2026-02-26');
    expect(new Date(row.arrived_at).toISOString()).toBe('2026-02-27T01:15:00.000Z');
    await context.close();
  });
});
