import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureView } from '../../src/domain/procedures/procedures.service.ts';
import { formTime } from '../../src/web/counter/print.views.tsx';
import { APPLICANT, buildDossier, buildProcedure, buildWorld, type World } from '../support/factories.ts';
import { listStore, pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { checkPage, expectAccessible, launchBrowser, logIn, navigating, newPerson, PHONE, screenshot } from './support/browser.ts';

/**
 * The one-stop counter in Debian's Chromium against the real app, database and file store (issue 7
 * §2.2): the queue of online submissions, counter intake with scans per required paper, the receipt as
 * an A4 print view (its PDF read back with pdftotext), the department's flow each person in their own
 * browser, the licence attached and the result handed back; a refused upload that keeps the form and
 * leaves no row and no file; the log book; the other slips. Every page passes axe-core and is
 * photographed under tests/web/screenshots/.
 */
let app: TestApp;
let w: World;
let browser: Browser;
let procedure: ProcedureView;
const blockedRequests: string[] = [];
const PORTAL = 'https://dichvucong.binhdinh.gov.vn';
/** Browsers, axe scans and PDFs on a shared two-core machine. */
const SLOW = 180_000;

const PAPERS = [
  { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy phép bán lẻ sản phẩm rượu', original: true, copies: 1 },
  { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp', original: false, copies: 1 },
];

/** A Windows executable's first bytes: what a disguised program looks like to the sniffer. */
const EXE = Buffer.concat([Buffer.from('4d5a90000300000004000000ffff0000b800000000000000400000000000000000000000', 'hex'), Buffer.alloc(200, 0)]);

beforeAll(async () => {
  // The receipt's link and QR code point at the configured portal, never at the Host the browser sent.
  app = await startTestApp({ env: { IDESK_PUBLIC_URL: PORTAL } });
  w = await buildWorld(app);
  // No fee: an approval goes straight to the hand-back of the result.
  procedure = await buildProcedure(app, w.departmentId, { name: 'Cấp Giấy phép bán lẻ sản phẩm rượu', hasFee: false, leadReview: true, workingDays: 10, requiredPapers: PAPERS });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  expect(blockedRequests).toEqual([]);
});

async function person(viewport?: { width: number; height: number }) {
  const p = await newPerson(browser, app.url, viewport);
  blockedRequests.push(...p.blocked);
  return p;
}

async function dossierRow(id: number) {
  return app.deps.db('dossiers').where({ id }).first('state', 'version', 'code', 'due_at', 'assignee_id');
}

async function fire(page: Page, type: string, fill: () => Promise<void> = async () => undefined) {
  await page.locator(`details#ev-${type.toLowerCase()} > summary`).click();
  await fill();
  await navigating(page, () => page.locator(`#ev-${type.toLowerCase()} button[type=submit]`).click());
}

async function fillApplicant(page: Page) {
  await page.getByLabel('Tên tổ chức, cá nhân').fill(APPLICANT.name);
  await page.getByLabel('Số định danh cá nhân / mã số doanh nghiệp').fill(APPLICANT.idNumber);
  await page.getByLabel('Số điện thoại').fill(APPLICANT.phone);
  await page.getByLabel('Thư điện tử').fill(APPLICANT.email);
  await page.getByLabel('Địa chỉ').fill(APPLICANT.address);
  await page.getByLabel('Nội dung yêu cầu giải quyết').fill('Cấp giấy phép bán lẻ rượu tại 12 Lê Lợi');
}

async function openIntake(page: Page) {
  await page.goto('/counter/intake');
  await page.locator('#procedureId').selectOption(String(procedure.id));
  await navigating(page, () => page.getByRole('button', { name: 'Chọn thủ tục' }).click());
}

describe('the counter', () => {
  it('receives a dossier with two scans and prints its receipt; the department processes it; the clerk attaches the licence and returns it', async () => {
    // An online submission waits in the queue with the time left of its 8 working hours.
    const online = await buildDossier(w, { state: 'submitted' });
    const clerk = await person();
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await clerk.page.goto('/counter');
    const queue = await clerk.page.locator('main').textContent();
    expect(queue).toContain(online.code);
    expect(queue).toContain('Còn 8 giờ làm việc');
    await checkPage(clerk.page, 'counter-queue');

    // Intake: the procedure's checklist, time limit and fee, then the applicant and one scan per paper.
    await openIntake(clerk.page);
    const rules = await clerk.page.locator('section[aria-labelledby="thanh-phan"]').textContent();
    for (const text of [PAPERS[0]!.name, PAPERS[1]!.name, '10 ngày làm việc', 'Không thu phí']) expect(rules).toContain(text);
    await fillApplicant(clerk.page);
    await clerk.page.locator('#paper-don-de-nghi').setInputFiles({ name: 'Đơn đề nghị.pdf', mimeType: 'application/pdf', buffer: pdfWith('don') });
    await clerk.page.locator('#paper-giay-dkdn').setInputFiles({ name: 'GCN DKDN.pdf', mimeType: 'application/pdf', buffer: pdfWith('dkdn') });
    await checkPage(clerk.page, 'counter-intake');
    await navigating(clerk.page, () => clerk.page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn (Mẫu 01)' }).click());

    const receiptPath = new URL(clerk.page.url()).pathname;
    const id = Number(/^\/dossiers\/(\d+)\/forms\/receipt$/.exec(receiptPath)?.[1]);
    expect(id).toBeGreaterThan(0);
    const row = await dossierRow(id);
    expect(row.state).toBe('inDepartment.review');
    const papers = await app.deps.db('dossier_papers').where({ dossier_id: id }).orderBy('id');
    expect(papers.map((p) => [p.kind, p.name])).toEqual([
      ['don-de-nghi', 'Đơn đề nghị.pdf'],
      ['giay-dkdn', 'GCN DKDN.pdf'],
    ]);

    // The receipt: code, papers, appointment, the receiving unit, the QR code of the tracking link, and the secret once.
    const slip = (await clerk.page.locator('article.slip').textContent()) ?? '';
    const secret = (await clerk.page.locator('.secret').textContent()) ?? '';
    expect(secret).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(slip).toContain(row.code);
    expect(slip).toContain('Trung tâm Phục vụ hành chính công');
    expect(await clerk.page.locator('svg.qr').getAttribute('aria-label')).toContain(row.code);
    // The link in the QR code carries the code only, never the secret.
    expect(slip).toContain(`${PORTAL}/tra-cuu?ma=${encodeURIComponent(row.code)}`);
    expect(clerk.page.url()).not.toContain(secret);
    await checkPage(clerk.page, 'receipt-print-view');

    const pdfFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-receipt-')), 'receipt.pdf');
    await clerk.page.pdf({ path: pdfFile, format: 'A4', printBackground: true });
    const text = execFileSync('/usr/bin/pdftotext', [pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(row.code);
    for (const p of PAPERS) expect(text).toContain(p.name);
    expect(text).toContain(formTime(new Date(row.due_at).toISOString()));
    expect(text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(text).toContain(secret);
    // Nothing of the screen's frame is printed.
    expect(text).not.toContain('In phiếu');
    fs.rmSync(path.dirname(pdfFile), { recursive: true, force: true });

    // A reprint (another day, another browser) cannot show the secret: only its hash is kept.
    const other = await person();
    await logIn(other.page, w.onestop.username, w.onestop.password);
    await other.page.goto(receiptPath);
    expect(await other.page.locator('.secret').count()).toBe(0);
    expect(await other.page.locator('article.slip').textContent()).toContain(row.code);
    await other.context.close();

    // The department: the lead assigns, the specialist verifies, the lead proposes, the director approves.
    const lead = await person();
    await logIn(lead.page, w.lead.username, w.lead.password);
    await lead.page.goto(`/dossiers/${id}`);
    await fire(lead.page, 'ASSIGN', () => lead.page.locator('#ev-assign-assigneeId').selectOption(String(w.specialist.id)).then(() => undefined));
    expect((await dossierRow(id)).assignee_id).toBe(w.specialist.id);

    const specialist = await person();
    await logIn(specialist.page, w.specialist.username, w.specialist.password);
    await specialist.page.goto(`/dossiers/${id}`);
    // The specialist downloads a scan from the papers list, but attaches nothing.
    const download = await Promise.all([specialist.page.waitForEvent('download'), specialist.page.getByRole('link', { name: 'GCN DKDN.pdf' }).click()]);
    expect(download[0].suggestedFilename()).toBe('GCN DKDN.pdf');
    expect(await specialist.page.locator('form[action$="/papers"]').count()).toBe(0);
    await fire(specialist.page, 'VERIFY', async () => {
      await specialist.page.locator('#ev-verify-opinion').fill('Hồ sơ đầy đủ, đủ điều kiện.');
      await specialist.page.locator('#ev-verify-proposedResult').selectOption('grant');
    });
    expect((await dossierRow(id)).state).toBe('inDepartment.leadReview');

    await lead.page.reload();
    await fire(lead.page, 'PROPOSE', async () => {
      await lead.page.locator('#ev-propose-opinion').fill('Đề nghị cấp giấy phép.');
      await lead.page.locator('#ev-propose-proposedResult').selectOption('grant');
    });
    expect((await dossierRow(id)).state).toBe('leadershipApproval');

    const director = await person(PHONE);
    await logIn(director.page, w.director.username, w.director.password);
    await director.page.goto(`/dossiers/${id}`);
    await fire(director.page, 'APPROVE');
    expect((await dossierRow(id)).state).toBe('readyForReturn');

    // The clerk hands back the result: returning it before the licence is attached is refused and says why.
    await clerk.page.goto(`/dossiers/${id}`);
    await fire(clerk.page, 'RETURN_RESULT');
    expect(await clerk.page.locator('#ev-return_result [role=alert]').textContent()).toContain('Chưa có kết quả giải quyết (giấy phép)');
    expect((await dossierRow(id)).state).toBe('readyForReturn');
    // Only the result may be attached now.
    expect(await clerk.page.locator('#upload-kind option').allTextContents()).toEqual(['Kết quả giải quyết (giấy phép)']);
    await clerk.page.locator('#upload-file').setInputFiles({ name: 'Giấy phép bán lẻ rượu.pdf', mimeType: 'application/pdf', buffer: pdfWith(`giay-phep-${id}`) });
    await navigating(clerk.page, () => clerk.page.getByRole('button', { name: 'Tải lên' }).click());
    expect(await clerk.page.getByRole('status').first().textContent()).toContain('Đã đính kèm giấy tờ');
    await fire(clerk.page, 'RETURN_RESULT', () => clerk.page.locator('#ev-return_result-method').selectOption('counter').then(() => undefined));
    expect((await dossierRow(id)).state).toBe('completed');
    const result = await app.deps.db('dossier_papers').where({ dossier_id: id, kind: 'result' });
    expect(result.map((p) => p.name)).toEqual(['Giấy phép bán lẻ rượu.pdf']);

    // The detail: papers with their links, and the flow with the current state and the path taken.
    const papersText = await clerk.page.locator('section[aria-labelledby="giay-to"]').textContent();
    for (const name of ['Đơn đề nghị.pdf', 'GCN DKDN.pdf', 'Giấy phép bán lẻ rượu.pdf', 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', 'Phiếu kiểm soát quá trình giải quyết hồ sơ']) {
      expect(papersText).toContain(name);
    }
    // The column: the path so far and the next steps (issue 14 §5); the whole drawing on its own page.
    const flow = clerk.page.locator('section[aria-labelledby="so-do"]');
    expect(await flow.locator('svg').count()).toBe(0);
    expect(await flow.locator('ol.flow-path > li').count()).toBeGreaterThanOrEqual(5);
    expect(await flow.locator('li[aria-current="step"]').getAttribute('data-state')).toBe('completed');
    await checkPage(clerk.page, 'dossier-detail-papers-flow');
    await navigating(clerk.page, () => clerk.page.getByRole('link', { name: 'Xem toàn bộ sơ đồ quy trình' }).click());
    expect(await clerk.page.locator('svg .flow-edge--taken').count()).toBeGreaterThanOrEqual(5);
    await checkPage(clerk.page, 'dossier-flow-large');

    // The tracking sheet lists every hand-over.
    await clerk.page.goto(`/dossiers/${id}/forms/tracking-sheet`);
    expect(await clerk.page.locator('article.slip tbody tr').count()).toBeGreaterThanOrEqual(5);
    await checkPage(clerk.page, 'tracking-sheet-print-view');

    // The citizen, on a phone, with the code and the secret printed on the receipt: completed, and the
    // licence the clerk attached is theirs to download.
    const citizen = await person(PHONE);
    await citizen.page.goto(`/tra-cuu?ma=${encodeURIComponent(row.code)}`);
    await citizen.page.getByLabel('Mã bảo mật tra cứu').fill(secret);
    await navigating(citizen.page, () => citizen.page.getByRole('button', { name: 'Tra cứu' }).click());
    const tracked = (await citizen.page.locator('main').textContent()) ?? '';
    expect(tracked).toContain(row.code);
    expect(tracked).toContain('Đã trả kết quả');
    await checkPage(citizen.page, 'counter-dossier-tracked-phone');
    const [licence] = await Promise.all([citizen.page.waitForEvent('download'), citizen.page.getByRole('link', { name: 'Tải kết quả: Giấy phép bán lẻ rượu.pdf' }).click()]);
    expect(licence.suggestedFilename()).toBe('Giấy phép bán lẻ rượu.pdf');
    expect(fs.readFileSync(await licence.path())).toEqual(pdfWith(`giay-phep-${id}`));
    expect(citizen.urls.filter((u) => u.includes(secret))).toEqual([]);

    for (const p of [clerk, lead, specialist, director, citizen]) await p.context.close();
  }, 2 * SLOW);

  it('a refused upload at intake says why beside the file, keeps what was typed, and leaves no dossier, paper or file', async () => {
    const clerk = await person();
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await openIntake(clerk.page);
    await fillApplicant(clerk.page);
    await clerk.page.locator('#paper-don-de-nghi').setInputFiles({ name: 'Đơn đề nghị.pdf', mimeType: 'application/pdf', buffer: pdfWith('don-2') });
    await clerk.page.locator('#paper-giay-dkdn').setInputFiles({ name: 'giay-dkdn.pdf', mimeType: 'application/pdf', buffer: EXE });

    const before = await fingerprint(app.deps.db);
    const store = listStore(app.deps.config.filesDir);
    await navigating(clerk.page, () => clerk.page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn (Mẫu 01)' }).click());

    expect(new URL(clerk.page.url()).pathname).toBe('/counter/intake');
    expect(await clerk.page.locator('#paper-giay-dkdn-error').textContent()).toContain('Tệp "giay-dkdn.pdf" không được chấp nhận');
    expect(await clerk.page.locator('#paper-giay-dkdn').getAttribute('aria-invalid')).toBe('true');
    expect(await clerk.page.getByRole('alert').first().textContent()).toContain('Hồ sơ chưa được tiếp nhận');
    // What was typed stays.
    expect(await clerk.page.getByLabel('Tên tổ chức, cá nhân').inputValue()).toBe(APPLICANT.name);
    expect(await clerk.page.getByLabel('Số điện thoại').inputValue()).toBe(APPLICANT.phone);
    expect(await clerk.page.getByLabel('Nội dung yêu cầu giải quyết').inputValue()).toBe('Cấp giấy phép bán lẻ rượu tại 12 Lê Lợi');
    // No dossier, no paper, no file: not even the good scan sent with it.
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expect(listStore(app.deps.config.filesDir)).toEqual(store);
    await checkPage(clerk.page, 'counter-intake-refused');

    // A missing name is refused beside its field (the good scans sent with it are kept for the next press).
    await clerk.page.getByLabel('Tên tổ chức, cá nhân').fill('');
    await navigating(clerk.page, () => clerk.page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn (Mẫu 01)' }).click());
    expect(await clerk.page.locator('#applicant\\.name-error').textContent()).toBe('Không được để trống.');
    expect(await clerk.page.getByLabel('Địa chỉ').inputValue()).toBe(APPLICANT.address);
    expect(await fingerprint(app.deps.db)).toEqual(before);
    // An identity number is judged by its type: a 10-digit number is a tax code, not a CCCD (12 digits).
    await clerk.page.getByLabel('Tên tổ chức, cá nhân').fill(APPLICANT.name);
    await clerk.page.getByLabel('Loại giấy tờ').selectOption('cccd');
    await navigating(clerk.page, () => clerk.page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn (Mẫu 01)' }).click());
    expect(await clerk.page.locator('#applicant\\.idNumber-error').textContent()).toBe('Số định danh cá nhân gồm đúng 12 chữ số.');
    expect(await clerk.page.locator('[data-error-summary]').textContent()).toContain('Số định danh cá nhân / mã số doanh nghiệp: Số định danh cá nhân gồm đúng 12 chữ số.');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    await clerk.context.close();
  }, SLOW);

  it('a second press of the intake button makes one dossier (here guided: no scans)', async () => {
    const clerk = await person();
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await openIntake(clerk.page);
    await fillApplicant(clerk.page);
    const form = clerk.page.locator('form[action="/counter/intake"][method=post]');
    const fields = Object.fromEntries(
      await form.locator('input[type=hidden], input:not([type]), input[type=text], input[type=tel], input[type=email], textarea').evaluateAll((els) =>
        els.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value]),
      ),
    );
    const count = async () => Number((await app.deps.db('dossiers').count({ n: '*' }).first())?.n);
    const before = await count();
    const answers = [];
    for (let i = 0; i < 2; i++) answers.push(await clerk.context.request.post('/counter/intake', { multipart: { ...fields, decision: 'guide' }, maxRedirects: 0 }));
    expect(answers.map((a) => a.status())).toEqual([303, 303]);
    expect(answers[1]!.headers().location).toBe(answers[0]!.headers().location);
    expect(await count()).toBe(before + 1);
    await clerk.context.close();
  }, SLOW);

  it('keeps the log book by date, refuses a range that ends before it starts, and prints the other slips', async () => {
    const refused = await buildDossier(w, { state: 'refused' });
    const supplement = await buildDossier(w, { state: 'awaitingSupplement' });
    const received = await buildDossier(w, { state: 'inDepartment.review' });
    const clerk = await person();
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await clerk.page.goto('/counter/log-book');
    expect(await clerk.page.locator('main').textContent()).toContain(received.code);
    await checkPage(clerk.page, 'log-book');
    // Each entry opens its dossier.
    await navigating(clerk.page, () => clerk.page.getByRole('link', { name: received.code }).click());
    expect(new URL(clerk.page.url()).pathname).toBe(`/dossiers/${received.id}`);
    await clerk.page.goto('/counter/log-book');
    await clerk.page.goto('/counter/log-book?from=2026-03-05&to=2026-03-01');
    expect(await clerk.page.locator('#to-error').textContent()).toContain('Không được trước ngày bắt đầu');
    // Shown dd/mm/yyyy whatever the browser's language (src/web/dates.ts).
    expect(await clerk.page.locator('#from').inputValue()).toBe('05/03/2026');
    await screenshot(clerk.page, 'log-book-error');

    await clerk.page.goto(`/dossiers/${refused.id}/forms/refusal`);
    expect(await clerk.page.locator('article.slip').textContent()).toContain('Không thuộc thẩm quyền giải quyết');
    await checkPage(clerk.page, 'refusal-print-view');
    await clerk.page.goto(`/dossiers/${supplement.id}/forms/supplement-request`);
    expect(await clerk.page.locator('article.slip li').allTextContents()).toContain('1. Bản sao giấy chứng nhận đăng ký doanh nghiệp');
    await expectAccessible(clerk.page, 'supplement-request-print-view');
    // A form whose act has not happened is not found.
    const missing = await clerk.page.goto(`/dossiers/${supplement.id}/forms/apology`);
    expect(missing?.status()).toBe(404);
    await clerk.context.close();
  }, SLOW);

  // Last: it moves the clock on.
  it('lists online submissions oldest first with the office time left, and marks those past their 8 working hours', async () => {
    const first = await buildDossier(w, { state: 'submitted' });
    app.clock.advance(3 * 3_600_000);
    const second = await buildDossier(w, { state: 'submitted' });
    // Office hours 07:30–11:30 and 13:30–17:30. Submitted Monday 09:00 and 12:00 (lunch): due Tuesday 09:00 and 11:30.
    // At Monday 12:00 the first has used 2 h 30 of its 8 working hours, the second none.
    const clerk = await person();
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await clerk.page.goto('/counter');
    const rows = await clerk.page.locator('tbody tr').allTextContents();
    const at = (code: string) => rows.findIndex((r) => r.includes(code));
    expect(at(first.code)).toBeGreaterThanOrEqual(0);
    expect(at(first.code)).toBeLessThan(at(second.code));
    expect(rows[at(first.code)]).toContain('Còn 5 giờ 30 phút làm việc');
    expect(rows[at(second.code)]).toContain('Còn 8 giờ làm việc');
    // Tuesday 11:00: the first is 2 working hours past its check's due instant, the second has 30 minutes left.
    app.clock.advance(23 * 3_600_000);
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await clerk.page.goto('/counter');
    const later = await clerk.page.locator('tbody tr').allTextContents();
    const row = (code: string) => later.find((r) => r.includes(code)) ?? '';
    expect(row(first.code)).toContain('Quá hạn 2 giờ làm việc');
    expect(row(second.code)).toContain('Còn 30 phút làm việc');
    expect(await clerk.page.locator(`tbody tr.overdue`).allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(first.code)]));
    await checkPage(clerk.page, 'counter-queue-overdue');
    await clerk.context.close();
  }, SLOW);
});
