import { URGENCY_NAMES, type Urgency } from '../../domain/documents/document-presenter.ts';
import type { PendingReason } from '../../domain/documents/pending-documents.ts';

/**
 * The documents' words as the registers of Decree 30/2020/NĐ-CP (Phụ lục IV, VI) and the regulation
 * (Quy chế 80/QĐ-SCT, Điều 6–8) say them. Kept beside the document pages, apart from the dossiers' labels.
 */
export const DOCUMENT_STATE_LABELS: Record<string, string> = {
  // Incoming (Điều 6, 7).
  registered: 'Chờ lãnh đạo Sở cho ý kiến chỉ đạo',
  directed: 'Đã có ý kiến chỉ đạo, chờ văn thư chuyển',
  distributed: 'Đã chuyển đến phòng, chờ giao xử lý',
  inProgress: 'Đang xử lý',
  done: 'Đã xử lý xong',
  answered: 'Đã trả lời bằng văn bản',
  // Outgoing (Điều 8; Decree 30/2020 Art. 10–16).
  draft: 'Dự thảo',
  underReview: 'Chờ lãnh đạo phòng duyệt',
  awaitingSignature: 'Chờ lãnh đạo Sở ký',
  awaitingIssue: 'Đã ký, chờ văn thư phát hành',
  issued: 'Đã phát hành',
};

/** The states of one direction, in the machine's order (a register's state filter). */
export const DIRECTION_STATES: Record<'incoming' | 'outgoing', readonly string[]> = {
  incoming: ['registered', 'directed', 'distributed', 'inProgress', 'done', 'answered'],
  outgoing: ['draft', 'underReview', 'awaitingSignature', 'awaitingIssue', 'issued'],
};

export function documentStateLabel(state: string | null | undefined): string {
  if (!state) return '';
  return DOCUMENT_STATE_LABELS[state] ?? state;
}

/** Events as a button says them (what the person does) and as the timeline tells them (what happened). */
export const DOCUMENT_EVENT_LABELS: Record<string, { action: string; done: string }> = {
  REGISTER: { action: 'Vào sổ văn bản đến', done: 'Vào sổ văn bản đến' },
  DIRECT: { action: 'Cho ý kiến chỉ đạo (bút phê)', done: 'Lãnh đạo Sở cho ý kiến chỉ đạo' },
  DISTRIBUTE: { action: 'Chuyển văn bản đến các phòng', done: 'Văn thư chuyển văn bản đến các phòng' },
  ROUTE_INTERNAL: { action: 'Chuyển nội bộ', done: 'Nhận văn bản nội bộ' },
  FORWARD: { action: 'Giao chuyên viên xử lý', done: 'Lãnh đạo phòng giao xử lý' },
  COMPLETE: { action: 'Hoàn thành xử lý', done: 'Hoàn thành xử lý' },
  ANSWER: { action: 'Gắn văn bản trả lời', done: 'Trả lời bằng văn bản đi' },
  DEADLINE_PASSED: { action: 'Quá hạn xử lý', done: 'Quá hạn xử lý' },
  DRAFT: { action: 'Tạo dự thảo', done: 'Tạo dự thảo' },
  SUBMIT: { action: 'Trình lãnh đạo phòng', done: 'Trình duyệt dự thảo' },
  APPROVE: { action: 'Duyệt, trình lãnh đạo Sở ký', done: 'Lãnh đạo phòng duyệt' },
  REJECT: { action: 'Trả lại dự thảo', done: 'Trả lại dự thảo' },
  SIGN: { action: 'Ký ban hành', done: 'Lãnh đạo Sở ký' },
  REGISTER_SIGNED: { action: 'Đăng ký văn bản đã ký', done: 'Văn thư đăng ký văn bản đã ký' },
  ISSUE: { action: 'Cấp số và phát hành', done: 'Văn thư cấp số, phát hành' },
};

export function documentActionLabel(type: string): string {
  return DOCUMENT_EVENT_LABELS[type]?.action ?? type;
}

export function documentDoneLabel(type: string): string {
  return DOCUMENT_EVENT_LABELS[type]?.done ?? type;
}

export function urgencyLabel(urgency: string): string {
  return URGENCY_NAMES[urgency as Urgency] ?? urgency;
}

export const FILE_KIND_LABELS: Record<string, string> = {
  scan: 'Bản quét văn bản đến',
  signed: 'Bản quét văn bản đã ký',
  draft: 'Dự thảo',
  attachment: 'Tài liệu kèm theo',
};

export const ASSIGNMENT_ROLE_LABELS: Record<string, string> = { lead: 'Chủ trì', coordinating: 'Phối hợp', recipient: 'Nhận để biết, thực hiện' };

/** The fields of the document event forms, by their form name. */
export const DOCUMENT_FIELD_LABELS = {
  lead: 'Phòng chủ trì',
  leadDueAt: 'Hạn xử lý của phòng chủ trì',
  coordinating: 'Phòng phối hợp',
  text: 'Ý kiến chỉ đạo',
  replyRequired: 'Phải trả lời bằng văn bản',
  userId: 'Giao cho',
  dueAt: 'Hạn xử lý',
  note: 'Ghi chú',
  outgoingId: 'Văn bản trả lời (đã phát hành)',
  reason: 'Lý do trả lại',
  signerName: 'Người ký',
  signerPosition: 'Chức vụ người ký',
  file: 'Bản quét văn bản đã ký',
} as const;

export function fieldLabel(name: string): string {
  return (DOCUMENT_FIELD_LABELS as Record<string, string>)[name] ?? name;
}

/** Độ mật (Decree 30/2020 Art. 8.9): only "none" may be entered (Điều 4.2.a); the others are listed to be refused with the rule. */
export const SECRECY_LABELS: Record<string, string> = { none: 'Không mật', confidential: 'Mật', secret: 'Tối mật', top_secret: 'Tuyệt mật' };

/** What the person must do with a document waiting for them. */
export const PENDING_REASON_LABELS: Record<PendingReason, string> = {
  direct: 'Cho ý kiến chỉ đạo',
  sign: 'Ký ban hành',
  distribute: 'Chuyển văn bản đến các phòng',
  issue: 'Cấp số, phát hành',
  forward: 'Giao chuyên viên xử lý',
  review: 'Duyệt dự thảo',
  handle: 'Xử lý văn bản được giao',
  redraft: 'Hoàn thiện, trình dự thảo',
};
