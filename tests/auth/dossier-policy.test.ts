import { describe, expect, it } from 'vitest';
import { DOSSIER_EVENT_TYPES } from '../../machines/dossier/index.ts';
import type { Actor } from '../../src/auth/actor.ts';
import { dossierPolicy, type DossierSubject } from '../../src/auth/policies/dossier.policy.ts';
import type { Principal, Role } from '../../src/auth/principal.ts';

/**
 * Who may do what to a dossier, written out by hand from DESIGN §2–3, Điều 11–12 and Decree 118/2025 —
 * not computed from the policy. Every action × role × scope is compared whole: a rule widened (or
 * narrowed) by mistake fails here. Scopes: the dossier of the actor's own department and assigned to
 * them, of their own department and assigned to someone else, and of another department; in the
 * department's review (`review`) and elsewhere (`other`, the states where the one-stop acts).
 */
const DEPT = 10;
const ME = 1;

type Scope = 'own.assigned.review' | 'own.assigned.other' | 'own.unassigned.review' | 'foreign.review' | 'foreign.other';

const SCOPES: Record<Scope, DossierSubject> = {
  'own.assigned.review': { kind: 'dossier', departmentId: DEPT, assigneeId: ME, state: 'inDepartment.review' },
  'own.assigned.other': { kind: 'dossier', departmentId: DEPT, assigneeId: ME, state: 'returnedToOneStop' },
  'own.unassigned.review': { kind: 'dossier', departmentId: DEPT, assigneeId: 99, state: 'inDepartment.review' },
  'foreign.review': { kind: 'dossier', departmentId: 20, assigneeId: 99, state: 'inDepartment.review' },
  'foreign.other': { kind: 'dossier', departmentId: 20, assigneeId: 99, state: 'submitted' },
};

const ROLES: Role[] = ['admin', 'onestop', 'director', 'dept_lead', 'specialist', 'clerk', 'staff'];
const ALL_SCOPES = Object.keys(SCOPES) as Scope[];
const OWN: Scope[] = ['own.assigned.review', 'own.assigned.other', 'own.unassigned.review'];
const ASSIGNED: Scope[] = ['own.assigned.review', 'own.assigned.other'];
const NONE: Scope[] = [];

/** action → role → the scopes in which it is allowed. Roles not named are allowed nowhere. */
const TABLE: Record<string, Partial<Record<Role, Scope[]>>> = {
  view: { admin: ALL_SCOPES, onestop: ALL_SCOPES, director: ALL_SCOPES, dept_lead: OWN, specialist: OWN },
  create: { onestop: ALL_SCOPES },
  list: { admin: ALL_SCOPES, onestop: ALL_SCOPES, director: ALL_SCOPES, dept_lead: ALL_SCOPES, specialist: ALL_SCOPES },
  keepLogBook: { onestop: ALL_SCOPES, director: ALL_SCOPES, admin: ALL_SCOPES },
  attachPaper: { onestop: ALL_SCOPES },
  attachResult: { onestop: ALL_SCOPES },
  RECEIVE: { onestop: ALL_SCOPES },
  // The one-stop asks at its check and after an invalid finding; in the review the department asks itself.
  REQUEST_SUPPLEMENT: { onestop: ['own.assigned.other', 'foreign.other'], dept_lead: ['own.assigned.review', 'own.unassigned.review'], specialist: ['own.assigned.review'] },
  SUPPLEMENT: { onestop: ALL_SCOPES },
  SUPPLEMENT_EXPIRED: {},
  REFUSE: { onestop: ALL_SCOPES },
  ASSIGN: { dept_lead: OWN },
  REASSIGN: { dept_lead: OWN },
  VERIFY: { specialist: ASSIGNED },
  INVALID: { specialist: ASSIGNED },
  INSPECT: { specialist: ASSIGNED },
  PROPOSE: { dept_lead: OWN },
  SEND_BACK: { dept_lead: OWN },
  APPROVE: { director: ALL_SCOPES },
  DISAGREE: { director: ALL_SCOPES },
  PAYMENT_RECEIVED: { onestop: ALL_SCOPES },
  RETURN_RESULT: { onestop: ALL_SCOPES },
  WITHDRAW: { onestop: ALL_SCOPES },
  STOP: { onestop: ALL_SCOPES },
  ISSUE_APOLOGY: { director: ALL_SCOPES, dept_lead: OWN },
  STEP_OVERDUE: {},
  APPOINTMENT_PASSED: {},
};

function userOf(role: Role): Actor {
  const principal: Principal = { userId: ME, username: role, fullName: role, departmentId: DEPT, roles: [role], mustChangePassword: false, via: 'session', expiresAt: null };
  return { kind: 'user', principal };
}

describe('the dossier policy, as a table', () => {
  it('names every action the policy knows, every machine event included', () => {
    expect(Object.keys(TABLE).sort()).toEqual(['view', 'create', 'list', 'keepLogBook', 'attachPaper', 'attachResult', ...DOSSIER_EVENT_TYPES].sort());
  });

  it('staff: every action × role × scope is as the table says', () => {
    const actual: Record<string, Partial<Record<Role, Scope[]>>> = {};
    for (const action of Object.keys(TABLE)) {
      actual[action] = {};
      for (const role of ROLES) {
        const allowed = ALL_SCOPES.filter((scope) => dossierPolicy(userOf(role), action, SCOPES[scope]));
        if (allowed.length > 0) (actual[action] as Record<string, Scope[]>)[role] = allowed;
      }
    }
    const expected = Object.fromEntries(Object.entries(TABLE).map(([action, roles]) => [action, Object.fromEntries(Object.entries(roles).filter(([, scopes]) => scopes.length > 0))]));
    expect(actual).toEqual(expected);
    expect(NONE).toEqual([]);
  });

  it('the applicant and the system fire only their own events', () => {
    const subject = SCOPES['foreign.other'];
    const applicant = Object.keys(TABLE).filter((a) => dossierPolicy({ kind: 'applicant' }, a, subject));
    const system = Object.keys(TABLE).filter((a) => dossierPolicy({ kind: 'system' }, a, subject));
    expect(applicant.sort()).toEqual(['SUPPLEMENT', 'WITHDRAW', 'attachPaper'].sort());
    expect(system.sort()).toEqual(['APPOINTMENT_PASSED', 'STEP_OVERDUE', 'SUPPLEMENT_EXPIRED'].sort());
  });
});
