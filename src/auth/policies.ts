import type { DossierEventType } from '../../machines/dossier/index.ts';
import { hasRole, type Principal, type Role } from './principal.ts';

/** Who fires a dossier event: a staff member, the applicant holding the tracking secret, or the system. */
export type DossierActor = { kind: 'user'; principal: Principal } | { kind: 'applicant' } | { kind: 'system' };

/** The parts of a dossier that decide who may act on it. */
export interface DossierSubject {
  departmentId: number;
  assigneeId: number | null;
}

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
  REQUEST_SUPPLEMENT: anyOf('onestop'),
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

const APPLICANT_EVENTS: ReadonlySet<DossierEventType> = new Set(['SUPPLEMENT', 'WITHDRAW']);
const SYSTEM_EVENTS: ReadonlySet<DossierEventType> = new Set(['SUPPLEMENT_EXPIRED', 'STEP_OVERDUE', 'APPOINTMENT_PASSED']);

/** May this actor fire this event on this dossier (whatever its state)? */
export function mayFireDossierEvent(actor: DossierActor, type: DossierEventType, dossier: DossierSubject): boolean {
  if (actor.kind === 'system') return SYSTEM_EVENTS.has(type);
  if (actor.kind === 'applicant') return APPLICANT_EVENTS.has(type);
  const rule = STAFF_RULES[type];
  return rule !== null && rule(actor.principal, dossier);
}

/** May this staff member see this dossier? */
export function mayViewDossier(principal: Principal, dossier: DossierSubject): boolean {
  if (hasRole(principal, 'admin', 'onestop', 'director')) return true;
  if (hasRole(principal, 'dept_lead', 'specialist')) return principal.departmentId === dossier.departmentId;
  return false;
}

/** Roles that work with dossiers at all. */
export const DOSSIER_ROLES: Role[] = ['admin', 'onestop', 'director', 'dept_lead', 'specialist'];
