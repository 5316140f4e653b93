import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentStateLabel, PENDING_REASON_LABELS as WHY } from '../../src/web/documents/document-labels.ts';
import { buildDocumentWorld, type DocumentWorld } from '../support/documents.ts';
import type { TestUser } from '../support/factories.ts';
import { pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { checkPage, DESKTOP, launchBrowser, logIn, navigating, newPerson, PHONE, screenshot } from './support/browser.ts';

/**
 * Issue 8's story in Debian's Chromium, through the pages only (the world of people and departments is
 * the one thing built beforehand): the clerk registers an incoming document with its scan; the director
 * finds it in "Văn bản chờ xử lý" and directs it (bút phê, Điều 6); the clerk distributes it; the
 * department lead forwards it to a specialist (Điều 6.3); the specialist, on a phone, drafts the reply
 * from the incoming document, which goes through review, signature and issue (Điều 8), and links it as
 * the answer (Điều 7). Each person keeps one browser context; every distinct page passes axe-core and is
 * photographed under tests/web/screenshots/ (a page already scanned, seen again in a later state with
 * the same forms, is only photographed: axe is most of the test's time).
 */
let app: TestApp;
let w: DocumentWorld;
let browser: Browser;
const blocked: string[] = [];
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  app = await startTestApp();
  w = await buildDocumentWorld(app);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function person(user: TestUser, viewport = DESKTOP) {
  const p = await newPerson(browser, app.url, viewport);
  blocked.push(...p.blocked);
  await logIn(p.page, user.username, user.password);
  return p.page;
}

const eventId = (type: string) => `ev-${type.toLowerCase().replace(/_/g, '-')}`;

async function openAction(page: Page, type: string) {
  const details = page.locator(`details#${eventId(type)}`);
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('> summary').click();
}

async function submitAction(page: Page, type: string) {
  await navigating(page, () => page.locator(`#${eventId(type)} button[type=submit]`).click());
}

/** The state as the document's page shows it (its first badge). */
const shownState = async (page: Page) => (await page.locator('main .badge').first().textContent())?.trim();

/** Follows the link to a document in the workspace's "Văn bản chờ xử lý", checking why it waits. */
async function fromWorkspace(page: Page, id: number, reason: string) {
  await page.goto('/workspace');
  const row = page.locator('section[aria-labelledby="van-ban-cho-xu-ly"] tr', { has: page.locator(`a[href="/van-ban/${id}"]`) });
  expect(await row.textContent()).toContain(reason);
  await navigating(page, () => row.locator(`a[href="/van-ban/${id}"]`).click());
  expect(new URL(page.url()).pathname).toBe(`/van-ban/${id}`);
}

describe('an incoming document and its answer, through the pages only', () => {
  it('register with scan → direct → distribute → forward; reply drafted → submitted → approved → signed → issued; answered', SLOW, async () => {
    const scan = pdfWith('cong-van-123-UBND-KT');

    // The clerk: from the workspace to the incoming register, then its registration form.
    const clerk = await person(w.clerk);
    expect(new URL(clerk.url()).pathname).toBe('/workspace');
    await checkPage(clerk, 'story-01-workspace-clerk');
    await navigating(clerk, () => clerk.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Văn bản đến' }).click());
    await navigating(clerk, () => clerk.getByRole('link', { name: 'Đăng ký văn bản đến' }).click());
    expect(new URL(clerk.url()).pathname).toBe('/van-ban-den/moi');
    await clerk.locator('#issuerName').fill('Ủy ban nhân dân tỉnh Bình Định');
    await clerk.locator('#sourceSymbol').fill('123/UBND-KT');
    await clerk.locator('#documentDate').fill('2026-02-27');
    await clerk.locator('#typeCode').selectOption('CV');
    await clerk.locator('#urgency').selectOption('urgent');
    await clerk.locator('#pageCount').fill('2');
    await clerk.locator('#signerName').fill('Nguyễn Văn A');
    await clerk.locator('#summary').fill('Về việc báo cáo tình hình thị trường xăng dầu quý I');
    await clerk.locator('#replyRequired').check();
    await clerk.locator('#dueDate').fill('2026-03-20');
    await clerk.locator('#file').setInputFiles({ name: 'Công văn 123-UBND-KT.pdf', mimeType: 'application/pdf', buffer: scan });
    await checkPage(clerk, 'story-02-incoming-form');
    await navigating(clerk, () => clerk.getByRole('button', { name: 'Đăng ký văn bản đến' }).click());
    const registered = new URL(clerk.url());
    const incomingId = Number(/^\/van-ban\/(\d+)$/.exec(registered.pathname)?.[1]);
    expect(incomingId, clerk.url()).toBeGreaterThan(0);
    expect(await shownState(clerk)).toBe(documentStateLabel('registered'));
    const facts = clerk.locator('section[aria-labelledby="thong-tin"]');
    expect(await facts.textContent()).toContain('123/UBND-KT');
    expect(await facts.textContent()).toContain('20/03/2026');
    await checkPage(clerk, 'story-03-incoming-registered');

    // The director finds it waiting in the workspace and directs it: the lead department with its
    // deadline, a coordinating one with its own, the text (Điều 6.2). First without the text: the error
    // beside it, what was chosen kept.
    const director = await person(w.director);
    await fromWorkspace(director, incomingId, WHY.direct);
    await screenshot(director, 'story-04-incoming-director');
    await openAction(director, 'DIRECT');
    // The reply the clerk registered as required stays required unless the director unticks it.
    expect(await director.locator('#ev-direct-replyRequired').isChecked()).toBe(true);
    await director.locator('#ev-direct-lead').selectOption(String(w.trade.id));
    await director.locator('#ev-direct-leadDueAt').fill('2026-03-18');
    await director.locator(`#ev-direct-coord-${w.energy.id}`).check();
    await director.locator(`#ev-direct-due-${w.energy.id}`).fill('2026-03-17');
    await submitAction(director, 'DIRECT');
    await expect.poll(() => director.locator('#ev-direct-text-error').textContent()).toBeTruthy();
    expect(await director.locator('#ev-direct-lead').inputValue()).toBe(String(w.trade.id));
    await checkPage(director, 'story-05-direct-error');
    await director.locator('#ev-direct-text').fill('Giao Phòng QLTM chủ trì tham mưu trả lời; Phòng QLNL phối hợp.');
    await submitAction(director, 'DIRECT');
    expect(await director.getByRole('status').first().textContent()).toContain('Đã thực hiện');
    expect(await shownState(director)).toBe(documentStateLabel('directed'));
    expect(await director.locator('section[aria-labelledby="thong-tin"] dt:text-is("Phải trả lời bằng văn bản") + dd').textContent()).toBe('Có');
    await checkPage(director, 'story-06-directed');

    // The clerk distributes it, from the workspace too.
    await fromWorkspace(clerk, incomingId, WHY.distribute);
    await openAction(clerk, 'DISTRIBUTE');
    await submitAction(clerk, 'DISTRIBUTE');
    expect(await shownState(clerk)).toBe(documentStateLabel('distributed'));
    await screenshot(clerk, 'story-07-distributed');

    // The lead department's lead forwards it to the specialist, within the department's deadline (Điều 6.3).
    const lead = await person(w.lead);
    await fromWorkspace(lead, incomingId, WHY.forward);
    await openAction(lead, 'FORWARD');
    expect(await lead.locator('#ev-forward-dueAt').inputValue()).toBe('18/03/2026');
    await lead.locator('#ev-forward-userId').selectOption(String(w.specialist.id));
    await lead.locator('#ev-forward-dueAt').fill('2026-03-16');
    await lead.locator('#ev-forward-note').fill('Đề nghị dự thảo văn bản trả lời trước ngày 16/3.');
    await checkPage(lead, 'story-08-forward-form');
    await submitAction(lead, 'FORWARD');
    expect(await shownState(lead)).toBe(documentStateLabel('inProgress'));

    // The specialist, on a phone, opens it from the workspace and drafts the reply from it, with a draft file.
    const specialist = await person(w.specialist, PHONE);
    await checkPage(specialist, 'story-09-workspace-specialist-phone');
    await fromWorkspace(specialist, incomingId, WHY.handle);
    await checkPage(specialist, 'story-10-incoming-specialist-phone');
    await openAction(specialist, 'ANSWER');
    await navigating(specialist, () => specialist.getByRole('link', { name: 'Soạn văn bản trả lời' }).click());
    expect(new URL(specialist.url()).pathname + new URL(specialist.url()).search).toBe(`/van-ban-di/moi?traLoi=${incomingId}`);
    expect(await specialist.locator('#summary').inputValue()).toBe('V/v trả lời văn bản số 123/UBND-KT ngày 27/02/2026 của Ủy ban nhân dân tỉnh Bình Định');
    expect(await specialist.locator('#typeCode').inputValue()).toBe('CV');
    await specialist.getByLabel('Phòng Quản lý Năng lượng').check();
    await specialist.locator('#external').fill('Ủy ban nhân dân tỉnh Bình Định');
    await specialist.locator('#file').setInputFiles({ name: 'Dự thảo trả lời.pdf', mimeType: 'application/pdf', buffer: pdfWith('du-thao-tra-loi') });
    await checkPage(specialist, 'story-11-reply-form-phone');
    await navigating(specialist, () => specialist.getByRole('button', { name: 'Lưu dự thảo' }).click());
    const replyId = Number(/^\/van-ban\/(\d+)$/.exec(new URL(specialist.url()).pathname)?.[1]);
    expect(replyId, specialist.url()).toBeGreaterThan(0);
    expect(await shownState(specialist)).toBe(documentStateLabel('draft'));
    expect(await specialist.locator('section[aria-labelledby="tep"]').textContent()).toContain('Dự thảo trả lời.pdf');
    await checkPage(specialist, 'story-12-reply-draft-phone');
    await openAction(specialist, 'SUBMIT');
    await submitAction(specialist, 'SUBMIT');
    expect(await shownState(specialist)).toBe(documentStateLabel('underReview'));

    // The lead approves it, the director signs it.
    await fromWorkspace(lead, replyId, WHY.review);
    await screenshot(lead, 'story-13-reply-review');
    await openAction(lead, 'APPROVE');
    await submitAction(lead, 'APPROVE');
    expect(await shownState(lead)).toBe(documentStateLabel('awaitingSignature'));

    await fromWorkspace(director, replyId, WHY.sign);
    await checkPage(director, 'story-14-reply-to-sign');
    await openAction(director, 'SIGN');
    await director.locator('#ev-sign-signerPosition').fill('Giám đốc');
    await submitAction(director, 'SIGN');
    expect(await shownState(director)).toBe(documentStateLabel('awaitingIssue'));

    // The clerk uploads the signed scan, then numbers and issues it: a Công văn's number and symbol is
    // `<number>/SCT-<drafting unit>` (Decree 30/2020 Phụ lục I, II.3).
    await fromWorkspace(clerk, replyId, WHY.issue);
    await checkPage(clerk, 'story-15-reply-to-issue');
    await clerk.locator('#signed-file').setInputFiles({ name: 'Công văn đã ký.pdf', mimeType: 'application/pdf', buffer: pdfWith(`da-ky-${replyId}`) });
    await navigating(clerk, () => clerk.getByRole('button', { name: 'Tải lên' }).click());
    expect(await clerk.getByRole('status').first().textContent()).toContain('Đã tải lên bản quét');
    await openAction(clerk, 'ISSUE');
    await submitAction(clerk, 'ISSUE');
    expect(await shownState(clerk)).toBe(documentStateLabel('issued'));
    const heading = (await clerk.locator('h1').textContent())?.trim() ?? '';
    const symbol = /^Văn bản đi (\d{2,}\/SCT-QLTM)$/.exec(heading)?.[1] ?? '';
    expect(symbol, heading).not.toBe('');
    expect(await clerk.locator('section[aria-labelledby="thong-tin"]').textContent()).toContain(symbol);
    await checkPage(clerk, 'story-16-reply-issued');

    // The specialist links it as the answer (Điều 7): the issued reply is offered by its symbol.
    await specialist.goto(`/van-ban/${incomingId}`);
    await openAction(specialist, 'ANSWER');
    const offered = specialist.locator(`#ev-answer-outgoingId option[value="${replyId}"]`);
    expect(await offered.textContent()).toContain(symbol);
    await specialist.locator('#ev-answer-outgoingId').selectOption(String(replyId));
    await submitAction(specialist, 'ANSWER');
    expect(await shownState(specialist)).toBe(documentStateLabel('answered'));
    expect(await shownState(specialist)).toContain('Đã trả lời');
    const answers = specialist.locator(`section[aria-labelledby="thong-tin"] a[href="/van-ban/${replyId}"]`);
    expect(await answers.count()).toBe(1);
    expect(await answers.textContent()).toContain(`Văn bản đi ${symbol}`);
    await checkPage(specialist, 'story-17-answered-phone');
    // Links both ways: the reply's page names the document it answers.
    await navigating(specialist, () => answers.click());
    const answered = specialist.locator(`section[aria-labelledby="thong-tin"] a[href="/van-ban/${incomingId}"]`);
    expect(await answered.count()).toBe(1);
    expect(await answered.textContent()).toContain('Văn bản đến số 1/2026 (123/UBND-KT)');

    // The incoming register lists it as answered; its scan downloads with the bytes the clerk uploaded.
    await clerk.goto('/van-ban-den');
    const row = clerk.locator('main table tr', { has: clerk.locator(`a[href="/van-ban/${incomingId}"]`) });
    expect(await row.textContent()).toContain(documentStateLabel('answered'));
    await checkPage(clerk, 'story-18-incoming-register');
    await clerk.goto('/van-ban-di');
    const outRow = clerk.locator('main table tr', { has: clerk.locator(`a[href="/van-ban/${replyId}"]`) });
    expect(await outRow.textContent()).toContain(symbol);
    await checkPage(clerk, 'story-19-outgoing-register');
    await clerk.goto(`/van-ban/${incomingId}`);
    const scanLink = clerk.locator('section[aria-labelledby="tep"] a', { hasText: 'Công văn 123-UBND-KT.pdf' });
    const download = await clerk.request.get(String(await scanLink.getAttribute('href')));
    expect(download.status()).toBe(200);
    expect(Buffer.compare(await download.body(), scan)).toBe(0);

    expect(blocked).toEqual([]);
  });
});
