import type { AnyMachineSnapshot } from 'xstate';
import {
  DOSSIER_EVENT_TYPES,
  NATIONAL_STATUS,
  statePath,
  type DossierContext,
  type DossierEvent,
  type DossierRules,
  type DossierState,
} from '../../../machines/dossier/index.ts';
import type { Actor } from '../../auth/actor.ts';
import { can } from '../../auth/authorize.ts';
import type { Db, Executor } from '../../db/db.ts';
import type { WorkingTime } from '../../calendar/working-calendar.ts';
import { iso } from '../../lib/rows.ts';
import { DOSSIER_AGGREGATE } from '../aggregates.ts';
import { RuleViolationError, ValidationError } from '../errors.ts';
import { diffJobs } from '../outbox/outbox.ts';
import { toRulesView, type ProcedureRulesView } from '../procedures/procedures.service.ts';
import { effectiveAllocation, type Step } from '../procedures/step-allocation.ts';
import type { EventPlan, RecordType } from '../workflow/record-type.ts';
import type { StampedEvent } from '../workflow/transition-loop.ts';
import { applicantNoticeJobs } from './applicant-notices.ts';
import type { DossierDeps } from './dossier-deps.ts';
import { liveDeadlineJobs, outcomeOf, stepOfState, supplementDueAt, type DeadlineFacts } from './dossier-deadlines.ts';
import { dossierStatesTagged, FINAL_STATES, subjectOf, type DossierRow } from './dossier-rows.ts';

export function rulesOf(rules: ProcedureRulesView): DossierRules {
  return { hasFee: rules.hasFee, leadReview: rules.leadReview, inspection: rules.inspection, supplementClock: rules.supplementClock };
}

export interface PlannedStep {
  name: Step;
  dueAt: string;
  allocationDays: number;
}

/** The step a state starts and its due instant from the procedure's allocation; null for waiting and final states. */
export function planStep(calendar: WorkingTime, rules: ProcedureRulesView, state: string, now: Date): PlannedStep | null {
  const step = stepOfState(state);
  if (step === null) return null;
  const days = effectiveAllocation(rules.workingDays, rules, rules.stepAllocation)[step];
  return { name: step, dueAt: calendar.addWorkingDays(now, days).toISOString(), allocationDays: days };
}

/** Rule versions never change once written (new rules are new rows): cached per database, read once. */
const rulesCache = new WeakMap<object, Map<number, ProcedureRulesView>>();

export async function loadRules(db: Db, trx: Executor, ruleId: number): Promise<ProcedureRulesView> {
  let cache = rulesCache.get(db);
  if (!cache) rulesCache.set(db, (cache = new Map()));
  let rules = cache.get(ruleId);
  if (!rules) {
    rules = toRulesView(await trx('procedure_rules').where({ id: ruleId }).first());
    if (cache.size > 5000) cache.clear();
    cache.set(ruleId, rules);
  }
  return rules;
}

/** The appointment a dossier holds now: the apology's new date when one was issued. */
function currentAppointment(context: DossierContext): string | null {
  return context.rescheduledDueAt ?? context.dueAt;
}

/**
 * The apology's new appointment must be later than the current one (DOMAIN §1.3: the applicant is told
 * a new date), and no later than the procedure's full time limit after it: an extension is asked for
 * once, and the law sets no other bound, so one more statutory limit is the most a dossier may be put
 * off by (our choice, so that a typo like 9999-12-31 cannot stand as a promise to a citizen).
 */
function checkApologyDate(calendar: WorkingTime, rules: ProcedureRulesView, snapshot: AnyMachineSnapshot, event: StampedEvent): void {
  const context = snapshot.context as DossierContext;
  const current = currentAppointment(context);
  const newDueAt = (event as Extract<DossierEvent, { type: 'ISSUE_APOLOGY' }>).newDueAt;
  // Refused for what it is only when the state would take an apology; otherwise INVALID_TRANSITION says why.
  if (current === null || !snapshot.can({ type: 'ISSUE_APOLOGY', at: event.at })) return;
  const proposed = new Date(newDueAt);
  if (proposed.getTime() <= Date.parse(current)) {
    throw new RuleViolationError('APOLOGY_DATE_NOT_LATER', `The new appointment must be later than the current one (${current})`, {
      field: 'newDueAt',
      currentDueAt: current,
    });
  }
  const latest = calendar.addWorkingDays(new Date(current), rules.workingDays);
  if (proposed.getTime() > latest.getTime()) {
    throw new RuleViolationError('APOLOGY_DATE_TOO_LATE', `The new appointment may be at most the procedure's time limit (${rules.workingDays} working days) after the current one, ${latest.toISOString()}`, {
      field: 'newDueAt',
      currentDueAt: current,
      latestDueAt: latest.toISOString(),
    });
  }
}

