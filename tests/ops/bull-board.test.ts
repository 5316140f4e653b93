import { request as nodeRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/queues/queues.ts';
import { buildUser, loginAs, type TestUser } from '../support/factories.ts';
import { Http } from '../support/http.ts';
import { launchBrowser, newPerson, screenshot } from '../web/support/browser.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';

/** Bull Board at /admin/queues: admins only, every sub-path included; not mounted without queues. */
let app: TestApp;
let http: Http;
let admin: { token: string };
let specialist: TestUser;

const cookie = (token: string) => ({ headers: { cookie: `idesk_session=${token}` } });

beforeAll(async () => {
  app = await startTestApp({ queues: true });
  http = new Http(app.url);
  admin = await loginAs(app, 'admin', ADMIN_PASSWORD);
  specialist = await buildUser(app, ['specialist']);
});
afterAll(() => app?.close());

// The page, a static asset, the board's read API and one of its actions.
const SUB_PATHS: Array<[string, string]> = [
  ['GET', '/admin/queues'],
  ['GET', '/admin/queues/'],
  ['GET', '/admin/queues/queue/deadlines'],
  ['GET', '/admin/queues/static/images/logo.svg'],
  ['GET', '/admin/queues/api/queues'],
  ['PUT', '/admin/queues/api/queues/deadlines/pause'],
  ['GET', '/admin/queues/no-such-page'],
];

describe('Bull Board access', () => {
  it('answers 401 in the API error shape without credentials, on every sub-path', async () => {
    for (const [method, path] of SUB_PATHS) {
      const res = await http.request(method, path);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body, `${method} ${path}`).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String), details: null } });
    }
    expect((await http.get('/admin/queues', { token: 'idesk_s_not-a-real-token' })).status).toBe(401);
    expect((await http.get('/admin/queues', cookie('forged'))).status).toBe(401);
  });

  it('answers 403 to a logged-in non-admin, by cookie or bearer token, on every sub-path', async () => {
    for (const [method, path] of SUB_PATHS) {
      for (const options of [cookie(specialist.token), { token: specialist.token }]) {
        const res = await http.request(method, path, undefined, options);
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      }
    }
    // The refused action changed nothing.
    expect(await app.deps.queues!.deadlines.isPaused()).toBe(false);
  });

  it('refuses an admin API token scoped to other roles, and an admin who must still change the initial password', async () => {
    const created = await http.post('/api/admin/api-tokens', { name: 'reports', userId: 1, roles: ['staff'] }, { token: admin.token });
    expect(created.status).toBe(201);
    expect((await http.get('/admin/queues/api/queues', { token: created.body.token })).status).toBe(403);
    const newAdmin = await buildUser(app, ['admin'], null, { mustChangePassword: true });
    const res = await http.get('/admin/queues', cookie(newAdmin.token));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('renders for an admin logged in with the session cookie', async () => {
    const res = await http.get('/admin/queues', cookie(admin.token));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.body).toContain('<div id="root"');
    // The page loads its assets and API under the mount path.
    expect(res.body).toContain('<base href="/admin/queues/"');
    const asset = await http.get('/admin/queues/static/images/logo.svg', cookie(admin.token));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('renders for an admin with a bearer token (a session or an API token with the admin role)', async () => {
    expect((await http.get('/admin/queues/queue/deadlines', { token: admin.token })).status).toBe(200);
    const created = await http.post('/api/admin/api-tokens', { name: 'ops', userId: 1, roles: ['admin'] }, { token: admin.token });
    const res = await http.get('/admin/queues', { token: created.body.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('shows the three queues through its API to an admin', async () => {
    await app.deps.queues!.maintenance.add('probe', {}, { jobId: 'probe-1', delay: 3_600_000 });
    const res = await http.get('/admin/queues/api/queues', { token: admin.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
    const maintenance = res.body.queues.find((q: { name: string }) => q.name === 'maintenance');
    expect(maintenance.counts.delayed).toBe(1);
  });

  it('answers an unknown page under the board with the API 404, and does not serve encoded look-alike paths', async () => {
    expect((await http.get('/admin/queues/no-such-page', { token: admin.token })).status).toBe(404);
    const encoded = await http.get('/admin/%71ueues/api/queues', { token: specialist.token });
    expect(encoded.status).toBe(404);
    expect(encoded.body.error.code).toBe('NOT_FOUND');
  });
});

describe('Bull Board from a browser session', () => {
  const html = (extra: Record<string, string> = {}) => ({ headers: { accept: 'text/html,application/xhtml+xml', ...extra } });

  it('sends a browser without a session to the login page and back, a non-admin to the 403 page; API and assets keep the JSON answers', async () => {
    const anonymous = await fetch(`${app.url}/admin/queues/queue/deadlines`, { headers: html().headers, redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fadmin%2Fqueues%2Fqueue%2Fdeadlines');
    const refused = await http.get('/admin/queues', html({ cookie: `idesk_session=${specialist.token}` }));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(refused.body).toContain('Không có quyền truy cập');
    // What a browser fetches behind the page is still the API's.
    const api = await http.get('/admin/queues/api/queues', html({ cookie: `idesk_session=${specialist.token}` }));
    expect(api.status).toBe(403);
    expect(api.body.error.code).toBe('FORBIDDEN');
    const opened = await http.get('/admin/queues', html({ cookie: `idesk_session=${admin.token}` }));
    expect(opened.status).toBe(200);
    expect(opened.body).toContain('<div id="root"');
  });

  it("refuses the board's actions on the session cookie from another origin, changing nothing; its own pages may act", async () => {
    const deadlines = app.deps.queues!.deadlines;
    const sites: Array<Record<string, string>> = [{ 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of sites) {
      const res = await http.request('PUT', '/admin/queues/api/queues/deadlines/pause', undefined, { headers: { cookie: `idesk_session=${admin.token}`, ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.code).toBe('CROSS_SITE');
    }
    // An older browser without Fetch metadata still names its Origin (fetch() may not set it: node:http does).
    const status = await new Promise<number>((resolve, reject) => {
      const req = nodeRequest(`${app.url}/admin/queues/api/queues/deadlines/pause`, { method: 'PUT', headers: { cookie: `idesk_session=${admin.token}`, origin: 'http://evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect(await deadlines.isPaused()).toBe(false);
    const own = await http.request('PUT', '/admin/queues/api/queues/deadlines/pause', undefined, { headers: { cookie: `idesk_session=${admin.token}`, 'sec-fetch-site': 'same-origin', origin: app.url } });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(await deadlines.isPaused()).toBe(true);
    await deadlines.resume();
  });
});

describe("Bull Board's own errors take the API's error shape", () => {
  const errorShape = (res: { body: any }) => {
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(Object.keys(res.body.error).sort()).toEqual(['code', 'details', 'message']);
    expect(typeof res.body.error.message).toBe('string');
  };

  it('an unknown queue → 404 QUEUE_NOT_FOUND, an unknown job → 404 JOB_NOT_FOUND', async () => {
    const queue = await http.request('PUT', '/admin/queues/api/queues/nosuch/pause', undefined, { token: admin.token });
    expect(queue.status).toBe(404);
    errorShape(queue);
    expect(queue.body.error.code).toBe('QUEUE_NOT_FOUND');
    const job = await http.request('PUT', '/admin/queues/api/queues/deadlines/nosuch/retry', undefined, { token: admin.token });
    expect(job.status).toBe(404);
    errorShape(job);
    expect(job.body.error.code).toBe('JOB_NOT_FOUND');
  });

  it('a malformed query → 400 with the field in the details', async () => {
    const res = await http.get('/admin/queues/api/queues?activeQueue=deadlines&status=nonsense', { token: admin.token });
    expect(res.status).toBe(400);
    errorShape(res);
    expect(res.body.error.code).toBe('INVALID_QUERY_PARAM');
    expect(res.body.error.details).toEqual({ field: 'status' });
    const encoding = await http.get('/admin/queues/api/queues?activeQueue=%E0%A4%A', { token: admin.token });
    expect(encoding.status).toBe(400);
    errorShape(encoding);
    expect(encoding.body.error.code).toBe('MALFORMED_URI');
  });

  it('a body of `{` → 400 MALFORMED_JSON, not 500', async () => {
    for (const path of ['/admin/queues/api/queues/deadlines/add', '/admin/queues/api/queues/deadlines/1/update-data']) {
      const res = await http.request(path.endsWith('add') ? 'POST' : 'PUT', path, undefined, { token: admin.token, raw: '{' });
      expect(res.status, path).toBe(400);
      errorShape(res);
      expect(res.body.error.code).toBe('MALFORMED_JSON');
    }
  });

  it('the page gets a CSP that lets it run from its own origin only; its API keeps the strict one', async () => {
    const page = await http.get('/admin/queues', { token: admin.token });
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-eval|https:/);
    // Every script the page loads is its own, under the mount path.
    for (const [, src] of (page.body as string).matchAll(/<script[^>]* src="([^"]+)"/g)) expect(src).toMatch(/^static\//);
    const api = await http.get('/admin/queues/api/queues', { token: admin.token });
    expect(api.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    expect(api.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('Bull Board loads nothing from another origin', () => {
  /** Every address an HTML page or a stylesheet names: attributes, CSS url() and @import. */
  const addresses = (text: string) => [
    ...[...text.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1] as string),
    ...[...text.matchAll(/url\(\s*['"]?([^'")]+)/g)].map((m) => m[1] as string),
    ...[...text.matchAll(/@import\s+(?:url\()?['"]?([^'");]+)/g)].map((m) => m[1] as string),
  ];
  const outside = (address: string) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(address) && !address.startsWith('data:');

  it('its page and its stylesheets name only its own addresses (no Google Fonts: the CSP would block them)', async () => {
    for (const path of ['/admin/queues', '/admin/queues/queue/deadlines']) {
      const page = await http.get(path, { token: admin.token });
      expect(page.status).toBe(200);
      const html = page.body as string;
      expect(html).not.toMatch(/fonts\.googleapis|fonts\.gstatic/);
      const named = addresses(html);
      expect(named.filter(outside), path).toEqual([]);
      const sheets = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*>/g)].map((m) => /href="([^"]+)"/.exec(m[0])?.[1] as string);
      expect(sheets.length).toBeGreaterThan(0);
      for (const sheet of sheets) {
        const css = await http.get(`/admin/queues/${sheet}`, { token: admin.token });
        expect(css.status, sheet).toBe(200);
        expect(addresses(css.body as string).filter(outside), sheet).toEqual([]);
      }
    }
  });

  it('opens in Chromium without a request to another origin and without a CSP violation', async () => {
    const browser = await launchBrowser();
    try {
      const { context, page, blocked, urls } = await newPerson(browser, app.url);
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await context.addCookies([{ name: 'idesk_session', value: admin.token, url: app.url }]);
      await page.goto('/admin/queues');
      await page.getByText('deadlines').first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(blocked).toEqual([]);
      expect(urls.filter((u) => !u.startsWith(`${app.url}/`))).toEqual([]);
      expect(violations).toEqual([]);
      await screenshot(page, 'bull-board');
    } finally {
      await browser.close();
    }
  });
});

describe('Bull Board without queues', () => {
  it('is not mounted when the process runs without Redis', async () => {
    const plain = await startTestApp();
    try {
      const { token } = await loginAs(plain, 'admin', ADMIN_PASSWORD);
      const res = await new Http(plain.url).get('/admin/queues', { token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    } finally {
      await plain.close();
    }
  });
});
