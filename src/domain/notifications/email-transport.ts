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
