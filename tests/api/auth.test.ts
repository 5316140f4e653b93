import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamEvents } from '../../src/domain/audit/event-log.ts';
import { sessionCsrfToken } from '../../src/web/csrf.ts';
import { buildDepartment, buildUser, buildWorld, type TestUser, type World } from '../support/factories.ts';
import { Http, type Answer } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { expectError } from '../support/assertions.ts';

/** The idesk_session cookie a response sets, as raw Set-Cookie text. */
function sessionSetCookie(res: Answer): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith('idesk_session='));
}

const cookie = (token: string) => ({ headers: { cookie: `idesk_session=${token}` } });
/** The cookie with its anti-forgery token, as a change from the service's own pages sends it (issue 14 §6). */
const cookieWithCsrf = (token: string) => ({ headers: { cookie: `idesk_session=${token}`, 'x-csrf-token': sessionCsrfToken(token) } });

async function userEvents(app: TestApp, userId: number) {
  return streamEvents(app.deps.db, 'user', userId);
}

async function login(http: Http, username: string, password: string): Promise<Answer> {
  return http.post('/api/auth/login', { username, password }, { headers: { 'user-agent': 'vitest-auth' } });
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('login, sessions and the forced password change', () => {
  let app: TestApp;
  let w: World;
  let http: Http;
  beforeAll(async () => {
    app = await startTestApp();
    w = await buildWorld(app);
    http = w.http;
  });
  afterAll(() => app.close());

  describe('POST /api/auth/login', () => {
    it('returns the token, the user and the expiry, and sets an HttpOnly SameSite=Strict session cookie', async () => {
      const res = await login(http, w.specialist.username, w.specialist.password);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'token', 'user']);
      expect(res.body.token).toMatch(/^ids_[A-Za-z0-9_-]{43}$/);
      // SESSION_TTL_HOURS defaults to 12; the test clock does not move here.
      expect(res.body.expiresAt).toBe(new Date(app.clock.now().getTime() + 12 * HOUR).toISOString());
      expect(res.body.user).toMatchObject({ id: w.specialist.id, username: w.specialist.username, mustChangePassword: false, disabled: false, lockedUntil: null });
      expect(res.body.user.roles).toEqual(['specialist', 'staff']);
      expect(JSON.stringify(res.body.user)).not.toMatch(/password_hash|passwordHash|scrypt/);

      const set = sessionSetCookie(res);
      expect(set).toBeDefined();
      const parts = (set as string).split(';').map((p) => p.trim().toLowerCase());
      expect(parts[0]).toBe(`idesk_session=${res.body.token}`.toLowerCase());
      expect(parts).toContain('httponly');
      expect(parts).toContain('samesite=strict');
      expect(parts).toContain('path=/');
      // The session's lifetime from the moment the answer left (the Date header), whatever the service clock says.
      const expires = Date.parse((parts.find((p) => p.startsWith('expires=')) as string).slice('expires='.length));
      expect(Math.abs(expires - (Date.parse(res.headers.get('date') as string) + 12 * HOUR))).toBeLessThanOrEqual(2000);
    });

    it('lets the cookie alone authenticate GET /api/me', async () => {
      const { body } = await login(http, w.lead.username, w.lead.password);
      const me = await http.get('/api/me', cookie(body.token));
      expect(me.status, JSON.stringify(me.body)).toBe(200);
      expect(me.body.user.id).toBe(w.lead.id);
      expect(me.body.via).toBe('session');
      expect(me.body.effectiveRoles).toEqual(['dept_lead', 'staff']);
    });

    it('lets the same token authenticate as Authorization: Bearer', async () => {
      const { body } = await login(http, w.director.username, w.director.password);
      const me = await http.get('/api/me', { token: body.token });
      expect(me.status).toBe(200);
      expect(me.body.user.id).toBe(w.director.id);
      expect(me.body.via).toBe('session');
    });

    it('matches usernames without regard to case', async () => {
      const res = await login(http, 'ADMIN', ADMIN_PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body.user.username).toBe('admin');
    });

    it('records a LOGIN event with the address and user agent on the user stream', async () => {
      const user = await buildUser(app, ['clerk'], w.departmentId);
      const before = (await userEvents(app, user.id)).length;
      const res = await login(http, user.username, user.password);
      expect(res.status).toBe(200);
      const events = await userEvents(app, user.id);
      expect(events).toHaveLength(before + 1);
      const last = events.at(-1)!;
      expect(last).toMatchObject({ type: 'LOGIN', actorKind: 'user', actorId: user.id, at: app.clock.now().toISOString() });
      expect(last.payload).toEqual({ ip: expect.stringMatching(/127\.0\.0\.1/), userAgent: 'vitest-auth' });
    });

    it('refuses a wrong password with 401 INVALID_CREDENTIALS, sets no cookie, and records the failure', async () => {
      const user = await buildUser(app, [], w.departmentId);
      const res = await login(http, user.username, `${user.password}x`);
      expectError(res, 401, 'INVALID_CREDENTIALS');
      expect(sessionSetCookie(res)).toBeUndefined();
      const last = (await userEvents(app, user.id)).at(-1)!;
      expect(last.type).toBe('LOGIN_FAILED');
      expect(last.payload).toMatchObject({ failures: 1, userAgent: 'vitest-auth' });
      const row = await app.deps.db('users').where({ id: user.id }).first();
      expect(row.failed_logins).toBe(1);
    });

    it('answers an unknown user exactly like a wrong password (no username oracle); only the throttle counters record it', async () => {
      const before = await fingerprint(app.deps.db);
      const unknown = await login(http, 'no.such.user', 'Whatever-2026');
      const wrong = await login(http, w.staff.username, 'Whatever-2026');
      expectError(unknown, 401, 'INVALID_CREDENTIALS');
      expect(unknown.body).toEqual(wrong.body);
      expect(sessionSetCookie(unknown)).toBeUndefined();
      // Only the known user's failure was audited; both were counted alike by the throttles (auth-throttling.test.ts).
      const after = await fingerprint(app.deps.db);
      expect(after.events!.length).toBe(before.events!.length + 1);
      expect({ ...after, events: [], users: [], login_throttles: [] }).toEqual({ ...before, events: [], users: [], login_throttles: [] });
      // Clear the failure again so the staff account is not left half-way to a lock-out.
      await app.deps.db('users').where({ id: w.staff.id }).update({ failed_logins: 0 });
      await app.deps.db('login_throttles').delete();
    });

    // That a made-up username costs a password hash like a real one is in auth-throttling.test.ts, at a
    // real scrypt cost and by CPU time (this file runs at the suite's cheap cost).

    it.each([
      ['a missing password', { username: 'admin' }],
      ['a missing username', { password: ADMIN_PASSWORD }],
      ['an empty username', { username: '', password: ADMIN_PASSWORD }],
      ['a number as password', { username: 'admin', password: 12345 }],
      ['an unknown field', { username: 'admin', password: ADMIN_PASSWORD, remember: true }],
      ['an array', [{ username: 'admin', password: ADMIN_PASSWORD }]],
    ])('refuses %s with 400 VALIDATION_FAILED and opens no session', async (_label, body) => {
      const before = await fingerprint(app.deps.db);
      const res = await http.post('/api/auth/login', body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.problems.length).toBeGreaterThan(0);
      expect(sessionSetCookie(res)).toBeUndefined();
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('refuses a body that is not JSON with 400 MALFORMED_JSON', async () => {
      const before = await fingerprint(app.deps.db);
      expectError(await http.post('/api/auth/login', undefined, { raw: '{"username":"admin",' }), 400, 'MALFORMED_JSON');
      expectError(await http.post('/api/auth/login'), 400, 'MALFORMED_JSON');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it.each([
      ['application/x-www-form-urlencoded', `username=admin&password=${ADMIN_PASSWORD}`],
      ['text/plain', JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD })],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nadmin\r\n--x--'],
    ])('refuses %s with 415 even with the right credentials (no cross-site form posts)', async (type, raw) => {
      const before = await fingerprint(app.deps.db);
      const res = await http.post('/api/auth/login', undefined, { raw, headers: { 'content-type': type } });
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(sessionSetCookie(res)).toBeUndefined();
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });
  });

  describe('credentials on other routes', () => {
    it.each([
      ['no credentials', {}],
      ['an unknown session token', { token: 'ids_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
      ['an unknown API token', { token: 'idk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
      ['a token without a known prefix', { token: 'hello' }],
      ['an Authorization header that is not Bearer', { headers: { authorization: 'Basic YWRtaW46eA==' } }],
      ['an unknown cookie', { headers: { cookie: 'idesk_session=ids_nope' } }],
    ])('answers 401 UNAUTHENTICATED for %s', async (_label, options) => {
      expectError(await http.get('/api/me', options), 401, 'UNAUTHENTICATED');
    });

    it('does not fall back to the cookie when a bad Authorization header is sent', async () => {
      const { body } = await login(http, w.onestop.username, w.onestop.password);
      expect((await http.get('/api/me', cookie(body.token))).status).toBe(200);
      const res = await http.get('/api/me', { headers: { cookie: `idesk_session=${body.token}`, authorization: 'Bearer ids_wrong' } });
      expectError(res, 401, 'UNAUTHENTICATED');
    });
  });

  describe('forced password change at first login (Điều 3.2)', () => {
    let user: { id: number; username: string; initialPassword: string };
    let first: string;
    let second: string;

    it('an account created by an admin must change its generated password before anything else', async () => {
      const created = await http.post(
        '/api/users',
        { username: 'nguyen.van.b', fullName: 'Nguyễn Văn B', departmentId: w.departmentId, roles: ['specialist'] },
        { token: w.admin.token },
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.user.mustChangePassword).toBe(true);
      expect(typeof created.body.initialPassword).toBe('string');
      user = { id: created.body.user.id, username: 'nguyen.van.b', initialPassword: created.body.initialPassword };

      const a = await login(http, user.username, user.initialPassword);
      expect(a.status).toBe(200);
      expect(a.body.user.mustChangePassword).toBe(true);
      first = a.body.token;
      const b = await login(http, user.username, user.initialPassword);
      expect(b.status).toBe(200);
      second = b.body.token;

      for (const path of ['/api/departments', '/api/procedures', '/api/calendar/overrides', '/api/dossiers']) {
        expectError(await http.get(path, { token: first }), 403, 'PASSWORD_CHANGE_REQUIRED');
      }
      // The cookie session is held to the same rule.
      expectError(await http.get('/api/departments', cookie(first)), 403, 'PASSWORD_CHANGE_REQUIRED');

      const me = await http.get('/api/me', { token: first });
      expect(me.status).toBe(200);
      expect(me.body.user.mustChangePassword).toBe(true);
      const sessions = await http.get('/api/me/sessions', { token: first });
      expect(sessions.status).toBe(200);
      expect(sessions.body.items).toHaveLength(2);
    });

    it.each([
      ['too short', 'Ab1cd'],
      ['letters only', 'OnlyLettersHere'],
      ['digits only', '12345678901234'],
      ['containing the username', 'x-nguyen.van.b-2026'],
    ])('refuses a new password that is %s with 400 WEAK_PASSWORD and changes nothing', async (_label, newPassword) => {
      const before = await fingerprint(app.deps.db);
      const res = await http.post('/api/auth/password', { currentPassword: user.initialPassword, newPassword }, { token: first });
      expectError(res, 400, 'WEAK_PASSWORD');
      expect(res.body.error.details.problems.length).toBeGreaterThan(0);
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('refuses the current password as the new one', async () => {
      const res = await http.post('/api/auth/password', { currentPassword: user.initialPassword, newPassword: user.initialPassword }, { token: first });
      expectError(res, 400, 'WEAK_PASSWORD');
    });

    it('refuses a wrong current password with 401 INVALID_CREDENTIALS', async () => {
      const res = await http.post('/api/auth/password', { currentPassword: `${user.initialPassword}!`, newPassword: 'Mat-khau-moi-2026' }, { token: first });
      expectError(res, 401, 'INVALID_CREDENTIALS');
      // The session that asked is still good, and still has to change its password.
      expect((await http.get('/api/me', { token: first })).body.user.mustChangePassword).toBe(true);
    });

    it('refuses a malformed body with 400 VALIDATION_FAILED', async () => {
      expectError(await http.post('/api/auth/password', { newPassword: 'Mat-khau-moi-2026' }, { token: first }), 400, 'VALIDATION_FAILED');
    });

    it('the change opens the other routes, keeps the current session and ends the others', async () => {
      const res = await http.post('/api/auth/password', { currentPassword: user.initialPassword, newPassword: 'Mat-khau-moi-2026' }, { token: first });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.mustChangePassword).toBe(false);

      expect((await http.get('/api/departments', { token: first })).status).toBe(200);
      expect((await http.get('/api/me', { token: first })).body.user.mustChangePassword).toBe(false);
      expectError(await http.get('/api/me', { token: second }), 401, 'UNAUTHENTICATED');
      const sessions = await http.get('/api/me/sessions', { token: first });
      expect(sessions.body.items).toHaveLength(1);
      expect(sessions.body.items[0].current).toBe(true);

      expectError(await login(http, user.username, user.initialPassword), 401, 'INVALID_CREDENTIALS');
      const again = await login(http, user.username, 'Mat-khau-moi-2026');
      expect(again.status).toBe(200);
      expect(again.body.user.mustChangePassword).toBe(false);

      const types = (await userEvents(app, user.id)).map((e) => e.type);
      // The wrong current password earlier counts like a failed login (a stolen session cannot guess freely).
      expect(types).toEqual(['USER_CREATED', 'LOGIN', 'LOGIN', 'PASSWORD_CHANGE_FAILED', 'PASSWORD_CHANGED', 'LOGIN_FAILED', 'LOGIN']);
      const row = await app.deps.db('users').where({ id: user.id }).first();
      expect(row.password_changed_at).not.toBeNull();
    });
  });

  describe('sessions (Điều 14.3)', () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await buildUser(app, ['specialist'], w.departmentId);
    });

    it('GET /api/me/sessions lists the open sessions without their secrets, marking the current one', async () => {
      const a = (await login(http, user.username, user.password)).body.token as string;
      const res = await http.get('/api/me/sessions', { token: a });
      expect(res.status).toBe(200);
      // The factory's login and this one.
      expect(res.body.items).toHaveLength(2);
      for (const s of res.body.items) {
        expect(s.id).toMatch(/^[0-9a-f]{16}$/);
        expect(Object.keys(s).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'userAgent']);
      }
      expect(res.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
      const current = res.body.items.find((s: { current: boolean }) => s.current);
      expect(current.userAgent).toBe('vitest-auth');
      expect(JSON.stringify(res.body)).not.toContain(a);
      // The other user's sessions are not listed.
      const ids = res.body.items.map((s: { id: string }) => s.id);
      const others = await http.get('/api/me/sessions', { token: w.lead.token });
      for (const s of others.body.items) expect(ids).not.toContain(s.id);
    });

    it('DELETE /api/me/sessions/:id ends that session: its token stops working at once', async () => {
      const a = (await login(http, user.username, user.password)).body.token as string;
      const b = (await login(http, user.username, user.password)).body.token as string;
      const listed = await http.get('/api/me/sessions', { token: b });
      const bId = listed.body.items.find((s: { current: boolean }) => s.current).id as string;

      const del = await http.delete(`/api/me/sessions/${bId}`, { token: a });
      expect(del.status).toBe(204);
      expectError(await http.get('/api/me', { token: b }), 401, 'UNAUTHENTICATED');
      expectError(await http.get('/api/me', cookie(b)), 401, 'UNAUTHENTICATED');
      expect((await http.get('/api/me', { token: a })).status).toBe(200);
      const after = await http.get('/api/me/sessions', { token: a });
      expect(after.body.items.map((s: { id: string }) => s.id)).not.toContain(bId);

      const last = (await userEvents(app, user.id)).at(-1)!;
      expect(last).toMatchObject({ type: 'SESSION_REVOKED', actorId: user.id, payload: { session: bId } });

      // Ending it twice: nothing left to end.
      expectError(await http.delete(`/api/me/sessions/${bId}`, { token: a }), 404, 'NOT_FOUND');
    });

    it("cannot end another user's session, and that refusal changes nothing", async () => {
      const mine = (await login(http, user.username, user.password)).body.token as string;
      const theirs = (await login(http, w.specialist2.username, w.specialist2.password)).body.token as string;
      const theirId = (await http.get('/api/me/sessions', { token: theirs })).body.items.find((s: { current: boolean }) => s.current).id;
      const before = await fingerprint(app.deps.db);
      expectError(await http.delete(`/api/me/sessions/${theirId}`, { token: mine }), 404, 'NOT_FOUND');
      expect(await fingerprint(app.deps.db)).toEqual(before);
      expect((await http.get('/api/me', { token: theirs })).status).toBe(200);
    });

    it('refuses a malformed session id with 400', async () => {
      expectError(await http.delete('/api/me/sessions/not-an-id', { token: user.token }), 400, 'VALIDATION_FAILED');
      expectError(await http.delete('/api/me/sessions/%25', { token: user.token }), 400, 'VALIDATION_FAILED');
    });

    it('POST /api/auth/logout ends the current session and clears the cookie', async () => {
      const other = (await login(http, user.username, user.password)).body.token as string;
      const res = await login(http, user.username, user.password);
      const token = res.body.token as string;
      const out = await http.post('/api/auth/logout', undefined, cookieWithCsrf(token));
      expect(out.status, JSON.stringify(out.body)).toBe(200);
      expect(out.body).toEqual({ ok: true });
      const cleared = sessionSetCookie(out);
      expect(cleared).toBeDefined();
      expect(cleared).toMatch(/^idesk_session=;/);
      expect(cleared).toMatch(/expires=Thu, 01 Jan 1970/i);
      expectError(await http.get('/api/me', cookie(token)), 401, 'UNAUTHENTICATED');
      expectError(await http.get('/api/me', { token }), 401, 'UNAUTHENTICATED');
      // Only the current session ended.
      expect((await http.get('/api/me', { token: other })).status).toBe(200);
      expect((await userEvents(app, user.id)).at(-1)!.type).toBe('LOGOUT');
      // Logging out again is not possible: the session is gone.
      expectError(await http.post('/api/auth/logout', undefined, { token }), 401, 'UNAUTHENTICATED');
    });

    it("a disabled user's sessions stop working, the account cannot log in, and re-enabling does not revive old sessions", async () => {
      const victim = await buildUser(app, ['onestop'], w.departmentId);
      const viaCookie = (await login(http, victim.username, victim.password)).body.token as string;
      expect((await http.get('/api/me', { token: victim.token })).status).toBe(200);

      const off = await http.patch(`/api/users/${victim.id}`, { disabled: true }, { token: w.admin.token });
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      expect(off.body.disabled).toBe(true);
      expectError(await http.get('/api/me', { token: victim.token }), 401, 'UNAUTHENTICATED');
      expectError(await http.get('/api/me', cookie(viaCookie)), 401, 'UNAUTHENTICATED');
      // One answer whatever the password: a disabled account must not confirm that a password is right.
      const right = await login(http, victim.username, victim.password);
      const wrong = await login(http, victim.username, 'Wrong-pass-2026');
      expectError(right, 401, 'INVALID_CREDENTIALS');
      expect(right.body).toEqual(wrong.body);
      expect(sessionSetCookie(right)).toBeUndefined();
      const open = await app.deps.db('sessions').where({ user_id: victim.id }).whereNull('revoked_at');
      expect(open).toHaveLength(0);

      const on = await http.patch(`/api/users/${victim.id}`, { disabled: false }, { token: w.admin.token });
      expect(on.body.disabled).toBe(false);
      expectError(await http.get('/api/me', { token: victim.token }), 401, 'UNAUTHENTICATED');
      expect((await login(http, victim.username, victim.password)).status).toBe(200);

      const types = (await userEvents(app, victim.id)).map((e) => e.type);
      expect(types).toEqual(['USER_CREATED', 'LOGIN', 'LOGIN', 'USER_UPDATED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'USER_UPDATED', 'LOGIN']);
    });
  });

  describe('no secret in logs, responses or the database', () => {
    it('never writes a password or a token to the log, to GET /api/users or to any table', async () => {
      // The app's own logger (createLogger, with its redaction), turned up and pointed at a buffer.
      const lines: string[] = [];
      const logger = app.deps.logger;
      const level = logger.level;
      const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
      logger.level = 'trace';
      (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (s: string) => void lines.push(s) };
      try {
        const secrets: string[] = [];
        const created = await http.post(
          '/api/users',
          { username: 'tran.thi.c', fullName: 'Trần Thị C', departmentId: w.departmentId, roles: ['clerk'], password: 'Khoi-tao-2026-abc' },
          { token: w.admin.token },
        );
        expect(created.status).toBe(201);
        secrets.push('Khoi-tao-2026-abc');
        const generated = await http.post('/api/users', { username: 'le.van.d', fullName: 'Lê Văn D', roles: ['staff'] }, { token: w.admin.token });
        expect(generated.status).toBe(201);
        secrets.push(generated.body.initialPassword);

        const s1 = await login(http, 'tran.thi.c', 'Khoi-tao-2026-abc');
        secrets.push(s1.body.token);
        await login(http, 'tran.thi.c', 'Sai-mat-khau-2026');
        secrets.push('Sai-mat-khau-2026');
        const changed = await http.post('/api/auth/password', { currentPassword: 'Khoi-tao-2026-abc', newPassword: 'Doi-moi-2026-xyz' }, cookieWithCsrf(s1.body.token));
        expect(changed.status).toBe(200);
        secrets.push('Doi-moi-2026-xyz');
        const tok = await http.post('/api/admin/api-tokens', { name: 'cổng dịch vụ công', userId: created.body.user.id, roles: ['clerk'] }, { token: w.admin.token });
        expect(tok.status).toBe(201);
        secrets.push(tok.body.token);
        expect((await http.get('/api/me', { token: tok.body.token })).status).toBe(200);
        expect((await http.get('/api/me?token=leak', { token: s1.body.token })).status).toBe(200);
        secrets.push(w.admin.token, ADMIN_PASSWORD);

        // The capture works: every request above left a line, with the caller's id.
        const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
        expect(requests).toHaveLength(8);
        expect(requests.some((l) => l.path === '/api/auth/login' && l.status === 401)).toBe(true);
        expect(requests.some((l) => l.userId === created.body.user.id)).toBe(true);

        const log = lines.join('');
        const users = JSON.stringify((await http.get('/api/users', { token: w.admin.token })).body);
        const tokens = JSON.stringify((await http.get('/api/admin/api-tokens', { token: w.admin.token })).body);
        const database = JSON.stringify(await fingerprint(app.deps.db));
        expect(users).toContain('tran.thi.c');
        expect(database).toContain('tran.thi.c');
        for (const secret of secrets) {
          expect(secret.length).toBeGreaterThan(8);
          expect(log).not.toContain(secret);
          expect(users).not.toContain(secret);
          expect(tokens).not.toContain(secret);
          expect(database).not.toContain(secret);
        }
        expect(log).not.toContain('leak');
        expect(users).not.toMatch(/scrypt/);
      } finally {
        (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = stream;
        logger.level = level;
      }
    });
  });
});

describe('lock-out after repeated failures, and time', () => {
  let app: TestApp;
  let http: Http;
  let adminToken: string;
  let departmentId: number;
  beforeAll(async () => {
    app = await startTestApp();
    http = new Http(app.url);
    departmentId = (await buildDepartment(app)).id;
    adminToken = (await login(http, 'admin', ADMIN_PASSWORD)).body.token;
  });
  afterAll(() => app.close());

  /** Fresh admin session: the clock moves in these tests, and sessions expire. */
  async function admin(): Promise<string> {
    adminToken = (await login(http, 'admin', ADMIN_PASSWORD)).body.token;
    return adminToken;
  }

  async function failTimes(user: TestUser, n: number): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let i = 0; i < n; i++) answers.push(await login(http, user.username, `Wrong-${i}-password`));
    return answers;
  }

  // These tests log in from one address: the (username, address) lock is the one they meet. Other
  // addresses, and the account- and address-wide locks, are in auth-throttling.test.ts.
  it('locks the account on the 5th failure from an address: then even the right password answers 429 ACCOUNT_LOCKED until the lock expires', async () => {
    const user = await buildUser(app, ['specialist'], departmentId);
    const started = app.clock.now();
    const answers = await failTimes(user, 5);
    for (const res of answers) expectError(res, 401, 'INVALID_CREDENTIALS');

    const locked = await login(http, user.username, user.password);
    expectError(locked, 429, 'ACCOUNT_LOCKED');
    const until = new Date(started.getTime() + 15 * MINUTE).toISOString();
    expect(locked.body.error.details).toEqual({ lockedUntil: until, retryAfterSeconds: 900 });
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(sessionSetCookie(locked)).toBeUndefined();
    // A wrong password while locked gets the same answer: the lock is no oracle.
    expectError(await login(http, user.username, 'Wrong-again-2026'), 429, 'ACCOUNT_LOCKED');
    const shown = await http.get(`/api/users/${user.id}`, { token: await admin() });
    expect(shown.body.lockedUntil).toBe(until);

    const events = await userEvents(app, user.id);
    const tail = events.slice(-6);
    expect(tail.map((e) => e.type)).toEqual(['LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'ACCOUNT_LOCKED']);
    expect(tail.slice(0, 5).map((e) => e.payload.failures)).toEqual([1, 2, 3, 4, 5]);
    expect(tail[5]).toMatchObject({ actorKind: 'system', payload: { until } });

    app.clock.advance(15 * MINUTE - 1);
    expectError(await login(http, user.username, user.password), 429, 'ACCOUNT_LOCKED');
    app.clock.advance(1);
    const ok = await login(http, user.username, user.password);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.user.lockedUntil).toBeNull();
    const row = await app.deps.db('users').where({ id: user.id }).first();
    expect(row.failed_logins).toBe(0);
    expect(row.locked_until).toBeNull();
    expect((await userEvents(app, user.id)).at(-1)!.type).toBe('LOGIN');
  });

  it('a successful login resets the count of failures', async () => {
    const user = await buildUser(app, [], departmentId);
    await failTimes(user, 4);
    expect((await login(http, user.username, user.password)).status).toBe(200);
    const answers = await failTimes(user, 4);
    for (const res of answers) expectError(res, 401, 'INVALID_CREDENTIALS');
    expect((await login(http, user.username, user.password)).status).toBe(200);
  });

  it('counts again from zero after a lock has expired', async () => {
    const user = await buildUser(app, [], departmentId);
    await failTimes(user, 5);
    app.clock.advance(16 * MINUTE);
    await failTimes(user, 4);
    expect((await login(http, user.username, user.password)).status).toBe(200);
  });

  it('an admin clears a lock with PATCH /api/users/:id {unlock: true}', async () => {
    const user = await buildUser(app, ['clerk'], departmentId);
    await failTimes(user, 5);
    expectError(await login(http, user.username, user.password), 429, 'ACCOUNT_LOCKED');

    // Only an admin may unlock, and a refusal changes nothing.
    const peer = await buildUser(app, ['dept_lead'], departmentId);
    const before = await fingerprint(app.deps.db);
    expectError(await http.patch(`/api/users/${user.id}`, { unlock: true }, { token: peer.token }), 403, 'FORBIDDEN');
    expectError(await http.patch(`/api/users/${user.id}`, { unlock: true }), 401, 'UNAUTHENTICATED');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expectError(await http.patch(`/api/users/${user.id}`, { unlock: false }, { token: await admin() }), 400, 'VALIDATION_FAILED');
    expectError(await http.patch(`/api/users/${user.id}`, {}, { token: adminToken }), 400, 'VALIDATION_FAILED');
    expectError(await http.patch('/api/users/999999', { unlock: true }, { token: adminToken }), 404, 'NOT_FOUND');

    const res = await http.patch(`/api/users/${user.id}`, { unlock: true }, { token: adminToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.lockedUntil).toBeNull();
    const ok = await login(http, user.username, user.password);
    expect(ok.status).toBe(200);

    const events = await userEvents(app, user.id);
    const unlock = events.find((e) => e.type === 'USER_UPDATED')!;
    expect(unlock).toMatchObject({ actorKind: 'user', actorId: 1, payload: { unlock: true } });
    expect(events.map((e) => e.type).slice(-3)).toEqual(['ACCOUNT_LOCKED', 'USER_UPDATED', 'LOGIN']);
  });

  it('every login, failure, lock and password change sits on the hash-chained user stream, and the chain verifies', async () => {
    const user = await buildUser(app, [], departmentId);
    await failTimes(user, 5);
    app.clock.advance(15 * MINUTE);
    const token = (await login(http, user.username, user.password)).body.token;
    expect((await http.post('/api/auth/password', { currentPassword: user.password, newPassword: 'Chuoi-moi-2026' }, { token })).status).toBe(200);
    const events = await userEvents(app, user.id);
    expect(events.map((e) => e.type)).toEqual([
      'USER_CREATED',
      'LOGIN',
      ...Array(5).fill('LOGIN_FAILED'),
      'ACCOUNT_LOCKED',
      'LOGIN',
      'PASSWORD_CHANGED',
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    const verify = await http.get('/api/admin/audit/verify', { token: await admin() });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, firstBroken: null });
  });

  it('concurrent failures lose no count and keep the chain whole', async () => {
    const user = await buildUser(app, [], departmentId);
    const answers = await Promise.all(Array.from({ length: 5 }, (_v, i) => login(http, user.username, `Wrong-${i}-parallel`)));
    for (const res of answers) expectError(res, 401, 'INVALID_CREDENTIALS');
    expectError(await login(http, user.username, user.password), 429, 'ACCOUNT_LOCKED');
    const events = await userEvents(app, user.id);
    // Each attempt got its own number when it was counted; they may finish in any order.
    expect(events.filter((e) => e.type === 'LOGIN_FAILED').map((e) => e.payload.failures as number).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(events.filter((e) => e.type === 'ACCOUNT_LOCKED')).toHaveLength(1);
    const verify = await http.get('/api/admin/audit/verify', { token: await admin() });
    expect(verify.body).toMatchObject({ ok: true, firstBroken: null });
  });

  it('a burst of parallel guesses cannot outrun the lock: at most the limit is checked, and the right password is refused after', async () => {
    const user = await buildUser(app, [], departmentId);
    const answers = await Promise.all(Array.from({ length: 21 }, (_v, i) => login(http, user.username, `Burst-${i}-guess9`)));
    const checked = answers.filter((a) => a.status === 401);
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    expectError(await login(http, user.username, user.password), 429, 'ACCOUNT_LOCKED');
    const events = await userEvents(app, user.id);
    expect(events.filter((e) => e.type === 'LOGIN_FAILED')).toHaveLength(checked.length);
    expect(events.filter((e) => e.type === 'ACCOUNT_LOCKED')).toHaveLength(1);
  });

  it('a session expires after SESSION_TTL_HOURS (12) and drops off the list', async () => {
    const user = await buildUser(app, [], departmentId);
    app.clock.advance(12 * HOUR - 1000);
    const later = (await login(http, user.username, user.password)).body.token as string;
    expect((await http.get('/api/me', { token: user.token })).status).toBe(200);
    expect((await http.get('/api/me/sessions', { token: later })).body.items).toHaveLength(2);
    app.clock.advance(1000);
    expectError(await http.get('/api/me', { token: user.token }), 401, 'UNAUTHENTICATED');
    const list = await http.get('/api/me/sessions', { token: later });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].current).toBe(true);
  });

  it('counts wrong current passwords on a password change like failed logins: a stolen session cannot guess freely', async () => {
    const user = await buildUser(app, ['specialist'], departmentId);
    for (let i = 0; i < 5; i++) {
      const res = await http.post('/api/auth/password', { currentPassword: `Guess-${i}-2026`, newPassword: 'Mat-khau-moi-2026' }, { token: user.token });
      expectError(res, 401, 'INVALID_CREDENTIALS');
    }
    const locked = await http.post('/api/auth/password', { currentPassword: user.password, newPassword: 'Mat-khau-moi-2026' }, { token: user.token });
    expectError(locked, 429, 'ACCOUNT_LOCKED');
    expectError(await login(http, user.username, user.password), 429, 'ACCOUNT_LOCKED');
    const types = (await userEvents(app, user.id)).map((e) => e.type);
    expect(types.filter((t) => t === 'PASSWORD_CHANGE_FAILED')).toHaveLength(5);
    expect(types.at(-1)).toBe('ACCOUNT_LOCKED');
    app.clock.advance(15 * MINUTE);
    const changed = await http.post('/api/auth/password', { currentPassword: user.password, newPassword: 'Mat-khau-moi-2026' }, { token: (await login(http, user.username, user.password)).body.token });
    expect(changed.status).toBe(200);
  });

  it('records when a session was last used, at most once a minute', async () => {
    const user = await buildUser(app, [], departmentId);
    const created = app.clock.now().toISOString();
    app.clock.advance(30_000);
    await http.get('/api/me', { token: user.token });
    let [s] = (await http.get('/api/me/sessions', { token: user.token })).body.items;
    expect(s.lastSeenAt).toBe(created);
    app.clock.advance(31_000);
    await http.get('/api/me', { token: user.token });
    [s] = (await http.get('/api/me/sessions', { token: user.token })).body.items;
    expect(s.lastSeenAt).toBe(app.clock.now().toISOString());
  });
});

describe('per-address throttling of logins', () => {
  let app: TestApp;
  let http: Http;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOGIN_PER_IP_PER_MINUTE: '3' } });
    http = new Http(app.url);
  });
  afterAll(() => app.close());

  it('answers 429 TOO_MANY_REQUESTS with Retry-After once an address has used its attempts, whatever the password', async () => {
    const user = await buildUser(app, [], null);
    expect((await login(http, user.username, user.password)).status).toBe(200);
    expectError(await login(http, user.username, 'Wrong-one-2026'), 401, 'INVALID_CREDENTIALS');
    expectError(await login(http, 'nobody.here', 'Wrong-two-2026'), 401, 'INVALID_CREDENTIALS');

    const before = await fingerprint(app.deps.db);
    for (const password of [user.password, 'Wrong-three-2026']) {
      const res = await login(http, user.username, password);
      expectError(res, 429, 'TOO_MANY_REQUESTS');
      const retry = Number(res.headers.get('retry-after'));
      expect(Number.isInteger(retry)).toBe(true);
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(res.body.error.details.retryAfterSeconds).toBe(retry);
      expect(sessionSetCookie(res)).toBeUndefined();
    }
    // A throttled attempt neither opens a session nor counts against the account.
    expect(await fingerprint(app.deps.db)).toEqual(before);

    // Other routes are not throttled: the session opened before still works.
    expect((await http.get('/api/me', { token: user.token })).status).toBe(200);
  });
});

describe('lock-out settings from the environment', () => {
  let app: TestApp;
  let http: Http;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOGIN_MAX_FAILURES: '2', LOGIN_LOCK_MINUTES: '3' } });
    http = new Http(app.url);
  });
  afterAll(() => app.close());

  it('honours LOGIN_MAX_FAILURES and LOGIN_LOCK_MINUTES', async () => {
    const user = await buildUser(app, [], null);
    expectError(await login(http, user.username, 'Wrong-one-2026'), 401, 'INVALID_CREDENTIALS');
    expect((await login(http, user.username, user.password)).status).toBe(200);
    expectError(await login(http, user.username, 'Wrong-two-2026'), 401, 'INVALID_CREDENTIALS');
    expectError(await login(http, user.username, 'Wrong-three-2026'), 401, 'INVALID_CREDENTIALS');
    const locked = await login(http, user.username, user.password);
    expectError(locked, 429, 'ACCOUNT_LOCKED');
    expect(locked.body.error.details.lockedUntil).toBe(new Date(app.clock.now().getTime() + 3 * MINUTE).toISOString());
    app.clock.advance(3 * MINUTE);
    expect((await login(http, user.username, user.password)).status).toBe(200);
  });
});
