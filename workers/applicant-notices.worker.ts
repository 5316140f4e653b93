import { UnrecoverableError, Worker, type Job } from 'bullmq';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../src/config.ts';
import type { Db } from '../src/db/db.ts';
import { composeApplicantNotice, smsRecipient, type ApplicantNoticeJobData } from '../src/domain/dossiers/applicant-notices.ts';
import { findRow } from '../src/domain/dossiers/dossier-rows.ts';
import { sendSms, SmsGatewayError } from '../src/infrastructure/sms/sms-gateway.ts';
import { createRedis } from '../src/queues/queues.ts';
import type { WorkerDeps } from './worker-deps.ts';

/** How the notices leave: the SMTP transport and the SMS gateway, each null when not configured. */
export interface ApplicantSenders {
  email: { transport: Transporter; from: string } | null;
  sms: NonNullable<Config['sms']> | null;
}

/**
 * Sends one notice to the applicant (src/domain/dossiers/applicant-notices.ts): reads the dossier's code
 * and contact now, composes the text, sends it on the job's channel. A failure that can pass (the
 * gateway or the mail server away, a 5xx) is thrown as it is, and BullMQ tries again with backoff (the
 * outbox relay's attempts); one that cannot (no such dossier, no address any more, a refused request) is
 * an UnrecoverableError and fails at once. Either way the failed job stays in the queue's failed list on
 * the admin's Bull Board (/admin/queues, queue `applicant-notices`) with its error, where it can be run
 * again. At-least-once: a crash between the provider's answer and the job's completion sends again.
 * @returns what was sent, kept as the job's result on the board.
 */
export async function processApplicantNoticeJob(job: Pick<Job<ApplicantNoticeJobData>, 'data' | 'id'>, db: Db, config: Pick<Config, 'publicUrl' | 'agencyName' | 'serviceCentreName'>, senders: ApplicantSenders): Promise<string> {
  const data = job.data;
  const row = await findRow(db, { 'd.id': data.dossierId });
  if (!row) throw new UnrecoverableError(`no dossier ${data.dossierId}`);
  const notice = composeApplicantNotice(data, { code: row.code, applicantName: row.applicant_name, procedureName: row.procedure_name ?? '' }, config);
  if (data.channel === 'email') {
    if (!senders.email) throw new UnrecoverableError('SMTP is not configured (SMTP_URL)');
    if (!row.applicant_email) throw new UnrecoverableError(`dossier ${row.code} has no e-mail address`);
    await senders.email.transport.sendMail({ from: senders.email.from, to: { name: row.applicant_name, address: row.applicant_email }, subject: notice.subject, text: notice.text });
    return `${data.kind}: e-mail sent to ${row.applicant_email}`;
  }
  if (!senders.sms) throw new UnrecoverableError('the SMS gateway is not configured (SMS_GATEWAY_URL)');
  const to = row.applicant_phone ? smsRecipient(row.applicant_phone) : null;
  if (!to) throw new UnrecoverableError(`dossier ${row.code} has no phone number an SMS can go to`);
  try {
    await sendSms(senders.sms, { to, text: notice.sms, reference: String(job.id ?? `${data.kind}-${data.dossierId}`) });
  } catch (err) {
    if (err instanceof SmsGatewayError && err.permanent) throw new UnrecoverableError(err.message);
    throw err;
  }
  return `${data.kind}: SMS sent to ${to}`;
}

/** The applicant-notices worker; started when SMTP or the SMS gateway is configured (otherwise no job is written). */
export function createApplicantNoticesWorker(deps: WorkerDeps): Worker | null {
  const { smtp, sms } = deps.config;
  if (!smtp && !sms) return null;
  const senders: ApplicantSenders = { email: smtp ? { transport: nodemailer.createTransport(smtp.url), from: smtp.from } : null, sms };
  return new Worker<ApplicantNoticeJobData>('applicant-notices', (job) => processApplicantNoticeJob(job, deps.db, deps.config, senders), {
    connection: createRedis(deps.redisUrl),
    prefix: deps.config.queuePrefix,
    concurrency: 2,
  });
}
