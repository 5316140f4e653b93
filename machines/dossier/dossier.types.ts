/**
 * Types of the one-stop dossier machine (hồ sơ thủ tục hành chính).
 *
 * State and event names are part of the public API contract: API clients send the event names and
 * read the state names (nested states as dotted paths, e.g. `inDepartment.review`).
 */

/** The rules of the procedure in force when the dossier was received; they travel with the dossier. */
export interface DossierRules {
  /** The procedure charges a fee or another financial obligation (national status 6). */
  hasFee: boolean;
  /** A department lead reviews and proposes before leadership approval (Điều 12.1). */
  leadReview: boolean;
  /** An on-site inspection (thẩm định thực tế) follows the specialist's check. */
  inspection: boolean;
  /**
   * What a complete resubmission after a supplement request does to the time limit: `restart` runs
   * the full limit again (the rule for electronic dossiers), `pause` does not count the wait.
   */
  supplementClock: 'restart' | 'pause';
}

export type ProposedResult = 'grant' | 'refuse';

export interface DossierContext {
  rules: DossierRules;
  /** Set once the one-stop unit has received the dossier (receipt issued). */
  received: boolean;
  /** The one supplement request allowed after receipt has been used (Decree 118/2025). */
  supplementRequestedAfterReceipt: boolean;
  /**
   * Version 3: the one supplement request of the dossier has been used, before receipt (the online
   * check) or after it — a supplement is requested once in all (Decree 118/2025/NĐ-CP; DOMAIN §1.3).
   */
  supplementRequested?: boolean;
  /**
   * Version 4: where the dossier was handed in. At the counter the clerk guides the applicant in person
   * before receiving (Mẫu 02, once); that guidance is not the one request of the processing (DESIGN §3).
   */
  intake?: 'counter' | 'online';
  /** Version 4: the counter's one guidance before receipt has been given. */
  guidedAtCounter?: boolean;
  /** Where a complete supplement sends the dossier back to. */
  supplementReturnTo: 'submitted' | 'review' | null;
  assigneeId: number | null;
  proposedResult: ProposedResult | null;
  result: ProposedResult | null;
  /** Appointment (hẹn trả) per the time limit, ISO instant; supplement rules may move it. */
  dueAt: string | null;
  /** The last instant at which an apology with a new appointment may still be issued. */
  apologyBy: string | null;
  /** The new appointment promised in the apology (phiếu xin lỗi), if one was issued. */
  rescheduledDueAt: string | null;
  apologyIssued: boolean;
  /** Version 2: whether the apology came no later than its deadline (null: none issued). */
  apologyTimely: boolean | null;
  /** Version 2: the due instant of the step last marked overdue by the deadline worker. */
  stepOverdueDueAt: string | null;
  /** Version 2: the appointment that passed while the agency held the dossier. */
  lateDueAt: string | null;
}

export interface DossierInput {
  rules: DossierRules;
  /** Version 4: where the dossier was handed in (absent: online, as before). */
  intake?: 'counter' | 'online';
}

/** Fields the service adds to every event: the instant it happened (machines never read a clock). */
interface Stamped {
  at: string;
}

export type DossierEvent = Stamped &
  (
    | {
        type: 'RECEIVE';
        note?: string;
        /** Computed by the service from the working-day calendar (DESIGN §7). */
        dueAt: string;
        apologyBy: string;
      }
    | {
        type: 'REQUEST_SUPPLEMENT';
        /** What to supplement and why, as Mẫu 02 prints it (the list of items, Decree 118/2025: all at once). */
        guidance: string;
        /** The required papers (the procedure's codes) found missing, printed by name on Mẫu 02 before the guidance. */
        missingPapers?: string[];
      }
    | {
        type: 'SUPPLEMENT';
        note?: string;
        /** When the supplement resumes processing after receipt: the new appointment per the clock rule. */
        dueAt?: string;
        apologyBy?: string;
        /** Version 2: what becomes of an appointment an apology promised (null: superseded). */
        rescheduledDueAt?: string | null;
      }
    | { type: 'SUPPLEMENT_EXPIRED' }
    | { type: 'REFUSE'; reason: string }
    | { type: 'ASSIGN'; assigneeId: number }
    | { type: 'REASSIGN'; assigneeId: number }
    | { type: 'VERIFY'; note?: string; opinion?: string; proposedResult?: ProposedResult }
    | { type: 'INVALID'; reason: string }
    | { type: 'INSPECT'; report: string }
    | { type: 'PROPOSE'; opinion: string; proposedResult: ProposedResult }
    | { type: 'SEND_BACK'; reason: string }
    | { type: 'APPROVE'; note?: string }
    | { type: 'DISAGREE'; reason: string }
    | { type: 'PAYMENT_RECEIVED'; receiptNumber: string }
    | { type: 'RETURN_RESULT'; method?: 'counter' | 'post' | 'electronic'; note?: string }
    | { type: 'WITHDRAW'; reason: string }
    | { type: 'STOP'; reason: string }
    | { type: 'ISSUE_APOLOGY'; reason: string; newDueAt: string }
    // Version 2, sent by the deadline worker and the sweep (STYLE: deadlines are explicit events).
    | { type: 'STEP_OVERDUE'; step: string; dueAt: string }
    | { type: 'APPOINTMENT_PASSED'; dueAt: string }
  );

export type DossierEventType = DossierEvent['type'];

/** Every event the dossier machine knows, in the order the flow usually meets them. */
export const DOSSIER_EVENT_TYPES = [
  'RECEIVE',
  'REQUEST_SUPPLEMENT',
  'SUPPLEMENT',
  'SUPPLEMENT_EXPIRED',
  'REFUSE',
  'ASSIGN',
  'REASSIGN',
  'VERIFY',
  'INVALID',
  'INSPECT',
  'PROPOSE',
  'SEND_BACK',
  'APPROVE',
  'DISAGREE',
  'PAYMENT_RECEIVED',
  'RETURN_RESULT',
  'WITHDRAW',
  'STOP',
  'ISSUE_APOLOGY',
  'STEP_OVERDUE',
  'APPOINTMENT_PASSED',
] as const satisfies readonly DossierEventType[];

/** Dotted state paths, as the API reports them. */
export const DOSSIER_STATES = [
  'submitted',
  'awaitingSupplement',
  'inDepartment.review',
  'inDepartment.inspection',
  'inDepartment.leadReview',
  'leadershipApproval',
  'returnedToOneStop',
  'awaitingPayment',
  'readyForReturn',
  'completed',
  'refused',
  'withdrawn',
  'stopped',
] as const;

export type DossierState = (typeof DOSSIER_STATES)[number];

export const FINAL_DOSSIER_STATES: readonly DossierState[] = ['completed', 'refused', 'withdrawn', 'stopped'];
