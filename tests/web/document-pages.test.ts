import { Readable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentDeps } from '../../src/deps.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { authenticateToken } from '../../src/domain/accounts/sessions.service.ts';
import { createDocument, type NewDocument } from '../../src/domain/documents/document.service.ts';
import { fileStoreAt } from '../../src/files/file-store.ts';
import { buildDocumentWorld, INCOMING, type DocumentWorld } from '../support/documents.ts';
import type { TestUser } from '../support/factories.ts';
import { pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { checkPage, DESKTOP, launchBrowser, logIn, navigating, newPerson, PHONE } from './support/browser.ts';

/**
 * The documents' flows through the detail page in Debian's Chromium (issue 8 point 8): an incoming
 * document directed by the director, distributed by the clerk, forwarded by the department lead to a
 * specialist; the specialist's reply submitted, approved, signed, its signed scan uploaded and issued by
 * the clerk, then linked as the answer. Each person in a browser of their own; every page passes axe-core
 * and is photographed under tests/web/screenshots/.
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

async function principalOf(user: TestUser): Promise<Principal> {
  return (await authenticateToken(app.deps.db, user.token, app.deps.clock())) as Principal;
}

/** Registers or drafts a document through the domain, with one file. */
async function create(user: TestUser, input: NewDocument, file?: { name: string; bytes: Buffer }) {
  const store = fileStoreAt(app.deps.config.filesDir);
  const uploads = file ? [{ kind: 'scan', name: file.name, mediaType: 'application/pdf', temp: await store.writeTemp(Readable.from([file.bytes]), app.deps.config.upload.maxBytes) }] : [];
  const { body } = await createDocument(documentDeps(app.deps), await principalOf(user), input, undefined, uploads);
  return body;
}

async function person(user: TestUser, viewport = DESKTOP) {
  const p = await newPerson(browser, app.url, viewport);
  blocked.push(...p.blocked);
  await logIn(p.page, user.username, user.password);
  return p.page;
}

async function openAction(page: Page, type: string) {
  await page.locator(`details#ev-${type.toLowerCase().replace(/_/g, '-')} > summary`).click();
}

async function submitAction(page: Page, type: string) {
  await navigating(page, () => page.locator(`#ev-${type.toLowerCase().replace(/_/g, '-')} button[type=submit]`).click());
}

const stateOf = async (id: number) => (await app.deps.db('documents').where({ id }).first('state')).state as string;

describe('an incoming document and its answer, through the pages', () => {
  it('direct → distribute → forward; submit → approve → sign → signed scan → issue; answer', SLOW, async () => {
    const incoming = await create(w.clerk, { ...INCOMING }, { name: 'Công văn 123-UBND-KT.pdf', bytes: pdfWith('cong-van-den') });
    const reply = await create(w.specialist, { direction: 'outgoing', typeCode: 'CV', summary: 'V/v báo cáo tình hình thị trường xăng dầu quý I', secrecy: 'none' });

    // The director directs (bút phê): lead department with its deadline, a coordinating one, the text.
    const director = await person(w.director);
    await director.goto(`/van-ban/${incoming.id}`);
    await checkPage(director, 'document-incoming-director');
    await openAction(director, 'DIRECT');
    await director.locator('#ev-direct-lead').selectOption(String(w.trade.id));
    await director.locator('#ev-direct-leadDueAt').fill('2026-03-20');
    await director.locator(`#ev-direct-coord-${w.energy.id}`).check();
    await director.locator(`#ev-direct-due-${w.energy.id}`).fill('2026-03-18');
    // First without the text: the error beside it, what was chosen kept.
    await submitAction(director, 'DIRECT');
    await expect.poll(() => director.locator('#ev-direct-text-error').textContent()).toBeTruthy();
    expect(await director.locator('#ev-direct-lead').inputValue()).toBe(String(w.trade.id));
    await checkPage(director, 'document-direct-error');
    await director.locator('#ev-direct-text').fill('Giao Phòng QLTM chủ trì tham mưu trả lời; Phòng QLNL phối hợp.');
    await director.locator('#ev-direct-replyRequired').check();
    await submitAction(director, 'DIRECT');
    await expect.poll(() => director.getByRole('status').first().textContent()).toContain('Đã thực hiện');
    expect(await stateOf(incoming.id)).toBe('directed');
    await checkPage(director, 'document-directed');

    // The clerk distributes it to the departments.
    const clerk = await person(w.clerk);
    await clerk.goto(`/van-ban/${incoming.id}`);
    await openAction(clerk, 'DISTRIBUTE');
    await submitAction(clerk, 'DISTRIBUTE');
    expect(await stateOf(incoming.id)).toBe('distributed');
    await checkPage(clerk, 'document-distributed');

    // The lead department's lead forwards it to the specialist, within the department's deadline.
    const lead = await person(w.lead);
    await lead.goto(`/van-ban/${incoming.id}`);
    await openAction(lead, 'FORWARD');
    expect(await lead.locator('#ev-forward-dueAt').inputValue()).toBe('2026-03-20');
    await lead.locator('#ev-forward-userId').selectOption(String(w.specialist.id));
    await lead.locator('#ev-forward-dueAt').fill('2026-03-17');
    await lead.locator('#ev-forward-note').fill('Đề nghị dự thảo văn bản trả lời trước ngày 17/3.');
    await checkPage(lead, 'document-forward-form');
    await submitAction(lead, 'FORWARD');
    expect(await stateOf(incoming.id)).toBe('inProgress');

    // The specialist (on a phone) submits the drafted reply.
    const specialist = await person(w.specialist, PHONE);
    await specialist.goto(`/van-ban/${incoming.id}`);
    await checkPage(specialist, 'document-incoming-specialist-phone');
    await specialist.goto(`/van-ban/${reply.id}`);
    await openAction(specialist, 'SUBMIT');
    await submitAction(specialist, 'SUBMIT');
    expect(await stateOf(reply.id)).toBe('underReview');
    await checkPage(specialist, 'document-outgoing-submitted-phone');

    await lead.goto(`/van-ban/${reply.id}`);
    await openAction(lead, 'APPROVE');
    await submitAction(lead, 'APPROVE');
    expect(await stateOf(reply.id)).toBe('awaitingSignature');

    await director.goto(`/van-ban/${reply.id}`);
    await checkPage(director, 'document-outgoing-to-sign');
    await openAction(director, 'SIGN');
    await director.locator('#ev-sign-signerPosition').fill('Giám đốc');
    await submitAction(director, 'SIGN');
    expect(await stateOf(reply.id)).toBe('awaitingIssue');

    // The clerk uploads the signed scan, then numbers and issues it.
    await clerk.goto(`/van-ban/${reply.id}`);
    await checkPage(clerk, 'document-outgoing-to-issue');
    await clerk.locator('#signed-file').setInputFiles({ name: 'Công văn đã ký.pdf', mimeType: 'application/pdf', buffer: pdfWith(`da-ky-${reply.id}`) });
    await navigating(clerk, () => clerk.getByRole('button', { name: 'Tải lên' }).click());
    await expect.poll(() => clerk.getByRole('status').first().textContent()).toContain('Đã tải lên bản quét');
    await openAction(clerk, 'ISSUE');
    await submitAction(clerk, 'ISSUE');
    expect(await stateOf(reply.id)).toBe('issued');
    const symbol = (await app.deps.db('documents').where({ id: reply.id }).first('symbol')).symbol as string;
    await expect.poll(() => clerk.locator('h1').textContent()).toContain(symbol);
    await checkPage(clerk, 'document-issued');

    // The specialist links it as the answer (Điều 7): the issued reply is offered by its symbol.
    await specialist.goto(`/van-ban/${incoming.id}`);
    await openAction(specialist, 'ANSWER');
    await specialist.locator('#ev-answer-outgoingId').selectOption(String(reply.id));
    await submitAction(specialist, 'ANSWER');
    expect(await stateOf(incoming.id)).toBe('answered');
    await expect.poll(() => specialist.locator('main').textContent()).toContain('Đã trả lời bằng văn bản');
    await checkPage(specialist, 'document-answered-phone');
    // Links both ways.
    await navigating(specialist, () => specialist.locator(`main a[href="/van-ban/${reply.id}"]`).first().click());
    expect(await specialist.locator(`main a[href="/van-ban/${incoming.id}"]`).count()).toBeGreaterThan(0);

    expect(blocked).toEqual([]);
  });
});
