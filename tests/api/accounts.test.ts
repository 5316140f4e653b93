import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/api/routes/index.ts';
import { streamEvents } from '../../src/domain/audit/event-log.ts';
import { buildUser, buildWorld, type TestUser, type World } from '../support/factories.ts';
import { Http, type Answer, type RequestOptions } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { expectError } from '../support/assertions.ts';
import { PDF } from '../support/papers.ts';

/** A multipart body with one file under `file`, as a string (ASCII content only). */
function multipartFile(name: string, type: string, content: string): { raw: string; contentType: string } {
  const boundary = 'authz-boundary';
  return { raw: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n${content}\r\n--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

const HOUR = 3_600_000;

describe('API tokens, admin routes and duplicates', () => {
  let app: TestApp;
  let w: World;
  let http: Http;
  beforeAll(async () => {
    app = await startTestApp();
    w = await buildWorld(app);
    http = w.http;
  });
  afterAll(() => app.close());

  async function createToken(body: Record<string, unknown>): Promise<Answer> {
    return http.post('/api/admin/api-tokens', body, { token: w.admin.token });
  }

  describe('API tokens (bearer tokens for other systems, scoped to roles)', () => {
    it('an admin creates a token scoped to a subset of the user’s roles; it authenticates as Bearer with only those roles', async () => {
      const res = await createToken({ name: 'Cổng dịch vụ công tỉnh', userId: w.onestop.id, roles: ['onestop'] });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.token).toMatch(/^idk_[A-Za-z0-9_-]{43}$/);
      expect(res.body.apiToken).toMatchObject({ name: 'Cổng dịch vụ công tỉnh', userId: w.onestop.id, roles: ['onestop'], revokedAt: null, lastUsedAt: null, expiresAt: null });

      const me = await http.get('/api/me', { token: res.body.token });
      expect(me.status, JSON.stringify(me.body)).toBe(200);
      expect(me.body.via).toBe('token');
      expect(me.body.user.id).toBe(w.onestop.id);
      expect(me.body.user.roles).toEqual(['onestop', 'staff']);
      expect(me.body.effectiveRoles).toEqual(['onestop']);

      // The token is shown once: it is stored only as a hash and never listed.
      const row = await app.deps.db('api_tokens').where({ id: res.body.apiToken.id }).first();
      expect(JSON.stringify(row)).not.toContain(res.body.token);
      const list = await http.get('/api/admin/api-tokens', { token: w.admin.token });
      expect(list.status).toBe(200);
      expect(JSON.stringify(list.body)).not.toContain(res.body.token);
      const listed = list.body.items.find((t: { id: number }) => t.id === res.body.apiToken.id);
      expect(listed.lastUsedAt).toBe(app.clock.now().toISOString());

      const created = (await streamEvents(app.deps.db, 'api_token', res.body.apiToken.id))[0]!;
      expect(created).toMatchObject({ type: 'API_TOKEN_CREATED', actorId: w.admin.id, payload: { userId: w.onestop.id, roles: ['onestop'] } });
      expect(JSON.stringify(created)).not.toContain(res.body.token);
    });

    it("a token's roles are the intersection of its scope and the user's roles, so an admin's staff-only token is no admin", async () => {
      const res = await createToken({ name: 'báo cáo', userId: w.admin.id, roles: ['staff'] });
      expect(res.status).toBe(201);
      const me = await http.get('/api/me', { token: res.body.token });
      expect(me.body.user.roles).toEqual(['admin', 'staff']);
      expect(me.body.effectiveRoles).toEqual(['staff']);
      await http.get('/api/me', { token: res.body.token }); // warm: last_used_at is set on first use
      const before = await fingerprint(app.deps.db);
      expectError(await http.post('/api/departments', { code: 'TOKENX', name: 'Phòng X' }, { token: res.body.token }), 403, 'FORBIDDEN');
      expectError(await http.get('/api/admin/api-tokens', { token: res.body.token }), 403, 'FORBIDDEN');
      expect(await fingerprint(app.deps.db)).toEqual(before);
      // The session of the same admin still may.
      expect((await http.get('/api/admin/api-tokens', { token: w.admin.token })).status).toBe(200);
    });

    it('a token never outlives a role the user loses', async () => {
      const user = await buildUser(app, ['dept_lead', 'specialist'], w.departmentId);
      const res = await createToken({ name: 'điều phối', userId: user.id, roles: ['dept_lead', 'specialist'] });
      expect((await http.get('/api/me', { token: res.body.token })).body.effectiveRoles).toEqual(['dept_lead', 'specialist']);
      expect((await http.get('/api/users', { token: res.body.token })).status).toBe(200);
      // There is no route to take a role away yet; the table is where roles live.
      await app.deps.db('user_roles').where({ user_id: user.id, role: 'dept_lead' }).delete();
      // An API process remembers who a credential stands for for at most 5 seconds.
      app.clock.advance(5_000);
      expect((await http.get('/api/me', { token: res.body.token })).body.effectiveRoles).toEqual(['specialist']);
      expectError(await http.get('/api/users', { token: res.body.token }), 403, 'FORBIDDEN');
    });

    it('refuses a role the user does not hold with 400 ROLE_NOT_HELD and creates nothing', async () => {
      const before = await fingerprint(app.deps.db);
      const res = await createToken({ name: 'leo thang', userId: w.specialist.id, roles: ['specialist', 'admin'] });
      expectError(res, 400, 'ROLE_NOT_HELD');
      expect(res.body.error.details).toEqual({ roles: ['admin'] });
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('refuses an unknown user with 404 and a malformed body with 400', async () => {
      const before = await fingerprint(app.deps.db);
      expectError(await createToken({ name: 'x', userId: 999999, roles: ['staff'] }), 404, 'NOT_FOUND');
      expectError(await createToken({ name: 'x', userId: w.staff.id, roles: [] }), 400, 'VALIDATION_FAILED');
      expectError(await createToken({ name: 'x', userId: w.staff.id, roles: ['root'] }), 400, 'VALIDATION_FAILED');
      expectError(await createToken({ name: 'x', userId: w.staff.id, roles: ['staff', 'staff'] }), 400, 'VALIDATION_FAILED');
      expectError(await createToken({ name: '   ', userId: w.staff.id, roles: ['staff'] }), 400, 'VALIDATION_FAILED');
      expectError(await createToken({ name: 'x', userId: w.staff.id, roles: ['staff'], expiresAt: 'tomorrow' }), 400, 'VALIDATION_FAILED');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('a revoked token answers 401 at once; revoking twice is 404', async () => {
      const res = await createToken({ name: 'tạm', userId: w.specialist.id, roles: ['specialist'] });
      expect((await http.get('/api/me', { token: res.body.token })).status).toBe(200);
      const del = await http.delete(`/api/admin/api-tokens/${res.body.apiToken.id}`, { token: w.admin.token });
      expect(del.status).toBe(204);
      expectError(await http.get('/api/me', { token: res.body.token }), 401, 'UNAUTHENTICATED');
      const list = await http.get('/api/admin/api-tokens', { token: w.admin.token });
      expect(list.body.items.find((t: { id: number }) => t.id === res.body.apiToken.id).revokedAt).toBe(app.clock.now().toISOString());
      expect((await streamEvents(app.deps.db, 'api_token', res.body.apiToken.id)).map((e) => e.type)).toEqual(['API_TOKEN_CREATED', 'API_TOKEN_REVOKED']);
      const before = await fingerprint(app.deps.db);
      expectError(await http.delete(`/api/admin/api-tokens/${res.body.apiToken.id}`, { token: w.admin.token }), 404, 'NOT_FOUND');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it("a disabled user's tokens stop working", async () => {
      const user = await buildUser(app, ['clerk'], w.departmentId);
      const res = await createToken({ name: 'văn thư', userId: user.id, roles: ['clerk'] });
      expect((await http.get('/api/me', { token: res.body.token })).status).toBe(200);
      expect((await http.patch(`/api/users/${user.id}`, { disabled: true }, { token: w.admin.token })).status).toBe(200);
      expectError(await http.get('/api/me', { token: res.body.token }), 401, 'UNAUTHENTICATED');
      expect((await http.patch(`/api/users/${user.id}`, { disabled: false }, { token: w.admin.token })).status).toBe(200);
      // Disabling revoked it (issue 14 §6): it does not come back with the account (tests/api/api-token-revocation.test.ts).
      expectError(await http.get('/api/me', { token: res.body.token }), 401, 'UNAUTHENTICATED');
    });

    it('a token is not a session: it cannot be listed among sessions nor end one, and logout leaves it working', async () => {
      const res = await createToken({ name: 'hệ thống', userId: w.lead.id, roles: ['dept_lead'] });
      const out = await http.post('/api/auth/logout', undefined, { token: res.body.token });
      expect(out.status).toBe(200);
      expect((await http.get('/api/me', { token: res.body.token })).status).toBe(200);
      const sessions = await http.get('/api/me/sessions', { token: res.body.token });
      expect(sessions.body.items.every((s: { current: boolean }) => !s.current)).toBe(true);
    });
  });

  describe('authorisation on every admin route', () => {
    let callers: Array<{ label: string; options: RequestOptions; code: string; status: number }>;
    let openTokenId: number;

    interface Case {
      template: string;
      method: 'get' | 'post' | 'put' | 'patch' | 'delete';
      path: () => string;
      body?: () => unknown;
      /** A multipart body instead of JSON. */
      multipart?: () => { raw: string; contentType: string };
      ok: number;
    }
    const cases: Case[] = [
      { template: 'post /api/departments', method: 'post', path: () => '/api/departments', body: () => ({ code: 'AUTHZ', name: 'Phòng Kế hoạch' }), ok: 201 },
      {
        template: 'post /api/users',
        method: 'post',
        path: () => '/api/users',
        body: () => ({ username: 'authz.user', fullName: 'Phạm Văn E', departmentId: w.departmentId, roles: ['staff'] }),
        ok: 201,
      },
      { template: 'get /api/users/:id', method: 'get', path: () => `/api/users/${w.staff.id}`, ok: 200 },
      { template: 'patch /api/users/:id', method: 'patch', path: () => `/api/users/${w.specialist2.id}`, body: () => ({ disabled: true }), ok: 200 },
      {
        template: 'post /api/procedures',
        method: 'post',
        path: () => '/api/procedures',
        body: () => ({ code: '2.000777', name: 'Cấp giấy chứng nhận đủ điều kiện', departmentId: w.departmentId, workingDays: 7 }),
        ok: 201,
      },
      { template: 'post /api/procedures/:id/rules', method: 'post', path: () => `/api/procedures/${w.procedures.noFee.id}/rules`, body: () => ({ workingDays: 9, effectiveFrom: '2026-06-01T00:00:00+07:00' }), ok: 201 },
      { template: 'post /api/admin/api-tokens', method: 'post', path: () => '/api/admin/api-tokens', body: () => ({ name: 'authz', userId: w.staff.id, roles: ['staff'] }), ok: 201 },
      { template: 'get /api/admin/api-tokens', method: 'get', path: () => '/api/admin/api-tokens', ok: 200 },
      { template: 'delete /api/admin/api-tokens/:id', method: 'delete', path: () => `/api/admin/api-tokens/${openTokenId}`, ok: 204 },
      { template: 'put /api/calendar/overrides/:date', method: 'put', path: () => '/api/calendar/overrides/2026-04-29', body: () => ({ kind: 'holiday', name: 'Nghỉ bù' }), ok: 200 },
      { template: 'delete /api/calendar/overrides/:date', method: 'delete', path: () => '/api/calendar/overrides/2026-04-29', ok: 200 },
      { template: 'get /api/admin/audit/verify', method: 'get', path: () => '/api/admin/audit/verify', ok: 200 },
      // Open to any caller at the route level (a metrics token holds no role); the handler admits admins only.
      { template: 'get /metrics', method: 'get', path: () => '/metrics', ok: 200 },
      { template: 'get /api/admin/events', method: 'get', path: () => '/api/admin/events?category=security', ok: 200 },
      { template: 'post /api/users/:id/password', method: 'post', path: () => `/api/users/${w.specialist2.id}/password`, body: () => ({}), ok: 200 },
      { template: 'post /api/admin/backups', method: 'post', path: () => '/api/admin/backups', ok: 202 },
      { template: 'get /api/admin/backups', method: 'get', path: () => '/api/admin/backups', ok: 200 },
      { template: 'patch /api/departments/:id', method: 'patch', path: () => `/api/departments/${w.departmentId}`, body: () => ({ name: 'Phòng Quản lý thương mại' }), ok: 200 },
      { template: 'patch /api/procedures/:id', method: 'patch', path: () => `/api/procedures/${w.procedures.noFee.id}`, body: () => ({ active: true }), ok: 200 },
      { template: 'get /api/procedures/export', method: 'get', path: () => '/api/procedures/export?format=csv', ok: 200 },
      {
        template: 'post /api/procedures/import',
        method: 'post',
        path: () => '/api/procedures/import',
        multipart: () => multipartFile('danh-muc.json', 'application/json', '{"format":"idesk-procedure-catalogue","version":1,"procedures":[]}'),
        ok: 200,
      },
      { template: 'post /api/procedure-templates', method: 'post', path: () => '/api/procedure-templates', multipart: () => multipartFile('mau.pdf', 'application/pdf', PDF.toString('latin1')), ok: 201 },
      { template: 'get /api/procedure-templates', method: 'get', path: () => '/api/procedure-templates', ok: 200 },
    ];

    function send(c: Case, options: RequestOptions): Promise<Answer> {
      const form = c.multipart?.();
      if (form) return http.request(c.method.toUpperCase(), c.path(), undefined, { ...options, raw: form.raw, headers: { ...options.headers, 'content-type': form.contentType } });
      return http.request(c.method.toUpperCase(), c.path(), c.body?.(), options);
    }

    beforeAll(async () => {
      openTokenId = (await createToken({ name: 'sẽ thu hồi', userId: w.staff.id, roles: ['staff'] })).body.apiToken.id;
      const adminStaffToken = (await createToken({ name: 'admin nhưng chỉ staff', userId: w.admin.id, roles: ['staff'] })).body.token;
      const directorToken = (await createToken({ name: 'lãnh đạo', userId: w.director.id, roles: ['director', 'staff'] })).body.token;
      const mustChange = await buildUser(app, ['admin'], w.departmentId, { mustChangePassword: true });
      callers = [
        { label: 'no credentials', options: {}, status: 401, code: 'UNAUTHENTICATED' },
        { label: 'a forged session token', options: { token: 'ids_forged' }, status: 401, code: 'UNAUTHENTICATED' },
        { label: 'a forged cookie', options: { headers: { cookie: 'idesk_session=ids_forged' } }, status: 401, code: 'UNAUTHENTICATED' },
        { label: 'a one-stop officer', options: { token: w.onestop.token }, status: 403, code: 'FORBIDDEN' },
        { label: 'a specialist', options: { token: w.specialist.token }, status: 403, code: 'FORBIDDEN' },
        { label: 'a department lead', options: { token: w.lead.token }, status: 403, code: 'FORBIDDEN' },
        { label: 'a director (cookie)', options: { headers: { cookie: `idesk_session=${w.director.token}` } }, status: 403, code: 'FORBIDDEN' },
        { label: 'a plain staff member', options: { token: w.staff.token }, status: 403, code: 'FORBIDDEN' },
        { label: "a director's API token", options: { token: directorToken }, status: 403, code: 'FORBIDDEN' },
        { label: "an admin's token scoped to staff", options: { token: adminStaffToken }, status: 403, code: 'FORBIDDEN' },
        // An admin who has not yet changed the initial password may do nothing else (Điều 3.2).
        { label: 'an admin who must change the password', options: { token: mustChange.token }, status: 403, code: 'PASSWORD_CHANGE_REQUIRED' },
      ];
      // Warm every credential once: first use of an API token records last_used_at, which is not the refused request's doing.
      for (const c of callers) await http.get('/api/me', c.options);
    });

    it('covers every route that only an admin may call', () => {
      const adminOnly = routes
        .filter((r) => Array.isArray(r.auth) && r.auth.length === 1 && r.auth[0] === 'admin')
        .map((r) => `${r.method} ${r.path}`);
      expect(cases.map((c) => c.template).sort()).toEqual([...adminOnly, 'get /metrics'].sort());
    });

    it('answers 401 without credentials and 403 to everyone but an admin, and no refused request changes anything', async () => {
      const before = await fingerprint(app.deps.db);
      for (const c of cases) {
        for (const caller of callers) {
          const res = await send(c, caller.options);
          expect(res.status, `${c.template} by ${caller.label}: ${JSON.stringify(res.body)}`).toBe(caller.status);
          expectError(res, caller.status, caller.code);
          if (caller.code === 'FORBIDDEN') expect(res.body.error.details).toEqual({ roles: ['admin'] });
        }
      }
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('refuses before reading the body: a non-admin with a malformed body still gets 403, and no body gets 401', async () => {
      const before = await fingerprint(app.deps.db);
      expectError(await http.post('/api/departments', undefined, { raw: '{oops', token: w.lead.token }), 403, 'FORBIDDEN');
      expectError(await http.post('/api/users', undefined, { raw: 'x=1', headers: { 'content-type': 'text/plain' } }), 401, 'UNAUTHENTICATED');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('lets an admin through on each of them (the refusals above are about the caller, not the request)', async () => {
      for (const c of cases) {
        const res = await send(c, { token: w.admin.token });
        expect(res.status, `${c.template}: ${JSON.stringify(res.body)}`).toBe(c.ok);
      }
      const verify = await http.get('/api/admin/audit/verify', { token: w.admin.token });
      expect(verify.body).toMatchObject({ ok: true, firstBroken: null });
    });

    it('GET /api/users is for admins, leads, the director and the one-stop unit only', async () => {
      for (const token of [w.specialist.token, w.staff.token]) expectError(await http.get('/api/users', { token }), 403, 'FORBIDDEN');
      expectError(await http.get('/api/users'), 401, 'UNAUTHENTICATED');
      for (const token of [w.admin.token, w.lead.token, w.director.token, w.onestop.token]) {
        const res = await http.get('/api/users', { token });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeGreaterThan(5);
      }
      const filtered = await http.get(`/api/users?role=dept_lead&departmentId=${w.departmentId}`, { token: w.lead.token });
      expect(filtered.body.items.map((u: { id: number }) => u.id)).toEqual([w.lead.id]);
    });
  });

  describe('creating departments and users', () => {
    it('POST /api/departments creates a department in the tree and records it', async () => {
      const parent = await http.post('/api/departments', { code: 'VPS', name: 'Văn phòng Sở' }, { token: w.admin.token });
      expect(parent.status, JSON.stringify(parent.body)).toBe(201);
      const child = await http.post('/api/departments', { code: 'VPS-TH', name: 'Tổ Tổng hợp', parentId: parent.body.id }, { token: w.admin.token });
      expect(child.status).toBe(201);
      expect(child.body).toMatchObject({ code: 'VPS-TH', parentId: parent.body.id, createdAt: app.clock.now().toISOString() });
      const events = await streamEvents(app.deps.db, 'department', child.body.id);
      expect(events.map((e) => [e.type, e.actorId])).toEqual([['DEPARTMENT_CREATED', w.admin.id]]);
      const list = await http.get('/api/departments', { token: w.staff.token });
      expect(list.body.items.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(['VPS', 'VPS-TH']));
    });

    it('refuses a duplicate department code with 409 DUPLICATE and changes nothing', async () => {
      expect((await http.post('/api/departments', { code: 'QLTM', name: 'Phòng Quản lý Thương mại 2' }, { token: w.admin.token })).status).toBe(201);
      const before = await fingerprint(app.deps.db);
      const res = await http.post('/api/departments', { code: 'QLTM', name: 'Trùng mã' }, { token: w.admin.token });
      expectError(res, 409, 'DUPLICATE');
      expect(res.body.error.details).toEqual({ field: 'code' });
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('refuses an unknown parent and a malformed code with 400', async () => {
      const before = await fingerprint(app.deps.db);
      expectError(await http.post('/api/departments', { code: 'ORPHAN', name: 'Mồ côi', parentId: 999999 }, { token: w.admin.token }), 400, 'UNKNOWN_REFERENCE');
      expectError(await http.post('/api/departments', { code: 'lower', name: 'Chữ thường' }, { token: w.admin.token }), 400, 'VALIDATION_FAILED');
      expectError(await http.post('/api/departments', { code: 'OK1', name: '   ' }, { token: w.admin.token }), 400, 'VALIDATION_FAILED');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('POST /api/users with a chosen initial password: the user must still change it, and the password is not recorded', async () => {
      const res = await http.post(
        '/api/users',
        { username: 'hoang.thi.f', fullName: 'Hoàng Thị F', email: 'f@sct.gov.vn', departmentId: w.departmentId, roles: ['clerk', 'staff'], password: 'Ban-dau-2026-q' },
        { token: w.admin.token },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.initialPassword).toBeNull();
      expect(res.body.user).toMatchObject({ username: 'hoang.thi.f', roles: ['clerk', 'staff'], mustChangePassword: true, disabled: false, email: 'f@sct.gov.vn' });
      const [created] = await streamEvents(app.deps.db, 'user', res.body.user.id);
      expect(created).toMatchObject({ type: 'USER_CREATED', actorKind: 'user', actorId: w.admin.id });
      expect(JSON.stringify(created)).not.toContain('Ban-dau-2026-q');
      const login = await http.post('/api/auth/login', { username: 'hoang.thi.f', password: 'Ban-dau-2026-q' });
      expect(login.status).toBe(200);
      expectError(await http.get('/api/departments', { token: login.body.token }), 403, 'PASSWORD_CHANGE_REQUIRED');
    });

    it('refuses a duplicate username with 409 DUPLICATE and changes nothing', async () => {
      const before = await fingerprint(app.deps.db);
      for (const username of ['admin', 'hoang.thi.f', w.staff.username]) {
        const res = await http.post('/api/users', { username, fullName: 'Trùng tên', roles: ['staff'] }, { token: w.admin.token });
        expectError(res, 409, 'DUPLICATE');
        expect(res.body.error.details).toEqual({ field: 'username' });
      }
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('refuses a weak initial password, an unknown department and a malformed account with 400, changing nothing', async () => {
      const before = await fingerprint(app.deps.db);
      const post = (body: Record<string, unknown>) => http.post('/api/users', { username: 'new.user', fullName: 'Người mới', roles: ['staff'], ...body }, { token: w.admin.token });
      expectError(await post({ password: 'short1' }), 400, 'WEAK_PASSWORD');
      expectError(await post({ password: 'new.user-2026-abc' }), 400, 'WEAK_PASSWORD');
      expectError(await post({ departmentId: 999999 }), 400, 'UNKNOWN_REFERENCE');
      expectError(await post({ username: 'New.User' }), 400, 'VALIDATION_FAILED');
      expectError(await post({ username: 'ab' }), 400, 'VALIDATION_FAILED');
      expectError(await post({ roles: [] }), 400, 'VALIDATION_FAILED');
      expectError(await post({ roles: ['root'] }), 400, 'VALIDATION_FAILED');
      expectError(await post({ email: 'not-an-email' }), 400, 'VALIDATION_FAILED');
      expectError(await post({ mustChangePassword: false }), 400, 'VALIDATION_FAILED');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('concurrent creations with the same department code: one 201, the rest 409 DUPLICATE (never a 500)', async () => {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_v, i) => http.post('/api/departments', { code: 'RACE', name: `Phòng đua ${i}` }, { token: w.admin.token })),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses, JSON.stringify(answers.map((a) => a.body))).toEqual([201, 409, 409, 409, 409, 409]);
      for (const a of answers.filter((x) => x.status === 409)) expectError(a, 409, 'DUPLICATE');
      expect(await app.deps.db('departments').where({ code: 'RACE' })).toHaveLength(1);
    });

    it('concurrent creations with the same username: one 201, the rest 409 DUPLICATE (never a 500)', async () => {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => http.post('/api/users', { username: 'dua.ten', fullName: 'Đua tên', roles: ['staff'] }, { token: w.admin.token })),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses, JSON.stringify(answers.map((a) => a.body))).toEqual([201, 409, 409, 409, 409, 409]);
      for (const a of answers.filter((x) => x.status === 409)) expectError(a, 409, 'DUPLICATE');
      expect(await app.deps.db('users').where({ username: 'dua.ten' })).toHaveLength(1);
    });
  });
});

describe('API tokens that expire', () => {
  let app: TestApp;
  let http: Http;
  let admin: string;
  let user: TestUser;
  beforeAll(async () => {
    app = await startTestApp();
    http = new Http(app.url);
    user = await buildUser(app, ['specialist'], null);
    admin = (await http.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
  });
  afterAll(() => app.close());

  /** An instant written in Vietnam's offset (+07:00), as a client in Hà Nội would send it. */
  function vietnamTime(utcMs: number): string {
    const local = new Date(utcMs + 7 * HOUR).toISOString().slice(0, 19);
    return `${local}+07:00`;
  }

  it.each([
    ['UTC', (ms: number) => new Date(ms).toISOString()],
    ['a +07:00 offset', vietnamTime],
  ])('a token whose expiry is given in %s stops working at that instant', async (_label, format) => {
    const expires = app.clock.now().getTime() + HOUR;
    const res = await http.post('/api/admin/api-tokens', { name: 'hết hạn', userId: user.id, roles: ['specialist'], expiresAt: format(expires) }, { token: admin });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Date.parse(res.body.apiToken.expiresAt)).toBe(expires);

    app.clock.advance(HOUR - 1000);
    expect((await http.get('/api/me', { token: res.body.token })).status).toBe(200);
    app.clock.advance(1000);
    expectError(await http.get('/api/me', { token: res.body.token }), 401, 'UNAUTHENTICATED');
    app.clock.advance(2 * HOUR);
    expectError(await http.get('/api/me', { token: res.body.token }), 401, 'UNAUTHENTICATED');
    // Keep the admin's session alive for the next case.
    admin = (await http.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
  });
});
