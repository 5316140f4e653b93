import type { DossierContext, DossierEvent, DossierRules, DossierState } from '../../machines/dossier/index.ts';

export const DUE = '2026-03-16T02:00:00.000Z';
export const APOLOGY_BY = '2026-03-13T02:00:00.000Z';

/**
 * DESIGN §3's table as data, written from the design and not from the machine: for each state (with
 * the context and procedure rules that decide its guards), the events it takes and the state each one
 * leads to. Every other event must be refused there. A changed target, a lost or an extra transition
 * fails tests/machines/dossier.machine.test.ts; the flow drawing is checked against it too
 * (tests/web/flow.test.tsx).
 */
export interface Row {
  state: DossierState;
  /** What the situation adds to a received dossier's context. */
  context?: Partial<DossierContext>;
  rules?: Partial<DossierRules>;
  /** Event → the state it leads to ('=' stays). Events not listed are refused. */
  takes: Partial<Record<DossierEvent['type'], DossierState | '='>>;
  why: string;
}

const RECEIVED: Partial<DossierContext> = { received: true, dueAt: DUE, apologyBy: APOLOGY_BY };
const ASSIGNED: Partial<DossierContext> = { ...RECEIVED, assigneeId: 7 };
/** While the agency holds a dossier: withdraw, stop, apologise, and the deadline worker's two marks. */
const HOLDING = { WITHDRAW: 'withdrawn', STOP: 'stopped', ISSUE_APOLOGY: '=', STEP_OVERDUE: '=', APPOINTMENT_PASSED: '=' } as const;
/** During the department's review the department may ask for the one supplement itself (version 4; Decree 118/2025). */
const ASK = { REQUEST_SUPPLEMENT: 'awaitingSupplement' } as const;

