import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOSSIER_EVENT_TYPES } from '../../machines/dossier/index.ts';
import { PAGE_CSP, SECURITY_HEADERS } from '../../src/api/middlewares/security-headers.ts';
import { eventBodyFromForm, eventFields } from '../../src/web/dossiers/event-forms.ts';
import { formatDate, formatDateTime, fromLocalInput, toLocalInput } from '../../src/web/format.ts';
import { FIELD_LABELS } from '../../src/web/labels.ts';
import { safeNext } from '../../src/web/page.ts';
import { buildUser, buildWorld, type World } from '../support/factories.ts';
import { FormClient } from './support/form-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The pages' foundation over plain HTTP (no browser): dates, forms derived from the event schemas, the
 * page and API security headers side by side, static files, and the login page throttled like the API.
 */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
});
afterAll(async () => {
  await app?.close();
});


describe('dates as people write them', () => {
  it('on the clock of Asia/Ho_Chi_Minh, whatever the server’s time zone', () => {
    expect(formatDateTime('2026-12-03T07:30:00Z')).toBe('03/12/2026 14:30');
    expect(formatDateTime('2026-12-31T17:00:00Z')).toBe('01/01/2027 00:00');
    expect(formatDate('2026-12-31T16:59:59Z')).toBe('31/12/2026');
    expect(formatDateTime(null)).toBe('');
    expect(toLocalInput('2026-03-10T07:30:00.000Z')).toBe('2026-03-10T14:30');
    expect(fromLocalInput('2026-03-10T14:30')).toBe('2026-03-10T14:30:00+07:00');
    expect(fromLocalInput('10/03/2026')).toBe('10/03/2026');
  });
});

describe('event forms come from the event body schemas', () => {
  it('each field with its kind and whether it is required', () => {
    expect(eventFields('ASSIGN')).toEqual([{ name: 'assigneeId', label: FIELD_LABELS.assigneeId, kind: 'staff', required: true }]);
    expect(eventFields('PROPOSE').map((f) => [f.name, f.kind, f.required])).toEqual([
      ['opinion', 'textarea', true],
      ['proposedResult', 'choice', true],
    ]);
    expect(eventFields('ISSUE_APOLOGY').map((f) => [f.name, f.kind, f.required])).toEqual([
      ['reason', 'textarea', true],
      ['newDueAt', 'instant', true],
    ]);
    expect(eventFields('PAYMENT_RECEIVED')[0]).toMatchObject({ name: 'receiptNumber', kind: 'text', maxLength: 64 });
    expect(eventFields('APPROVE').map((f) => [f.name, f.required])).toEqual([['note', false]]);
  });

  it('every field of every event staff may fire has a Vietnamese label', () => {
    // The deadline worker's own events have no form.
    const systemEvents = new Set(['SUPPLEMENT_EXPIRED', 'STEP_OVERDUE', 'APPOINTMENT_PASSED']);
    for (const type of DOSSIER_EVENT_TYPES.filter((t) => !systemEvents.has(t))) for (const f of eventFields(type)) expect(FIELD_LABELS[f.name], `${type}.${f.name}`).toBeDefined();
  });

  it('a posted form becomes the API body: numbers, instants with their offset, empty fields left out', () => {
    expect(eventBodyFromForm('ISSUE_APOLOGY', { version: '7', reason: 'Chờ ý kiến liên ngành', newDueAt: '2026-03-20T09:00', extra: 'x' })).toEqual({
      type: 'ISSUE_APOLOGY',
      version: 7,
      reason: 'Chờ ý kiến liên ngành',
      newDueAt: '2026-03-20T09:00:00+07:00',
    });
    expect(eventBodyFromForm('ASSIGN', { version: '3', assigneeId: '12' })).toEqual({ type: 'ASSIGN', version: 3, assigneeId: 12 });
    expect(eventBodyFromForm('APPROVE', { version: '3', note: '   ' })).toEqual({ type: 'APPROVE', version: 3 });
    // What does not convert stays as typed, for the schema to refuse beside its field.
    expect(eventBodyFromForm('ASSIGN', { version: '01', assigneeId: '1e3' })).toEqual({ type: 'ASSIGN', version: '01', assigneeId: '1e3' });
  });
});

