import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierQuery } from '../../src/api/routes/dossiers/dossiers.schema.ts';
import { DocumentSearchQuery } from '../../src/api/routes/documents/search.routes.ts';
import { UserQuery } from '../../src/api/routes/users/users.schema.ts';
import { searchMaxLength } from '../../src/web/search-limits.ts';
import { expectError } from '../support/assertions.ts';
import { buildDocumentWorld, createDoc, INCOMING, type DocumentWorld } from '../support/documents.ts';
import { buildDossier, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { launchBrowser, navigating, newPerson, screenshot } from './support/browser.ts';
import { FormClient } from './support/form-client.ts';

/**
 * A search over the limit is refused with a clear message, never answered with 0 results (issue 14 §5):
 * the staff pages' search fields (dossier list, documents' registers, accounts) and the API's search
 * parameters. The limits are the API's query schemas' own; the test states them too, so that a limit
 * changed in one place only is seen.
 */
let app: TestApp;
let w: World;
let dw: DocumentWorld;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  dw = await buildDocumentWorld(app);
  await buildDossier(w, { state: 'inDepartment.review' });
  await createDoc(dw.http, dw.clerk, INCOMING);
});
afterAll(async () => {
  await app?.close();
});

const as = (token: string) => {
  const client = new FormClient(app.url);
  client.cookies.set('idesk_session', token);
  return client;
};

// Vietnamese letters, one code point each (the limit counts characters, not bytes), in one word (the
// documents' search also bounds the words).
const text = (n: number) => 'Nguyễn'.repeat(Math.ceil(n / 6)).slice(0, n);

const FIELDS = () => [
  { who: w.specialist.token, path: '/dossiers', name: 'codePrefix', max: 64 },
  { who: w.specialist.token, path: '/dossiers', name: 'applicantName', max: 200 },
  { who: dw.clerk.token, path: '/van-ban-den', name: 'q', max: 200 },
  { who: dw.clerk.token, path: '/van-ban-di', name: 'q', max: 200 },
  { who: w.admin.token, path: '/admin/users', name: 'q', max: 100 },
];

describe('the staff pages', () => {
  it('take the limits from the API’s query schemas', () => {
    expect(searchMaxLength(DossierQuery, 'codePrefix')).toBe(64);
    expect(searchMaxLength(DossierQuery, 'applicantName')).toBe(200);
    expect(searchMaxLength(DocumentSearchQuery, 'q')).toBe(200);
    expect(searchMaxLength(UserQuery, 'q')).toBe(100);
  });

  it('refuse a search one character over the limit with its length and the limit, keep it in the field, list nothing', async () => {
    const before = await fingerprint(app.deps.db);
    for (const f of FIELDS()) {
      const value = text(f.max + 1);
      const page = await as(f.who).get(`${f.path}?${new URLSearchParams({ [f.name]: value })}`);
      const where = `${f.path} ${f.name}`;
      expect(page.res.status, where).toBe(400);
      expect(page.text, where).toContain(`<span class="error" id="${f.name}-error">Nội dung tìm kiếm dài ${f.max + 1} ký tự, quá giới hạn ${f.max} ký tự: hãy rút ngắn rồi tìm lại.</span>`);
      // The text stays in the field to be shortened; the field has no maxlength that would cut a paste.
      const input = new RegExp(`<input[^>]*name="${f.name}"[^>]*>`).exec(page.text)?.[0] ?? '';
      expect(input, where).toContain(`value="${value}"`);
      expect(input, where).not.toMatch(/maxlength/i);
      expect(page.text, where).not.toMatch(/<p role="status">/);
      // At the limit the search runs.
      const at = await as(f.who).get(`${f.path}?${new URLSearchParams({ [f.name]: text(f.max) })}`);
      expect(at.res.status, `${where} at the limit`).toBe(200);
      expect(at.text, where).toMatch(/<p role="status">/);
    }
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('in Chromium, a pasted search over the limit reaches the server whole and comes back refused, not cut and empty', { timeout: 60_000 }, async () => {
    const browser: Browser = await launchBrowser();
    try {
      const { context, page } = await newPerson(browser, app.url);
      await context.addCookies([{ name: 'idesk_session', value: dw.clerk.token, url: app.url }]);
      await page.goto('/van-ban-den');
      const long = text(250);
      const field = page.getByLabel('Tìm kiếm');
      await field.focus();
      // Text inserted as a paste is (through the editor, where a maxlength would cut it).
      await page.keyboard.insertText(`${long}x`);
      expect((await field.inputValue()).length).toBe(251);
      await navigating(page, () => page.getByRole('button', { name: 'Tìm' }).first().click());
      expect(await page.locator('#q-error').innerText()).toBe('Nội dung tìm kiếm dài 251 ký tự, quá giới hạn 200 ký tự: hãy rút ngắn rồi tìm lại.');
      expect((await page.getByLabel('Tìm kiếm').inputValue()).length).toBe(251);
      expect(await page.locator('p[role=status]').count()).toBe(0);
      await screenshot(page, 'search-over-the-limit');
    } finally {
      await browser.close();
    }
  });
});

describe('the API', () => {
  it('refuses a search parameter over the limit with 400 naming the parameter and the limit, never 200 with no items', async () => {
    const cases: Array<[string, string, number, string]> = [
      ['/api/dossiers', 'codePrefix', 64, w.specialist.token],
      ['/api/dossiers', 'applicantName', 200, w.specialist.token],
      ['/api/documents', 'q', 200, dw.clerk.token],
      ['/api/users', 'q', 100, w.admin.token],
    ];
    for (const [path, name, max, token] of cases) {
      const res = await w.http.get(`${path}?${new URLSearchParams({ [name]: text(max + 1) })}`, { token });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.message, `${path} ${name}`).toContain(`query/${name} must NOT have more than ${max} characters`);
      const at = await w.http.get(`${path}?${new URLSearchParams({ [name]: text(max) })}`, { token });
      expect(at.status, `${path} ${name} at the limit: ${JSON.stringify(at.body)}`).toBe(200);
    }
  });
});
