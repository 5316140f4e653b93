import { SMTPServer } from 'smtp-server';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../../src/domain/notifications/notifications.service.ts';
import { outboxJobs } from '../../src/domain/outbox/outbox.ts';
import { processEmailJob } from '../../workers/notifications.worker.ts';
import { buildWorld, type World } from '../support/factories.ts';
import { freePort } from '../support/redis-server.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Notifications e-mailed through a real SMTP conversation with a local SMTP server. */
let app: TestApp;
let w: World;
let server: SMTPServer;
let port: number;
const received: Array<{ to: string[]; body: string }> = [];

beforeAll(async () => {
  port = await freePort();
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let body = '';
      stream.on('data', (chunk) => (body += chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  app = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'idesk <no-reply@sct.example.vn>' } });
  w = await buildWorld(app);
  await app.deps.db('users').where({ id: w.specialist.id }).update({ email: 'chuyenvien@sct.example.vn' });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close();
});

describe('e-mailed notifications', () => {
  it('writes a send-email job with the notification and sends it once', async () => {
    const at = app.deps.clock().toISOString();
    const [id] = await app.deps.db.transaction((trx) =>
      notify(trx, [w.specialist.id], { kind: 'step-overdue', subjectType: 'dossier', subjectId: 3, title: 'Quá hạn: hồ sơ H37.26-260302-010003', body: 'Bước thẩm định đã quá hạn.', dedupeKey: 'mail-1' }, at, { email: true }),
    );
    const job = (await outboxJobs(app.deps.db)).find((j) => j.action === 'add' && j.name === 'send-email');
    expect(job).toMatchObject({ queue: 'notifications', jobId: `email-${id}-${at.replace(/[-:.]/g, '')}`, payload: { notificationId: id } });

    const transport = nodemailer.createTransport(app.deps.config.smtp?.url as string);
    expect(await processEmailJob({ data: { notificationId: id as number } }, app.deps.db, transport, app.deps.config.smtp?.from as string, app.deps.clock)).toBe('sent');
    expect(received).toHaveLength(1);
    expect(received[0]?.to).toEqual(['chuyenvien@sct.example.vn']);
    expect(received[0]?.body).toContain('=?UTF-8?');
    expect((await app.deps.db('notifications').where({ id }).first()).emailed_at).not.toBeNull();
    // Run again (a retried job): not sent twice.
    expect(await processEmailJob({ data: { notificationId: id as number } }, app.deps.db, transport, 'x', app.deps.clock)).toBe('skipped');
    expect(received).toHaveLength(1);
  });

  it('writes no e-mail job for a recipient without an address, and sends nothing', async () => {
    const at = app.deps.clock().toISOString();
    const [id] = await app.deps.db.transaction((trx) =>
      notify(trx, [w.lead.id], { kind: 'step-overdue', subjectType: 'dossier', subjectId: 4, title: 'T', body: 'B', dedupeKey: 'mail-2' }, at, { email: true }),
    );
    expect((await outboxJobs(app.deps.db)).find((j) => j.jobId.startsWith(`email-${id}-`))).toBeUndefined();
    // A job for them anyway (written before they lost their address): skipped.
    const transport = nodemailer.createTransport(app.deps.config.smtp?.url as string);
    expect(await processEmailJob({ data: { notificationId: id as number } }, app.deps.db, transport, 'x', app.deps.clock)).toBe('skipped');
    expect(received).toHaveLength(1);
  });
});