/**
 * A licence granted is handed back as a document: RETURN_RESULT needs the result paper (kind `result`,
 * the giấy phép the one-stop clerk attaches) when the director approved. A refusal is told by its
 * decision and the reason, and needs none.
 */
function checkResultDocument(snapshot: AnyMachineSnapshot, event: StampedEvent, attached: boolean): void {
  const context = snapshot.context as DossierContext;
  // Refused for what it is only when the state would take the event; otherwise INVALID_TRANSITION says why.
  if (attached || context.result !== 'grant' || !snapshot.can(event)) return;
  throw new RuleViolationError('RESULT_DOCUMENT_MISSING', 'Attach the result document (giấy phép) as a paper of kind `result` before returning the result', {
    kind: 'result',
    result: context.result,
  });
}

/**
 * A dossier is received only when every paper the procedure requires has been received (Decree
 * 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP: Mẫu 01 and its appointment are issued for a complete dossier;
 * an incomplete one is guided once with Mẫu 02 or refused with Mẫu 03). A paper counts as received when
 * a file of its kind is attached (the scan made at the counter, or the applicant's upload).
 */
function checkPapersComplete(snapshot: AnyMachineSnapshot, event: StampedEvent, rules: ProcedureRulesView, kinds: ReadonlySet<string>): void {
  // Refused for what it is only when the state would take the event; otherwise INVALID_TRANSITION says why.
  if (!snapshot.can(event)) return;
  const missing = missingPapers(rules, kinds);
  if (missing.length === 0) return;
  throw new RuleViolationError('PAPERS_INCOMPLETE', `The dossier lacks ${missing.length} required paper(s): ${missing.map((p) => p.code).join(', ')}; guide the applicant (REQUEST_SUPPLEMENT) or refuse (REFUSE)`, {
    field: 'papers',
    missing: missing.map((p) => ({ code: p.code, name: p.name })),
  });
}

/** The procedure's required papers of which no file of that kind was received, in the checklist's order. */
export function missingPapers(rules: Pick<ProcedureRulesView, 'requiredPapers'>, kinds: ReadonlySet<string>): ProcedureRulesView['requiredPapers'] {
  return rules.requiredPapers.filter((p) => !kinds.has(p.code));
}

/** Fields the service computes (from the calendar) or checks (against other records) before the machine sees the event. */
async function enrichEvent(trx: Executor, calendar: WorkingTime, row: DossierRow, rules: ProcedureRulesView, context: DossierContext, event: DossierEvent, now: Date): Promise<DossierEvent> {
  const appointment = (dueAt: Date) => ({ dueAt: dueAt.toISOString(), apologyBy: calendar.subtractWorkingDays(dueAt, 1).toISOString() });
  switch (event.type) {
    case 'RECEIVE':
      // The appointment counts the statutory working days from receipt of the complete dossier (DESIGN §7).
      return { ...event, ...appointment(calendar.addWorkingDays(now, rules.workingDays)) };
    case 'SUPPLEMENT': {
      if (context.supplementReturnTo !== 'review' || context.dueAt === null) return event;
      if (context.rules.supplementClock === 'restart') {
        // Electronic dossiers: the time limit runs again in full from the complete resubmission (DOMAIN §1.3);
        // that supersedes an appointment an apology had promised.
        return { ...event, ...appointment(calendar.addWorkingDays(now, rules.workingDays)), rescheduledDueAt: null };
      }
      // Otherwise the waiting time is not counted: the appointment (and a promised one) move by the working time spent waiting.
      const waitedDays = calendar.workingDaysBetween(new Date(iso(row.step_started_at) as string), now);
      const shift = (instant: string) => calendar.addWorkingDays(new Date(instant), waitedDays);
      return {
        ...event,
        ...appointment(shift(context.dueAt)),
        rescheduledDueAt: context.rescheduledDueAt ? shift(context.rescheduledDueAt).toISOString() : null,
      };
    }
    case 'ISSUE_APOLOGY':
      return { ...event, newDueAt: new Date(event.newDueAt).toISOString() };
    case 'REQUEST_SUPPLEMENT': {
      const unknown = (event.missingPapers ?? []).filter((code) => !rules.requiredPapers.some((p) => p.code === code));
      if (unknown.length > 0) {
        throw new ValidationError('UNKNOWN_PAPER_KIND', `Not a required paper of this procedure: ${unknown.join(', ').slice(0, 200)}`, { field: 'missingPapers', allowed: rules.requiredPapers.map((p) => p.code) });
      }
      return event;
    }
    case 'ASSIGN':
    case 'REASSIGN': {
      const assignee = await trx('users as u')
        .join('user_roles as r', 'r.user_id', 'u.id')
        .where({ 'u.id': event.assigneeId, 'r.role': 'specialist', 'u.department_id': row.department_id, 'u.disabled': false })
        .first('u.id');
      if (!assignee) {
        throw new ValidationError('INVALID_ASSIGNEE', `User ${event.assigneeId} is not an active specialist of the dossier's department`, {
          field: 'assigneeId',
        });
      }
      return event;
    }
    default:
      return event;
  }
}

