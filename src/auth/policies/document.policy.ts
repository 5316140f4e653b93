import type { IncomingDocumentEventType } from '../../../machines/incoming-document/index.ts';
import type { OutgoingDocumentEventType } from '../../../machines/outgoing-document/index.ts';
import type { Actor } from '../actor.ts';
import { hasRole, type Principal, type Role } from '../principal.ts';

/** The parts of a document that decide who may act on it. */
export interface DocumentSubject {
  kind: 'document';
  /** Absent for `create`, before a document exists. */
  direction: 'incoming' | 'outgoing';
  state: string | null;
  draftingDepartmentId: number | null;
  drafterId: number | null;
  leadDepartmentId: number | null;
  /** Departments with an assignment on it (lead, coordinating, internal recipient). */
  departmentIds: readonly number[];
  /** Staff it was forwarded to (Điều 6.3). */
  forwardedTo: readonly number[];
}

/**
 * Actions: `view`, `create` (register an incoming document, or draft an outgoing one), `registerSigned`
 * (register an outgoing document signed outside the system, Điều 8), `attachFile` (a scan or an
 * attachment), `attachOfficialFile` (the incoming scan or the signed outgoing scan, the clerk's), and the
 * events of both machines by name.
 */
export type DocumentAction = 'view' | 'create' | 'registerSigned' | 'attachFile' | 'attachOfficialFile' | IncomingDocumentEventType | OutgoingDocumentEventType;

type Rule = (p: Principal, d: DocumentSubject) => boolean;

const anyOf =
  (...roles: Role[]): Rule =>
  (p) =>
    hasRole(p, ...roles);
const leadOf = (departmentId: number | null): ((p: Principal) => boolean) => (p) => hasRole(p, 'dept_lead') && departmentId !== null && p.departmentId === departmentId;
/** The lead department's lead (Điều 6.3: they organise the handling). */
const leadOfLeadDepartment: Rule = (p, d) => leadOf(d.leadDepartmentId)(p);
/** A lead of any department the document was directed or sent to. */
const leadOfAssignedDepartment: Rule = (p, d) => hasRole(p, 'dept_lead') && p.departmentId !== null && d.departmentIds.includes(p.departmentId);
const forwardedToThem: Rule = (p, d) => d.forwardedTo.includes(p.userId);
const leadOfDraftingDepartment: Rule = (p, d) => leadOf(d.draftingDepartmentId)(p);
const drafter: Rule = (p, d) => d.drafterId === p.userId;
const either =
  (...rules: Rule[]): Rule =>
  (p, d) =>
    rules.some((r) => r(p, d));

/**
 * Who may fire each event of the incoming-document machine (Điều 6): the director's board directs (bút
 * phê), the clerk distributes, the lead department's lead forwards to staff; the lead department's lead
 * or the staff it was forwarded to finish it or answer it.
 */
const INCOMING_RULES: Record<IncomingDocumentEventType, Rule | null> = {
  DIRECT: anyOf('director'),
  DISTRIBUTE: anyOf('clerk'),
  // Each department's lead forwards within their own department (Điều 6.3).
  FORWARD: leadOfAssignedDepartment,
  COMPLETE: either(leadOfLeadDepartment, forwardedToThem),
  ANSWER: either(leadOfLeadDepartment, forwardedToThem),
  ROUTE_INTERNAL: null,
  DEADLINE_PASSED: null,
};

/**
 * Who may fire each event of the outgoing-document machine (Điều 8; Decree 30/2020 Art. 10–16): the
 * drafter submits, the drafting department's lead reviews, the director's board signs, the clerk numbers
 * and issues. A rejection belongs to whoever holds the document: the lead under review, the director at
 * signature.
 */
const OUTGOING_RULES: Record<OutgoingDocumentEventType, Rule | null> = {
  SUBMIT: either(drafter, leadOfDraftingDepartment),
  APPROVE: leadOfDraftingDepartment,
  REJECT: (p, d) => (d.state === 'awaitingSignature' ? hasRole(p, 'director') : d.state === 'underReview' ? leadOfDraftingDepartment(p, d) : leadOfDraftingDepartment(p, d) || hasRole(p, 'director')),
  SIGN: anyOf('director'),
  REGISTER_SIGNED: anyOf('clerk'),
  ISSUE: anyOf('clerk'),
};

const SYSTEM_EVENTS: ReadonlySet<string> = new Set(['ROUTE_INTERNAL', 'DEADLINE_PASSED']);

/** The clerk and the director's board see every document (see src/domain/documents/document-visibility.ts). */
const SEES_ALL: Role[] = ['clerk', 'director'];

/** The row-level twin of scopeVisibleDocuments: the same rules for one loaded document. */
export function mayViewDocument(p: Principal, d: DocumentSubject): boolean {
  if (hasRole(p, ...SEES_ALL)) return true;
  if (drafter(p, d) || forwardedToThem(p, d)) return true;
  if (hasRole(p, 'dept_lead') && p.departmentId !== null) {
    return d.draftingDepartmentId === p.departmentId || d.leadDepartmentId === p.departmentId || d.departmentIds.includes(p.departmentId);
  }
  return false;
}

/** The document policy. */
export function documentPolicy(actor: Actor, action: string, d: DocumentSubject): boolean {
  if (actor.kind === 'system') return action === 'view' || SYSTEM_EVENTS.has(action);
  if (actor.kind !== 'user') return false;
  const p = actor.principal;
  switch (action) {
    case 'view':
      return mayViewDocument(p, d);
    case 'create':
      // The clerk registers incoming documents (Decree 30/2020 Art. 22); staff of a department draft outgoing ones.
      return d.direction === 'incoming' ? hasRole(p, 'clerk') : p.departmentId !== null && hasRole(p, 'specialist', 'dept_lead', 'director', 'clerk');
    case 'registerSigned':
      return hasRole(p, 'clerk');
    case 'attachOfficialFile':
      return hasRole(p, 'clerk');
    case 'attachFile':
      return hasRole(p, 'clerk') || (d.direction === 'outgoing' && (drafter(p, d) || leadOfDraftingDepartment(p, d)));
  }
  const rules: Record<string, Rule | null> = d.direction === 'incoming' ? INCOMING_RULES : OUTGOING_RULES;
  const rule = Object.hasOwn(rules, action) ? rules[action] : null;
  return rule !== null && rule !== undefined && rule(p, d);
}
