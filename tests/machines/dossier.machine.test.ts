import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  DOSSIER_EVENT_TYPES,
  DOSSIER_STATES,
  NATIONAL_STATUS,
  dossierMachine,
  dossierMachineV1,
  dossierMachineV2,
  dossierMachineV3,
  statePath,
  stateValueOf,
  type DossierContext,
  type DossierEvent,
  type DossierRules,
  type DossierState,
} from '../../machines/dossier/index.ts';
import { SAMPLE_EVENTS } from '../support/dossier-model.ts';
import { APOLOGY_BY, DUE, TABLE, type Row } from '../support/dossier-table.ts';

const AT = '2026-03-02T02:00:00.000Z';
const STANDARD: DossierRules = { hasFee: true, leadReview: true, inspection: false, supplementClock: 'restart' };

type Snap = ReturnType<typeof initialTransition<typeof dossierMachine>>[0];

function start(rules: DossierRules = STANDARD): Snap {
  return initialTransition(dossierMachine, { rules })[0];
}

function sample(type: DossierEvent['type'], extra: Record<string, unknown> = {}): DossierEvent {
  return { ...(SAMPLE_EVENTS.find((e) => e.type === type) as DossierEvent), ...extra } as DossierEvent;
}

/** Sends events in order, failing the test if the machine refuses one. */
function run(snapshot: Snap, ...types: Array<DossierEvent['type'] | DossierEvent>): Snap {
  let s = snapshot;
  for (const t of types) {
    const event = typeof t === 'string' ? sample(t) : t;
    expect(s.can(event), `${event.type} in ${statePath(s.value as string)}`).toBe(true);
    s = transition(dossierMachine, s, event)[0];
  }
  return s;
}

const state = (s: Snap) => statePath(s.value as string);
const accepted = (s: Snap, at = AT) => DOSSIER_EVENT_TYPES.filter((type) => s.can({ type, at } as DossierEvent));

