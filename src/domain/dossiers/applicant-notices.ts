import type { DossierContext, DossierEvent, DossierState } from '../../../machines/dossier/index.ts';
import type { WorkingTime } from '../../calendar/working-calendar.ts';
import { jobIdStamp, type AddJob } from '../outbox/outbox.ts';
import type { DossierRow } from './dossier-rows.ts';

/**
 * What the applicant is told, by e-mail and by SMS, as their dossier moves (Decree 118/2025/NĐ-CP Art. 16
 * and 18: the applicant is told of the receipt and appointment, of a request to supplement, of a new
 * appointment with the agency's apology when it is late, and when the result is ready; DOMAIN §1).
 *
 * The notices are decided from the transition and written to the outbox in the transition's own
 * transaction (like its deadline jobs): a committed transition always gets its notices, a refused one
 * none. The job carries the facts (which notice, the new appointment, the guidance); the worker
 * (workers/applicant-notices.worker.ts) reads the dossier's code and contact when it sends, composes the
 * text with {@link composeApplicantNotice} and retries a failed send (BullMQ attempts and backoff, the
 * outbox relay's). A channel that is not configured gets no job, so nothing waits for a sender that
 * does not exist. The tracking secret is never in a notice: e-mail and SMS are not a safe channel for a
 * credential, and the receipt already carries it.
 */
export type ApplicantNoticeKind = 'received' | 'supplement-requested' | 'new-appointment' | 'apology' | 'result-ready';
export type ApplicantChannel = 'email' | 'sms';

export interface ApplicantNoticeJobData {
  dossierId: number;
  kind: ApplicantNoticeKind;
  channel: ApplicantChannel;
  /** The appointment the notice announces (received, new-appointment, apology). */
  dueAt?: string | null;
  /** The last instant to supplement (supplement-requested). */
  supplementBy?: string | null;
  /** What to supplement, as the staff wrote it (supplement-requested). */
  guidance?: string | null;
  /** Why the dossier is late (apology). */
  reason?: string | null;
}

/** Which channels send: e-mail when SMTP is configured, SMS when the gateway is. */
export interface ApplicantChannels {
  email: boolean;
  sms: boolean;
}

/**
 * The link to the tracking form of a dossier: absolute from IDESK_PUBLIC_URL, the path alone when it is
 * not set — never built from a request's Host header, which the client chooses.
 */
export function trackingLink(publicUrl: string | null, code: string): string {
  return `${publicUrl ?? ''}/tra-cuu?ma=${encodeURIComponent(code)}`;
}

/** The notices one transition implies: the facts of each, without the channel. */
function noticesOf(
  calendar: WorkingTime,
  supplementWaitDays: number,
  event: DossierEvent,
  before: DossierContext,
  after: DossierContext,
  state: DossierState,
  stateChanged: boolean,
): Array<Omit<ApplicantNoticeJobData, 'dossierId' | 'channel'>> {
  if (!stateChanged && event.type !== 'ISSUE_APOLOGY') return [];
  switch (event.type) {
    case 'RECEIVE':
      return [{ kind: 'received', dueAt: after.dueAt }];
    case 'REQUEST_SUPPLEMENT': {
      // The same window the deadline worker stops the dossier after (dossier-deadlines.ts supplement-expiry).
      const by = calendar.addWorkingDays(new Date(event.at), supplementWaitDays).toISOString();
      return [{ kind: 'supplement-requested', supplementBy: by, guidance: event.guidance.slice(0, 2000) }];
    }
    case 'SUPPLEMENT':
      // A supplement after receipt that moves the appointment (the clock restarted, or the wait not counted).
      return after.dueAt !== null && before.dueAt !== null && after.dueAt !== before.dueAt ? [{ kind: 'new-appointment', dueAt: after.rescheduledDueAt ?? after.dueAt }] : [];
    case 'ISSUE_APOLOGY':
      return after.apologyIssued && !before.apologyIssued ? [{ kind: 'apology', dueAt: after.rescheduledDueAt, reason: event.reason.slice(0, 1000) }] : [];
    default:
      return state === 'readyForReturn' ? [{ kind: 'result-ready' }] : [];
  }
}

/**
 * The outbox jobs that tell the applicant of this transition: one per notice and configured channel the
 * applicant has an address for. Job ids are deterministic (the dossier, the notice, the channel and the
 * transition's instant), so a relay that delivers an outbox row twice enqueues each once.
 */
export function applicantNoticeJobs(
  channels: ApplicantChannels | undefined,
  calendar: WorkingTime,
  supplementWaitDays: number,
  row: Pick<DossierRow, 'id' | 'applicant_email' | 'applicant_phone'>,
  event: DossierEvent,
  before: DossierContext,
  after: DossierContext,
  state: DossierState,
  stateChanged: boolean,
): AddJob[] {
  if (!channels || (!channels.email && !channels.sms)) return [];
  const open: ApplicantChannel[] = [];
  if (channels.email && row.applicant_email) open.push('email');
  if (channels.sms && row.applicant_phone && smsRecipient(row.applicant_phone) !== null) open.push('sms');
  if (open.length === 0) return [];
  return noticesOf(calendar, supplementWaitDays, event, before, after, state, stateChanged).flatMap((notice) =>
    open.map(
      (channel): AddJob => ({
        action: 'add',
        queue: 'applicant-notices',
        name: `applicant-${channel}`,
        jobId: `applicant-${notice.kind}-${channel}-${row.id}-${jobIdStamp(event.at)}`,
        payload: { dossierId: row.id, channel, ...notice },
        runAt: null,
      }),
    ),
  );
}

/**
 * A Vietnamese phone number as SMS gateways take it: digits only, with the country code 84 in place of
 * the leading 0 (`0912 345 678` → `84912345678`); null for what cannot be one (a number too short or long).
 */
