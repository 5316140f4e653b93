import { DOSSIER_MACHINE_ID } from '../../../machines/dossier/index.ts';
import { INCOMING_DOCUMENT_MACHINE_ID } from '../../../machines/incoming-document/index.ts';
import { OUTGOING_DOCUMENT_MACHINE_ID } from '../../../machines/outgoing-document/index.ts';
import { DIRECTION_STATES, DOCUMENT_EVENT_LABELS, DOCUMENT_STATE_LABELS } from '../documents/document-labels.ts';

/**
 * Vietnamese labels for drawing a machine. Anything missing is drawn with the machine's own name
 * (the state path, the event type), so a new state or event shows up at once, just untranslated.
 */
export interface FlowLabels {
  /** Title of the drawing (its `<title>` and aria-label). */
  title: string;
  /** State path → label. */
  states: Readonly<Record<string, string>>;
  /** Event type → label. */
  events: Readonly<Record<string, string>>;
  /**
   * Guard name → the condition in words, shown beside the event when one event leads to several
   * states from the same state (e.g. `APPROVE` into payment when the procedure charges a fee).
   */
  guards: Readonly<Record<string, string>>;
}

/** The one-stop dossier (DESIGN §3), in the terms of Decree 118/2025/NĐ-CP and DOMAIN §1.2. */
export const DOSSIER_FLOW_LABELS: FlowLabels = {
  title: 'Quy trình giải quyết hồ sơ',
  states: {
    submitted: 'Mới nộp, chờ tiếp nhận',
    awaitingSupplement: 'Chờ bổ sung hồ sơ',
    inDepartment: 'Phòng chuyên môn xử lý',
    'inDepartment.review': 'Chuyên viên thẩm định',
    'inDepartment.inspection': 'Thẩm định thực tế',
    'inDepartment.leadReview': 'Lãnh đạo phòng xem xét',
    leadershipApproval: 'Lãnh đạo Sở phê duyệt',
    returnedToOneStop: 'Trả về Bộ phận Một cửa',
    awaitingPayment: 'Chờ nộp phí, lệ phí',
    readyForReturn: 'Chờ trả kết quả',
    completed: 'Đã trả kết quả',
    refused: 'Từ chối giải quyết',
    withdrawn: 'Đã rút hồ sơ',
    stopped: 'Dừng giải quyết',
  },
  events: {
    SUBMIT: 'Nộp hồ sơ',
    RECEIVE: 'Tiếp nhận',
    REQUEST_SUPPLEMENT: 'Yêu cầu bổ sung',
    SUPPLEMENT: 'Bổ sung đủ',
    SUPPLEMENT_EXPIRED: 'Quá hạn bổ sung',
    REFUSE: 'Từ chối',
    WITHDRAW: 'Rút hồ sơ',
    STOP: 'Dừng',
    ASSIGN: 'Phân công',
    REASSIGN: 'Phân công lại',
    VERIFY: 'Hợp lệ',
    INVALID: 'Không hợp lệ',
    INSPECT: 'Đã thẩm định',
    PROPOSE: 'Đề xuất',
    SEND_BACK: 'Trả lại chuyên viên',
    APPROVE: 'Phê duyệt',
    DISAGREE: 'Không đồng ý',
    PAYMENT_RECEIVED: 'Đã nộp phí',
    RETURN_RESULT: 'Trả kết quả',
    ISSUE_APOLOGY: 'Xin lỗi, hẹn lại',
    STEP_OVERDUE: 'Quá hạn bước',
    APPOINTMENT_PASSED: 'Quá hẹn trả',
  },
  guards: {
    hasFee: 'có phí',
    hasLeadReview: 'có lãnh đạo phòng',
    assignedWithInspection: 'có thẩm định thực tế',
    assignedWithLeadReview: 'có lãnh đạo phòng',
    supplementReturnsToIntake: 'trước tiếp nhận',
    supplementReturnsToReview: 'sau tiếp nhận',
  },
};

/** A document's flow in the registers' words (document-labels.ts: Decree 30/2020, Quy chế 80/QĐ-SCT). */
function documentFlowLabels(title: string, direction: 'incoming' | 'outgoing'): FlowLabels {
  const states = Object.fromEntries(DIRECTION_STATES[direction].map((s) => [s, DOCUMENT_STATE_LABELS[s] as string]));
  const events = Object.fromEntries(Object.entries(DOCUMENT_EVENT_LABELS).map(([type, l]) => [type, l.action]));
  return { title, states, events, guards: {} };
}

const LABELS: Readonly<Record<string, FlowLabels>> = {
  [DOSSIER_MACHINE_ID]: DOSSIER_FLOW_LABELS,
  [INCOMING_DOCUMENT_MACHINE_ID]: documentFlowLabels('Quy trình xử lý văn bản đến', 'incoming'),
  [OUTGOING_DOCUMENT_MACHINE_ID]: documentFlowLabels('Quy trình soạn thảo, ban hành văn bản đi', 'outgoing'),
};

/** The labels of a machine; an unknown machine is drawn with its own names. */
export function flowLabelsFor(machineId: string): FlowLabels {
  return LABELS[machineId] ?? { title: machineId, states: {}, events: {}, guards: {} };
}