describe('dossier machine: the flow of DESIGN §3', () => {
  it('starts at submitted, with the rules it was given and nothing decided', () => {
    const s = start();
    expect(state(s)).toBe('submitted');
    expect(s.context).toMatchObject({ rules: STANDARD, received: false, assigneeId: null, result: null, dueAt: null, apologyIssued: false });
    expect(accepted(s)).toEqual(['RECEIVE', 'REQUEST_SUPPLEMENT', 'REFUSE', 'WITHDRAW', 'STOP', 'STEP_OVERDUE']);
  });

  it('records the appointment the service computed on receipt', () => {
    const s = run(start(), 'RECEIVE');
    expect(state(s)).toBe('inDepartment.review');
    expect(s.context).toMatchObject({ received: true, dueAt: DUE, apologyBy: APOLOGY_BY });
  });

  it('asks for a supplement once in all: the online check’s request is that once (Decree 118/2025)', () => {
    let s = run(start(), 'REQUEST_SUPPLEMENT');
    expect(state(s)).toBe('awaitingSupplement');
    expect(s.context).toMatchObject({ supplementRequested: true, supplementReturnTo: 'submitted', supplementRequestedAfterReceipt: false });
    s = run(s, 'SUPPLEMENT');
    expect(state(s)).toBe('submitted');
    expect(s.can(sample('REQUEST_SUPPLEMENT'))).toBe(false);
    // Received, found invalid by the department: the one request was used at the online check.
    s = run(s, 'RECEIVE', 'ASSIGN', 'INVALID');
    expect(state(s)).toBe('returnedToOneStop');
    expect(s.can(sample('REQUEST_SUPPLEMENT'))).toBe(false);
    expect(accepted(s)).toEqual(['REFUSE', 'WITHDRAW', 'STOP', 'ISSUE_APOLOGY', 'STEP_OVERDUE', 'APPOINTMENT_PASSED']);
  });

  it('version 2 let the one-stop guide the applicant any number of times before receipt', () => {
    let s = initialTransition(dossierMachineV2, { rules: STANDARD })[0];
    for (let i = 0; i < 3; i++) {
      s = transition(dossierMachineV2, s, sample('REQUEST_SUPPLEMENT'))[0];
      expect(state(s)).toBe('awaitingSupplement');
      s = transition(dossierMachineV2, s, sample('SUPPLEMENT'))[0];
      expect(state(s)).toBe('submitted');
    }
    expect(s.can(sample('REQUEST_SUPPLEMENT'))).toBe(true);
  });

  it('allows one supplement request after receipt, then back to review with the new appointment', () => {
    let s = run(start(), 'RECEIVE', 'ASSIGN', 'INVALID');
    expect(state(s)).toBe('returnedToOneStop');
    s = run(s, 'REQUEST_SUPPLEMENT');
    expect(s.context).toMatchObject({ supplementRequestedAfterReceipt: true, supplementReturnTo: 'review' });
    s = run(s, sample('SUPPLEMENT', { dueAt: '2026-03-30T02:00:00.000Z', apologyBy: '2026-03-27T02:00:00.000Z' }));
    expect(state(s)).toBe('inDepartment.review');
    expect(s.context).toMatchObject({ dueAt: '2026-03-30T02:00:00.000Z', apologyBy: '2026-03-27T02:00:00.000Z', supplementReturnTo: null, assigneeId: 7 });
    s = run(s, 'INVALID');
    // The second request is refused: the one-stop may only refuse or stop now.
    expect(s.can(sample('REQUEST_SUPPLEMENT'))).toBe(false);
    expect(accepted(s)).toEqual(['REFUSE', 'WITHDRAW', 'STOP', 'ISSUE_APOLOGY', 'STEP_OVERDUE', 'APPOINTMENT_PASSED']);
  });

  it('lets the department ask for the supplement from its review, once in all, back to review (version 4)', () => {
    let s = run(start(), 'RECEIVE', 'ASSIGN');
    s = run(s, sample('REQUEST_SUPPLEMENT', { missingPapers: ['ban-ve'] }));
    expect(state(s)).toBe('awaitingSupplement');
    expect(s.context).toMatchObject({ supplementRequested: true, supplementReturnTo: 'review', assigneeId: 7 });
    s = run(s, sample('SUPPLEMENT', { dueAt: '2026-03-30T02:00:00.000Z', apologyBy: '2026-03-27T02:00:00.000Z' }));
    expect(state(s)).toBe('inDepartment.review');
    expect(s.context.dueAt).toBe('2026-03-30T02:00:00.000Z');
    expect(s.can(sample('REQUEST_SUPPLEMENT'))).toBe(false);
    // Version 3 had no such transition: its dossiers in flight keep their flow.
    const v3 = transition(dossierMachineV3, initialTransition(dossierMachineV3, { rules: STANDARD })[0], sample('RECEIVE'))[0];
    expect(v3.can(sample('REQUEST_SUPPLEMENT'))).toBe(false);
  });

  it('guides a dossier handed in at the counter once, in person, leaving the department its one request (version 4)', () => {
    let s = initialTransition(dossierMachine, { rules: STANDARD, intake: 'counter' })[0];
    s = run(s, 'REQUEST_SUPPLEMENT');
    expect(state(s)).toBe('awaitingSupplement');
    expect(s.context).toMatchObject({ intake: 'counter', guidedAtCounter: true, supplementRequested: false, supplementReturnTo: 'submitted' });
    s = run(s, 'SUPPLEMENT');
    expect(s.can(sample('REQUEST_SUPPLEMENT'))).toBe(false);
    s = run(s, 'RECEIVE', 'ASSIGN', sample('REQUEST_SUPPLEMENT', { missingPapers: ['hop-dong'] }));
    expect(state(s)).toBe('awaitingSupplement');
    expect(s.context).toMatchObject({ supplementRequested: true, supplementReturnTo: 'review' });
  });

  it('stops a dossier whose supplement was not answered in time', () => {
    const s = run(start(), 'REQUEST_SUPPLEMENT', 'SUPPLEMENT_EXPIRED');
    expect(state(s)).toBe('stopped');
    expect(s.status).toBe('done');
  });

  it('lets only an assigned specialist verify or invalidate; ASSIGN once, then REASSIGN', () => {
    let s = run(start(), 'RECEIVE');
    expect(s.can(sample('VERIFY'))).toBe(false);
    expect(s.can(sample('INVALID'))).toBe(false);
    expect(s.can(sample('REASSIGN'))).toBe(false);
    s = run(s, 'ASSIGN');
    expect(s.context.assigneeId).toBe(7);
    expect(s.can(sample('ASSIGN'))).toBe(false);
    s = run(s, 'REASSIGN');
    expect(s.context.assigneeId).toBe(8);
    expect(state(s)).toBe('inDepartment.review');
  });

  it('routes VERIFY by the procedure: inspection, department lead, or straight to the director', () => {
    expect(state(run(start({ ...STANDARD, inspection: true }), 'RECEIVE', 'ASSIGN', 'VERIFY'))).toBe('inDepartment.inspection');
    expect(state(run(start(STANDARD), 'RECEIVE', 'ASSIGN', 'VERIFY'))).toBe('inDepartment.leadReview');
    expect(state(run(start({ ...STANDARD, leadReview: false }), 'RECEIVE', 'ASSIGN', 'VERIFY'))).toBe('leadershipApproval');
    expect(state(run(start({ ...STANDARD, inspection: true }), 'RECEIVE', 'ASSIGN', 'VERIFY', 'INSPECT'))).toBe('inDepartment.leadReview');
    expect(state(run(start({ ...STANDARD, inspection: true, leadReview: false }), 'RECEIVE', 'ASSIGN', 'VERIFY', 'INSPECT'))).toBe('leadershipApproval');
  });

  it('sends back from the lead and from the director to the specialist, forgetting the proposal', () => {
    let s = run(start(), 'RECEIVE', 'ASSIGN', 'VERIFY', 'SEND_BACK');
    expect(state(s)).toBe('inDepartment.review');
    s = run(s, 'VERIFY', 'PROPOSE');
    expect(s.context.proposedResult).toBe('grant');
    s = run(s, 'DISAGREE');
    expect(state(s)).toBe('inDepartment.review');
    expect(s.context.proposedResult).toBeNull();
  });

  it('approves into payment when the procedure charges a fee, else straight to return', () => {
    const withFee = run(start(), 'RECEIVE', 'ASSIGN', 'VERIFY', 'PROPOSE', 'APPROVE');
    expect(state(withFee)).toBe('awaitingPayment');
    expect(withFee.context.result).toBe('grant');
    expect(state(run(withFee, 'PAYMENT_RECEIVED'))).toBe('readyForReturn');
    const noFee = run(start({ ...STANDARD, hasFee: false }), 'RECEIVE', 'ASSIGN', 'VERIFY', 'PROPOSE', 'APPROVE');
    expect(state(noFee)).toBe('readyForReturn');
    const done = run(noFee, 'RETURN_RESULT');
    expect(state(done)).toBe('completed');
    expect(done.status).toBe('done');
  });

  it('records a refusal proposed by the lead and approved by the director as the result', () => {
    const s = run(start({ ...STANDARD, hasFee: false }), 'RECEIVE', 'ASSIGN', 'VERIFY', sample('PROPOSE', { proposedResult: 'refuse' }), 'APPROVE');
    expect(s.context.result).toBe('refuse');
    expect(state(run(s, 'RETURN_RESULT'))).toBe('completed');
  });

  it('issues the apology once, with a later appointment, recording whether it came in time', () => {
    const received = run(start(), 'RECEIVE');
    expect(received.can(sample('ISSUE_APOLOGY', { newDueAt: DUE }))).toBe(false);
    const timely = run(received, sample('ISSUE_APOLOGY', { at: APOLOGY_BY }));
    expect(timely.context).toMatchObject({ apologyIssued: true, apologyTimely: true, rescheduledDueAt: '2026-03-20T02:00:00.000Z', dueAt: DUE });
    expect(timely.can(sample('ISSUE_APOLOGY', { newDueAt: '2026-04-01T02:00:00.000Z' }))).toBe(false);
    // After its deadline the apology is still owed to the applicant (version 2), recorded as late.
    const late = run(received, sample('ISSUE_APOLOGY', { at: '2026-03-17T02:00:00.000Z', newDueAt: '2026-03-25T02:00:00.000Z' }));
    expect(late.context).toMatchObject({ apologyIssued: true, apologyTimely: false });
    // Not before receipt: there is no appointment yet.
    expect(start().can(sample('ISSUE_APOLOGY'))).toBe(false);
  });

  it('version 1 refused an apology after its deadline', () => {
    let s = initialTransition(dossierMachineV1, { rules: STANDARD })[0];
    s = transition(dossierMachineV1, s, sample('RECEIVE'))[0];
    expect(s.can(sample('ISSUE_APOLOGY', { at: '2026-03-13T02:00:00.001Z' }))).toBe(false);
    expect(s.can(sample('ISSUE_APOLOGY', { at: APOLOGY_BY }))).toBe(true);
    expect(s.can(sample('STEP_OVERDUE'))).toBe(false);
  });

  it('takes the deadline worker’s marks once per due instant, without moving', () => {
    let s = run(start(), 'RECEIVE');
    s = run(s, 'STEP_OVERDUE');
    expect(state(s)).toBe('inDepartment.review');
    expect(s.context.stepOverdueDueAt).toBe('2026-03-11T08:00:00.000Z');
    expect(s.can(sample('STEP_OVERDUE'))).toBe(false);
    expect(s.can(sample('STEP_OVERDUE', { dueAt: '2026-03-12T08:00:00.000Z' }))).toBe(true);
    s = run(s, 'APPOINTMENT_PASSED');
    expect(s.context.lateDueAt).toBe(DUE);
    expect(s.can(sample('APPOINTMENT_PASSED'))).toBe(false);
    // Waiting for the applicant: no step runs and the appointment does not count.
    const waiting = run(start(), 'REQUEST_SUPPLEMENT');
    expect(waiting.can(sample('STEP_OVERDUE'))).toBe(false);
    expect(waiting.can(sample('APPOINTMENT_PASSED'))).toBe(false);
    // A result exists: the hand-over step may still run late, the appointment no longer counts against the agency.
    const ready = run(start({ ...STANDARD, hasFee: false }), 'RECEIVE', 'ASSIGN', 'VERIFY', 'PROPOSE', 'APPROVE');
    expect(ready.can(sample('STEP_OVERDUE'))).toBe(true);
    expect(ready.can(sample('APPOINTMENT_PASSED'))).toBe(false);
  });

  it('lets the applicant withdraw and the one-stop stop only before a result exists', () => {
    const before = [run(start()), run(start(), 'REQUEST_SUPPLEMENT'), run(start(), 'RECEIVE'), run(start(), 'RECEIVE', 'ASSIGN', 'VERIFY'), run(start(), 'RECEIVE', 'ASSIGN', 'VERIFY', 'PROPOSE')];
    for (const s of before) {
      expect(state(run(s, 'WITHDRAW'))).toBe('withdrawn');
      expect(state(run(s, 'STOP'))).toBe('stopped');
    }
    const withResult = [run(start(), 'RECEIVE', 'ASSIGN', 'VERIFY', 'PROPOSE', 'APPROVE'), run(start(), 'RECEIVE', 'ASSIGN', 'VERIFY', 'PROPOSE', 'APPROVE', 'PAYMENT_RECEIVED')];
    for (const s of withResult) {
      expect(s.can(sample('WITHDRAW'))).toBe(false);
      expect(s.can(sample('STOP'))).toBe(false);
    }
  });

  it('accepts nothing in a final state', () => {
    for (const s of [run(start(), 'REFUSE'), run(start(), 'WITHDRAW'), run(start(), 'STOP'), run(start({ ...STANDARD, hasFee: false }), 'RECEIVE', 'ASSIGN', 'VERIFY', 'PROPOSE', 'APPROVE', 'RETURN_RESULT')]) {
      expect(accepted(s)).toEqual([]);
      expect(s.status).toBe('done');
    }
  });

  it('refuses events that do not belong to the state', () => {
    const s = run(start(), 'RECEIVE', 'ASSIGN');
    for (const type of ['RECEIVE', 'APPROVE', 'PAYMENT_RECEIVED', 'RETURN_RESULT', 'PROPOSE', 'SUPPLEMENT', 'SUPPLEMENT_EXPIRED', 'INSPECT'] as const) {
      expect(s.can(sample(type))).toBe(false);
    }
  });

  it('maps every state to a national portal status', () => {
    for (const s of DOSSIER_STATES) expect(NATIONAL_STATUS[s]).toBeGreaterThan(0);
    expect(NATIONAL_STATUS).toMatchObject({ submitted: 1, refused: 3, awaitingSupplement: 5, awaitingPayment: 6, withdrawn: 7, stopped: 8, readyForReturn: 9, completed: 10 });
  });

  it('turns state values into dotted paths and back', () => {
    expect(statePath({ inDepartment: 'review' })).toBe('inDepartment.review');
    expect(stateValueOf('inDepartment.leadReview')).toEqual({ inDepartment: 'leadReview' });
    for (const s of DOSSIER_STATES) expect(statePath(stateValueOf(s) as string)).toBe(s);
  });
});

