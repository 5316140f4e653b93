import { timingSafeEqual } from 'node:crypto';
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import {
  DOSSIER_EVENT_TYPES,
  DOSSIER_MACHINE_ID,
  FINAL_DOSSIER_STATES,
  NATIONAL_STATUS,
  statePath,
  type DossierContext,
  type DossierEvent,
  type DossierEventType,
  type DossierRules,
  type DossierState,
} from '../../../machines/dossier/index.ts';
import type { Db, Executor } from '../../db/db.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { iso, json, toJson } from '../../lib/rows.ts';
import { hasRole, type Principal } from '../../auth/principal.ts';
import { mayFireDossierEvent, mayViewDossier, type DossierActor, type DossierSubject } from '../../auth/policies.ts';
import type { CalendarProvider } from '../calendar/calendar.service.ts';
import type { WorkingTime } from '../../calendar/working-calendar.ts';
import { buildEventRow, streamEvents, type ActorRef } from '../audit/event-log.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { withIdempotency, type IdempotentRequest, type StoredResponse } from '../idempotency/idempotency.ts';
import { diffJobs, writeOutbox } from '../outbox/outbox.ts';
import { rulesInForce, toRulesView, type ProcedureRulesView } from '../procedures/procedures.service.ts';
import { effectiveAllocation, type Step } from '../procedures/step-allocation.ts';
import type { MachineRegistry } from '../workflow/machine-registry.ts';
import { acceptedEventTypes, restoreSnapshot, runTransition, type AggregateRow } from '../workflow/transition-loop.ts';
import { nextDossierCode } from './dossier-code.ts';
import { liveDeadlineJobs, outcomeOf, stepOfState, type DeadlineFacts } from './dossier-deadlines.ts';

export interface DossierDeps {
  db: Db;
  calendar: CalendarProvider;
  machines: MachineRegistry;
  clock: () => Date;
  /** `supplementWaitDays`: working days an applicant has to supplement before the system stops the dossier. */
  settings: { agencyId: string; agencyName: string; systemCode: string; supplementWaitDays: number; reminderWorkingDays: number };
  /** Told of each transition once it has committed (metrics); `from` is null for a dossier's creation. */
  onTransition?(e: { type: string; from: string | null; to: string }): void;
}

export interface Applicant {
  name: string;
  idNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
}

export interface NewDossier {
  procedureId: number;
  applicant: Applicant;
  subject?: string | null;
  note?: string;
}

export interface TimelineEntry {
  seq: number;
  type: string;
  at: string;
  actor: { kind: string; id: number | null; name: string | null };
  fromState: string | null;
  toState: string | null;
  payload: Record<string, unknown>;
}

export interface DossierView {
  id: number;
  code: string;
  procedure: { id: number; code: string; name: string };
  departmentId: number;
  channel: 'counter' | 'online' | 'post';
  state: string;
  nationalStatus: number;
  version: number;
  applicant: Required<Applicant>;
  subject: string | null;
  assigneeId: number | null;
  submittedAt: string;
  receivedAt: string | null;
  /** The appointment (hẹn trả kết quả): the apology's new date when one was issued. */
  dueAt: string | null;
  /** The appointment per the time limit, against which early/on-time/late is judged. */
  originalDueAt: string | null;
  apologyBy: string | null;
  step: string | null;
  stepStartedAt: string | null;
  stepDueAt: string | null;
  /** When the current step passed its due instant (the deadline worker's mark). */
  stepOverdueAt: string | null;
  /** When the appointment passed while the agency held the dossier. */
  lateAt: string | null;
  result: 'grant' | 'refuse' | null;
  outcome: 'early' | 'onTime' | 'late' | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  machine: { id: string; version: number };
  allowedEvents: string[];
  timeline?: TimelineEntry[];
}

