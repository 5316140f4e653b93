import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_APPLICANT_CHANNEL_REASON, NO_SMTP_REASON } from '../../src/domain/notifications/email-transport.ts';
import { outboxJobs } from '../../src/domain/outbox/outbox.ts';
import { deadlineDeps, processDeadlineJob } from '../../workers/deadlines.worker.ts';
import { find, parseSamples } from '../ops/prometheus-text.ts';
import { buildDossier, buildWorld, fireAs, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { startTestWorkers, type TestWorkers } from '../support/test-workers.ts';
import { FormClient } from '../web/support/form-client.ts';

/**
 * Without SMTP_URL (issue 14 §5): the notifications are stored and shown in the app, no e-mail job is
 * written, so nothing piles up in the `notifications` queue that has no worker; and every place the IT
 * officer looks says why — the admin page, the queue board's description of the queue, the metric.
 */
let app: TestApp;
let w: World;
let workers: TestWorkers;

beforeAll(async () => {
  app = await startTestApp({ queues: true });
  w = await buildWorld(app);
  // Addresses to e-mail, were there a server: nothing is held back for want of an address.
  await app.deps.db('users').whereIn('id', [w.specialist.id, w.lead.id]).update({ email: 'canbo@sct.example.vn' });
  workers = await startTestWorkers(app);
});
afterAll(async () => {
  await workers?.close();
  await app?.close();
});

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 8_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the notifications queue without SMTP', () => {
  it('gets no job when a step is overdue: the notifications are stored, the outbox and the queue stay empty', async () => {
    expect(app.deps.config.smtp).toBeNull();
    const d = await buildDossier(w, { state: 'inDepartment.review' });
    const row = await app.deps.db('dossiers').where({ id: d.id }).first();
    if (!row.assignee_id) await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    const dueAt = (await app.deps.db('dossiers').where({ id: d.id }).first()).step_due_at as string;
    const before = app.clock.now();
    app.clock.set(new Date(Date.parse(dueAt) + 60_000));
    const result = await processDeadlineJob({ name: 'step-deadline', data: { dossierId: d.id, step: 'review', dueAt: new Date(dueAt).toISOString() } }, deadlineDeps(workers.deps));
    // Back, so that the sessions of the next tests are still alive.
    app.clock.set(before);
    expect(result).not.toBe('stale');
    const notes = await app.deps.db('notifications').where({ subject_type: 'dossier', subject_id: String(d.id), kind: 'step-overdue' });
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((n) => n.emailed_at === null)).toBe(true);
    // Nothing for the e-mail queue, in the outbox or (once the relay has run) in Redis.
    expect((await outboxJobs(app.deps.db)).filter((j) => j.action === 'add' && j.queue === 'notifications')).toEqual([]);
    // The relay has run: the dossier's deadline jobs reached their queue.
    await waitFor('the relay', async () => (await app.deps.queues!.deadlines.count()) > 0);
    const counts = await app.deps.queues!.notifications.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed');
    expect(counts).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 0, completed: 0 });
    // And the worker process runs no worker on that queue.
    expect(workers.process!.workers().map((x) => x.name).sort()).toEqual(['deadlines', 'maintenance']);
    // The in-app notification is there for the recipient.
    const mine = await w.http.get('/api/notifications', { token: w.specialist.token });
    expect(mine.body.items.some((n: { kind: string }) => n.kind === 'step-overdue')).toBe(true);
  });

  it('the admin page, the queue board and the metric say why', async () => {
    const admin = new FormClient(app.url);
    admin.cookies.set('idesk_session', w.admin.token);
    const home = await admin.get('/admin');
    expect(home.res.status).toBe(200);
    expect(home.text).toContain('Thư điện tử thông báo: không gửi.');
    expect(home.text).toContain(NO_SMTP_REASON.replace(/"/g, '&quot;'));
    expect(home.text).not.toContain('việc gửi thư từ khi còn cấu hình');

    const board = await w.http.get('/admin/queues/api/queues', { token: w.admin.token });
    expect(board.status).toBe(200);
    const descriptions = Object.fromEntries(board.body.queues.map((q: { name: string; description?: string }) => [q.name, q.description ?? null]));
    expect(descriptions).toEqual({ deadlines: null, maintenance: null, notifications: NO_SMTP_REASON, 'applicant-notices': NO_APPLICANT_CHANNEL_REASON });

    const metrics = await w.http.get('/metrics', { token: w.admin.token });
    expect(find(parseSamples(metrics.body as string), 'idesk_email_transport_configured')).toMatchObject([{ value: 0 }]);
  });

  it('a job left from when SMTP was configured is counted on the admin page, with what to do', async () => {
    await app.deps.queues!.notifications.add('send-email', { notificationId: 999 }, { jobId: 'email-999-left' });
    try {
      const admin = new FormClient(app.url);
      admin.cookies.set('idesk_session', w.admin.token);
      const home = await admin.get('/admin');
      expect(home.text).toContain('Hàng đợi notifications còn 1 việc gửi thư từ khi còn cấu hình máy chủ thư');
    } finally {
      await app.deps.queues!.notifications.remove('email-999-left');
    }
  });
});

describe('the notifications queue with SMTP', () => {
  it('has no such description, and the page and the metric say e-mail is sent', async () => {
    // A configured transport (nothing is sent in this test: no notification is made).
    const mailing = await startTestApp({ queues: true, env: { SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'idesk <no-reply@sct.example.vn>' } });
    try {
      const mw = await buildWorld(mailing);
      const board = await mw.http.get('/admin/queues/api/queues', { token: mw.admin.token });
      expect(board.body.queues.find((q: { name: string }) => q.name === 'notifications').description ?? null).toBeNull();
      const metrics = await mw.http.get('/metrics', { token: mw.admin.token });
      expect(find(parseSamples(metrics.body as string), 'idesk_email_transport_configured')).toMatchObject([{ value: 1 }]);
      const admin = new FormClient(mailing.url);
      admin.cookies.set('idesk_session', mw.admin.token);
      expect((await admin.get('/admin')).text).toContain('Thư điện tử thông báo: đang gửi');
    } finally {
      await mailing.close();
    }
  });
});
