import type { PendingReason } from '../../domain/documents/pending-documents.ts';

/**
 * The states of the documents' flows as the clerk and the board name them (Quy chế, Điều 6 and 8). Kept
 * beside the document pages (the dossier labels live in ../labels.ts).
 */
export const DOCUMENT_STATE_LABELS: Record<'incoming' | 'outgoing', Record<string, string>> = {
  incoming: {
    registered: 'Chờ lãnh đạo Sở cho ý kiến',
    directed: 'Đã có ý kiến chỉ đạo, chờ chuyển',
    distributed: 'Đã chuyển đến phòng',
    inProgress: 'Đang xử lý',
    done: 'Đã xử lý xong',
    answered: 'Đã trả lời',
  },
  outgoing: {
    draft: 'Dự thảo',
    underReview: 'Chờ lãnh đạo phòng duyệt',
    awaitingSignature: 'Chờ lãnh đạo Sở ký',
    awaitingIssue: 'Chờ phát hành',
    issued: 'Đã phát hành',
  },
};

export function documentStateLabel(direction: 'incoming' | 'outgoing', state: string): string {
  return DOCUMENT_STATE_LABELS[direction][state] ?? state;
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