export const TABLE: Row[] = [
  { state: 'submitted', context: {}, takes: { RECEIVE: 'inDepartment.review', REQUEST_SUPPLEMENT: 'awaitingSupplement', REFUSE: 'refused', WITHDRAW: 'withdrawn', STOP: 'stopped', STEP_OVERDUE: '=' }, why: 'the online check (status 1)' },
  { state: 'submitted', context: { intake: 'counter' }, takes: { RECEIVE: 'inDepartment.review', REQUEST_SUPPLEMENT: 'awaitingSupplement', REFUSE: 'refused', WITHDRAW: 'withdrawn', STOP: 'stopped', STEP_OVERDUE: '=' }, why: 'at the counter: guided in person once' },
  { state: 'submitted', context: { intake: 'counter', guidedAtCounter: true }, takes: { RECEIVE: 'inDepartment.review', REFUSE: 'refused', WITHDRAW: 'withdrawn', STOP: 'stopped', STEP_OVERDUE: '=' }, why: 'the counter guides once' },
  { state: 'inDepartment.review', context: { ...RECEIVED, intake: 'counter', guidedAtCounter: true }, takes: { ASSIGN: '=', REQUEST_SUPPLEMENT: 'awaitingSupplement', ...HOLDING }, why: 'the counter’s guidance is not the department’s one request' },
  { state: 'submitted', context: { supplementRequested: true }, takes: { RECEIVE: 'inDepartment.review', REFUSE: 'refused', WITHDRAW: 'withdrawn', STOP: 'stopped', STEP_OVERDUE: '=' }, why: 'back from the one supplement' },
  { state: 'awaitingSupplement', context: { supplementReturnTo: 'submitted', supplementRequested: true }, takes: { SUPPLEMENT: 'submitted', SUPPLEMENT_EXPIRED: 'stopped', WITHDRAW: 'withdrawn', STOP: 'stopped' }, why: 'guidance before receipt returns to the check' },
  { state: 'awaitingSupplement', context: { ...ASSIGNED, supplementReturnTo: 'review', supplementRequestedAfterReceipt: true, supplementRequested: true }, takes: { SUPPLEMENT: 'inDepartment.review', SUPPLEMENT_EXPIRED: 'stopped', WITHDRAW: 'withdrawn', STOP: 'stopped' }, why: 'a supplement after receipt returns to review' },
  { state: 'inDepartment.review', context: RECEIVED, takes: { ASSIGN: '=', ...ASK, ...HOLDING }, why: 'the lead assigns first' },
  { state: 'inDepartment.review', context: ASSIGNED, takes: { REASSIGN: '=', VERIFY: 'inDepartment.leadReview', INVALID: 'returnedToOneStop', ...ASK, ...HOLDING }, why: 'the assigned specialist checks' },
  { state: 'inDepartment.review', context: { ...ASSIGNED, supplementRequested: true }, takes: { REASSIGN: '=', VERIFY: 'inDepartment.leadReview', INVALID: 'returnedToOneStop', ...HOLDING }, why: 'the one supplement was asked for already' },
  { state: 'inDepartment.review', context: ASSIGNED, rules: { leadReview: false }, takes: { REASSIGN: '=', VERIFY: 'leadershipApproval', INVALID: 'returnedToOneStop', ...ASK, ...HOLDING }, why: 'no department-lead step' },
  { state: 'inDepartment.review', context: ASSIGNED, rules: { inspection: true }, takes: { REASSIGN: '=', VERIFY: 'inDepartment.inspection', INVALID: 'returnedToOneStop', ...ASK, ...HOLDING }, why: 'an inspection step' },
  { state: 'inDepartment.inspection', context: ASSIGNED, rules: { inspection: true }, takes: { INSPECT: 'inDepartment.leadReview', ...HOLDING }, why: 'inspection, then the lead' },
  { state: 'inDepartment.inspection', context: ASSIGNED, rules: { inspection: true, leadReview: false }, takes: { INSPECT: 'leadershipApproval', ...HOLDING }, why: 'inspection, then the director' },
  { state: 'inDepartment.leadReview', context: ASSIGNED, takes: { PROPOSE: 'leadershipApproval', SEND_BACK: 'inDepartment.review', ...HOLDING }, why: 'the lead proposes or sends back' },
  { state: 'leadershipApproval', context: ASSIGNED, takes: { APPROVE: 'awaitingPayment', DISAGREE: 'inDepartment.review', ...HOLDING }, why: 'approved with a fee to pay' },
  { state: 'leadershipApproval', context: ASSIGNED, rules: { hasFee: false }, takes: { APPROVE: 'readyForReturn', DISAGREE: 'inDepartment.review', ...HOLDING }, why: 'approved without a fee' },
  { state: 'returnedToOneStop', context: ASSIGNED, takes: { REQUEST_SUPPLEMENT: 'awaitingSupplement', REFUSE: 'refused', ...HOLDING }, why: 'an invalid dossier back at the one-stop' },
  { state: 'returnedToOneStop', context: { ...ASSIGNED, supplementRequestedAfterReceipt: true, supplementRequested: true }, takes: { REFUSE: 'refused', ...HOLDING }, why: 'a supplement only once after receipt' },
  { state: 'returnedToOneStop', context: { ...ASSIGNED, supplementRequested: true }, takes: { REFUSE: 'refused', ...HOLDING }, why: 'the online check used the one request' },
  { state: 'inDepartment.review', context: { ...ASSIGNED, apologyIssued: true, rescheduledDueAt: '2026-03-20T02:00:00.000Z' }, takes: { REASSIGN: '=', VERIFY: 'inDepartment.leadReview', INVALID: 'returnedToOneStop', ...ASK, WITHDRAW: 'withdrawn', STOP: 'stopped', STEP_OVERDUE: '=', APPOINTMENT_PASSED: '=' }, why: 'an apology only once' },
  { state: 'awaitingPayment', context: { ...ASSIGNED, result: 'grant' }, takes: { PAYMENT_RECEIVED: 'readyForReturn' }, why: 'status 6: a result exists, no withdrawal' },
  { state: 'readyForReturn', context: { ...ASSIGNED, result: 'grant' }, takes: { RETURN_RESULT: 'completed', STEP_OVERDUE: '=' }, why: 'status 9: the hand-over' },
  { state: 'completed', context: { ...ASSIGNED, result: 'grant' }, takes: {}, why: 'final' },
  { state: 'refused', context: {}, takes: {}, why: 'final' },
  { state: 'withdrawn', context: RECEIVED, takes: {}, why: 'final' },
  { state: 'stopped', context: RECEIVED, takes: {}, why: 'final' },
];

