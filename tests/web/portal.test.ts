import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureView } from '../../src/domain/procedures/procedures.service.ts';
import { APPLICANT, buildProcedure, buildWorld, fireAs, type World } from '../support/factories.ts';
import { attachResult, listStore, pdfWith, PNG, postPapers } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { checkPage, DESKTOP, expectAccessible, launchBrowser, logIn, navigating, newPerson, PHONE, screenshot, submitting } from './support/browser.ts';

/**
 * The citizen portal in Debian's Chromium (issue 7 §2.5): procedures, an online submission with an
 * upload (a refused one first), the clerk's supplement request, the citizen's supplement from the
 * tracking page; on a phone, a completed dossier tracked and its result downloaded. The secret never
 * appears in a URL; a wrong secret answers as an unknown code. axe on every portal page; screenshots.
 */
let app: TestApp;
let w: World;
let browser: Browser;
let procedure: ProcedureView;

const REQUIRED = [
  { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy phép bán lẻ rượu', original: true },
  { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp' },
];

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  procedure = await buildProcedure(app, w.departmentId, { name: 'Cấp Giấy phép bán lẻ sản phẩm rượu', requiredPapers: REQUIRED, fee: { collectedAt: 'result', amount: 1_200_000 }, hasFee: true, workingDays: 10 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A person's browser, recording every URL it asks for (the secret must be in none). */
async function person(viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page; urls: string[] }> {
  const p = await newPerson(browser, app.url, viewport);
  expect(p.blocked).toEqual([]);
  return { context: p.context, page: p.page, urls: p.urls };
}

function storeFiles(): string[] {
  return listStore(app.deps.config.filesDir);
}

async function papersOf(dossierId: number) {
  return app.deps.db('dossier_papers').where({ dossier_id: dossierId }).orderBy('id').select('kind', 'name', 'attached_by_kind');
}

describe('online submission, supplement requested by the clerk, supplemented from the tracking page', () => {
  it('works end to end, a refused upload first changing nothing', async () => {
    const citizen = await person();

    // The procedures, then the one to submit.
    await citizen.page.goto('/thu-tuc');
    await checkPage(citizen.page, 'portal-procedures-desktop');
    await navigating(citizen.page, () => citizen.page.getByRole('link', { name: procedure.name }).click());
    const facts = await citizen.page.locator('main').textContent();
    for (const text of ['10 ngày làm việc', '1.200.000 đồng — nộp khi nhận kết quả', REQUIRED[0]!.name, REQUIRED[1]!.name, 'Bản chính']) expect(facts).toContain(text);
    await checkPage(citizen.page, 'portal-procedure-desktop');
    await navigating(citizen.page, () => citizen.page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click());
    expect(new URL(citizen.page.url()).pathname).toBe(`/thu-tuc/${procedure.id}/nop-ho-so`);
    await checkPage(citizen.page, 'portal-submit-form-desktop');

    // An executable renamed .pdf: refused beside its input, what was typed kept, nothing made or stored.
    const page = citizen.page;
    await page.getByLabel('Họ tên cá nhân hoặc tên tổ chức').fill(APPLICANT.name);
    await page.getByLabel('Số điện thoại').fill(APPLICANT.phone);
    await page.getByLabel('Thư điện tử').fill(APPLICANT.email);
    await page.getByLabel('Nội dung yêu cầu giải quyết').fill('Cấp giấy phép bán lẻ rượu tại 12 Lê Lợi');
    await page.getByLabel(REQUIRED[0]!.name).setInputFiles({ name: 'don-de-nghi.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 this program cannot be run in DOS mode', 'latin1') });
    const before = await fingerprint(app.deps.db);
    const storeBefore = storeFiles();
    const refused = await submitting(page, () => page.getByRole('button', { name: 'Nộp hồ sơ' }).click());
    expect(refused.posted.status()).toBe(303);
    expect(refused.shown.status()).toBe(422);
    expect(await page.locator(`#f-giay-to-don-de-nghi-error`).textContent()).toContain('không đúng loại được nhận');
    expect(await page.getByRole('alert').textContent()).toContain('Hồ sơ chưa được nộp');
    expect(await page.getByLabel('Họ tên cá nhân hoặc tên tổ chức').inputValue()).toBe(APPLICANT.name);
    expect(await page.getByLabel('Thư điện tử').inputValue()).toBe(APPLICANT.email);
    expect(await page.getByLabel('Nội dung yêu cầu giải quyết').inputValue()).toBe('Cấp giấy phép bán lẻ rượu tại 12 Lê Lợi');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expect(storeFiles()).toEqual(storeBefore);
    await checkPage(page, 'portal-submit-form-refused-upload');

    // A mistyped e-mail: refused beside it, no dossier made; the file sent with it is kept as a pending
    // upload of this browser (one round of validation: never chosen again), listed under its input.
    await page.getByLabel('Thư điện tử').fill('khong-phai-email');
    await page.getByLabel(REQUIRED[0]!.name).setInputFiles({ name: 'don-de-nghi.pdf', mimeType: 'application/pdf', buffer: pdfWith('don') });
    await navigating(page, () => page.getByRole('button', { name: 'Nộp hồ sơ' }).click());
    expect(await page.locator('#email-error').textContent()).toContain('không hợp lệ');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expect(await page.locator('.pending-uploads').textContent()).toContain('Đã tải lên: don-de-nghi.pdf');
    const pendingRows = await app.deps.db('pending_uploads').select('name', 'field');
    expect(pendingRows).toEqual([{ name: 'don-de-nghi.pdf', field: `giay-to-${REQUIRED[0]!.code}` }]);
    expect(storeFiles().length).toBe(storeBefore.length + 1);

    // Now right, with another file instead of the kept one (its box “bỏ” ticked): the dossier is made with
    // that paper only; the code and the secret are shown once.
    await page.getByLabel('Thư điện tử').fill(APPLICANT.email);
    await page.locator('.pending-uploads input[type=checkbox]').check();
    await page.getByLabel(REQUIRED[0]!.name).setInputFiles({ name: 'Đơn đề nghị.pdf', mimeType: 'application/pdf', buffer: pdfWith('don-de-nghi') });
    await navigating(page, () => page.getByRole('button', { name: 'Nộp hồ sơ' }).click());
    const code = (await page.locator('#receipt-code').textContent()) as string;
    const secret = (await page.locator('#tracking-secret').textContent()) as string;
    expect(code).toMatch(/^H37\.26-\d{6}-\d{4,}$/);
    expect(secret).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(await page.locator('main').textContent()).toContain('Mã này chỉ hiển thị trên trang này');
    expect(await page.getByRole('link', { name: `/tra-cuu?ma=${code}` }).count()).toBe(1);
    await checkPage(page, 'portal-confirmation-desktop');
    const row = await app.deps.db('dossiers').where({ code }).first('id', 'state', 'channel', 'applicant_name', 'applicant_email');
    expect(row).toMatchObject({ state: 'submitted', channel: 'online', applicant_name: APPLICANT.name, applicant_email: APPLICANT.email });
    expect(await papersOf(row.id)).toEqual([{ kind: 'don-de-nghi', name: 'Đơn đề nghị.pdf', attached_by_kind: 'applicant' }]);
    // Reloading the tracking page never shows the secret again.
    await page.goto(`/tra-cuu/${code}`);
    expect(await page.locator('main').textContent()).not.toContain(secret);

    // The clerk checks it and asks for the missing paper.
    const clerk = await person();
    await logIn(clerk.page, w.onestop.username, w.onestop.password);
    await clerk.page.goto(`/dossiers/${row.id}`);
    await clerk.page.locator('details#ev-request_supplement > summary').click();
    await clerk.page.locator('#ev-request_supplement-guidance').fill('1. Bản sao Giấy chứng nhận đăng ký doanh nghiệp');
    await navigating(clerk.page, () => clerk.page.locator('#ev-request_supplement button[type=submit]').click());
    expect((await app.deps.db('dossiers').where({ id: row.id }).first('state')).state).toBe('awaitingSupplement');
    await clerk.context.close();

    // The citizen comes back by the link with the code (as the QR code), types the secret, and supplements.
    await page.goto(`/tra-cuu?ma=${code}`);
    expect(await page.getByLabel('Mã hồ sơ').inputValue()).toBe(code);
    await checkPage(page, 'portal-tracking-form-desktop');
    await page.getByLabel('Mã bảo mật tra cứu').fill(secret);
    await navigating(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    expect(new URL(page.url()).pathname).toBe(`/tra-cuu/${code}`);
    const supplementSection = page.locator('section[aria-labelledby="bo-sung"]');
    expect(await supplementSection.textContent()).toContain('1. Bản sao Giấy chứng nhận đăng ký doanh nghiệp');
    // The supplement request is a slip they may open and print.
    expect(await page.locator('.slip-list').textContent()).toContain('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ');
    await checkPage(page, 'portal-tracking-supplement-desktop');
    await navigating(page, () => page.getByRole('link', { name: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ' }).click());
    expect(await page.locator('main').textContent()).toContain('Mẫu số 02');
    await checkPage(page, 'portal-slip-supplement');
    await page.goto(`/tra-cuu/${code}`);

    await supplementSection.getByLabel(REQUIRED[1]!.name).setInputFiles({ name: 'dkdn.png', mimeType: 'image/png', buffer: PNG });
    await supplementSection.getByLabel('Ghi chú cho nơi tiếp nhận hồ sơ').fill('Đã bổ sung bản sao GCN ĐKDN.');
    await navigating(page, () => supplementSection.getByRole('button', { name: 'Tải lên và gửi bổ sung' }).click());
    expect(await page.getByRole('status').first().textContent()).toContain('Đã gửi bổ sung hồ sơ');
    const after = await app.deps.db('dossiers').where({ id: row.id }).first('state');
    expect(after.state).not.toBe('awaitingSupplement');
    expect(await papersOf(row.id)).toEqual([
      { kind: 'don-de-nghi', name: 'Đơn đề nghị.pdf', attached_by_kind: 'applicant' },
      { kind: 'giay-dkdn', name: 'dkdn.png', attached_by_kind: 'applicant' },
    ]);
    expect(await page.locator('section[aria-labelledby="qua-trinh"]').textContent()).toContain('Bổ sung hồ sơ');
    await checkPage(page, 'portal-tracking-desktop');

    // The access: a cookie out of reach of scripts and other sites, for this dossier's pages only.
    const cookie = (await citizen.context.cookies()).find((c) => c.name === 'idesk_tra_cuu');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: `/tra-cuu/${code}` });
    // The secret went in no URL.
    expect(citizen.urls.filter((u) => u.includes(secret))).toEqual([]);
    await citizen.context.close();
  }, 120_000);
});

describe('tracking a completed dossier on a phone', () => {
  it('shows it completed and downloads the result; a wrong secret answers as an unknown code', async () => {
    // An online submission taken through to the result handed back, over the API.
    const submitted = await w.http.post('/api/public/dossiers', { procedureId: procedure.id, applicant: APPLICANT, subject: 'Cấp giấy phép' });
    expect(submitted.status).toBe(201);
    const d = { id: submitted.body.id as number, version: submitted.body.version as number };
    const code = submitted.body.code as string;
    const secret = submitted.body.trackingSecret as string;
    // Received only with every required paper (Decree 118/2025): the applicant uploads them first.
    const scans = await postPapers(w.http.baseUrl, `/api/public/dossiers/${code}/papers`, REQUIRED.map((p) => ({ kind: p.code, name: `${p.code}.pdf`, bytes: pdfWith(p.code) })), { 'x-tracking-secret': secret });
    expect(scans.status, JSON.stringify(scans.body)).toBe(201);
    await fireAs(w.http, d, w.onestop, 'RECEIVE');
    await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fireAs(w.http, d, w.specialist, 'VERIFY');
    await fireAs(w.http, d, w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    await fireAs(w.http, d, w.director, 'APPROVE');
    await fireAs(w.http, d, w.onestop, 'PAYMENT_RECEIVED', { receiptNumber: 'BL-000777' });
    const licence = pdfWith(`giay-phep-${d.id}`);
    await attachResult(w.http.baseUrl, d.id, w.onestop.token, licence);
    await fireAs(w.http, d, w.onestop, 'RETURN_RESULT', { method: 'counter' });

    const citizen = await person(PHONE);
    const { page } = citizen;
    for (const [path, name] of [['/thu-tuc', 'portal-procedures-phone'], [`/thu-tuc/${procedure.id}`, 'portal-procedure-phone'], [`/thu-tuc/${procedure.id}/nop-ho-so`, 'portal-submit-form-phone']] as const) {
      await page.goto(path);
      await checkPage(page, name);
    }

    // Wrong secret and unknown code: the same answer, and nothing changes.
    const before = await fingerprint(app.deps.db);
    const answers: string[] = [];
    for (const [c, s] of [[code, 'sai-ma-bi-mat-0123456789ab'], ['H37.26-010101-9999', secret]] as const) {
      await page.goto('/tra-cuu');
      await page.getByLabel('Mã hồ sơ').fill(c);
      await page.getByLabel('Mã bảo mật tra cứu').fill(s);
      const { posted, shown } = await submitting(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
      expect(posted.status()).toBe(303);
      expect(shown.status()).toBe(404);
      answers.push((await page.getByRole('alert').textContent()) as string);
    }
    expect(answers[0]).toContain('Không tìm thấy hồ sơ');
    expect(answers[1]).toBe(answers[0]);
    expect(await page.getByLabel('Mã bảo mật tra cứu').inputValue()).toBe('');
    await checkPage(page, 'portal-tracking-not-found-phone');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    // A forged access cookie opens nothing either.
    await citizen.context.addCookies([{ name: 'idesk_tra_cuu', value: 'sai-ma-bi-mat-0123456789ab', url: `${app.url}/tra-cuu/${code}` }]);
    await page.goto(`/tra-cuu/${code}`);
    expect(new URL(page.url()).pathname).toBe('/tra-cuu');

    // The right one, on the phone, typed from paper as people do (lower case, spaces for dashes): completed, with the result to download.
    await page.goto(`/tra-cuu?ma=${code}`);
    await page.getByLabel('Mã bảo mật tra cứu').fill(secret.toLowerCase().replace(/-/g, ' '));
    await navigating(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    const main = (await page.locator('main').textContent()) as string;
    expect(main).toContain('Đã trả kết quả');
    expect(main).toContain('Giấy tiếp nhận hồ sơ và hẹn trả kết quả');
    expect(main).toContain('Được chấp thuận');
    await checkPage(page, 'portal-tracking-completed-phone');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải kết quả: Giấy phép.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('Giấy phép.pdf');
    expect(fs.readFileSync(await download.path())).toEqual(licence);

    // The receipt slip prints on A4.
    await navigating(page, () => page.getByRole('link', { name: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả' }).click());
    expect(await page.locator('main').textContent()).toContain(code);
    await expectAccessible(page, 'portal-slip-receipt');
    await screenshot(page, 'portal-slip-receipt-phone');

    // Ending the access: the dossier's pages ask for the secret again.
    await page.goto(`/tra-cuu/${code}`);
    await navigating(page, () => page.getByRole('button', { name: 'Kết thúc tra cứu' }).click());
    await page.goto(`/tra-cuu/${code}`);
    expect(new URL(page.url()).pathname).toBe('/tra-cuu');
    expect(await page.getByRole('status').textContent()).toContain('Phiên tra cứu đã kết thúc');
    expect(citizen.urls.filter((u) => u.includes(secret))).toEqual([]);
    await citizen.context.close();
  });

  it('phone screenshots of the confirmation and the tracking page', async () => {
    const citizen = await person(PHONE);
    const { page } = citizen;
    await page.goto(`/thu-tuc/${procedure.id}/nop-ho-so`);
    await page.getByLabel('Họ tên cá nhân hoặc tên tổ chức').fill('Hộ kinh doanh Nguyễn Văn An');
    await page.getByLabel(REQUIRED[0]!.name).setInputFiles({ name: 'don.pdf', mimeType: 'application/pdf', buffer: pdfWith('don-phone') });
    await navigating(page, () => page.getByRole('button', { name: 'Nộp hồ sơ' }).click());
    await checkPage(page, 'portal-confirmation-phone');
    await navigating(page, () => page.getByRole('link', { name: 'Xem hồ sơ vừa nộp' }).click());
    expect(await page.locator('section[aria-labelledby="tai-len"]').count()).toBe(1);
    await checkPage(page, 'portal-tracking-phone');
    await page.goto('/tra-cuu');
    await checkPage(page, 'portal-tracking-form-phone');
    await citizen.context.close();
  }, 120_000);
});

describe('a submission sent twice', () => {
  it('makes one dossier with its papers once, and both answers show the same code and secret, which tracks it', async () => {
    const citizen = await person();
    const { page } = citizen;
    await page.goto(`/thu-tuc/${procedure.id}/nop-ho-so`);
    const form = page.locator(`form[action="/thu-tuc/${procedure.id}/nop-ho-so"]`);
    const hidden = Object.fromEntries(await form.locator('input[type=hidden]').evaluateAll((els) => els.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value])));
    expect(hidden.submissionKey).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    const multipart = {
      ...hidden,
      name: 'Hộ kinh doanh Trần Thị Bình',
      phone: '0912 345 678',
      subject: 'Cấp giấy phép bán lẻ rượu',
      [`giay-to-${REQUIRED[0]!.code}`]: { name: 'don.pdf', mimeType: 'application/pdf', buffer: pdfWith('don-hai-lan') },
    };
    const count = async (table: string) => Number((await app.deps.db(table).count({ n: '*' }).first())?.n);
    const [dossiersBefore, papersBefore] = [await count('dossiers'), await count('dossier_papers')];
    const answers: { code: string; secret: string }[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await citizen.context.request.post(`/thu-tuc/${procedure.id}/nop-ho-so`, { multipart });
      expect(res.status()).toBe(200);
      const html = await res.text();
      answers.push({ code: /H37\.26-\d{6}-\d{4}/.exec(html)?.[0] ?? '', secret: /id="tracking-secret">([^<]+)</.exec(html)?.[1] ?? '' });
    }
    expect(answers[0]!.code).not.toBe('');
    expect(answers[0]!.secret).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(answers[1]).toEqual(answers[0]);
    expect(await count('dossiers')).toBe(dossiersBefore + 1);
    expect(await count('dossier_papers')).toBe(papersBefore + 1);

    // The same form with other details is not a replay: refused, asking to submit anew, nothing made.
    const edited = await citizen.context.request.post(`/thu-tuc/${procedure.id}/nop-ho-so`, { multipart: { ...multipart, name: 'Hộ kinh doanh Lê Văn Cường' } });
    expect(edited.status()).toBe(409);
    expect(await edited.text()).toContain('đã được dùng để nộp một hồ sơ khác');
    expect(await count('dossiers')).toBe(dossiersBefore + 1);

    // Another browser, the same form key: another secret, another dossier.
    const other = await person();
    await other.page.goto(`/thu-tuc/${procedure.id}/nop-ho-so`);
    const otherCsrf = await other.page.locator('input[name=_csrf]').inputValue();
    const res = await other.context.request.post(`/thu-tuc/${procedure.id}/nop-ho-so`, { multipart: { ...multipart, _csrf: otherCsrf } });
    expect(res.status()).toBe(200);
    expect(/id="tracking-secret">([^<]+)</.exec(await res.text())?.[1]).not.toBe(answers[0]!.secret);
    expect(await count('dossiers')).toBe(dossiersBefore + 2);
    await other.context.close();

    // The secret shown tracks the dossier.
    await citizen.context.clearCookies();
    await page.goto(`/tra-cuu?ma=${answers[0]!.code}`);
    await page.getByLabel('Mã bảo mật tra cứu').fill(answers[0]!.secret);
    await navigating(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());
    expect(new URL(page.url()).pathname).toBe(`/tra-cuu/${answers[0]!.code}`);
    expect(await page.locator('main').textContent()).toContain('don.pdf');
    await citizen.context.close();
  }, 120_000);
});

describe('withdrawing', () => {
  it('the applicant withdraws from the tracking page with a reason; an empty reason is refused beside the field, changing nothing', async () => {
    const submitted = await w.http.post('/api/public/dossiers', { procedureId: procedure.id, applicant: APPLICANT, subject: 'Cấp giấy phép' });
    expect(submitted.status).toBe(201);
    const { code, trackingSecret: secret, id } = submitted.body as { code: string; trackingSecret: string; id: number };
    const citizen = await person(PHONE);
    const { page } = citizen;
    await page.goto(`/tra-cuu?ma=${code}`);
    await page.getByLabel('Mã bảo mật tra cứu').fill(secret);
    await navigating(page, () => page.getByRole('button', { name: 'Tra cứu' }).click());

    await page.getByText('Tôi muốn rút hồ sơ này').click();
    const before = await fingerprint(app.deps.db);
    await navigating(page, () => page.getByRole('button', { name: 'Rút hồ sơ' }).click());
    expect(await page.locator('#rut-reason-error').textContent()).toContain('lý do');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    await checkPage(page, 'portal-withdraw-refused-phone');

    await page.getByLabel('Lý do rút hồ sơ').fill('Doanh nghiệp đổi địa điểm kinh doanh, sẽ nộp lại sau.');
    await navigating(page, () => page.getByRole('button', { name: 'Rút hồ sơ' }).click());
    expect(await page.getByRole('status').first().textContent()).toContain('Đã rút hồ sơ');
    const row = await app.deps.db('dossiers').where({ id }).first('state');
    expect(row.state).toBe('withdrawn');
    const last = await app.deps.db('events').where({ stream_type: 'dossier', stream_id: String(id) }).orderBy('seq', 'desc').first('type', 'actor_kind', 'payload');
    expect([last.type, last.actor_kind]).toEqual(['WITHDRAW', 'applicant']);
    expect(JSON.stringify(last.payload)).toContain('đổi địa điểm kinh doanh');
    // Nothing more to withdraw.
    expect(await page.getByText('Tôi muốn rút hồ sơ này').count()).toBe(0);
    await citizen.context.close();
  }, 120_000);
});

describe('refused submissions', () => {
  it('a forged form (no or a wrong anti-forgery token) is 403 and stores nothing; a file over the limit comes back with the form', async () => {
    const small = await startTestApp({ env: { IDESK_UPLOAD_MAX_BYTES: '2048' } });
    try {
      const sw = await buildWorld(small);
      const proc = await buildProcedure(small, sw.departmentId, { requiredPapers: REQUIRED, hasFee: false });
      const p = await newPerson(browser, small.url);
      await p.page.goto(`/thu-tuc/${proc.id}/nop-ho-so`);
      const token = await p.page.locator('input[name=_csrf]').inputValue();
      const before = await fingerprint(small.deps.db);
      const files = () => listStore(small.deps.config.filesDir);
      const storeBefore = files();
      const paper = { name: 'don.pdf', mimeType: 'application/pdf', buffer: pdfWith('forged') };
      for (const csrf of [undefined, `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`]) {
        const multipart = { ...(csrf === undefined ? {} : { _csrf: csrf }), name: 'Kẻ giả mạo', 'giay-to-don-de-nghi': paper };
        const res = await p.context.request.post(`/thu-tuc/${proc.id}/nop-ho-so`, { multipart, maxRedirects: 0 });
        expect(res.status(), String(csrf)).toBe(403);
      }
      expect(await fingerprint(small.deps.db)).toEqual(before);
      expect(files()).toEqual(storeBefore);

      // Over the limit: 413, the typed name back in the form, the reason beside the file, nothing kept.
      const big = { name: 'scan lớn.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([pdfWith('big'), Buffer.alloc(4096, 0x20)]) };
      const res = await p.context.request.post(`/thu-tuc/${proc.id}/nop-ho-so`, { multipart: { _csrf: token, name: 'Hộ kinh doanh Trần Thị Bình', 'giay-to-don-de-nghi': big } });
      expect(res.url()).toMatch(/\/nop-ho-so\?giu=/);
      expect(res.status()).toBe(413);
      const html = await res.text();
      expect(html).toContain('value="Hộ kinh doanh Trần Thị Bình"');
      expect(html).toContain('Tệp “scan lớn.pdf” lớn hơn mức cho phép');
      expect(await fingerprint(small.deps.db)).toEqual(before);
      expect(files()).toEqual(storeBefore);
      await p.context.close();
    } finally {
      await small.close();
    }
  }, 120_000);
});

describe('throttling the tracking form', () => {
  it('refuses tries over the public API’s budget of wrong secrets (per address and code) with 429', async () => {
    const small = await startTestApp({ env: { PUBLIC_WRONG_SECRETS_PER_MINUTE: '3' } });
    try {
      const p = await newPerson(browser, small.url);
      await p.page.goto('/tra-cuu');
      const token = await p.page.locator('input[name=_csrf]').inputValue();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        // Refused or throttled, the POST redirects (Post/Redirect/Get); the page it leads to says which.
        const form = { _csrf: token, code: 'H37.26-010101-0001', secret: `doan-thu-${i}-0123456789` };
        const res = await p.context.request.post('/tra-cuu', { form });
        expect(res.url()).toMatch(/\/tra-cuu\?giu=/);
        statuses.push(res.status());
        if (i === 3) expect(Number(res.headers()['retry-after'])).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
      await p.context.close();
    } finally {
      await small.close();
    }
  });
});
