import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamEvents } from '../../src/domain/audit/event-log.ts';
import { buildDepartment, buildUser, loginAs, type TestUser } from '../support/factories.ts';
import { Http } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { expectError } from '../support/assertions.ts';

const login = (http: Http, username: string, password: string) => http.post('/api/auth/login', { username, password });

describe('admin user management', () => {
  let app: TestApp;
  let http: Http;
  let admin: TestUser;
  let deptA: number;
  let deptB: number;
  beforeAll(async () => {
    app = await startTestApp();
    http = new Http(app.url);
    deptA = (await buildDepartment(app, { name: 'Phòng Quản lý Công nghiệp' })).id;
    deptB = (await buildDepartment(app, { name: 'Phòng Kế hoạch Tài chính' })).id;
    admin = { id: 1, username: 'admin', password: ADMIN_PASSWORD, token: (await loginAs(app, 'admin', ADMIN_PASSWORD)).token };
  });
  afterAll(() => app.close());

  describe('GET /api/users: paged and filtered', () => {
    let lead: TestUser;
    let users: TestUser[];
    beforeAll(async () => {
      lead = await buildUser(app, ['dept_lead'], deptA);
      users = [];
      for (let i = 0; i < 6; i++) users.push(await buildUser(app, ['specialist'], deptB));
      await app.deps.db('users').where({ id: users[5]!.id }).update({ full_name: 'Đỗ Thị 100%_đúng', email: 'do.thi@sct.gov.vn' });
      expect((await http.patch(`/api/users/${users[4]!.id}`, { disabled: true }, { token: admin.token })).status).toBe(200);
    });

    it('pages by id with the total, and filters by department, role, disabled and text', async () => {
      const all = await http.get('/api/users?pageSize=3', { token: admin.token });
      expect(all.status, JSON.stringify(all.body)).toBe(200);
      expect(Object.keys(all.body).sort()).toEqual(['items', 'page', 'pageSize', 'total']);
      expect(all.body).toMatchObject({ page: 1, pageSize: 3 });
      const total = await app.deps.db('users').count({ n: '*' }).first();
      expect(all.body.total).toBe(Number(total!.n));
      expect(all.body.items).toHaveLength(3);
      const second = await http.get('/api/users?pageSize=3&page=2', { token: admin.token });
      const ids = [...all.body.items, ...second.body.items].map((u: { id: number }) => u.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(6);

      const inB = await http.get(`/api/users?departmentId=${deptB}&role=specialist`, { token: lead.token });
      expect(inB.body.items.map((u: { id: number }) => u.id)).toEqual(users.map((u) => u.id));
      expect(inB.body.total).toBe(6);
      const off = await http.get(`/api/users?departmentId=${deptB}&disabled=true`, { token: admin.token });
      expect(off.body.items.map((u: { id: number }) => u.id)).toEqual([users[4]!.id]);
      const on = await http.get(`/api/users?departmentId=${deptB}&disabled=false`, { token: admin.token });
      expect(on.body.total).toBe(5);

      const byName = await http.get(`/api/users?q=${encodeURIComponent(users[2]!.username.toUpperCase())}`, { token: admin.token });
      expect(byName.body.items.map((u: { id: number }) => u.id)).toEqual([users[2]!.id]);
      const byMail = await http.get('/api/users?q=do.thi%40sct', { token: admin.token });
      expect(byMail.body.items.map((u: { id: number }) => u.id)).toEqual([users[5]!.id]);
      // % and _ are matched as themselves, not as wildcards.
      const literal = await http.get(`/api/users?q=${encodeURIComponent('100%_')}`, { token: admin.token });
      expect(literal.body.items.map((u: { id: number }) => u.id)).toEqual([users[5]!.id]);
      expect((await http.get(`/api/users?q=${encodeURIComponent('%')}`, { token: admin.token })).body.items.map((u: { id: number }) => u.id)).toEqual([users[5]!.id]);
      const beyond = await http.get('/api/users?page=500', { token: admin.token });
      expect(beyond.body).toMatchObject({ items: [], page: 500 });
    });

    it.each([
      ['a page size over 100', 'pageSize=101'],
      ['page 0', 'page=0'],
      ['a page beyond the bound', 'page=1e300'],
      ['an infinite page', 'page=Infinity'],
      ['a fractional page size', 'pageSize=2.5'],
      ['a disabled filter that is not a boolean', 'disabled=maybe'],
      ['an unknown role', 'role=root'],
      ['an empty text filter', 'q='],
      ['an unknown filter', 'locked=true'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_label, query) => {
      expectError(await http.get(`/api/users?${query}`, { token: admin.token }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('PATCH /api/users/:id: roles and department', () => {
    it('replaces the roles and moves the account, audited with the previous values; the change applies to open sessions', async () => {
      const user = await buildUser(app, ['specialist'], deptA);
      expect((await http.get('/api/me', { token: user.token })).body.effectiveRoles).toEqual(['specialist', 'staff']);
      const res = await http.patch(`/api/users/${user.id}`, { roles: ['staff', 'dept_lead'], departmentId: deptB }, { token: admin.token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ roles: ['dept_lead', 'staff'], departmentId: deptB });
      expect((await http.get('/api/me', { token: user.token })).body.effectiveRoles).toEqual(['dept_lead', 'staff']);
      const last = (await streamEvents(app.deps.db, 'user', user.id)).at(-1)!;
      expect(last).toMatchObject({
        type: 'USER_UPDATED',
        actorKind: 'user',
        actorId: admin.id,
        payload: { roles: ['dept_lead', 'staff'], departmentId: deptB, previous: { roles: ['specialist', 'staff'], departmentId: deptA } },
      });
      const moved = await http.patch(`/api/users/${user.id}`, { departmentId: null }, { token: admin.token });
      expect(moved.body.departmentId).toBeNull();
    });

    it('refuses an unknown department, empty or unknown roles and unknown fields, changing nothing', async () => {
      const user = await buildUser(app, ['clerk'], deptA);
      const before = await fingerprint(app.deps.db);
      expectError(await http.patch(`/api/users/${user.id}`, { departmentId: 999999 }, { token: admin.token }), 400, 'UNKNOWN_REFERENCE');
      expectError(await http.patch(`/api/users/${user.id}`, { roles: [] }, { token: admin.token }), 400, 'VALIDATION_FAILED');
      expectError(await http.patch(`/api/users/${user.id}`, { roles: ['root'] }, { token: admin.token }), 400, 'VALIDATION_FAILED');
      expectError(await http.patch(`/api/users/${user.id}`, { roles: ['clerk', 'clerk'] }, { token: admin.token }), 400, 'VALIDATION_FAILED');
      expectError(await http.patch(`/api/users/${user.id}`, { username: 'other' }, { token: admin.token }), 400, 'VALIDATION_FAILED');
      expectError(await http.patch(`/api/users/${user.id}`, { roles: ['admin'] }, { token: user.token }), 403, 'FORBIDDEN');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });
  });

  describe('the last active administrator', () => {
    it('cannot disable itself nor drop its own admin role (409 LAST_ADMIN), and nothing changes', async () => {
      const before = await fingerprint(app.deps.db);
      for (const body of [{ disabled: true }, { roles: ['staff'] }, { roles: ['director', 'staff'], departmentId: deptA }]) {
        const res = await http.patch(`/api/users/${admin.id}`, body, { token: admin.token });
        expectError(res, 409, 'LAST_ADMIN');
        expect(res.body.error.details).toEqual({ userId: admin.id });
      }
      expect(await fingerprint(app.deps.db)).toEqual(before);
      // Changes that keep it an active admin go through.
      const kept = await http.patch(`/api/users/${admin.id}`, { roles: ['admin', 'staff', 'director'] }, { token: admin.token });
      expect(kept.status, JSON.stringify(kept.body)).toBe(200);
      expect((await http.patch(`/api/users/${admin.id}`, { roles: ['admin', 'staff'] }, { token: admin.token })).status).toBe(200);
    });

    it('with a second admin either may step down, but not both; a disabled admin does not count', async () => {
      const second = await buildUser(app, ['admin'], deptA);
      expect((await http.patch(`/api/users/${second.id}`, { disabled: true }, { token: admin.token })).status).toBe(200);
      // The disabled one is no administrator anyone can use.
      expectError(await http.patch(`/api/users/${admin.id}`, { roles: ['staff'] }, { token: admin.token }), 409, 'LAST_ADMIN');
      expect((await http.patch(`/api/users/${second.id}`, { disabled: false }, { token: admin.token })).status).toBe(200);
      const secondToken = (await loginAs(app, second.username, second.password)).token;
      expect((await http.patch(`/api/users/${second.id}`, { roles: ['staff'] }, { token: secondToken })).status).toBe(200);
      expectError(await http.patch(`/api/users/${admin.id}`, { disabled: true }, { token: admin.token }), 409, 'LAST_ADMIN');
    });

    it('two admins demoting each other at the same moment: one wins, one gets LAST_ADMIN, and an admin remains', async () => {
      const other = await buildUser(app, ['admin'], deptA);
      for (let round = 0; round < 3; round++) {
        const [a, b] = await Promise.all([
          http.patch(`/api/users/${other.id}`, { disabled: true }, { token: admin.token }),
          http.patch(`/api/users/${admin.id}`, { disabled: true }, { token: other.token }),
        ]);
        const statuses = [a.status, b.status].sort();
        // The loser may also be refused as logged out: the winner's change ended its sessions.
        expect(statuses[0], JSON.stringify([a.body, b.body])).toBe(200);
        expect([401, 409]).toContain(statuses[1]);
        const active = await app.deps
          .db('users')
          .join('user_roles', 'user_roles.user_id', 'users.id')
          .where({ 'user_roles.role': 'admin', 'users.disabled': false })
          .count({ n: '*' })
          .first();
        expect(Number(active!.n)).toBe(1);
        // Put things back for the next round: whoever remains re-enables the other.
        await app.deps.db('users').whereIn('id', [admin.id, other.id]).update({ disabled: false });
        admin.token = (await loginAs(app, 'admin', ADMIN_PASSWORD)).token;
        other.token = (await loginAs(app, other.username, other.password)).token;
      }
    });
  });

  describe('POST /api/users/:id/password: a new initial password', () => {
    it('generates one (shown once), forces a change at next login, ends every session and clears a lock-out; audited without the password', async () => {
      const user = await buildUser(app, ['clerk'], deptA);
      const other = (await loginAs(app, user.username, user.password)).token;
      for (let i = 0; i < 5; i++) await login(http, user.username, `Wrong-${i}-2026x`);
      expectError(await login(http, user.username, user.password), 429, 'ACCOUNT_LOCKED');

      const res = await http.post(`/api/users/${user.id}/password`, {}, { token: admin.token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.user).toMatchObject({ id: user.id, mustChangePassword: true, lockedUntil: null });
      const initial = res.body.initialPassword as string;
      expect(typeof initial).toBe('string');
      for (const token of [user.token, other]) expectError(await http.get('/api/me', { token }), 401, 'UNAUTHENTICATED');
      expectError(await login(http, user.username, user.password), 401, 'INVALID_CREDENTIALS');
      const fresh = await login(http, user.username, initial);
      expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
      expectError(await http.get('/api/departments', { token: fresh.body.token }), 403, 'PASSWORD_CHANGE_REQUIRED');
      expect((await http.post('/api/auth/password', { currentPassword: initial, newPassword: 'Moi-hoan-toan-2026' }, { token: fresh.body.token })).status).toBe(200);

      const reset = (await streamEvents(app.deps.db, 'user', user.id)).find((e) => e.type === 'PASSWORD_RESET')!;
      expect(reset).toMatchObject({ actorKind: 'user', actorId: admin.id, payload: { sessionsEnded: 2 } });
      expect(JSON.stringify(await fingerprint(app.deps.db))).not.toContain(initial);
    });

    it('takes a chosen initial password', async () => {
      const user = await buildUser(app, ['clerk'], deptA);
      const res = await http.post(`/api/users/${user.id}/password`, { password: 'Cap-lai-2026-abc' }, { token: admin.token });
      expect(res.status).toBe(200);
      expect(res.body.initialPassword).toBeNull();
      expect((await login(http, user.username, 'Cap-lai-2026-abc')).body.user.mustChangePassword).toBe(true);
    });

    it('refuses its own account, a weak password, an unknown user and a non-admin, changing nothing', async () => {
      const user = await buildUser(app, ['dept_lead'], deptA);
      const before = await fingerprint(app.deps.db);
      expectError(await http.post(`/api/users/${admin.id}/password`, {}, { token: admin.token }), 403, 'OWN_ACCOUNT');
      expectError(await http.post(`/api/users/${user.id}/password`, { password: 'short1' }, { token: admin.token }), 400, 'WEAK_PASSWORD');
      expectError(await http.post(`/api/users/${user.id}/password`, { password: `${user.username}-2026` }, { token: admin.token }), 400, 'WEAK_PASSWORD');
      expectError(await http.post(`/api/users/${user.id}/password`, { mustChange: false }, { token: admin.token }), 400, 'VALIDATION_FAILED');
      expectError(await http.post('/api/users/999999/password', {}, { token: admin.token }), 404, 'NOT_FOUND');
      expectError(await http.post(`/api/users/${admin.id}/password`, {}, { token: user.token }), 403, 'FORBIDDEN');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });
  });
});
