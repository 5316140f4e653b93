import { UnrecoverableError, Worker, type Job } from 'bullmq';
import nodemailer, { type Transporter } from 'nodemailer';
import { createRedis, type EmailJobData } from '../src/queues/queues.ts';
import type { Db } from '../src/db/db.ts';
import type { WorkerDeps } from './worker-deps.ts';

/**
 * Sends one notification by e-mail and records when. A notification already e-mailed is not sent again;
 * a crash between the SMTP answer and that record can still send it twice (at-least-once, the usual
 * contract of e-mail).
 */
export async function processEmailJob(job: Pick<Job<EmailJobData>, 'data'>, db: Db, transport: Transporter, from: string, now: () => Date): Promise<'sent' | 'skipped'> {
  const row = await db('notifications as n').join('users as u', 'u.id', 'n.recipient_id').where('n.id', job.data.notificationId).first('n.*', 'u.email', 'u.full_name');
  if (!row) throw new UnrecoverableError(`no notification ${job.data.notificationId}`);
  if (row.emailed_at || !row.email) return 'skipped';
  await transport.sendMail({ from, to: { name: row.full_name, address: row.email }, subject: row.title, text: row.body });
  await db('notifications').where({ id: row.id }).update({ emailed_at: now().toISOString() });
  return 'sent';
}

/** The e-mail worker; only started when SMTP is configured. */
export function createNotificationsWorker(deps: WorkerDeps): Worker | null {
  const smtp = deps.config.smtp;
  if (!smtp) return null;
  const transport = nodemailer.createTransport(smtp.url);
  return new Worker<EmailJobData>('notifications', (job) => processEmailJob(job, deps.db, transport, smtp.from, deps.clock), {
    connection: createRedis(deps.redisUrl),
    prefix: deps.config.queuePrefix,
    concurrency: 2,
  });
}
