import type { DossierEventType, DossierState } from '../../machines/dossier/index.ts';
import type { Role } from '../auth/principal.ts';
import type { Step } from '../domain/procedures/step-allocation.ts';

/** The states of a dossier as the one-stop forms and the national portal name them (DOMAIN §1.2). */
export const STATE_LABELS: Record<DossierState, string> = {
  submitted: 'Mới nộp, chờ tiếp nhận',
  awaitingSupplement: 'Chờ bổ sung hồ sơ',
  'inDepartment.review': 'Đang thẩm định',
  'inDepartment.inspection': 'Đang thẩm định thực tế',
  'inDepartment.leadReview': 'Chờ lãnh đạo phòng xem xét',
  leadershipApproval: 'Chờ lãnh đạo Sở phê duyệt',
  returnedToOneStop: 'Trả về Bộ phận Một cửa',
  awaitingPayment: 'Chờ thực hiện nghĩa vụ tài chính',
  readyForReturn: 'Chờ trả kết quả',
  completed: 'Đã trả kết quả',
  refused: 'Từ chối tiếp nhận',
  withdrawn: 'Đã rút hồ sơ',
  stopped: 'Dừng xử lý',
};

/** A filter may name a parent state. */
export const STATE_FILTER_LABELS: Record<string, string> = { inDepartment: 'Đang xử lý tại phòng (mọi bước)', ...STATE_LABELS };

export function stateLabel(state: string | null | undefined): string {
  if (!state) return '';
  return STATE_FILTER_LABELS[state] ?? state;
}

/** Events as a button says them (what the user does) and as the timeline tells them (what happened). */
export const EVENT_LABELS: Record<DossierEventType, { action: string; done: string }> = {
  RECEIVE: { action: 'Tiếp nhận hồ sơ', done: 'Tiếp nhận hồ sơ' },
  REQUEST_SUPPLEMENT: { action: 'Yêu cầu bổ sung', done: 'Yêu cầu bổ sung, hoàn thiện hồ sơ' },
  SUPPLEMENT: { action: 'Ghi nhận bổ sung', done: 'Bổ sung hồ sơ' },
  SUPPLEMENT_EXPIRED: { action: 'Hết hạn bổ sung', done: 'Hết hạn bổ sung hồ sơ' },
  REFUSE: { action: 'Từ chối tiếp nhận', done: 'Từ chối tiếp nhận hồ sơ' },
  ASSIGN: { action: 'Phân công', done: 'Phân công chuyên viên' },
  REASSIGN: { action: 'Phân công lại', done: 'Phân công lại chuyên viên' },
  VERIFY: { action: 'Xác nhận đủ điều kiện', done: 'Chuyên viên thẩm định đạt' },
  INVALID: { action: 'Hồ sơ không hợp lệ', done: 'Chuyên viên trả hồ sơ không hợp lệ' },
  INSPECT: { action: 'Ghi kết quả thẩm định thực tế', done: 'Thẩm định thực tế' },
  PROPOSE: { action: 'Trình lãnh đạo Sở', done: 'Lãnh đạo phòng trình lãnh đạo Sở' },
  SEND_BACK: { action: 'Trả lại chuyên viên', done: 'Lãnh đạo phòng trả lại chuyên viên' },
  APPROVE: { action: 'Phê duyệt', done: 'Lãnh đạo Sở phê duyệt' },
  DISAGREE: { action: 'Không đồng ý', done: 'Lãnh đạo Sở không đồng ý' },
  PAYMENT_RECEIVED: { action: 'Xác nhận đã nộp phí', done: 'Đã thực hiện nghĩa vụ tài chính' },
  RETURN_RESULT: { action: 'Trả kết quả', done: 'Trả kết quả' },
  WITHDRAW: { action: 'Rút hồ sơ', done: 'Rút hồ sơ' },
  STOP: { action: 'Dừng xử lý', done: 'Dừng xử lý hồ sơ' },
  ISSUE_APOLOGY: { action: 'Gửi phiếu xin lỗi, hẹn lại', done: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả' },
  STEP_OVERDUE: { action: 'Quá hạn bước', done: 'Bước xử lý quá hạn' },
  APPOINTMENT_PASSED: { action: 'Quá hạn trả kết quả', done: 'Quá hạn trả kết quả' },
};

/** Audit events of a record that are not machine events (its creation). */
const OTHER_EVENTS: Record<string, string> = { SUBMIT: 'Nộp hồ sơ' };

export function eventDoneLabel(type: string): string {
  return EVENT_LABELS[type as DossierEventType]?.done ?? OTHER_EVENTS[type] ?? type;
}

export function eventActionLabel(type: string): string {
  return EVENT_LABELS[type as DossierEventType]?.action ?? type;
}

/** The fields the event forms may carry, by their API name. */
export const FIELD_LABELS: Record<string, string> = {
  note: 'Ghi chú',
  guidance: 'Nội dung yêu cầu bổ sung (liệt kê đầy đủ một lần)',
  missingPapers: 'Giấy tờ còn thiếu (in trên Mẫu 02)',
  reason: 'Lý do',
  assigneeId: 'Chuyên viên thụ lý',
  opinion: 'Ý kiến',
  proposedResult: 'Đề xuất kết quả',
  report: 'Biên bản thẩm định thực tế',
  receiptNumber: 'Số biên lai',
  method: 'Hình thức trả kết quả',
  newDueAt: 'Ngày hẹn trả mới',
};

/** The values of the fields that are a choice. */
export const VALUE_LABELS: Record<string, Record<string, string>> = {
  proposedResult: { grant: 'Cấp (chấp thuận)', refuse: 'Không cấp (từ chối)' },
  method: { counter: 'Tại Bộ phận Một cửa', post: 'Qua dịch vụ bưu chính công ích', electronic: 'Trực tuyến' },
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Quản trị hệ thống',
  clerk: 'Văn thư',
  onestop: 'Bộ phận Một cửa',
  specialist: 'Chuyên viên',
  dept_lead: 'Lãnh đạo phòng',
  director: 'Lãnh đạo Sở',
  staff: 'Cán bộ',
};

export const STEP_LABELS: Record<Step, string> = {
  intake: 'Kiểm tra, tiếp nhận',
  review: 'Thẩm định',
  inspection: 'Thẩm định thực tế',
  leadReview: 'Lãnh đạo phòng xem xét',
  leadershipApproval: 'Lãnh đạo Sở phê duyệt',
  returnedToOneStop: 'Bộ phận Một cửa xử lý hồ sơ trả về',
  readyForReturn: 'Trả kết quả',
};

export function stepLabel(step: string | null | undefined): string {
  if (!step) return '';
  return STEP_LABELS[step as Step] ?? step;
}

export const CHANNEL_LABELS: Record<string, string> = { counter: 'Trực tiếp', online: 'Trực tuyến', post: 'Bưu chính công ích' };

export const OUTCOME_LABELS: Record<string, string> = { early: 'Trước hạn', onTime: 'Đúng hạn', late: 'Quá hạn' };
