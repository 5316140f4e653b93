import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../../src/domain/notifications/notifications.service.ts';
import { buildWorld, type World } from '../support/factories.ts';
import { expectError } from '../support/assertions.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/** GET /api/notifications: the caller's own, unread first, with due instants; marking read. */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  const at = (m: number) => new Date(Date.parse('2026-03-02T02:00:00.000Z') + m * 60_000).toISOString();
  await app.deps.db.transaction(async (trx) => {
    for (const [i, kind] of ['step-reminder', 'step-overdue', 'apology-due'].entries()) {
      await notify(trx, [w.specialist.id, w.lead.id], { kind, subjectType: 'dossier', subjectId: 7, title: `T${i}`, body: `B${i}`, dueAt: at(60), dedupeKey: `k${i}` }, at(i), { email: false });
    }
    // The same key again: nobody is told twice.
    const again = await notify(trx, [w.specialist.id], { kind: 'step-overdue', subjectType: 'dossier', subjectId: 7, title: 'T1', body: 'B1', dedupeKey: 'k1' }, at(5), { email: false });
    expect(again).toEqual([]);
  });
});
afterAll(() => app.close());

describe('notifications', () => {
  it('lists only the caller’s, unread first, newest first', async () => {
    const first = (await w.http.get('/api/notifications', { token: w.specialist.token })).body;
    expect(first.total).toBe(3);
    expect(first.unread).toBe(3);
    expect(first.items.map((n: { title: string }) => n.title)).toEqual(['T2', 'T1', 'T0']);
    expect(first.items[0]).toMatchObject({ kind: 'apology-due', subject: { type: 'dossier', id: '7' }, dueAt: '2026-03-02T03:00:00.000Z', readAt: null });

    const read = await w.http.post(`/api/notifications/${first.items[0].id}/read`, undefined, { token: w.specialist.token });
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const after = (await w.http.get('/api/notifications', { token: w.specialist.token })).body;
    expect(after.unread).toBe(2);
    expect(after.items.map((n: { title: string }) => n.title)).toEqual(['T1', 'T0', 'T2']);
    expect((await w.http.get('/api/notifications?unread=true', { token: w.specialist.token })).body.items).toHaveLength(2);
    // The lead's are untouched.
    expect((await w.http.get('/api/notifications', { token: w.lead.token })).body.unread).toBe(3);
  });

  it('another user’s notification → 404, nothing changed; read-all marks only the caller’s', async () => {
    const leads = (await w.http.get('/api/notifications', { token: w.lead.token })).body.items;
    const before = await fingerprint(app.deps.db);
    expectError(await w.http.post(`/api/notifications/${leads[0].id}/read`, undefined, { token: w.specialist.token }), 404, 'NOT_FOUND');
    expectError(await w.http.get('/api/notifications'), 401, 'UNAUTHENTICATED');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    const all = await w.http.post('/api/notifications/read-all', undefined, { token: w.lead.token });
    expect(all.body).toEqual({ marked: 3 });
    expect((await w.http.get('/api/notifications', { token: w.specialist.token })).body.unread).toBe(2);
  });
});
