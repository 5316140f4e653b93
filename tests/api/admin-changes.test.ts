import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDepartment, buildProcedure, buildUser, loginAs, type TestUser } from '../support/factories.ts';
import { Http } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/** The admin changes the admin pages needed and the API now offers too: renaming a department, opening and closing a procedure. */
let app: TestApp;
let http: Http;
let admin: { token: string };
let specialist: TestUser;

beforeAll(async () => {
  app = await startTestApp();
  http = new Http(app.url);
  admin = await loginAs(app, 'admin', ADMIN_PASSWORD);
  specialist = await buildUser(app, ['specialist']);
});
afterAll(() => app?.close());

describe('PATCH /api/departments/:id', () => {
  it('renames a department, audited with the previous name; the code stays', async () => {
    const dept = await buildDepartment(app, { code: 'KTAT', name: 'Phòng Kỹ thuật an toàn' });
    const res = await http.patch(`/api/departments/${dept.id}`, { name: 'Phòng Kỹ thuật an toàn – Môi trường' }, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: dept.id, code: 'KTAT', name: 'Phòng Kỹ thuật an toàn – Môi trường' });
    const event = await app.deps.db('events').where({ stream_type: 'department', stream_id: String(dept.id), type: 'DEPARTMENT_RENAMED' }).first();
    expect(typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload).toEqual({ name: 'Phòng Kỹ thuật an toàn – Môi trường', previous: { name: 'Phòng Kỹ thuật an toàn' } });
  });

  it('refuses a non-admin, a blank name, a code change and an unknown department, changing nothing', async () => {
    const dept = await buildDepartment(app);
    const before = await fingerprint(app.deps.db);
    const cases: Array<[number, string, unknown, string | undefined]> = [
      [403, `/api/departments/${dept.id}`, { name: 'Đổi' }, specialist.token],
      [401, `/api/departments/${dept.id}`, { name: 'Đổi' }, undefined],
      [400, `/api/departments/${dept.id}`, { name: '   ' }, admin.token],
      [400, `/api/departments/${dept.id}`, { name: 'Đổi', code: 'XX' }, admin.token],
      [404, '/api/departments/999999', { name: 'Đổi' }, admin.token],
    ];
    for (const [status, url, body, token] of cases) {
      const res = await http.patch(url, body, token ? { token } : {});
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBeTruthy();
    }
    expect({ ...(await fingerprint(app.deps.db)), sessions: [] }).toEqual({ ...before, sessions: [] });
  });
});

describe('PATCH /api/procedures/:id', () => {
  it('closes a procedure to new dossiers (the portal stops offering it) and opens it again, audited once per change', async () => {
    const dept = await buildDepartment(app);
    const proc = await buildProcedure(app, dept.id);
    const offered = async () => ((await http.get('/api/public/procedures')).body.items as Array<{ id: number }>).some((p) => p.id === proc.id);
    expect(await offered()).toBe(true);
    const closed = await http.patch(`/api/procedures/${proc.id}`, { active: false }, { token: admin.token });
    expect(closed.status).toBe(200);
    expect(closed.body.active).toBe(false);
    expect(await offered()).toBe(false);
    // The same again changes nothing and records nothing.
    expect((await http.patch(`/api/procedures/${proc.id}`, { active: false }, { token: admin.token })).status).toBe(200);
    expect((await http.patch(`/api/procedures/${proc.id}`, { active: true }, { token: admin.token })).body.active).toBe(true);
    const types = (await app.deps.db('events').where({ stream_type: 'procedure', stream_id: String(proc.id) }).orderBy('seq')).map((e) => e.type);
    expect(types).toEqual(['PROCEDURE_CREATED', 'PROCEDURE_DEACTIVATED', 'PROCEDURE_ACTIVATED']);
  });

  it('refuses a non-admin, a non-boolean and an unknown procedure, changing nothing', async () => {
    const dept = await buildDepartment(app);
    const proc = await buildProcedure(app, dept.id);
    const before = await fingerprint(app.deps.db);
    expect((await http.patch(`/api/procedures/${proc.id}`, { active: false }, { token: specialist.token })).status).toBe(403);
    expect((await http.patch(`/api/procedures/${proc.id}`, { active: 'no' }, { token: admin.token })).status).toBe(400);
    expect((await http.patch(`/api/procedures/${proc.id}`, {}, { token: admin.token })).status).toBe(400);
    expect((await http.patch('/api/procedures/999999', { active: false }, { token: admin.token })).status).toBe(404);
    expect({ ...(await fingerprint(app.deps.db)), sessions: [] }).toEqual({ ...before, sessions: [] });
  });
});