/**
 * When the sector's window for asking for a supplement closes (e.g. 3 working days after receipt for
 * alcohol and chemicals, 5 for tobacco); null when the procedure has none or the dossier is not received.
 */
export function supplementWindowClosesAt(calendar: WorkingTime, rules: ProcedureRulesView, receivedAt: string | null): string | null {
  if (rules.supplementWindowDays === null || receivedAt === null) return null;
  return calendar.addWorkingDays(new Date(receivedAt), rules.supplementWindowDays).toISOString();
}

/** What the deadlines of a dossier depend on, from its plain columns and its machine context. */
export function deadlineFacts(
  calendar: WorkingTime,
  id: number,
  columns: { state: string; step: string | null; step_due_at: unknown; step_started_at: unknown; received_at: unknown },
  context: DossierContext,
  rules: ProcedureRulesView,
): DeadlineFacts {
  const stepDueAt = iso(columns.step_due_at);
  const step = columns.step && stepDueAt ? (columns.step as Step) : null;
  const effectiveDue = currentAppointment(context);
  // The appointment can pass only while the agency holds the dossier, before a result exists.
  const holding = dossierStatesTagged('holding').includes(columns.state) && context.result === null;
  // The window matters only while the department may still find something missing and nobody asked yet.
  const windowClosesAt = holding && !context.supplementRequested && !context.supplementRequestedAfterReceipt ? supplementWindowClosesAt(calendar, rules, iso(columns.received_at)) : null;
  return {
    dossierId: id,
    supplementWindow: windowClosesAt ? { closesAt: windowClosesAt, days: rules.supplementWindowDays as number } : null,
    step: step ? { name: step, dueAt: stepDueAt as string, allocationDays: effectiveAllocation(rules.workingDays, rules, rules.stepAllocation)[step] } : null,
    appointment: holding && effectiveDue ? { dueAt: effectiveDue, apologyBy: context.apologyIssued ? null : context.apologyBy } : null,
    supplementRequestedAt: columns.state === 'awaitingSupplement' ? iso(columns.step_started_at) : null,
  };
}