export interface DossierRow extends AggregateRow {
  code: string;
  procedure_id: number;
  procedure_rule_id: number;
  department_id: number;
  channel: DossierView['channel'];
  state: string;
  national_status: number;
  assignee_id: number | null;
  machine_id: string;
  machine_version: number;
  machine_hash: string;
  applicant_name: string;
  applicant_id_number: string | null;
  applicant_phone: string | null;
  applicant_email: string | null;
  applicant_address: string | null;
  subject: string | null;
  tracking_secret_hash: string | null;
  submitted_at: unknown;
  received_at: unknown;
  due_at: unknown;
  rescheduled_due_at: unknown;
  step: string | null;
  step_started_at: unknown;
  step_due_at: unknown;
  step_overdue_at: unknown;
  late_at: unknown;
  result: 'grant' | 'refuse' | null;
  outcome: DossierView['outcome'];
  finished_at: unknown;
  created_at: unknown;
  updated_at: unknown;
  procedure_code?: string;
  procedure_name?: string;
}

const SYSTEM: ActorRef = { kind: 'system' };

function actorRef(actor: DossierActor): ActorRef {
  return actor.kind === 'user' ? { kind: 'user', id: actor.principal.userId } : { kind: actor.kind };
}

function subjectOf(row: Pick<DossierRow, 'department_id' | 'assignee_id'>): DossierSubject {
  return { departmentId: row.department_id, assigneeId: row.assignee_id };
}

function loadRow(row: Record<string, unknown>): DossierRow {
  return { ...(row as unknown as DossierRow), snapshot: json<DossierRow['snapshot']>(row.snapshot) };
}

const DOSSIER_COLUMNS = ['d.*', 'p.code as procedure_code', 'p.name as procedure_name'];

export async function findRow(db: Executor, where: Record<string, unknown>): Promise<DossierRow | null> {
  const row = await db('dossiers as d').join('procedures as p', 'p.id', 'd.procedure_id').where(where).first(DOSSIER_COLUMNS);
  return row ? loadRow(row) : null;
}

export function contextOf(row: DossierRow): DossierContext {
  return row.snapshot.context as unknown as DossierContext;
}

function rulesOf(rules: ProcedureRulesView): DossierRules {
  return { hasFee: rules.hasFee, leadReview: rules.leadReview, inspection: rules.inspection, supplementClock: rules.supplementClock };
}

/** The events this actor may fire now: what the machine accepts and the policy lets them do. */
function allowedEventsFor(deps: DossierDeps, row: DossierRow, actor: DossierActor, at: string): string[] {
  const { machine } = deps.machines.resolve(row.machine_id, row.machine_version, row.machine_hash);
  const snapshot = restoreSnapshot(machine, row.snapshot);
  return acceptedEventTypes(snapshot, at, DOSSIER_EVENT_TYPES).filter((type) => mayFireDossierEvent(actor, type as DossierEventType, subjectOf(row)));
}

function toView(deps: DossierDeps, row: DossierRow, actor: DossierActor, at: string): DossierView {
  const context = contextOf(row);
  return {
    id: row.id,
    code: row.code,
    procedure: { id: row.procedure_id, code: row.procedure_code as string, name: row.procedure_name as string },
    departmentId: row.department_id,
    channel: row.channel,
    state: row.state,
    nationalStatus: row.national_status,
    version: row.version,
    applicant: {
      name: row.applicant_name,
      idNumber: row.applicant_id_number,
      phone: row.applicant_phone,
      email: row.applicant_email,
      address: row.applicant_address,
    },
    subject: row.subject,
    assigneeId: row.assignee_id,
    submittedAt: iso(row.submitted_at) as string,
    receivedAt: iso(row.received_at),
    dueAt: iso(row.rescheduled_due_at) ?? iso(row.due_at),
    originalDueAt: iso(row.due_at),
    apologyBy: context.apologyIssued ? null : context.apologyBy,
    step: row.step,
    stepStartedAt: iso(row.step_started_at),
    stepDueAt: iso(row.step_due_at),
    stepOverdueAt: iso(row.step_overdue_at),
    lateAt: iso(row.late_at),
    result: row.result,
    outcome: row.outcome,
    finishedAt: iso(row.finished_at),
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    machine: { id: row.machine_id, version: row.machine_version },
    allowedEvents: allowedEventsFor(deps, row, actor, at),
  };
}

interface PlannedStep {
  name: ReturnType<typeof stepOfState> & string;
  dueAt: string;
  allocationDays: number;
}

/** The step a state starts and its due instant from the procedure's allocation; null for waiting and final states. */
function planStep(calendar: WorkingTime, rules: ProcedureRulesView, state: string, now: Date): PlannedStep | null {
  const step = stepOfState(state);
  if (step === null) return null;
  const days = effectiveAllocation(rules.workingDays, rules, rules.stepAllocation)[step];
  return { name: step, dueAt: calendar.addWorkingDays(now, days).toISOString(), allocationDays: days };
}

