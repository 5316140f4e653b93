import { afterEach, describe, expect, it } from 'vitest';
import { buildUser, buildWorld } from '../support/factories.ts';
import { Http } from '../support/http.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { FormClient } from './support/form-client.ts';

/**
 * Issue 14 §6: with SECURE_COOKIES=1 behind a TLS proxy that the service was not told to trust
 * (TRUST_PROXY unset), or one that sends no X-Forwarded-Proto, the request reaches the service over
 * plain HTTP and Koa refused every Secure cookie: every login and page answered 500. The configuration
 * now says the cookies are Secure, whatever the request looks like.
 */
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const setCookies = (res: Response | { headers: Headers }) => res.headers.getSetCookie();

async function walk(env: Record<string, string>, headers: Record<string, string> = {}) {
  app = await startTestApp({ env: { SECURE_COOKIES: '1', ...env } });
  const w = await buildWorld(app);
  const user = await buildUser(app, ['onestop'], w.departmentId);
  const base = app.url;
  // The login page (it sets the anonymous anti-forgery cookie), the page login, a staff page.
  const client = new FormClient(base);
  const page = await fetch(`${base}/login`, { headers });
  expect(page.status).toBe(200);
  expect(setCookies(page).find((c) => c.startsWith('idesk_form='))).toMatch(/; secure/i);
  const login = await client.attemptLogin(user.username, user.password);
  expect(login.res.status, login.text.slice(0, 300)).toBe(303);
  expect(setCookies(login.res).find((c) => c.startsWith('idesk_session='))).toMatch(/; secure/i);
  expect((await client.get('/')).res.headers.get('location')).toBe('/workspace');
  const workspace = await client.get('/workspace');
  expect(workspace.res.status).toBe(200);
  expect(workspace.text).toContain(user.username);
  // The API's login sets the same Secure cookie.
  const api = await new Http(base).post('/api/auth/login', { username: user.username, password: user.password }, { headers });
  expect(api.status, JSON.stringify(api.body)).toBe(200);
  expect(setCookies(api).find((c) => c.startsWith('idesk_session='))).toMatch(/; secure/i);
  expect(api.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
}

describe('SECURE_COOKIES=1 over a plain-HTTP hop', () => {
  it('without TRUST_PROXY: logins and pages answer, with Secure cookies', () => walk({}));
  it('with TRUST_PROXY=1 but a proxy that sends no X-Forwarded-Proto (or says http)', () => walk({ TRUST_PROXY: '1' }, { 'x-forwarded-proto': 'http' }));
});