export function smsRecipient(phone: string): string | null {
  let digits = phone.replace(/[\s.()-]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  else if (digits.startsWith('0')) digits = `84${digits.slice(1)}`;
  return /^[0-9]{9,15}$/.test(digits) ? digits : null;
}

/** dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh (UTC+7 all year). */
function localDateTime(instant: string): string {
  const t = new Date(Date.parse(instant) + 7 * 3_600_000).toISOString();
  return `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)} ${t.slice(11, 16)}`;
}

function localDate(instant: string): string {
  return localDateTime(instant).slice(0, 10);
}

export interface NoticeDossier {
  code: string;
  applicantName: string;
  procedureName: string;
}

export interface NoticeSettings {
  publicUrl: string | null;
  agencyName: string;
  serviceCentreName: string;
}

export interface ComposedNotice {
  subject: string;
  /** The e-mail's text. */
  text: string;
  /** The SMS: without diacritics (brandname SMS go as GSM 7-bit, 160 characters a part, where Unicode gives 70). */
  sms: string;
}

/**
 * The texts of one notice. The e-mail says what happened, what to do and where to follow the dossier;
 * the SMS says it in one or two parts, with the code and the tracking link. Neither carries the secret.
 */
export function composeApplicantNotice(data: ApplicantNoticeJobData, dossier: NoticeDossier, settings: NoticeSettings): ComposedNotice {
  const link = settings.publicUrl ? trackingLink(settings.publicUrl, dossier.code) : null;
  const follow = link
    ? `Theo dõi hồ sơ tại ${link} (nhập mã hồ sơ và mã bảo mật tra cứu in trên giấy tiếp nhận).`
    : `Theo dõi hồ sơ trên Cổng dịch vụ công của tỉnh với mã hồ sơ ${dossier.code} và mã bảo mật tra cứu in trên giấy tiếp nhận.`;
  const smsLink = link ? ` Tra cuu: ${link}` : '';
  const code = dossier.code;
  const due = data.dueAt ? localDateTime(data.dueAt) : null;
  let subject: string;
  let lines: string[];
  let sms: string;
  switch (data.kind) {
    case 'received':
      subject = `Hồ sơ ${code} đã được tiếp nhận`;
      lines = [`${settings.serviceCentreName} đã tiếp nhận hồ sơ ${code} (${dossier.procedureName}).`, ...(due ? [`Ngày hẹn trả kết quả: ${due}.`] : [])];
      sms = `Ho so ${code} da duoc tiep nhan${data.dueAt ? `, hen tra ket qua ${localDate(data.dueAt)}` : ''}.${smsLink}`;
      break;
    case 'supplement-requested': {
      const by = data.supplementBy ? localDateTime(data.supplementBy) : null;
      subject = `Hồ sơ ${code} cần bổ sung giấy tờ`;
      lines = [
        `Hồ sơ ${code} (${dossier.procedureName}) cần được bổ sung, hoàn thiện theo hướng dẫn sau:`,
        data.guidance ?? '',
        ...(by ? [`Hạn bổ sung: ${by}. Quá hạn mà chưa bổ sung, hồ sơ sẽ bị dừng giải quyết.`] : []),
        'Bổ sung trực tuyến tại trang tra cứu hồ sơ hoặc tại nơi đã nộp hồ sơ.',
      ];
      sms = `Ho so ${code} can bo sung giay to${data.supplementBy ? ` truoc ${localDate(data.supplementBy)}` : ''}.${link ? ` Huong dan: ${link}` : ' Xem huong dan tai trang tra cuu.'}`;
      break;
    }
    case 'new-appointment':
      subject = `Hồ sơ ${code}: ngày hẹn trả kết quả mới`;
      lines = [`Hồ sơ ${code} (${dossier.procedureName}) đã được bổ sung đầy đủ và tiếp tục giải quyết.`, ...(due ? [`Ngày hẹn trả kết quả mới: ${due}.`] : [])];
      sms = `Ho so ${code} co ngay hen tra ket qua moi${data.dueAt ? `: ${localDate(data.dueAt)}` : ''}.${smsLink}`;
      break;
    case 'apology':
      subject = `Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ ${code}`;
      lines = [
        `${settings.agencyName} thành thật xin lỗi vì hồ sơ ${code} (${dossier.procedureName}) chưa được giải quyết đúng hẹn.`,
        ...(data.reason ? [`Lý do: ${data.reason}`] : []),
        ...(due ? [`Ngày hẹn trả kết quả mới: ${due}.`] : []),
        'Phiếu xin lỗi và hẹn lại ngày trả kết quả có tại trang tra cứu hồ sơ.',
      ];
      sms = `Xin loi: ho so ${code} bi tre hen.${data.dueAt ? ` Hen tra ket qua moi: ${localDate(data.dueAt)}.` : ''}${smsLink}`;
      break;
    case 'result-ready':
      subject = `Hồ sơ ${code} đã có kết quả giải quyết`;
      lines = [`Hồ sơ ${code} (${dossier.procedureName}) đã có kết quả giải quyết.`, `Mời nhận kết quả tại ${settings.serviceCentreName} hoặc xem tại trang tra cứu hồ sơ.`];
      sms = `Ho so ${code} da co ket qua giai quyet.${smsLink}`;
      break;
  }
  const text = [`Kính gửi ${dossier.applicantName},`, '', ...lines, '', follow, '', `${settings.serviceCentreName} — thư gửi tự động, xin đừng trả lời thư này.`].join('\n');
  return { subject, text, sms: foldForSms(sms) };
}

/** Vietnamese without its marks (`đ` → `d`), case kept: what a brandname SMS carries. */
function foldForSms(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}