/** Rule versions never change once written (new rules are new rows): cached per database, read once. */
const rulesCache = new WeakMap<object, Map<number, ProcedureRulesView>>();

async function loadRules(db: Db, trx: Executor, ruleId: number): Promise<ProcedureRulesView> {
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

/** Fields the service computes (from the calendar) or checks (against other records) before the machine sees the event. */
async function enrichEvent(
  trx: Executor,
  calendar: WorkingTime,
  row: DossierRow,
  rules: ProcedureRulesView,
  context: DossierContext,
  event: DossierEvent,
  now: Date,
): Promise<DossierEvent> {
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

/** What the deadlines of a dossier depend on, from its plain columns and its machine context. */
function deadlineFacts(
  id: number,
  columns: { state: string; step: string | null; step_due_at: unknown; step_started_at: unknown },
  context: DossierContext,
  rules: ProcedureRulesView,
): DeadlineFacts {
  const stepDueAt = iso(columns.step_due_at);
  const step = columns.step && stepDueAt ? (columns.step as Step) : null;
  const effectiveDue = context.rescheduledDueAt ?? context.dueAt;
  const holding = !FINAL_DOSSIER_STATES.includes(columns.state as DossierState) && columns.state !== 'awaitingSupplement' && context.result === null;
  return {
    dossierId: id,
    step: step ? { name: step, dueAt: stepDueAt as string, allocationDays: effectiveAllocation(rules.workingDays, rules, rules.stepAllocation)[step] } : null,
    appointment: holding && effectiveDue ? { dueAt: effectiveDue, apologyBy: context.apologyIssued ? null : context.apologyBy } : null,
    supplementRequestedAt: columns.state === 'awaitingSupplement' ? iso(columns.step_started_at) : null,
  };
}

/** Columns for queries, audit details and deadline jobs that follow from a transition. */
function effectsOf(
  deps: DossierDeps,
  calendar: WorkingTime,
  row: DossierRow,
  rules: ProcedureRulesView,
  event: DossierEvent,
  next: AnyMachineSnapshot,
  previous: AnyMachineSnapshot,
) {
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
  const ended = (after.result !== null && before.result === null) || (FINAL_DOSSIER_STATES.includes(state) && state !== 'completed' && after.received);
  if (ended) {
    columns.finished_at = event.at;
    columns.outcome = after.dueAt && (after.result !== null || state === 'refused') ? outcomeOf(event.at, after.dueAt) : null;
  }
  if (after.dueAt !== before.dueAt) Object.assign(audit, { dueAt: after.dueAt, apologyBy: after.apologyBy });
  const jobs = diffJobs(
    liveDeadlineJobs(calendar, deadlineFacts(row.id, row, before, rules), deps.settings),
    liveDeadlineJobs(calendar, deadlineFacts(row.id, { step: row.step, step_due_at: row.step_due_at, step_started_at: row.step_started_at, ...columns, state }, after, rules), deps.settings),
  );
  return { columns, audit, jobs };
}

/** Applies one event to a loaded dossier through the transition loop, in the caller's transaction. */
export async function applyEvent(
  deps: DossierDeps,
  trx: Executor,
  calendar: WorkingTime,
  row: DossierRow,
  actor: DossierActor,
  event: DossierEvent,
  expectedVersion: number,
  now: Date,
) {
  const { machine } = deps.machines.resolve(row.machine_id, row.machine_version, row.machine_hash);
  const rules = await loadRules(deps.db, trx, row.procedure_rule_id);
  const { type: _type, at: _at, ...recordedPayload } = event as DossierEvent & Record<string, unknown>;
  return runTransition(trx, {
    table: 'dossiers',
    streamType: 'dossier',
    row,
    expectedVersion,
    machine,
    event,
    actor: actorRef(actor),
    recordedPayload,
    enrich: (snapshot) => enrichEvent(trx, calendar, row, rules, snapshot.context as DossierContext, event, now),
    effects: (next, previous) => effectsOf(deps, calendar, row, rules, event, next, previous),
    mayFire: (type) => mayFireDossierEvent(actor, type as DossierEventType, subjectOf(row)),
    eventOrder: DOSSIER_EVENT_TYPES,
  });
}

/** Inserts a new dossier at `submitted` (version 1) with its code and its creation event. */
async function insertDossier(
  deps: DossierDeps,
  trx: Executor,
  calendar: WorkingTime,
  input: NewDossier & { channel: DossierView['channel']; actor: ActorRef; trackingSecretHash: string | null },
  now: Date,
): Promise<{ row: DossierRow; rules: ProcedureRulesView }> {
  const at = now.toISOString();
  const procedure = await trx('procedures').where({ id: input.procedureId }).first();
  if (!procedure || !procedure.active) {
    throw new ValidationError('UNKNOWN_REFERENCE', `Procedure ${input.procedureId} does not exist or is not offered`, { field: 'procedureId' });
  }
  // The dossier keeps the rules in force when it reached the agency (DOMAIN, the 2025 caveat).
  const rules = await rulesInForce(trx, input.procedureId, now);
  if (!rules) throw new ValidationError('PROCEDURE_NOT_IN_FORCE', `Procedure ${procedure.code} has no rules in force yet`, { field: 'procedureId' });
  const code = await nextDossierCode(trx, deps.settings, now);
  const registered = deps.machines.current(DOSSIER_MACHINE_ID);
  const [snapshot] = initialTransition(registered.machine, { rules: rulesOf(rules) });
  const state = statePath(snapshot.value as string);
  // A dossier received at the counter never waits for the one-stop check: it has no intake step.
  const step = input.channel === 'counter' ? null : planStep(calendar, rules, state, now);
  const applicant = {
    name: input.applicant.name,
    idNumber: input.applicant.idNumber ?? null,
    phone: input.applicant.phone ?? null,
    email: input.applicant.email ?? null,
    address: input.applicant.address ?? null,
  };
  const [inserted] = await trx('dossiers')
    .insert({
      code,
      procedure_id: procedure.id,
      procedure_rule_id: rules.id,
      department_id: procedure.department_id,
      channel: input.channel,
      state,
      national_status: NATIONAL_STATUS[state as DossierState],
      machine_id: registered.id,
      machine_version: registered.version,
      machine_hash: registered.hash,
      snapshot: toJson({ value: snapshot.value, context: snapshot.context }),
      version: 1,
      // Replaced below once the creation event (which needs the id) is hashed.
      chain_head: '',
      applicant_name: applicant.name,
      applicant_id_number: applicant.idNumber,
      applicant_phone: applicant.phone,
      applicant_email: applicant.email,
      applicant_address: applicant.address,
      subject: input.subject ?? null,
      tracking_secret_hash: input.trackingSecretHash,
      submitted_at: at,
      step: step?.name ?? null,
      step_started_at: at,
      step_due_at: step?.dueAt ?? null,
      created_by: input.actor.kind === 'user' ? input.actor.id : null,
      created_at: at,
      updated_at: at,
    })
    .returning('id');
  const id: number = typeof inserted === 'object' ? inserted.id : inserted;
  const { row: eventRow, link } = buildEventRow(
    {
      streamType: 'dossier',
      streamId: id,
      type: 'SUBMIT',
      actor: input.actor,
      at,
      fromState: null,
      toState: state,
      payload: { code, channel: input.channel, procedureId: procedure.id, procedureRuleId: rules.id, applicant, subject: input.subject ?? null, note: input.note ?? null },
    },
    null,
  );
  await trx('events').insert(eventRow);
  await trx('dossiers').where({ id }).update({ chain_head: link.hash });
  const row = (await findRow(trx, { 'd.id': id })) as DossierRow;
  return { row, rules };
}

/**
 * Counter intake (tiếp nhận trực tiếp, Điều 11): the one-stop clerk enters a complete dossier, which is
 * received at once — it gets its code, its appointment and its first step.
 * @throws ForbiddenError unless the caller is a one-stop clerk; ValidationError for an unknown procedure.
 */
export async function receiveCounterDossier(deps: DossierDeps, principal: Principal, input: NewDossier): Promise<DossierView> {
  if (!hasRole(principal, 'onestop')) throw new ForbiddenError('FORBIDDEN', 'Only the one-stop unit receives dossiers');
  const now = deps.clock();
  const actor: DossierActor = { kind: 'user', principal };
  // Loaded before the transaction: on SQLite the transaction holds the only connection.
  const calendar = await deps.calendar.current();
  let submitted = '';
  const view = await deps.db.transaction(async (trx) => {
    const { row } = await insertDossier(deps, trx, calendar, { ...input, channel: 'counter', actor: actorRef(actor), trackingSecretHash: null }, now);
    submitted = row.state;
    await applyEvent(deps, trx, calendar, row, actor, { type: 'RECEIVE', at: now.toISOString(), ...(input.note ? { note: input.note } : {}) } as DossierEvent, 1, now);
    return toView(deps, (await findRow(trx, { 'd.id': row.id })) as DossierRow, actor, now.toISOString());
  });
  deps.onTransition?.({ type: 'SUBMIT', from: null, to: submitted });
  deps.onTransition?.({ type: 'RECEIVE', from: submitted, to: view.state });
  return view;
}

/**
 * Online submission (nộp trực tuyến): the dossier waits at `submitted` for the one-stop check, due
 * within 8 working hours. The tracking secret is returned once; only its hash is stored.
 * @throws ValidationError for an unknown procedure.
 */
export async function submitOnlineDossier(deps: DossierDeps, input: NewDossier): Promise<{ dossier: PublicDossierView; trackingSecret: string }> {
  const now = deps.clock();
  const trackingSecret = randomToken(18);
  const calendar = await deps.calendar.current();
  const created = await deps.db.transaction(async (trx) => {
    const { row, rules } = await insertDossier(
      deps,
      trx,
      calendar,
      { ...input, channel: 'online', actor: { kind: 'applicant' }, trackingSecretHash: sha256Hex(trackingSecret) },
      now,
    );
    await writeOutbox(trx, liveDeadlineJobs(calendar, deadlineFacts(row.id, row, contextOf(row), rules), deps.settings), now.toISOString());
    return { dossier: await toPublicView(deps, trx, row, now.toISOString()), trackingSecret };
  });
  deps.onTransition?.({ type: 'SUBMIT', from: null, to: created.dossier.state });
  return created;
}

type EventBody = { type: DossierEventType; version: number } & Record<string, unknown>;

async function fire<T>(
  deps: DossierDeps,
  actor: DossierActor,
  find: (trx: Executor) => Promise<DossierRow | null>,
  body: EventBody,
  present: (trx: Executor, row: DossierRow, at: string) => Promise<T> | T,
  idempotency: IdempotentRequest | undefined,
): Promise<StoredResponse<T>> {
  const now = deps.clock();
  const at = now.toISOString();
  const calendar = await deps.calendar.current();
  if (idempotency) {
    // A replayed answer is shown only to whoever may still see the dossier and fire the event.
    const row = await find(deps.db);
    if (!row) throw new NotFoundError('NOT_FOUND', 'No such dossier');
    if (!mayFireDossierEvent(actor, body.type, subjectOf(row))) throw new ForbiddenError('FORBIDDEN', `You may not ${body.type} this dossier`, { event: body.type });
  }
  let applied: { type: string; from: string | null; to: string } | undefined;
  return withIdempotency(deps.db, idempotency, () => at, (remember) =>
    deps.db.transaction(async (trx) => {
      const row = await find(trx);
      if (!row) throw new NotFoundError('NOT_FOUND', 'No such dossier');
      const { version, ...payload } = body;
      const event = { ...payload, at } as DossierEvent;
      if (!mayFireDossierEvent(actor, event.type, subjectOf(row))) {
        throw new ForbiddenError('FORBIDDEN', `You may not ${event.type} this dossier`, { event: event.type });
      }
      const result = await applyEvent(deps, trx, calendar, row, actor, event, version, now);
      applied = { type: event.type, from: result.previousState, to: result.state };
      const response = { status: 200, body: await present(trx, result.row as unknown as DossierRow, at) };
      await remember(trx, response);
      return response;
    }).then((response) => {
      // Only once committed: a replayed idempotent answer or a rolled-back attempt reports nothing.
      if (applied) deps.onTransition?.(applied);
      return response;
    }),
  );
}

/**
 * A staff member (or the system) fires an event on a dossier.
 * @throws NotFoundError (also for a dossier the caller may not see), ForbiddenError, ConflictError
 *   STALE_VERSION, InvalidTransitionError, ValidationError.
 */
export async function fireDossierEvent(deps: DossierDeps, actor: DossierActor, id: number, body: EventBody, idempotency?: IdempotentRequest): Promise<StoredResponse<DossierView>> {
  const find = async (trx: Executor) => {
    const row = await findRow(trx, { 'd.id': id });
    return row && (actor.kind !== 'user' || mayViewDossier(actor.principal, subjectOf(row))) ? row : null;
  };
  return fire(deps, actor, find, body, (_trx, row, at) => toView(deps, row, actor, at), idempotency);
}

function secretMatches(row: DossierRow, secret: string): boolean {
  if (!row.tracking_secret_hash) return false;
  const a = Buffer.from(row.tracking_secret_hash, 'hex');
  const b = Buffer.from(sha256Hex(secret), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

async function findByCodeAndSecret(trx: Executor, code: string, secret: string): Promise<DossierRow | null> {
  const row = await findRow(trx, { 'd.code': code });
  // An unknown code and a wrong secret answer the same, so codes cannot be probed.
  return row && secretMatches(row, secret) ? row : null;
}

/**
 * The applicant, holding the tracking secret, supplements or withdraws their dossier.
 * @throws NotFoundError for an unknown code or a wrong secret; as fireDossierEvent otherwise.
 */
export async function fireApplicantEvent(deps: DossierDeps, code: string, secret: string, body: EventBody, idempotency?: IdempotentRequest): Promise<StoredResponse<PublicDossierView>> {
  return fire(deps, { kind: 'applicant' }, (trx) => findByCodeAndSecret(trx, code, secret), body, (trx, row, at) => toPublicView(deps, trx, row, at), idempotency);
}

async function timelineOf(db: Executor, dossierId: number): Promise<TimelineEntry[]> {
  const events = await streamEvents(db, 'dossier', dossierId);
  const ids = [...new Set(events.map((e) => e.actorId).filter((id): id is number => id !== null))];
  const names = new Map<number, string>((await db('users').whereIn('id', ids).select('id', 'full_name')).map((u) => [u.id, u.full_name]));
  return events.map((e) => ({
    seq: e.seq,
    type: e.type,
    at: e.at,
    actor: { kind: e.actorKind, id: e.actorId, name: e.actorId === null ? null : (names.get(e.actorId) ?? null) },
    fromState: e.fromState,
    toState: e.toState,
    payload: e.payload,
  }));
}

/**
 * A dossier with its timeline and the events the caller may fire now.
 * @throws NotFoundError when it does not exist or the caller may not see it.
 */
export async function getDossier(deps: DossierDeps, principal: Principal, id: number): Promise<DossierView> {
  const row = await findRow(deps.db, { 'd.id': id });
  if (!row || !mayViewDossier(principal, subjectOf(row))) throw new NotFoundError('NOT_FOUND', `No dossier ${id}`);
  return { ...toView(deps, row, { kind: 'user', principal }, deps.clock().toISOString()), timeline: await timelineOf(deps.db, id) };
}

export interface DossierFilter {
  state?: string;
  procedureId?: number;
  departmentId?: number;
  assigneeId?: number;
  overdue?: boolean;
  code?: string;
  page: number;
  pageSize: number;
}

export interface DossierPage {
  items: DossierView[];
  page: number;
  pageSize: number;
  total: number;
}

const WAITING_STATES = ['awaitingSupplement', 'awaitingPayment'];

/**
 * Lists the dossiers the caller may see, newest first. `state` matches a state or a parent state
 * (`inDepartment`); `overdue` keeps dossiers whose step or appointment has passed while the agency holds them.
 */
export async function listDossiers(deps: DossierDeps, principal: Principal, filter: DossierFilter): Promise<DossierPage> {
  const now = deps.clock().toISOString();
  const query = deps.db('dossiers as d');
  if (!hasRole(principal, 'admin', 'onestop', 'director')) {
    if (!hasRole(principal, 'dept_lead', 'specialist') || principal.departmentId === null) {
      throw new ForbiddenError('FORBIDDEN', 'You do not work with dossiers');
    }
    query.where('d.department_id', principal.departmentId);
  }
  if (filter.state) query.where((q) => q.where('d.state', filter.state as string).orWhere('d.state', 'like', `${filter.state}.%`));
  if (filter.procedureId !== undefined) query.where('d.procedure_id', filter.procedureId);
  if (filter.departmentId !== undefined) query.where('d.department_id', filter.departmentId);
  if (filter.assigneeId !== undefined) query.where('d.assignee_id', filter.assigneeId);
  if (filter.code) query.where('d.code', filter.code);
  if (filter.overdue !== undefined) {
    const overdue = (q: typeof query) =>
      q
        .whereNotIn('d.state', [...FINAL_DOSSIER_STATES, ...WAITING_STATES])
        .andWhere((w) =>
          w
            .where('d.step_due_at', '<', now)
            .orWhere((a) => a.whereNot('d.state', 'readyForReturn').andWhereRaw('COALESCE(d.rescheduled_due_at, d.due_at) < ?', [now])),
        );
    if (filter.overdue) overdue(query);
    else query.whereNotExists((sub) => overdue(sub.from('dossiers as o').whereRaw('o.id = d.id') as typeof query));
  }
  const countRow = await query.clone().count<{ n: number }[]>('d.id as n').first();
  const rows = await query
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .select(DOSSIER_COLUMNS)
    .orderBy('d.id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize);
  const actor: DossierActor = { kind: 'user', principal };
  return {
    items: rows.map((r) => toView(deps, loadRow(r), actor, now)),
    page: filter.page,
    pageSize: filter.pageSize,
    total: Number(countRow?.n ?? 0),
  };
}

export interface PublicDossierView {
  id: number;
  code: string;
  procedure: { code: string; name: string };
  state: string;
  nationalStatus: number;
  version: number;
  submittedAt: string;
  receivedAt: string | null;
  dueAt: string | null;
  result: 'grant' | 'refuse' | null;
  allowedEvents: string[];
  timeline: Array<{ type: string; at: string; state: string | null; details: Record<string, unknown> }>;
}

/** What the applicant sees of each event: what they must do or were told, never internal opinions or staff names. */
const PUBLIC_FIELDS: Partial<Record<string, string[]>> = {
  REQUEST_SUPPLEMENT: ['guidance'],
  REFUSE: ['reason'],
  WITHDRAW: ['reason'],
  STOP: ['reason'],
  ISSUE_APOLOGY: ['reason', 'newDueAt'],
  RETURN_RESULT: ['method'],
  PAYMENT_RECEIVED: ['receiptNumber'],
  RECEIVE: ['dueAt'],
  SUPPLEMENT: ['dueAt'],
};

async function toPublicView(deps: DossierDeps, db: Executor, row: DossierRow, at: string): Promise<PublicDossierView> {
  const events = await streamEvents(db, 'dossier', row.id);
  const state = row.state as DossierState;
  return {
    id: row.id,
    code: row.code,
    procedure: { code: row.procedure_code as string, name: row.procedure_name as string },
    state,
    nationalStatus: row.national_status,
    version: row.version,
    submittedAt: iso(row.submitted_at) as string,
    receivedAt: iso(row.received_at),
    dueAt: iso(row.rescheduled_due_at) ?? iso(row.due_at),
    result: state === 'completed' || state === 'readyForReturn' || state === 'awaitingPayment' ? row.result : null,
    allowedEvents: allowedEventsFor(deps, row, { kind: 'applicant' }, at),
    timeline: events.map((e) => ({
      type: e.type,
      at: e.at,
      state: e.toState,
      details: Object.fromEntries((PUBLIC_FIELDS[e.type] ?? []).filter((f) => e.payload[f] != null).map((f) => [f, e.payload[f]])),
    })),
  };
}

/**
 * The applicant's view of their dossier (tra cứu hồ sơ).
 * @throws NotFoundError for an unknown code or a wrong secret.
 */
export async function getPublicDossier(deps: DossierDeps, code: string, secret: string): Promise<PublicDossierView> {
  const row = await findByCodeAndSecret(deps.db, code, secret);
  if (!row) throw new NotFoundError('NOT_FOUND', 'No dossier with this code and tracking secret');
  return toPublicView(deps, deps.db, row, deps.clock().toISOString());
}
