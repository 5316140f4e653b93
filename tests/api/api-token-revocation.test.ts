import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamEvents } from '../../src/domain/audit/event-log.ts';
import { expectError } from '../support/assertions.ts';
import { buildUser, buildWorld, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 14 §6: an API token acts as its owner, and it survived the owner's password change and an
 * admin's reset (and came back when a disabled account was enabled). Each of these now revokes the
 * owner's open API tokens, audited as API_TOKEN_REVOKED with the reason.
 */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
});
afterAll(() => app.close());

async function tokenFor(user: TestUser, roles: string[] = ['staff']) {
  const res = await w.http.post('/api/admin/api-tokens', { name: `tích hợp ${user.username}`, userId: user.id, roles }, { token: w.admin.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect((await w.http.get('/api/me', { token: res.body.token })).status).toBe(200);
  return { id: res.body.apiToken.id as number, token: res.body.token as string };
}

async function expectRevoked(t: { id: number; token: string }, reason: string) {
  expectError(await w.http.get('/api/me', { token: t.token }), 401, 'UNAUTHENTICATED');
  const row = await app.deps.db('api_tokens').where({ id: t.id }).first();
  expect(row.revoked_at).not.toBeNull();
  const events = await streamEvents(app.deps.db, 'api_token', t.id);
  expect(events.map((e) => e.type)).toEqual(['API_TOKEN_CREATED', 'API_TOKEN_REVOKED']);
  expect(events[1]!.payload).toMatchObject({ reason });
}

describe('an API token ends with its owner’s credentials', () => {
  it('when the owner changes the password: every token of theirs, no one else’s', async () => {
    const owner = await buildUser(app, ['specialist'], w.departmentId);
    const other = await buildUser(app, ['specialist'], w.departmentId);
    const [a, b] = [await tokenFor(owner), await tokenFor(owner, ['specialist'])];
    const untouched = await tokenFor(other);
    // A wrong current password changes nothing.
    expectError(await w.http.post('/api/auth/password', { currentPassword: 'Sai-mat-khau-2026', newPassword: 'Mat-khau-moi-2026' }, { token: owner.token }), 401, 'INVALID_CREDENTIALS');
    expect((await w.http.get('/api/me', { token: a.token })).status).toBe(200);
    const changed = await w.http.post('/api/auth/password', { currentPassword: owner.password, newPassword: 'Mat-khau-moi-2026' }, { token: owner.token });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await expectRevoked(a, 'password-changed');
    await expectRevoked(b, 'password-changed');
    expect((await w.http.get('/api/me', { token: untouched.token })).status).toBe(200);
    const userEvents = await streamEvents(app.deps.db, 'user', owner.id);
    expect(userEvents.at(-1)).toMatchObject({ type: 'PASSWORD_CHANGED', payload: { apiTokensEnded: 2 } });
  });

  it('when an admin resets the password', async () => {
    const owner = await buildUser(app, ['onestop'], w.departmentId);
    const t = await tokenFor(owner, ['onestop']);
    const res = await w.http.post(`/api/users/${owner.id}/password`, {}, { token: w.admin.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectRevoked(t, 'password-reset');
    expect((await streamEvents(app.deps.db, 'user', owner.id)).at(-1)).toMatchObject({ type: 'PASSWORD_RESET', payload: { apiTokensEnded: 1 } });
  });

  it('when an admin disables the account, and enabling it again does not bring the token back; other changes keep it', async () => {
    const owner = await buildUser(app, ['dept_lead'], w.departmentId);
    const t = await tokenFor(owner, ['dept_lead']);
    const moved = await w.http.patch(`/api/users/${owner.id}`, { roles: ['dept_lead', 'staff'], departmentId: w.otherDepartmentId }, { token: w.admin.token });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect((await w.http.get('/api/me', { token: t.token })).status).toBe(200);
    expect((await w.http.patch(`/api/users/${owner.id}`, { disabled: true }, { token: w.admin.token })).status).toBe(200);
    expect((await w.http.patch(`/api/users/${owner.id}`, { disabled: false }, { token: w.admin.token })).status).toBe(200);
    await expectRevoked(t, 'disabled');
    const updates = (await streamEvents(app.deps.db, 'user', owner.id)).filter((e) => e.type === 'USER_UPDATED');
    expect(updates.map((e) => (e.payload as { apiTokensEnded?: number }).apiTokensEnded)).toEqual([undefined, 1, undefined]);
  });
});
