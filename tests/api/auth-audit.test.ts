import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDepartment, buildUser, loginAs, type TestUser } from '../support/factories.ts';
import { Http } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { expectError } from '../support/assertions.ts';

const MINUTE = 60_000;

describe('security events: log lines and the admins’ read of the event log (§3.6)', () => {
  let app: TestApp;
  let http: Http;
  let admin: TestUser;
  let departmentId: number;
  beforeAll(async () => {
    app = await startTestApp();
    http = new Http(app.url);
    departmentId = (await buildDepartment(app)).id;
    admin = { id: 1, username: 'admin', password: ADMIN_PASSWORD, token: (await loginAs(app, 'admin', ADMIN_PASSWORD)).token };
  });
  afterAll(() => app.close());

  /** Runs `work` with the app's own logger (its redaction included) writing into a buffer. */
  async function capture(work: () => Promise<void>): Promise<Array<Record<string, unknown>>> {
    const lines: string[] = [];
    const logger = app.deps.logger as unknown as Record<symbol, unknown> & { level: string };
    const level = logger.level;
    const stream = logger[pino.symbols.streamSym];
    logger.level = 'info';
    logger[pino.symbols.streamSym] = { write: (s: string) => void lines.push(s) };
    try {
      await work();
    } finally {
      logger[pino.symbols.streamSym] = stream;
      logger.level = level;
    }
    return lines.map((l) => JSON.parse(l));
  }

  it('logs failed logins, lock-outs, logins and password changes with the username, address and request id — never the password', async () => {
    const user = await buildUser(app, ['clerk'], departmentId);
    const secrets = ['Doan-thu-0-2026', 'Doan-thu-1-2026', 'Doan-thu-2-2026', 'Doan-thu-3-2026', 'Doan-thu-4-2026', 'Ma-bi-mat-2026', 'Mat-khau-moi-2026'];
    let requestIds: string[] = [];
    const lines = await capture(async () => {
      const answers = [];
      for (const guess of secrets.slice(0, 5)) answers.push(await http.post('/api/auth/login', { username: user.username, password: guess }));
      answers.push(await http.post('/api/auth/login', { username: 'khong.ton.tai', password: secrets[5] }));
      requestIds = answers.map((a) => a.headers.get('x-request-id') as string);
      app.clock.advance(15 * MINUTE);
      const ok = await http.post('/api/auth/login', { username: user.username, password: user.password });
      expect(ok.status).toBe(200);
      const changed = await http.post('/api/auth/password', { currentPassword: user.password, newPassword: secrets[6] }, { token: ok.body.token });
      expect(changed.status).toBe(200);
    });
    const security = lines.filter((l) => typeof l.event === 'string');
    const of = (event: string) => security.filter((l) => l.event === event);

    const failed = of('LOGIN_FAILED').filter((l) => l.username === user.username);
    expect(failed).toHaveLength(5);
    expect(failed.map((l) => l.reqId)).toEqual(requestIds.slice(0, 5));
    for (const line of failed) expect(line).toMatchObject({ userId: user.id, ip: expect.stringMatching(/127\.0\.0\.1/), level: 40 });
    expect(of('ACCOUNT_LOCKED')).toEqual([expect.objectContaining({ username: user.username, scope: 'address', reqId: requestIds[4] })]);
    expect(of('LOGIN_FAILED').filter((l) => l.username === 'khong.ton.tai')).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: null, reqId: requestIds[5], ip: expect.stringMatching(/127\.0\.0\.1/) })]),
    );
    expect(of('LOGIN')).toEqual([expect.objectContaining({ username: user.username, userId: user.id })]);
    expect(of('PASSWORD_CHANGED')).toEqual([expect.objectContaining({ username: user.username, userId: user.id, ip: expect.stringMatching(/127\.0\.0\.1/) })]);
    const log = JSON.stringify(lines);
    for (const secret of [...secrets, user.password]) expect(log).not.toContain(secret);
  });

  describe('GET /api/admin/events', () => {
    let user: TestUser;
    let startedAt: string;
    beforeAll(async () => {
      user = await buildUser(app, ['specialist'], departmentId);
      startedAt = app.clock.now().toISOString();
      for (let i = 0; i < 3; i++) {
        app.clock.advance(MINUTE);
        await http.post('/api/auth/login', { username: user.username, password: `Sai-${i}-mat-khau` });
      }
      app.clock.advance(MINUTE);
      await http.patch(`/api/users/${user.id}`, { unlock: true }, { token: admin.token });
    });

    it('filters by stream, type, category, actor and instants, newest first, read-only', async () => {
      const before = await fingerprint(app.deps.db);
      const failures = await http.get(`/api/admin/events?streamType=user&streamId=${user.id}&type=LOGIN_FAILED`, { token: admin.token });
      expect(failures.status, JSON.stringify(failures.body)).toBe(200);
      expect(failures.body).toMatchObject({ page: 1, pageSize: 50, hasMore: false });
      expect(failures.body.items.map((e: { payload: { failures: number } }) => e.payload.failures)).toEqual([3, 2, 1]);
      const first = failures.body.items[2];
      expect(Object.keys(first).sort()).toEqual(['actorId', 'actorKind', 'at', 'fromState', 'id', 'payload', 'seq', 'streamId', 'streamType', 'toState', 'type']);
      expect(first).toMatchObject({ streamType: 'user', streamId: String(user.id), actorKind: 'user', actorId: user.id });
      expect(first.payload).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/) });

      const both = await http.get(`/api/admin/events?streamType=user&streamId=${user.id}&type=LOGIN_FAILED,USER_UPDATED`, { token: admin.token });
      expect(both.body.items.map((e: { type: string }) => e.type)).toEqual(['USER_UPDATED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED']);
      const byAdmin = await http.get(`/api/admin/events?actorId=${admin.id}&streamId=${user.id}&streamType=user`, { token: admin.token });
      expect(byAdmin.body.items.map((e: { type: string }) => e.type)).toEqual(['USER_UPDATED']);
      const security = await http.get(`/api/admin/events?category=security&streamType=user&streamId=${user.id}`, { token: admin.token });
      expect(security.body.items.map((e: { type: string }) => e.type)).toEqual(['USER_UPDATED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN', 'USER_CREATED']);

      const from = new Date(Date.parse(startedAt) + 2 * MINUTE).toISOString();
      const to = new Date(Date.parse(startedAt) + 3 * MINUTE).toISOString();
      const window = await http.get(`/api/admin/events?streamType=user&streamId=${user.id}&from=${from}&to=${to}`, { token: admin.token });
      expect(window.body.items.map((e: { payload: { failures: number } }) => e.payload.failures)).toEqual([3, 2]);
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('pages with hasMore, and deeper by beforeId', async () => {
      const page1 = await http.get(`/api/admin/events?streamType=user&streamId=${user.id}&pageSize=2`, { token: admin.token });
      const page2 = await http.get(`/api/admin/events?streamType=user&streamId=${user.id}&pageSize=2&page=2`, { token: admin.token });
      const page3 = await http.get(`/api/admin/events?streamType=user&streamId=${user.id}&pageSize=2&page=3`, { token: admin.token });
      expect([page1.body.hasMore, page2.body.hasMore, page3.body.hasMore]).toEqual([true, true, false]);
      const ids = [...page1.body.items, ...page2.body.items, ...page3.body.items].map((e: { id: number }) => e.id);
      expect(ids).toHaveLength(6);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      const keyset = await http.get(`/api/admin/events?streamType=user&streamId=${user.id}&pageSize=2&beforeId=${ids[1]}`, { token: admin.token });
      expect(keyset.body.items.map((e: { id: number }) => e.id)).toEqual(ids.slice(2, 4));
    });

    it.each([
      ['a page size over 100', 'pageSize=101'],
      ['a page beyond the bound', 'page=1001'],
      ['an infinite page', 'page=Infinity'],
      ['page 0', 'page=0'],
      ['from after to', 'from=2026-03-05T00:00:00Z&to=2026-03-04T00:00:00Z'],
      ['an instant that is no instant', 'from=yesterday'],
      ['a leap second', 'to=2026-12-31T23:59:60Z'],
      ['a lower-case event type', 'type=login'],
      ['an empty type in a list', 'type=LOGIN,,LOGOUT'],
      ['an unknown category', 'category=all'],
      ['an unknown filter', 'username=admin'],
      ['a stream type with odd characters', 'streamType=user%27--'],
      ['an actor id that is no id', 'actorId=-3'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_label, query) => {
      const before = await fingerprint(app.deps.db);
      expectError(await http.get(`/api/admin/events?${query}`, { token: admin.token }), 400, 'VALIDATION_FAILED');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    });

    it('is for admins only', async () => {
      expectError(await http.get('/api/admin/events'), 401, 'UNAUTHENTICATED');
      expectError(await http.get('/api/admin/events', { token: user.token }), 403, 'FORBIDDEN');
    });
  });
});