/** Columns for queries, audit details and deadline jobs that follow from a transition. */
function effectsOf(deps: DossierDeps, calendar: WorkingTime, row: DossierRow, rules: ProcedureRulesView, event: DossierEvent, next: AnyMachineSnapshot, previous: AnyMachineSnapshot) {
  const before = previous.context as DossierContext;
  const after = next.context as DossierContext;
  const state = statePath(next.value as string) as DossierState;
  const stateChanged = state !== statePath(previous.value as string);
  const columns: Record<string, unknown> = {
    national_status: NATIONAL_STATUS[state],
    assignee_id: after.assigneeId,
    due_at: after.dueAt,
    rescheduled_due_at: after.rescheduledDueAt,
    result: after.result,
  };
  const audit: Record<string, unknown> = {};
  if (event.type === 'RECEIVE') columns.received_at = event.at;
  if (event.type === 'STEP_OVERDUE') columns.step_overdue_at = event.at;
  if (event.type === 'APPOINTMENT_PASSED') columns.late_at = event.at;
  if (stateChanged) {
    const step = planStep(calendar, rules, state, new Date(event.at));
    Object.assign(columns, { step: step?.name ?? null, step_started_at: event.at, step_due_at: step?.dueAt ?? null, step_overdue_at: null });
    // The tracking sheet (phiếu kiểm soát): every hand-over records whether the step it ends finished
    // early, on time or late, and when the next one is due.
    const leftDue = iso(row.step_due_at);
    audit.handover = {
      fromStep: row.step,
      toStep: step?.name ?? null,
      stepDueAt: leftDue,
      stepOutcome: leftDue ? outcomeOf(event.at, leftDue) : null,
      nextStepDueAt: step?.dueAt ?? null,
    };
  }
  // Processing ends when the result exists or a received dossier is refused, withdrawn or stopped. Judged
  // against the appointment per the time limit: a dossier finished after it is late, apology or not (DESIGN §3).
  const ended = (after.result !== null && before.result === null) || (FINAL_STATES.includes(state) && state !== 'completed' && after.received);
  if (ended) {
    columns.finished_at = event.at;
    columns.outcome = after.dueAt && (after.result !== null || state === 'refused') ? outcomeOf(event.at, after.dueAt) : null;
  }
  if (after.dueAt !== before.dueAt) Object.assign(audit, { dueAt: after.dueAt, apologyBy: after.apologyBy });
  if (event.type === 'REQUEST_SUPPLEMENT') {
    // What Mẫu 02 and the tracking page need without the procedure's rules: the papers by name, and the
    // applicant's deadline (SUPPLEMENT_WAIT_DAYS working days; DOMAIN §1.3).
    const codes = event.missingPapers ?? [];
    if (codes.length > 0) audit.missingPaperNames = codes.map((code) => rules.requiredPapers.find((p) => p.code === code)?.name ?? code);
    audit.supplementDueAt = supplementDueAt(calendar, event.at, deps.settings);
    audit.supplementWaitDays = deps.settings.supplementWaitDays;
  }
  if (event.type === 'REQUEST_SUPPLEMENT' && before.received) {
    // A request after the sector's window is still made (the applicant needs it) but recorded as late.
    const closesAt = supplementWindowClosesAt(calendar, rules, iso(row.received_at));
    if (closesAt) Object.assign(audit, { supplementRequestBy: closesAt, supplementRequestLate: event.at > closesAt });
  }
  const deadlineJobs = diffJobs(
    liveDeadlineJobs(calendar, deadlineFacts(calendar, row.id, row, before, rules), deps.settings),
    liveDeadlineJobs(
      calendar,
      deadlineFacts(calendar, row.id, { step: row.step, step_due_at: row.step_due_at, step_started_at: row.step_started_at, received_at: row.received_at, ...columns, state }, after, rules),
      deps.settings,
    ),
  );
  // What the applicant is told of this transition (e-mail, SMS), in the same outbox row (applicant-notices.ts).
  const jobs = [...deadlineJobs, ...applicantNoticeJobs(deps.applicantNotices, calendar, deps.settings.supplementWaitDays, row, event, before, after, state, stateChanged)];
  return { columns, audit, jobs };
}

/**
 * Dossiers as a record type of the workflow kit: their table and machines, their policy, and how an
 * event is planned — the calendar's deadlines, the assignee check, the apology's bounds, the columns,
 * the tracking sheet's hand-over and the deadline jobs.
 */
export function dossierRecordType(deps: DossierDeps): RecordType<DossierRow> {
  return {
    aggregate: DOSSIER_AGGREGATE,
    machines: deps.machines,
    eventOrder: DOSSIER_EVENT_TYPES,
    mayFire: (actor: Actor, type: string, row: DossierRow) => can(actor, type, subjectOf(row)),
    planner: async () => {
      // Loaded before the transaction: on SQLite the transaction holds the only connection.
      const calendar = await deps.calendar.current();
      return async (trx, row, stamped, now): Promise<EventPlan> => {
        const event = stamped as DossierEvent;
        const rules = await loadRules(deps.db, trx, row.procedure_rule_id);
        const hasResultDocument = event.type === 'RETURN_RESULT' ? (await trx('dossier_papers').where({ dossier_id: row.id, kind: 'result' }).first('id')) !== undefined : null;
        const paperKinds =
          event.type === 'RECEIVE' && rules.requiredPapers.length > 0
            ? new Set<string>((await trx('dossier_papers').where({ dossier_id: row.id }).distinct('kind')).map((r: { kind: string }) => r.kind))
            : new Set<string>();
        return {
          precheck: (snapshot) => {
            if (event.type === 'RECEIVE') checkPapersComplete(snapshot, event, rules, paperKinds);
            if (event.type === 'ISSUE_APOLOGY') checkApologyDate(calendar, rules, snapshot, event);
            if (event.type === 'RETURN_RESULT') checkResultDocument(snapshot, event, hasResultDocument === true);
          },
          enrich: (snapshot) => enrichEvent(trx, calendar, row, rules, snapshot.context as DossierContext, event, now),
          effects: (next, previous) => effectsOf(deps, calendar, row, rules, event, next, previous),
        };
      };
    },
  };
}

