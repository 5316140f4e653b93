import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxJobs, type AddJob } from '../../src/domain/outbox/outbox.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { APPLICANT, buildProcedure, buildWorld, fireAs, type World } from '../support/factories.ts';
import { freePort, TestRedis } from '../support/redis-server.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { randomPrefix, startTestWorkers, type TestWorkers } from '../support/test-workers.ts';

/**
 * Issue 14 §3: the applicant is told by e-mail and SMS when the dossier is received, asked for a
 * supplement, given a new appointment, sent the apology, and when the result is ready. The notices are
 * written to the outbox with the transition; the real workers (BullMQ on a private Redis) send them to a
 * real local SMTP server and to a real local HTTP server standing for the SMS provider's gateway, which
 * fails the first request (500): the retry delivers it. A request the gateway refuses (400) fails for
 * good at once and stays on the admin's Bull Board with its reason.
 */
const PUBLIC_URL = 'https://dichvucong.gialai.example.vn';
const TOKEN = 'sms-token-0123456789';
const REFUSED_PHONE = '0999 000 000';

interface SmsRequest {
  headers: IncomingHttpHeaders;
  body: { from: string; to: string; text: string; reference: string };
  answered: number;
}

let redis: TestRedis;
let app: TestApp;
let workers: TestWorkers;
let w: World;
let sink: Server;
let smtp: SMTPServer;
const sms: SmsRequest[] = [];
const mails: Array<{ to: string[]; body: string }> = [];

