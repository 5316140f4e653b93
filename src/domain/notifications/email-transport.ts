/**
 * Whether the notifications go out by e-mail, and when not, why: said once here for every place an IT
 * officer looks — the admin page, the queue board's description of the `notifications` queue, the
 * `idesk_email_transport_configured` metric and the worker process's start-up log. Without SMTP_URL no
 * e-mail job is written (`notify` gets `email: false`, src/deps.ts), so nothing waits in the queue for a
 * worker that will never come; the notifications themselves are stored and shown in the app as always.
 */
export interface EmailTransportStatus {
  configured: boolean;
  /** Why nothing is e-mailed (Vietnamese, for the admin), or null when SMTP is configured. */
  reason: string | null;
}

export const NO_SMTP_REASON =
  'Chưa cấu hình máy chủ thư (SMTP_URL, MAIL_FROM): thông báo chỉ hiện trong ứng dụng (mục thông báo ở "Việc của tôi"), không gửi thư điện tử. ' +
  'Vì vậy hàng đợi notifications không có tiến trình xử lý, và không việc gửi thư nào được đưa vào hàng đợi.';

/** The e-mail transport as the configuration gives it (`config.smtp`). */
export function emailTransportStatus(smtp: { url: string } | null): EmailTransportStatus {
  return smtp ? { configured: true, reason: null } : { configured: false, reason: NO_SMTP_REASON };
}

/** Why the applicant's notices go out by no channel: neither SMTP nor an SMS gateway is configured. */
export const NO_APPLICANT_CHANNEL_REASON =
  'Chưa cấu hình máy chủ thư (SMTP_URL) và cổng SMS (SMS_GATEWAY_URL): không gửi thông báo cho người nộp hồ sơ; người nộp theo dõi hồ sơ trên Cổng bằng mã hồ sơ và mã bảo mật tra cứu. ' +
  'Vì vậy không việc gửi nào được đưa vào hàng đợi applicant-notices.';

/** Each queue's description on the queue board: why a notices queue stays empty when it has no channel, else none. */
export function queueDescription(name: string, config: { smtp: { url: string } | null; sms: unknown }): string {
  if (name === 'notifications') return emailTransportStatus(config.smtp).reason ?? '';
  if (name === 'applicant-notices' && !config.smtp && !config.sms) return NO_APPLICANT_CHANNEL_REASON;
  return '';
}