describe('headers', () => {
  it('pages get the page policy, the API keeps its own, both keep the rest', async () => {
    const page = await fetch(`${app.url}/login`);
    expect(page.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toMatch(/^default-src 'self'/);
    expect(PAGE_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    // No inline script or style: the only scripts are the site's own files (static/forms.js).
    expect(html.replace(/<script src="\/static\/[a-z-]+\.js\?v=[0-9a-f]+" defer><\/script>/g, '')).not.toMatch(/<script|<style|style=/);
    expect(html).toMatch(/<script src="\/static\/forms\.js\?v=[0-9a-f]+" defer><\/script>/);
    const api = await fetch(`${app.url}/api/me`);
    expect(api.headers.get('content-security-policy')).toBe(SECURITY_HEADERS['Content-Security-Policy']);
  });

  it('the stylesheet is cached for a year under an address that changes with it', async () => {
    const html = await (await fetch(`${app.url}/login`)).text();
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1] as string;
    expect(href).toMatch(/^\/static\/app\.css\?v=[0-9a-f]{12}$/);
    const css = await fetch(`${app.url}${href}`);
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const again = await fetch(`${app.url}${href}`, { headers: { 'if-none-match': css.headers.get('etag') as string } });
    expect(again.status).toBe(304);
    expect((await fetch(`${app.url}/static/..%2Fpage.ts`)).status).toBe(404);
    expect((await fetch(`${app.url}/static/nothing.css`)).status).toBe(404);
  });

  it('every page links the icon, served from our own origin (the page policy allows only that); /favicon.ico leads to it', async () => {
    const login = await (await fetch(`${app.url}/login`)).text();
    const portal = await (await fetch(`${app.url}/thu-tuc`)).text();
    for (const html of [login, portal]) {
      const href = /<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/.exec(html)?.[1];
      expect(href).toMatch(/^\/static\/favicon\.svg\?v=[0-9a-f]{12}$/);
    }
    const href = /<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/.exec(login)?.[1] as string;
    const icon = await fetch(`${app.url}${href}`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 32 32"/);
    const legacy = await fetch(`${app.url}/favicon.ico`, { redirect: 'manual' });
    expect(legacy.status).toBe(301);
    expect(legacy.headers.get('location')).toBe(href);
  });

  it('the home page sends each to their place; a page error keeps the API error shape away', async () => {
    const anon = new FormClient(app.url);
    const home = await anon.get('/');
    expect(home.res.status).toBe(303);
    expect(home.res.headers.get('location')).toBe('/login');
    const lead = new FormClient(app.url);
    expect((await lead.attemptLogin(w.lead.username, w.lead.password)).res.headers.get('location')).toBe('/');
    expect((await lead.get('/')).res.headers.get('location')).toBe('/workspace');
    const missing = await lead.get('/dossiers/0');
    expect(missing.res.status).toBe(404);
    expect(missing.text).toContain('Không tìm thấy trang');
    // Another department's dossier is not found either, as in the API.
    const json = await fetch(`${app.url}/nowhere`);
    expect(json.status).toBe(404);
    expect((await json.json()).error.code).toBe('NOT_FOUND');
  });
});

describe('a page that fails', () => {
  it('answers the Vietnamese 500 page with the request id and no trace of the error, and the service keeps answering', async () => {
    const lead = new FormClient(app.url);
    await lead.attemptLogin(w.lead.username, w.lead.password);
    expect((await lead.get('/workspace')).res.status).toBe(200);
    // A real failure under the page: the table its notifications are read from is gone for a moment.
    await app.deps.db.schema.renameTable('notifications', 'notifications_away');
    try {
      const failed = await lead.get('/workspace');
      expect(failed.res.status).toBe(500);
      expect(failed.res.headers.get('content-type')).toContain('text/html');
      expect(failed.text).toContain('Lỗi hệ thống');
      const requestId = failed.res.headers.get('x-request-id') as string;
      expect(requestId).toBeTruthy();
      expect(failed.text).toContain(requestId);
      for (const leak of ['notifications', 'SQLITE', 'relation', 'Error:', '.ts:']) expect(failed.text).not.toContain(leak);
    } finally {
      await app.deps.db.schema.renameTable('notifications_away', 'notifications');
    }
    expect((await lead.get('/workspace')).res.status).toBe(200);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe('the login page', () => {
  it('never sends anyone to another site after logging in', async () => {
    for (const bad of ['//evil.example/x', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)']) expect(safeNext(bad), bad).toBeNull();
    expect(safeNext('/dossiers/12?done=ASSIGN')).toBe('/dossiers/12?done=ASSIGN');
    const client = new FormClient(app.url);
    const res = await client.attemptLogin(w.director.username, w.director.password, '//evil.example/');
    expect(res.res.headers.get('location')).toBe('/');
  });

  it('throttles like the API, sharing its counts: after LOGIN_MAX_FAILURES wrong passwords even the right one is refused, there and on the API', async () => {
    const user = await buildUser(app, ['specialist'], w.departmentId);
    const client = new FormClient(app.url);
    const max = app.deps.config.login.maxFailures;
    for (let i = 0; i < max; i++) {
      const wrong = await client.attemptLogin(user.username, `wrong-${i}-password`);
      expect(wrong.res.status).toBe(401);
      expect(wrong.text).toContain('Sai tên đăng nhập hoặc mật khẩu');
    }
    const locked = await client.attemptLogin(user.username, user.password);
    expect(locked.res.status).toBe(429);
    expect(Number(locked.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.text).toContain('tài khoản tạm khóa');
    expect(client.cookies.has('idesk_session')).toBe(false);
    const api = await w.http.post('/api/auth/login', { username: user.username, password: user.password });
    expect(api.status).toBe(429);
    expect(api.body.error.code).toBe('ACCOUNT_LOCKED');
    const failures = await app.deps.db('events').where({ stream_type: 'user', stream_id: String(user.id), type: 'LOGIN_FAILED' });
    expect(failures).toHaveLength(max);
  });

  it('an empty form is refused beside its fields without trying to log in', async () => {
    const client = new FormClient(app.url);
    const { token } = await client.get('/login');
    const res = await client.post('/login', { _csrf: token as string, username: '', password: '' });
    expect(res.res.status).toBe(400);
    expect(res.text).toContain('id="username-error"');
    expect(res.text).toContain('Hãy nhập tên đăng nhập.');
  });
});