beforeAll(async () => {
  redis = await TestRedis.start();
  // The SMS provider: the first message is answered 500 (the provider's outage), a refused number 400.
  sink = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as SmsRequest['body'];
      const answered = sms.length === 0 ? 500 : body.to === '84999000000' ? 400 : 200;
      sms.push({ headers: req.headers, body, answered });
      res.writeHead(answered, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answered === 200 ? { status: 'accepted' } : { error: answered === 400 ? 'invalid recipient' : 'busy' }));
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const smtpPort = await freePort();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let body = '';
      stream.on('data', (chunk) => (body += chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  app = await startTestApp({
    queues: true,
    env: {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: randomPrefix(),
      IDESK_PUBLIC_URL: PUBLIC_URL,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'Trung tâm PVHCC <no-reply@gialai.example.vn>',
      SMS_GATEWAY_URL: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/sms/send`,
      SMS_GATEWAY_TOKEN: TOKEN,
      SMS_SENDER: 'SCT GIALAI',
      SMS_GATEWAY_TIMEOUT_MS: '2000',
      IDESK_SERVICE_CENTRE_NAME: 'Trung tâm Phục vụ hành chính công tỉnh Gia Lai',
      SESSION_TTL_HOURS: '2000',
    },
    // Real time: BullMQ's backoff runs on it, and deadline jobs stay in the future.
    overrides: { clock: () => new Date() },
  });
  w = await buildWorld(app);
}, 60_000);
afterAll(async () => {
  await workers?.close();
  await app?.close();
  await new Promise<void>((resolve) => sink?.close(() => resolve()));
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await redis?.stop();
});

/** The text of a mail as nodemailer wrote it (quoted-printable or base64 UTF-8), headers left out. */
function decodedBody(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding: base64/i.test(head ?? '')) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding: quoted-printable/i.test(head ?? '')) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => `%${h}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
  }
  return body;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const noticeJobs = async (dossierId: number) =>
  (await outboxJobs(app.deps.db)).filter((j): j is AddJob & { outboxId: number; deliveredAt: string | null } => j.action === 'add' && j.queue === 'applicant-notices' && (j.payload as { dossierId: number }).dossierId === dossierId);

describe('notices to the applicant', () => {
  let code = '';
  let secret = '';
  let dossierId = 0;

  it('are written to the outbox with the transitions that imply them: received, supplement, new appointment, apology, result', async () => {
    const procedure = await buildProcedure(app, w.departmentId, { name: 'Cấp Giấy phép bán lẻ sản phẩm rượu', hasFee: false, leadReview: true, workingDays: 10, supplementClock: 'restart' });
    const submitted = await w.http.post('/api/public/dossiers', { procedureId: procedure.id, applicant: APPLICANT, subject: 'Cấp giấy phép bán lẻ rượu' });
    expect(submitted.status).toBe(201);
    ({ code, trackingSecret: secret, id: dossierId } = submitted.body as { code: string; trackingSecret: string; id: number });
    const d = { id: dossierId, version: submitted.body.version as number };
    // The submission itself tells nothing yet: the one-stop check decides.
    expect(await noticeJobs(d.id)).toEqual([]);

    await fireAs(w.http, d, w.onestop, 'RECEIVE');
    const received = await noticeJobs(d.id);
    expect(received.map((j) => [j.name, j.payload.kind])).toEqual([
      ['applicant-email', 'received'],
      ['applicant-sms', 'received'],
    ]);
    // In the transition's own outbox row, beside its deadline jobs.
    const row = (await outboxJobs(app.deps.db)).filter((j) => j.outboxId === received[0]!.outboxId);
    expect(row.some((j) => j.queue === 'deadlines')).toBe(true);

    await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fireAs(w.http, d, w.specialist, 'INVALID', { reason: 'Thiếu hợp đồng thuê kho' });
    await fireAs(w.http, d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Hợp đồng thuê kho hàng (bản sao chứng thực)' });
    const supplied = await fetch(`${app.url}/api/public/dossiers/${code}/events`, {
      method: 'POST',
      headers: { 'x-tracking-secret': secret, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'SUPPLEMENT', version: d.version }),
    });
    expect(supplied.status).toBe(200);
    const afterSupplement = (await supplied.json()) as { version: number; dueAt: string };
    d.version = afterSupplement.version;
    const newDueAt = new Date(Date.parse(afterSupplement.dueAt) + 2 * 86_400_000).toISOString();
    await fireAs(w.http, d, w.lead, 'ISSUE_APOLOGY', { reason: 'Cần xác minh thực tế tại kho hàng', newDueAt });
    await fireAs(w.http, d, w.specialist, 'VERIFY');
    await fireAs(w.http, d, w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    // Events that tell the applicant nothing (ASSIGN, INVALID, VERIFY, PROPOSE) write no notice.
    const before = (await noticeJobs(d.id)).length;
    const approved = await fireAs(w.http, d, w.director, 'APPROVE');
    expect(approved.state).toBe('readyForReturn');

    const jobs = await noticeJobs(d.id);
    expect(before).toBe(8);
    expect(jobs.filter((j) => j.name === 'applicant-sms').map((j) => j.payload.kind)).toEqual(['received', 'supplement-requested', 'new-appointment', 'apology', 'result-ready']);
    expect(jobs.filter((j) => j.name === 'applicant-email').map((j) => j.payload.kind)).toEqual(['received', 'supplement-requested', 'new-appointment', 'apology', 'result-ready']);
    expect(jobs.find((j) => j.payload.kind === 'new-appointment')?.payload.dueAt).toBe(afterSupplement.dueAt);
    expect(jobs.find((j) => j.payload.kind === 'apology')?.payload).toMatchObject({ dueAt: newDueAt, reason: 'Cần xác minh thực tế tại kho hàng' });
    expect(jobs.find((j) => j.payload.kind === 'supplement-requested')?.payload.guidance).toBe('1. Hợp đồng thuê kho hàng (bản sao chứng thực)');
    // Nothing of the secret in any job.
    expect(JSON.stringify(jobs)).not.toContain(secret);
  });

  it('are sent by the workers: every e-mail, every SMS, the one the gateway failed retried and delivered', async () => {
    workers = await startTestWorkers(app);
    await until('five SMS delivered', () => sms.filter((r) => r.answered === 200 && r.body.text.includes(code)).length === 5);
    await until('five e-mails', () => mails.filter((m) => m.to.includes(APPLICANT.email)).length === 5);

    // The first request failed (500) and the same notice came again with the same reference.
    expect(sms[0]?.answered).toBe(500);
    const retried = sms.filter((r) => r.body.reference === sms[0]!.body.reference);
    expect(retried.map((r) => r.answered)).toEqual([500, 200]);
    const job = await workers.deps.queues['applicant-notices'].getJob(sms[0]!.body.reference);
    expect(job?.attemptsMade).toBe(2);
    expect(job?.returnvalue).toMatch(/SMS sent to 84256/);

    for (const r of sms) {
      if (process.env.SHOW_SMS) console.log(r.body.text.length, r.body.text);
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.body.from).toBe('SCT GIALAI');
      expect(r.body.to).toBe('842563822123');
      // Short, without diacritics, with the code and the absolute tracking link, never the secret.
      expect(r.body.text).toMatch(/^[\x20-\x7e]+$/);
      expect(r.body.text.length).toBeLessThanOrEqual(160);
      expect(r.body.text).toContain(`${PUBLIC_URL}/tra-cuu?ma=${code}`);
      expect(r.body.text).not.toContain(secret);
    }
    const texts = sms.filter((r) => r.answered === 200).map((r) => r.body.text);
    expect(texts.find((t) => t.includes('da duoc tiep nhan'))).toMatch(/hen tra ket qua \d\d\/\d\d\/20\d\d/);
    expect(texts.find((t) => t.includes('can bo sung'))).toMatch(/truoc \d\d\/\d\d\/20\d\d/);
    expect(texts.some((t) => t.includes('ngay hen tra ket qua moi'))).toBe(true);
    expect(texts.some((t) => t.startsWith('Xin loi'))).toBe(true);
    expect(texts.some((t) => t.includes('da co ket qua giai quyet'))).toBe(true);

    const bodies = mails.map((m) => {
      expect(m.to).toEqual([APPLICANT.email]);
      return decodedBody(m.body);
    });
    for (const body of bodies) {
      expect(body).toContain(`Kính gửi ${APPLICANT.name},`);
      expect(body).toContain(`Theo dõi hồ sơ tại ${PUBLIC_URL}/tra-cuu?ma=${code}`);
      expect(body).not.toContain(secret);
    }
    expect(bodies.find((b) => b.includes('cần được bổ sung'))).toContain('1. Hợp đồng thuê kho hàng (bản sao chứng thực)');
    expect(bodies.find((b) => b.includes('thành thật xin lỗi'))).toContain('Lý do: Cần xác minh thực tế tại kho hàng');
    expect(bodies.some((b) => b.includes('Trung tâm Phục vụ hành chính công tỉnh Gia Lai đã tiếp nhận hồ sơ'))).toBe(true);
  }, 60_000);

  it('a message the gateway refuses (400) fails for good at once, and the admin sees it with its reason on the Bull Board', async () => {
    const procedure = await buildProcedure(app, w.departmentId, { hasFee: false, leadReview: true });
    const res = await w.http.post('/api/dossiers', { procedureId: procedure.id, applicant: { ...APPLICANT, phone: REFUSED_PHONE, email: null } }, { token: w.onestop.token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // No e-mail address: no e-mail job; the SMS job only.
    expect((await noticeJobs(res.body.id)).map((j) => j.name)).toEqual(['applicant-sms']);
    const queue = workers.deps.queues['applicant-notices'];
    await until('the refused SMS failed', async () => (await queue.getFailed()).some((j) => j.data.dossierId === res.body.id));
    const failed = (await queue.getFailed()).find((j) => j.data.dossierId === res.body.id)!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toContain('SMS gateway answered 400');
    expect(sms.filter((r) => r.body.to === '84999000000').map((r) => r.answered)).toEqual([400]);

    const board = await w.http.get('/admin/queues/api/queues?activeQueue=applicant-notices&status=failed&page=1', { token: w.admin.token });
    expect(board.status).toBe(200);
    const listed = (board.body as { queues: Array<{ name: string; counts: Record<string, number>; jobs: Array<{ failedReason: string }> }> }).queues.find((q) => q.name === 'applicant-notices');
    expect(listed?.counts.failed).toBe(1);
    expect(listed?.jobs.map((j) => j.failedReason)).toEqual([expect.stringContaining('SMS gateway answered 400: {"error":"invalid recipient"}')]);
  }, 60_000);
});

describe('the SMS gateway in the configuration', () => {
  it('is off without a URL; with one it needs the brandname, and refuses what is not a URL', () => {
    expect(loadConfig({}).sms).toBeNull();
    expect(loadConfig({ SMS_GATEWAY_URL: 'https://sms.example.vn/api/send', SMS_SENDER: 'SCT', SMS_GATEWAY_TOKEN: 't' }).sms).toEqual({ url: 'https://sms.example.vn/api/send', token: 't', sender: 'SCT', timeoutMs: 10_000 });
    expect(() => loadConfig({ SMS_GATEWAY_URL: 'https://sms.example.vn/api/send' })).toThrow(ConfigError);
    expect(() => loadConfig({ SMS_GATEWAY_URL: 'ftp://sms.example.vn', SMS_SENDER: 'SCT' })).toThrow(/SMS_GATEWAY_URL/);
    expect(() => loadConfig({ SMS_GATEWAY_URL: 'not a url', SMS_SENDER: 'SCT' })).toThrow(/SMS_GATEWAY_URL/);
  });
});
