import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildProcedure, buildWorld, fireAs, type TestUser, type World } from '../support/factories.ts';
import { attachResult, pdfWith, postCounterIntake, postPapers } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { checkPage, launchBrowser, logIn, navigating, newPerson, SCREENSHOTS } from './support/browser.ts';

/**
 * The forms as an inspector reads them on paper (issue 14 §2), printed by Debian's Chromium from the real
 * app: the header of the governing body over the issuing unit, Mẫu 01 with the form of every paper, the
 * request, the person acting by proxy and — ten papers, a proxy and a long address — on one A4 page
 * (pdfinfo counts the pages of `page.pdf`); Mẫu 06 naming the giver and the taker of every hand-over; the
 * counter's intake form taking the proxy. Each PDF's first page is also saved as a PNG under
 * tests/web/screenshots/ for a reviewer.
 */
let app: TestApp;
let w: World;
let browser: Browser;
const SLOW = 180_000;

const LONG_ADDRESS = 'Lô C3-7, đường số 9, Khu công nghiệp Phú Tài mở rộng giai đoạn II, phường Quy Nhơn Bắc, tỉnh Gia Lai (cổng phụ phía đông, gần trạm biến áp 110 kV)';

/** Ten required papers of every form, names as long as a published procedure's. */
const PAPERS = [
  { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy phép bán buôn sản phẩm rượu (Mẫu số 01 ban hành kèm theo Nghị định)', copyType: 'original' as const },
  { code: 'dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc Giấy chứng nhận đăng ký hộ kinh doanh', original: false },
  { code: 'hop-dong-kho', name: 'Hợp đồng thuê kho hàng hoặc giấy tờ chứng minh quyền sử dụng hợp pháp kho hàng', copyType: 'certifiedCopy' as const },
  { code: 'so-do-kho', name: 'Sơ đồ bố trí kho hàng, diện tích kho và trang thiết bị bảo quản', original: true },
  { code: 'hop-dong-nguyen-tac', name: 'Hợp đồng nguyên tắc với thương nhân sản xuất hoặc phân phối rượu', copyType: 'certifiedCopy' as const },
  { code: 'danh-sach-ban-le', name: 'Danh sách thương nhân bán lẻ dự kiến trong hệ thống phân phối' },
  { code: 'pccc', name: 'Văn bản nghiệm thu về phòng cháy và chữa cháy của cơ quan có thẩm quyền', copyType: 'certifiedCopy' as const },
  { code: 'atvstp', name: 'Bản cam kết bảo đảm an toàn thực phẩm theo quy định', copyType: 'original' as const },
  { code: 'moi-truong', name: 'Giấy tờ về bảo vệ môi trường (kế hoạch bảo vệ môi trường đã được xác nhận)', copyType: 'copy' as const },
  { code: 'nhan-hang', name: 'Bản sao nhãn hàng hóa các sản phẩm rượu dự kiến kinh doanh' },
];
const COPY_LABELS = ['Bản chính', 'Bản sao', 'Bản sao chứng thực', 'Bản chính', 'Bản sao chứng thực', 'Bản sao', 'Bản sao chứng thực', 'Bản chính', 'Bản sao', 'Bản sao'];

const PROXY = {
  name: 'Trần Thị Bích Ngọc',
  idNumber: '052190001234',
  phone: '0905 123 456',
  email: 'ngoc.tran@ruoubd.vn',
  address: '25 Trần Hưng Đạo, phường Quy Nhơn, tỉnh Gia Lai',
  authorisation: 'Giấy ủy quyền số 12/2026/GUQ-RBĐ ngày 01/12/2026 của Giám đốc Công ty TNHH Rượu Bình Định',
};

const name = (u: TestUser) => `Cán bộ ${u.username}`;

beforeAll(async () => {
  // Ten papers at the default IDESK_UPLOAD_MAX_FILES (10): the empty "giấy tờ khác" input is no file.
  app = await startTestApp({ env: { IDESK_PROVINCE: 'Gia Lai' } });
  w = await buildWorld(app);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The page printed as Chromium prints it on A4: the PDF's page count (pdfinfo), its text, and its first page saved as a PNG. */
async function printA4(page: Page, shot: string): Promise<{ pages: number; text: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-form-'));
  try {
    const file = path.join(dir, 'form.pdf');
    await page.pdf({ path: file, format: 'A4', printBackground: true });
    const info = execFileSync('/usr/bin/pdfinfo', [file], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    const text = execFileSync('/usr/bin/pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, path.join(SCREENSHOTS, shot)]);
    fs.copyFileSync(file, path.join(SCREENSHOTS, `${shot}.pdf`));
    return { pages, text };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const SUBJECT = 'Cấp Giấy phép bán buôn sản phẩm rượu cho kho hàng tại Khu công nghiệp Phú Tài';

function tenPaperProcedure() {
  return buildProcedure(app, w.departmentId, { name: 'Cấp Giấy phép bán buôn sản phẩm rượu', hasFee: false, workingDays: 10, requiredPapers: PAPERS, fee: { collectedAt: 'intake', amount: 1_200_000 } });
}

async function openIntake(page: Page, procedureId: number) {
  await page.goto('/counter/intake');
  await page.locator('#procedureId').selectOption(String(procedureId));
  await navigating(page, () => page.getByRole('button', { name: 'Chọn thủ tục' }).click());
}

/** The proxy's fields of the intake form, by their labels. */
async function fillProxy(page: Page, fields: Partial<typeof PROXY> = PROXY) {
  const labels: Record<keyof typeof PROXY, string> = {
    name: 'Họ tên người được ủy quyền',
    idNumber: 'Số định danh cá nhân của người được ủy quyền',
    phone: 'Điện thoại liên hệ của người được ủy quyền',
    email: 'Email của người được ủy quyền',
    address: 'Nơi cư trú của người được ủy quyền',
    authorisation: 'Văn bản ủy quyền',
  };
  for (const [key, value] of Object.entries(fields)) await page.getByLabel(labels[key as keyof typeof PROXY]).fill(value);
}

/** A counter dossier of the ten-paper procedure, with a proxy and a long address, every paper scanned. */
async function tenPaperDossier() {
  const procedure = await tenPaperProcedure();
  // Received with every required paper (Decree 118/2025).
  const res = await postCounterIntake(w.http.baseUrl, w.onestop.token, { procedureId: procedure.id, applicant: { ...APPLICANT, address: LONG_ADDRESS }, proxy: PROXY, subject: SUBJECT }, procedure.rules.requiredPapers.map((p) => p.code));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as number, code: res.body.code as string, version: res.body.version as number };
}

describe('the forms on paper (issue 14 §2)', () => {
  it('Mẫu 01 with ten papers, a proxy and a long address, taken at the counter, fills one A4 page with the secret on it, every paper saying bản chính, bản sao or bản sao chứng thực', { timeout: SLOW }, async () => {
    const procedure = await tenPaperProcedure();
    const clerk = await newPerson(browser, app.url);
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await openIntake(clerk.page, procedure.id);
    const page = clerk.page;
    await page.getByLabel('Tên tổ chức, cá nhân').fill(APPLICANT.name);
    await page.getByLabel('Số định danh cá nhân / mã số doanh nghiệp').fill(APPLICANT.idNumber);
    await page.getByLabel('Số điện thoại', { exact: true }).fill(APPLICANT.phone);
    await page.getByLabel('Thư điện tử', { exact: true }).fill(APPLICANT.email);
    await page.getByLabel('Địa chỉ', { exact: true }).fill(LONG_ADDRESS);
    await fillProxy(page);
    await page.getByLabel('Nội dung yêu cầu giải quyết').fill(SUBJECT);
    for (const p of PAPERS) await page.locator(`#paper-${p.code}`).setInputFiles({ name: `${p.code}.pdf`, mimeType: 'application/pdf', buffer: pdfWith(p.code) });
    await navigating(page, () => page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn (Mẫu 01)' }).click());
    expect(page.url(), (await page.locator('main').textContent()) ?? '').toMatch(/\/forms\/receipt$/);
    const row = await app.deps.db('dossiers').where({ procedure_id: procedure.id }).first();
    expect([row.proxy_name, row.proxy_id_number, row.proxy_phone, row.proxy_email, row.proxy_address, row.proxy_authorisation]).toEqual([PROXY.name, PROXY.idNumber, PROXY.phone, PROXY.email, PROXY.address, PROXY.authorisation]);

    const slip = page.locator('article.slip');
    // The header: the governing body over the Centre, which issues the receipt.
    expect(await slip.locator('.governing-body').textContent()).toBe('Ủy ban nhân dân tỉnh Gia Lai');
    expect(await slip.locator('.issuing-unit').textContent()).toBe('Trung tâm Phục vụ hành chính công');
    // The request is the applicant's, not the procedure's name again.
    expect(await slip.locator('.request').textContent()).toBe(`Nội dung yêu cầu giải quyết: ${SUBJECT}`);
    // The proxy's block: who they are and the paper that authorises them.
    const proxy = (await slip.locator('ul.proxy').textContent()) ?? '';
    for (const value of Object.values(PROXY)) expect(proxy).toContain(value);
    // Every paper's form, in the procedure's order.
    expect(await slip.locator('table.papers td.copy-type').allTextContents()).toEqual(COPY_LABELS);
    const secret = (await slip.locator('.secret').textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(0);
    await checkPage(page, 'receipt-ten-papers-proxy');

    const printed = await printA4(page, 'receipt-ten-papers-proxy-a4');
    expect(printed.pages).toBe(1);
    const text = printed.text.replace(/\s+/g, ' ');
    expect(text).toContain('ỦY BAN NHÂN DÂN TỈNH GIA LAI');
    // The unit's name may take two lines beside the motto: its first words, upper case as printed.
    expect(text).toContain('TRUNG TÂM PHỤC VỤ');
    expect(text).toContain(PROXY.authorisation);
    // The last paper, the secret and the signatures made it onto the page.
    expect(text).toContain('nhãn hàng hóa');
    expect(text).toContain(secret);
    expect(text).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
    expect(text).toContain(row.code);
    await clerk.context.close();
  });

  it('Mẫu 06 names the unit and the person on both sides of every hand-over, the applicant\'s proxy taking the result at the end; Mẫu 04 is the Sở\'s', { timeout: SLOW }, async () => {
    const d = await tenPaperDossier();
    const fire = (user: TestUser, type: string, extra: Record<string, unknown> = {}) => fireAs(w.http, d, user, type, extra);
    await fire(w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(w.specialist, 'VERIFY');
    await fire(w.lead, 'ISSUE_APOLOGY', { reason: 'Cần xác minh thực địa kho hàng', newDueAt: '2026-03-20T09:00:00+07:00' });
    await fire(w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    await fire(w.director, 'APPROVE');
    await attachResult(app.url, d.id, w.onestop.token);
    await fire(w.onestop, 'RETURN_RESULT', { method: 'counter' });

    const clerk = await newPerson(browser, app.url);
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await clerk.page.goto(`/dossiers/${d.id}/forms/tracking-sheet`);
    const sheet = clerk.page.locator('article.slip');
    expect(await sheet.locator('.governing-body').textContent()).toBe('Ủy ban nhân dân tỉnh Gia Lai');
    expect(await sheet.locator('thead').textContent()).toContain('Người giao');
    expect(await sheet.locator('thead').textContent()).toContain('Người nhận');
    const rows = await sheet.locator('table.handovers tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
    // Tên cơ quan (1. Giao … 2. Nhận …), then the giver's and the taker's names.
    expect(rows.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['1. Giao: Trung tâm Phục vụ hành chính công2. Nhận: Phòng Quản lý Thương mại', name(w.onestop), name(w.lead)],
      ['1. Giao: Phòng Quản lý Thương mại2. Nhận: Phòng Quản lý Thương mại', name(w.specialist), name(w.lead)],
      ['1. Giao: Phòng Quản lý Thương mại2. Nhận: Lãnh đạo Sở', name(w.lead), name(w.director)],
      ['1. Giao: Lãnh đạo Sở2. Nhận: Trung tâm Phục vụ hành chính công', name(w.director), name(w.onestop)],
      ['1. Giao: Trung tâm Phục vụ hành chính công2. Nhận: Tổ chức, cá nhân', name(w.onestop), `${PROXY.name} (người được ủy quyền của ${APPLICANT.name})`],
    ]);
    expect(rows.flat()).not.toContain('—');
    await checkPage(clerk.page, 'tracking-sheet-handovers');
    const printed = await printA4(clerk.page, 'tracking-sheet-handovers-a4');
    expect(printed.text.replace(/\s+/g, ' ')).toContain('Người giao');

    // The apology: the Sở, over its unit handling the dossier.
    await clerk.page.goto(`/dossiers/${d.id}/forms/apology`);
    expect(await clerk.page.locator('.governing-body').textContent()).toBe('Sở Công Thương tỉnh Gia Lai');
    expect(await clerk.page.locator('.issuing-unit').textContent()).toBe('Phòng Quản lý Thương mại');
    await printA4(clerk.page, 'apology-a4');
    await clerk.context.close();
  });

  it('the counter\'s intake form takes the person acting by proxy and prints them on the receipt', { timeout: SLOW }, async () => {
    const procedure = await buildProcedure(app, w.departmentId, { name: 'Cấp lại Giấy phép bán lẻ sản phẩm rượu', hasFee: false, workingDays: 5, requiredPapers: [] });
    const clerk = await newPerson(browser, app.url);
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await openIntake(clerk.page, procedure.id);
    await clerk.page.getByLabel('Tên tổ chức, cá nhân').fill(APPLICANT.name);
    // A proxy without the authorisation paper: refused, the typed values kept, the field named.
    await fillProxy(clerk.page, { name: PROXY.name, idNumber: PROXY.idNumber });
    await navigating(clerk.page, () => clerk.page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn (Mẫu 01)' }).click());
    expect(await app.deps.db('dossiers').where({ procedure_id: procedure.id }).count({ n: '*' }).first()).toMatchObject({ n: 0 });
    expect(await clerk.page.getByLabel('Họ tên người được ủy quyền').inputValue()).toBe(PROXY.name);
    await expectFieldError(clerk.page, 'proxy.authorisation');
    expect(await clerk.page.locator('[name="proxy.name"]').getAttribute('aria-invalid')).toBeNull();
    await checkPage(clerk.page, 'counter-intake-proxy-refused');

    await fillProxy(clerk.page, { authorisation: PROXY.authorisation, phone: PROXY.phone, address: PROXY.address });
    await navigating(clerk.page, () => clerk.page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn (Mẫu 01)' }).click());
    expect(clerk.page.url()).toMatch(/\/forms\/receipt$/);
    const row = await app.deps.db('dossiers').where({ procedure_id: procedure.id }).first();
    expect([row.proxy_name, row.proxy_id_number, row.proxy_phone, row.proxy_email, row.proxy_address, row.proxy_authorisation]).toEqual([PROXY.name, PROXY.idNumber, PROXY.phone, null, PROXY.address, PROXY.authorisation]);
    expect(await clerk.page.locator('ul.proxy').textContent()).toContain(PROXY.authorisation);
    // No subject typed: the request reads what the procedure grants, asked for.
    expect(await clerk.page.locator('.request').textContent()).toBe('Nội dung yêu cầu giải quyết: Đề nghị cấp lại Giấy phép bán lẻ sản phẩm rượu');
    await clerk.context.close();
  });
});

/** The field is marked invalid and has its message beside it. */
async function expectFieldError(page: Page, field: string): Promise<void> {
  const input = page.locator(`[name="${field}"]`);
  expect(await input.getAttribute('aria-invalid')).toBe('true');
  const described = (await input.getAttribute('aria-describedby')) ?? '';
  expect(described).toContain('-error');
}