/** A snapshot of the current machine at a state with a context, as the service restores stored ones. */
function at(row: Row): Snap {
  const initial = start({ ...STANDARD, ...row.rules });
  return dossierMachine.resolveState({ value: stateValueOf(row.state) as never, context: { ...initial.context, ...row.context } }) as Snap;
}

describe('dossier machine: the table of DESIGN §3', () => {
  it('covers every state of the machine', () => {
    expect(new Set(TABLE.map((r) => r.state))).toEqual(new Set(DOSSIER_STATES));
  });

  it.each(TABLE.map((row) => [`${row.state} (${row.why})`, row] as const))('%s', (_label, row) => {
    const snapshot = at(row);
    for (const type of DOSSIER_EVENT_TYPES) {
      const event = sample(type);
      const expected = row.takes[type];
      const [next] = transition(dossierMachine, snapshot, event);
      if (expected === undefined) {
        expect(snapshot.can(event), `${type} must be refused in ${row.state}`).toBe(false);
        expect(next, `${type} must not move ${row.state}`).toBe(snapshot);
      } else {
        expect(snapshot.can(event), `${type} must be taken in ${row.state}`).toBe(true);
        expect(state(next), `${row.state} --${type}-->`).toBe(expected === '=' ? row.state : expected);
      }
    }
  });
});
