import type { DossierEventType } from '../../../machines/dossier/index.ts';
import type { Actor } from '../actor.ts';
import { hasRole, type Principal, type Role } from '../principal.ts';

/** The parts of a dossier that decide who may act on it. */
export interface DossierSubject {
  kind: 'dossier';
  departmentId: number;
  assigneeId: number | null;
  /** The dossier's state (a dotted path): who asks for a supplement depends on where the dossier is. Absent before it exists. */
  state?: string;
}

/**
 * What may be done to a dossier: `view` (its data and papers), `create` (receive at the counter), `list`
 * (work with dossiers at all; the list is then scoped by `view`), `keepLogBook` (read the one-stop's Sổ
 * theo dõi hồ sơ), `attachPaper` (add a paper the applicant hands in), `attachResult` (add the result
 * document, giấy phép), and every event of the machine by its name. Whether the dossier's state takes
 * papers is the papers service's rule, not the policy's.
 */
export type DossierAction = 'view' | 'create' | 'list' | 'keepLogBook' | 'attachPaper' | 'attachResult' | DossierEventType;

type Rule = (principal: Principal, dossier: DossierSubject) => boolean;

const anyOf =
  (...roles: Role[]): Rule =>
  (p) =>
    hasRole(p, ...roles);
/** A department lead acts only on dossiers of their own department (Điều 6.3, 12.1). */
const leadOfDepartment: Rule = (p, d) => hasRole(p, 'dept_lead') && p.departmentId === d.departmentId;
/** Only the specialist the lead assigned checks the dossier. */
const assignedSpecialist: Rule = (p, d) => hasRole(p, 'specialist') && d.assigneeId === p.userId;

/**
 * Which staff may fire each event. The machine decides what may happen; this decides who may do it
 * (role + department + assignment, DESIGN §2). Applicant and system events are listed separately.
 */
const STAFF_RULES: Record<DossierEventType, Rule | null> = {
  RECEIVE: anyOf('onestop'),
  // Before receipt (the check at the counter or of an online submission) and when the department sends an
  // invalid dossier back, the one-stop unit asks; during the department's review the handling department
  // itself asks — the assigned specialist or the lead — and the one-stop staff send it (Decree 118/2025/NĐ-CP).
  REQUEST_SUPPLEMENT: (p, d) => (d.state === 'inDepartment.review' ? leadOfDepartment(p, d) || assignedSpecialist(p, d) : hasRole(p, 'onestop')),
  // The one-stop unit may record a supplement handed in at the counter on the applicant's behalf.
  SUPPLEMENT: anyOf('onestop'),
  SUPPLEMENT_EXPIRED: null,
  REFUSE: anyOf('onestop'),
  ASSIGN: leadOfDepartment,
  REASSIGN: leadOfDepartment,
  VERIFY: assignedSpecialist,
  INVALID: assignedSpecialist,
  INSPECT: assignedSpecialist,
  PROPOSE: leadOfDepartment,
  SEND_BACK: leadOfDepartment,
  // Lãnh đạo Sở decides (Điều 12.2).
  APPROVE: anyOf('director'),
  DISAGREE: anyOf('director'),
  PAYMENT_RECEIVED: anyOf('onestop'),
  RETURN_RESULT: anyOf('onestop'),
  // A withdrawal asked for at the counter or by post is recorded by the one-stop unit (Decree 118/2025 Art. 21.1).
  WITHDRAW: anyOf('onestop'),
  STOP: anyOf('onestop'),
  // The head of the processing body signs the apology; the department lead or the director issues it.
  ISSUE_APOLOGY: (p, d) => hasRole(p, 'director') || leadOfDepartment(p, d),
  // The deadline worker's own events.
  STEP_OVERDUE: null,
  APPOINTMENT_PASSED: null,
};

const APPLICANT_EVENTS: ReadonlySet<string> = new Set<DossierEventType>(['SUPPLEMENT', 'WITHDRAW']);
const SYSTEM_EVENTS: ReadonlySet<string> = new Set<DossierEventType>(['SUPPLEMENT_EXPIRED', 'STEP_OVERDUE', 'APPOINTMENT_PASSED']);

/** Roles that work with dossiers at all. */
export const DOSSIER_ROLES: Role[] = ['admin', 'onestop', 'director', 'dept_lead', 'specialist'];

/** Staff who see every dossier; the others see their own department's. */
const SEES_ALL: Role[] = ['admin', 'onestop', 'director'];

function mayView(principal: Principal, dossier: DossierSubject): boolean {
  if (hasRole(principal, ...SEES_ALL)) return true;
  if (hasRole(principal, 'dept_lead', 'specialist')) return principal.departmentId === dossier.departmentId;
  return false;
}

/**
 * The dossier policy. The applicant reaches their own dossier only through its code and tracking
 * secret (applicant access), so `view` here is for staff.
 */
export function dossierPolicy(actor: Actor, action: string, dossier: DossierSubject): boolean {
  if (action === 'view') return actor.kind === 'user' && mayView(actor.principal, dossier);
  if (action === 'create') return actor.kind === 'user' && hasRole(actor.principal, 'onestop');
  if (action === 'list') return actor.kind === 'user' && hasRole(actor.principal, ...DOSSIER_ROLES);
  // The book is kept at the one-stop unit; the director and the IT officer read it.
  if (action === 'keepLogBook') return actor.kind === 'user' && hasRole(actor.principal, 'onestop', 'director', 'admin');
  // Papers are handed in at the one-stop counter (scans at intake, a supplement brought in person) and the
  // result is handed back there (Decree 118/2025: the one-stop unit receives and returns); the applicant
  // adds papers to their own online submission with the tracking secret.
  if (action === 'attachPaper') return actor.kind === 'applicant' || (actor.kind === 'user' && hasRole(actor.principal, 'onestop'));
  if (action === 'attachResult') return actor.kind === 'user' && hasRole(actor.principal, 'onestop');
  if (actor.kind === 'system') return SYSTEM_EVENTS.has(action);
  if (actor.kind === 'applicant') return APPLICANT_EVENTS.has(action);
  const rule = STAFF_RULES[action as DossierEventType];
  return rule !== undefined && rule !== null && rule(actor.principal, dossier);
}

/**
 * Which dossiers a staff member's lists hold: every department's, their own department's (its id), or
 * none for department staff who belong to no department.
 */
export function dossierListScope(principal: Principal): 'all' | 'none' | number {
  if (hasRole(principal, ...SEES_ALL)) return 'all';
  return principal.departmentId ?? 'none';
}
