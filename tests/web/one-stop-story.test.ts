import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureView } from '../../src/domain/procedures/procedures.service.ts';
import { APPLICANT, buildProcedure, buildWorld, fireAs, loginAs, type World } from '../support/factories.ts';
import { pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { checkPage, launchBrowser, logIn, newPerson, PHONE, SCREENSHOTS, backAndReload, countPosts, submitting } from './support/browser.ts';

/**
 * Issue 14's story through the pages only, in a Chromium started in English (its own date inputs would
 * read mm/dd/yyyy): a dossier incomplete at the counter is guided with Mẫu 02 and given no appointment;
 * completed the next day it is received with Mẫu 01 on one A4 page; the specialist asks for a supplement
 * and the clerk prints it without typing; the citizen on a phone types the secret from the receipt, sees
 * the supplement's deadline, answers and sees the new appointment. After every submit, Back and Reload
 * repeat no POST (Post/Redirect/Get). Screenshots under tests/web/screenshots/story-*.
 */
let app: TestApp;
let w: World;
let browser: Browser;
let procedure: ProcedureView;
const SLOW = 240_000;
const PORTAL = 'https://dichvucong.binhdinh.gov.vn';

const PAPERS = [
  { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy phép bán buôn sản phẩm rượu', copyType: 'original' as const },
  { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp', copyType: 'copy' as const },
  { code: 'hop-dong-kho', name: 'Bản sao hợp đồng thuê kho hàng', copyType: 'certifiedCopy' as const },
];

// Monday 2 March 2026, 09:00 in Hà Nội.
const MONDAY = '2026-03-02T02:00:00.000Z';
const TUESDAY = '2026-03-03T02:00:00.000Z';
const TUESDAY_AFTERNOON = '2026-03-03T07:00:00.000Z';

beforeAll(async () => {
  app = await startTestApp({ env: { IDESK_PUBLIC_URL: PORTAL, IDESK_PROVINCE: 'Bình Định' } });
  app.clock.set(MONDAY);
  w = await buildWorld(app);
  procedure = await buildProcedure(app, w.departmentId, { name: 'Cấp Giấy phép bán buôn sản phẩm rượu', hasFee: false, leadReview: true, workingDays: 10, requiredPapers: PAPERS });
  browser = await launchBrowser({ lang: 'en-US' });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A person in the English browser, counting the POSTs their page sends. */
async function person(viewport?: { width: number; height: number }) {
  const p = await newPerson(browser, app.url, viewport, 'en-US');
  return { ...p, posts: countPosts(p.page) };
}


async function openIntake(page: Page) {
  await page.goto(`/counter/intake?procedureId=${procedure.id}`);
  await page.getByLabel('Tên tổ chức, cá nhân').fill(APPLICANT.name);
  await page.getByLabel('Số điện thoại').fill(APPLICANT.phone);
  await page.getByLabel('Địa chỉ').fill(APPLICANT.address);
  await page.getByLabel('Nội dung yêu cầu giải quyết').fill('Cấp Giấy phép bán buôn rượu cho kho tại Nhơn Bình');
  await page.locator('#paper-don-de-nghi').setInputFiles({ name: 'Đơn đề nghị.pdf', mimeType: 'application/pdf', buffer: pdfWith('don') });
}

async function printedPages(page: Page, shot: string): Promise<{ pages: number; text: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-story-'));
  const file = path.join(dir, 'slip.pdf');
  await page.pdf({ path: file, format: 'A4', printBackground: true });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(execFileSync('/usr/bin/pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
  const text = execFileSync('/usr/bin/pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, path.join(SCREENSHOTS, shot)]);
  fs.rmSync(dir, { recursive: true, force: true });
  return { pages, text };
}

describe('the one-stop story, in an English browser', () => {
  it('guided at the counter, received the next day on one A4 page, a supplement asked by the specialist, answered on a phone', async () => {
    // 1. Monday: one paper of three. The receipt is refused, naming what is missing; nothing is stored.
    const clerk = await person();
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await openIntake(clerk.page);
    const before = await fingerprint(app.deps.db);
    const refused = await submitting(clerk.page, () => clerk.page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn (Mẫu 01)' }).click());
    expect(refused.posted.status()).toBe(303);
    const summary = clerk.page.locator('[data-error-summary]');
    expect(await summary.textContent()).toContain(PAPERS[1]!.name);
    expect(await summary.textContent()).toContain(PAPERS[2]!.name);
    expect(await clerk.page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary'))).toBe(true);
    expect(await fingerprint(app.deps.db)).toEqual(before);
    await checkPage(clerk.page, 'story-intake-incomplete');
    await backAndReload(clerk.page, clerk.posts);

    // Again (the kept page is shown once: after Reload the form is fresh), then guide from the refused page.
    await openIntake(clerk.page);
    await submitting(clerk.page, () => clerk.page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn (Mẫu 01)' }).click());
    // The scan sent is kept for the next press (one round of validation): the clerk does not choose it again.
    expect(await clerk.page.locator('.pending-uploads').textContent()).toContain('Đơn đề nghị.pdf');
    expect(await clerk.page.getByLabel('Tên tổ chức, cá nhân').inputValue()).toBe(APPLICANT.name);

    // Guided once with Mẫu 02: not received, no appointment, the missing papers by name, the deadline.
    await clerk.page.getByLabel('Nội dung cần bổ sung, hoàn thiện khác (khi hướng dẫn)').fill('Đơn đề nghị ghi rõ địa chỉ kho.');
    await submitting(clerk.page, () => clerk.page.getByRole('button', { name: 'Hướng dẫn bổ sung (Mẫu 02)' }).click());
    const guided = /^\/dossiers\/(\d+)\/forms\/supplement-request$/.exec(new URL(clerk.page.url()).pathname);
    expect(guided).not.toBeNull();
    const id = Number(guided?.[1]);
    const slip02 = (await clerk.page.locator('article.slip').textContent()) ?? '';
    for (const text of [`Bổ sung ${PAPERS[1]!.name}.`, `Bổ sung ${PAPERS[2]!.name}.`, 'Đơn đề nghị ghi rõ địa chỉ kho.', 'Hồ sơ chưa được tiếp nhận và chưa có ngày hẹn trả kết quả', 'Thời hạn bổ sung, hoàn thiện hồ sơ: trước 09 giờ 00 phút, ngày 23/03/2026']) {
      expect(slip02).toContain(text);
    }
    expect(slip02).not.toContain('Thời gian trả kết quả');
    const row = await app.deps.db('dossiers').where({ id }).first('state', 'due_at', 'received_at');
    expect(row).toMatchObject({ state: 'awaitingSupplement', due_at: null, received_at: null });
    // The scan kept from the refused press is the dossier's paper.
    expect(await app.deps.db('dossier_papers').where({ dossier_id: id }).pluck('name')).toEqual(['Đơn đề nghị.pdf']);
    await checkPage(clerk.page, 'story-mau-02-guided');
    await backAndReload(clerk.page, clerk.posts);
    await clerk.context.close();

    // 2. Tuesday: the applicant brings the other two papers; the clerk scans them, records the supplement
    // and receives the dossier; the receipt (Mẫu 01) prints on one A4 page with the tracking secret.
    app.clock.set(TUESDAY);
    const clerk2 = await person();
    await logIn(clerk2.page, w.onestop.username, w.onestop.password);
    await clerk2.page.goto(`/dossiers/${id}`);
    for (const [i, p] of PAPERS.slice(1).entries()) {
      await clerk2.page.locator('#upload-kind').selectOption(p.code);
      await clerk2.page.locator('#upload-file').setInputFiles({ name: `${p.code}.pdf`, mimeType: 'application/pdf', buffer: pdfWith(`${p.code} ${i}`) });
      await submitting(clerk2.page, () => clerk2.page.getByRole('button', { name: 'Tải lên' }).click());
    }
    await clerk2.page.locator('details#ev-supplement > summary').click();
    await submitting(clerk2.page, () => clerk2.page.locator('#ev-supplement button[type=submit]').click());
    await clerk2.page.locator('details#ev-receive > summary').click();
    await submitting(clerk2.page, () => clerk2.page.locator('#ev-receive button[type=submit]').click());
    expect(new URL(clerk2.page.url()).pathname).toBe(`/dossiers/${id}/forms/receipt`);
    const secret = ((await clerk2.page.locator('.secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const receipt = await printedPages(clerk2.page, 'story-mau-01-receipt');
    expect(receipt.pages).toBe(1);
    // Received Tuesday 09:00: 10 working days later is Tuesday 17 March, 09:00.
    expect(receipt.text).toContain('09 giờ 00 phút, ngày 17/03/2026');
    await checkPage(clerk2.page, 'story-mau-01-receipt-view');
    await backAndReload(clerk2.page, clerk2.posts);

    // 3. Tuesday afternoon, the department: the lead assigns; the specialist finds the warehouse contract
    // out of date and asks.
    app.clock.set(TUESDAY_AFTERNOON);
    const d = { id, version: (await app.deps.db('dossiers').where({ id }).first('version')).version as number };
    // (A new day: the lead's token of Monday has expired; a fresh login.)
    const lead = { ...w.lead, token: (await loginAs(app, w.lead.username, w.lead.password)).token };
    await fireAs(w.http, d, lead, 'ASSIGN', { assigneeId: w.specialist.id });
    const specialist = await person();
    await logIn(specialist.page, w.specialist.username, w.specialist.password);
    await specialist.page.goto(`/dossiers/${id}`);
    await specialist.page.locator('details#ev-request_supplement > summary').click();
    // Every paper has its scan: none is ticked; the specialist ticks the one found wanting.
    await specialist.page.getByLabel(PAPERS[2]!.name).check();
    await specialist.page.locator('#ev-request_supplement-guidance').fill('Hợp đồng thuê kho đã hết hạn: nộp hợp đồng còn hiệu lực.');
    await submitting(specialist.page, () => specialist.page.locator('#ev-request_supplement button[type=submit]').click());
    expect((await app.deps.db('dossiers').where({ id }).first('state')).state).toBe('awaitingSupplement');
    await backAndReload(specialist.page, specialist.posts);
    await specialist.context.close();

    // The clerk finds it in the queue and prints it: the specialist's words, never retyped.
    await clerk2.page.goto('/counter');
    await clerk2.page.locator(`a[href="/dossiers/${id}/forms/supplement-request"]`).click();
    await clerk2.page.waitForLoadState('domcontentloaded');
    const slipAfter = (await clerk2.page.locator('article.slip').textContent()) ?? '';
    expect(slipAfter).toContain(`Bổ sung ${PAPERS[2]!.name}.`);
    expect(slipAfter).toContain('Hợp đồng thuê kho đã hết hạn: nộp hợp đồng còn hiệu lực.');
    expect(slipAfter).toContain('Thời hạn giải quyết được tính lại kể từ khi nhận đủ hồ sơ bổ sung');
    await checkPage(clerk2.page, 'story-mau-02-department');
    await clerk2.context.close();

    // 4. The citizen on a phone, in English: the secret typed from the paper in lower case with spaces.
    const citizen = await person(PHONE);
    const { page } = citizen;
    const code = (await app.deps.db('dossiers').where({ id }).first('code')).code as string;
    await page.goto(`/tra-cuu?ma=${encodeURIComponent(code)}`);
    await page.getByLabel('Mã bảo mật tra cứu').fill(secret.toLowerCase().replaceAll('-', ' '));
    await submitting(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    expect(new URL(page.url()).pathname).toBe(`/tra-cuu/${code}`);
    // Requested Tuesday 14:00: 15 working days later is Tuesday 24 March, 14:00.
    expect(await page.locator('.supplement-deadline').first().textContent()).toContain('24/03/2026 14:00');
    expect(await page.locator('main').textContent()).toContain('Được hẹn lại khi nhận đủ hồ sơ bổ sung');
    await checkPage(page, 'story-citizen-supplement-phone');
    await backAndReload(page, citizen.posts);

    const section = page.locator('section[aria-labelledby="bo-sung"]');
    await section.getByLabel(PAPERS[2]!.name).setInputFiles({ name: 'hop-dong-moi.pdf', mimeType: 'application/pdf', buffer: pdfWith('hop dong moi') });
    await submitting(page, () => section.getByRole('button', { name: 'Tải lên và gửi bổ sung' }).click());
    expect((await app.deps.db('dossiers').where({ id }).first('state')).state).toBe('inDepartment.review');
    // The full time limit again from the complete supplement: 10 working days from Tuesday 3 March, 14:00.
    expect(await page.locator('.appointment').textContent()).toContain('17/03/2026 14:00 (hẹn lại sau khi bổ sung hồ sơ)');
    await checkPage(page, 'story-citizen-new-appointment-phone');
    await backAndReload(page, citizen.posts);
    await citizen.context.close();
  }, SLOW);
});
