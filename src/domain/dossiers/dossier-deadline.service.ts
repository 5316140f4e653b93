import type { DossierEvent } from '../../../machines/dossier/index.ts';
import type { Executor } from '../../db/db.ts';
import type { WorkingTime } from '../../calendar/working-calendar.ts';
import { iso } from '../../lib/rows.ts';
import { UnhandledDeadlineJobError, type DeadlineJob, type DeadlineResult, type SubjectDeadlines } from '../workflow/deadlines.ts';
import { applyEvent } from '../workflow/fire-event.ts';
import { machineOf, type EventPlanner, type RecordType } from '../workflow/record-type.ts';
import { restoreSnapshot } from '../workflow/transition-loop.ts';
import { notify, type NewNotification } from '../notifications/notifications.service.ts';
import type { DocumentDeps } from '../documents/document-deps.ts';
import type { DossierDeps } from './dossier-deps.ts';
import { dossierRecordType, loadRules, supplementWindowClosesAt } from './dossier-planning.ts';
import { LIST_SQL } from './dossier.service.ts';
import { contextOf, dossierStatesTagged, findRow, type DossierRow } from './dossier-rows.ts';

/**
 * What the deadline worker and the sweep do when a due instant passes (DESIGN §8). Each handler
 * re-reads the dossier and acts only if it is still where the job expected it (same step and due
 * instant, same appointment…); otherwise the job is stale and nothing happens. Everything a handler
 * changes — the machine event, the notifications — commits in one transaction, and notifications are
 * deduplicated, so a job that runs twice (after a crash) has its effect once.
 */

export interface DeadlineDeps extends DossierDeps {
  /** Whether notifications are also e-mailed (SMTP configured). */
  email: boolean;
  /** What the documents' deadline handlers work with (the deadline worker serves every subject). */
  documents: DocumentDeps;
}

const ONE_STOP_STEPS: readonly string[] = ['intake', 'returnedToOneStop', 'readyForReturn'];

async function activeUsers(trx: Executor, role: string, departmentId?: number): Promise<number[]> {
  const query = trx('users as u').join('user_roles as r', 'r.user_id', 'u.id').where({ 'r.role': role, 'u.disabled': false }).select('u.id');
  if (departmentId !== undefined) query.andWhere('u.department_id', departmentId);
  return (await query).map((r) => r.id as number);
}

/**
 * Who answers for the current step: the one-stop unit for its own steps, the director at approval, and
 * otherwise the assigned specialist with their department's leads ("the assignee and their department lead").
 */
async function stepResponsibles(trx: Executor, row: DossierRow): Promise<number[]> {
  if (row.step && ONE_STOP_STEPS.includes(row.step)) return activeUsers(trx, 'onestop');
  if (row.step === 'leadershipApproval') return activeUsers(trx, 'director');
  const leads = await activeUsers(trx, 'dept_lead', row.department_id);
  return row.assignee_id !== null ? [row.assignee_id, ...leads] : leads;
}

function localTime(instant: string): string {
  return new Date(Date.parse(instant) + 7 * 3_600_000).toISOString().replace('T', ' ').slice(0, 16);
}

async function send(deps: DeadlineDeps, trx: Executor, recipients: number[], row: DossierRow, n: Omit<NewNotification, 'subjectType' | 'subjectId'>, at: string) {
  await notify(trx, recipients, { ...n, subjectType: 'dossier', subjectId: row.id }, at, { email: deps.email });
}

interface Scope {
  trx: Executor;
  row: DossierRow;
  now: Date;
  calendar: WorkingTime;
  record: RecordType<DossierRow>;
  planner: EventPlanner<DossierRow>;
}

/** Runs a handler in one transaction on a fresh read of the dossier. */
async function withDossier(deps: DeadlineDeps, dossierId: number, handle: (scope: Scope) => Promise<DeadlineResult>): Promise<DeadlineResult> {
  // Loaded before the transaction: on SQLite the transaction holds the only connection.
  const calendar = await deps.calendar.current();
  const record = dossierRecordType(deps);
  const planner = await record.planner();
  return deps.db.transaction(async (trx) => {
    const row = await findRow(trx, { 'd.id': dossierId });
    if (!row) return 'stale';
    return handle({ trx, row, now: deps.clock(), calendar, record, planner });
  });
}

/** Fires a system event through the workflow kit. */
async function fireSystemEvent({ trx, row, now, record, planner }: Scope, event: DossierEvent): Promise<void> {
  await applyEvent(trx, record, planner, row, { kind: 'system' }, event, row.version, now);
}

/** Fires a system event if the dossier's definition knows it (version 1 dossiers get the notifications only). */
async function fireIfKnown(scope: Scope, event: DossierEvent): Promise<boolean> {
  if (!restoreSnapshot(machineOf(scope.record, scope.row), scope.row.snapshot).can(event)) return false;
  await fireSystemEvent(scope, event);
  return true;
}

export class NotYetDueError extends Error {}

/** A job that runs before its instant (clocks of two machines differ) is retried, not dropped. */
function notYetDue(now: Date, dueAt: string): void {
  if (now.toISOString() < dueAt) throw new NotYetDueError(`not due until ${dueAt}`);
}

const stillAtStep = (row: DossierRow, step: string, dueAt: string) => row.step === step && iso(row.step_due_at) === dueAt;
const holding = (row: DossierRow) => dossierStatesTagged('holding').includes(row.state) && row.result === null;
const appointmentOf = (row: DossierRow) => iso(row.rescheduled_due_at) ?? iso(row.due_at);

/** A reminder before a step's due instant: only if the dossier is still at that step. */
export async function remindStep(deps: DeadlineDeps, job: { dossierId: number; step: string; dueAt: string }): Promise<DeadlineResult> {
  return withDossier(deps, job.dossierId, async (scope) => {
    const { trx, row, now } = scope;
    if (!stillAtStep(row, job.step, job.dueAt) || row.step_overdue_at) return 'stale';
    await send(deps, trx, await stepResponsibles(trx, row), row, {
      kind: 'step-reminder',
      title: `Sắp đến hạn: hồ sơ ${row.code}`,
      body: `Bước "${job.step}" của hồ sơ ${row.code} (${row.procedure_name}) đến hạn lúc ${localTime(job.dueAt)}.`,
      dueAt: job.dueAt,
      dedupeKey: `dossier-${row.id}-step-reminder-${job.dueAt}`,
    }, now.toISOString());
    return 'done';
  });
}

/**
 * A step's due instant passed: mark it overdue (the machine's STEP_OVERDUE, in the timeline) and
 * notify the assignee and their department lead.
 */
export async function markStepOverdue(deps: DeadlineDeps, job: { dossierId: number; step: string; dueAt: string }): Promise<DeadlineResult> {
  return withDossier(deps, job.dossierId, async (scope) => {
    const { trx, row, now } = scope;
    if (!stillAtStep(row, job.step, job.dueAt) || row.step_overdue_at) return 'stale';
    notYetDue(now, job.dueAt);
    await fireIfKnown(scope, { type: 'STEP_OVERDUE', at: now.toISOString(), step: job.step, dueAt: job.dueAt });
    await send(deps, trx, await stepResponsibles(trx, row), row, {
      kind: 'step-overdue',
      title: `Quá hạn: hồ sơ ${row.code}`,
      body: `Bước "${job.step}" của hồ sơ ${row.code} (${row.procedure_name}) đã quá hạn (hạn ${localTime(job.dueAt)}).`,
      dueAt: job.dueAt,
      dedupeKey: `dossier-${row.id}-step-overdue-${job.dueAt}`,
    }, now.toISOString());
    return 'done';
  });
}

/**
 * The last moment to issue the apology with a new appointment (one working day before it, DOMAIN §1.3):
 * warn the department and the one-stop unit, unless an apology was issued.
 */
export async function warnApology(deps: DeadlineDeps, job: { dossierId: number; dueAt: string }): Promise<DeadlineResult> {
  return withDossier(deps, job.dossierId, async (scope) => {
    const { trx, row, now } = scope;
    if (!holding(row) || appointmentOf(row) !== job.dueAt || contextOf(row).apologyIssued) return 'stale';
    const leads = await activeUsers(trx, 'dept_lead', row.department_id);
    await send(deps, trx, [...(row.assignee_id !== null ? [row.assignee_id] : []), ...leads], row, {
      kind: 'apology-due',
      title: `Hồ sơ ${row.code} có nguy cơ trễ hẹn`,
      body: `Hẹn trả kết quả ${localTime(job.dueAt)}. Nếu không kịp, phát hành phiếu xin lỗi và hẹn lại ngày trả kết quả ngay hôm nay.`,
      dueAt: job.dueAt,
      dedupeKey: `dossier-${row.id}-apology-due-${job.dueAt}`,
    }, now.toISOString());
    return 'done';
  });
}

/**
 * The appointment passed while the agency holds the dossier: mark it late (APPOINTMENT_PASSED) and put
 * the apology slip with a new appointment on the one-stop unit's list; tell the department.
 */
export async function markAppointmentPassed(deps: DeadlineDeps, job: { dossierId: number; dueAt: string }): Promise<DeadlineResult> {
  return withDossier(deps, job.dossierId, async (scope) => {
    const { trx, row, now } = scope;
    const context = contextOf(row);
    if (!holding(row) || appointmentOf(row) !== job.dueAt || context.lateDueAt === job.dueAt) return 'stale';
    notYetDue(now, job.dueAt);
    await fireIfKnown(scope, { type: 'APPOINTMENT_PASSED', at: now.toISOString(), dueAt: job.dueAt });
    const at = now.toISOString();
    if (!context.apologyIssued) {
      await send(deps, trx, await activeUsers(trx, 'onestop'), row, {
        kind: 'apology-slip',
        title: `Trễ hẹn: lập phiếu xin lỗi cho hồ sơ ${row.code}`,
        body: `Hồ sơ ${row.code} (${row.applicant_name}) đã quá hẹn trả ${localTime(job.dueAt)}. Lập phiếu xin lỗi và hẹn lại ngày trả kết quả cho tổ chức, công dân.`,
        dueAt: job.dueAt,
        dedupeKey: `dossier-${row.id}-apology-slip-${job.dueAt}`,
      }, at);
    }
    const leads = await activeUsers(trx, 'dept_lead', row.department_id);
    await send(deps, trx, [...(row.assignee_id !== null ? [row.assignee_id] : []), ...leads], row, {
      kind: 'appointment-late',
      title: `Trễ hẹn: hồ sơ ${row.code}`,
      body: `Hồ sơ ${row.code} (${row.procedure_name}) đã quá hẹn trả kết quả ${localTime(job.dueAt)}.`,
      dueAt: job.dueAt,
      dedupeKey: `dossier-${row.id}-appointment-late-${job.dueAt}`,
    }, at);
    return 'done';
  });
}

/**
 * The sector's window for asking for a supplement closes soon (e.g. 3 working days after receipt for
 * alcohol and chemicals): remind the specialist and the department's leads, unless a supplement was asked for.
 */
export async function remindSupplementWindow(deps: DeadlineDeps, job: { dossierId: number; closesAt: string }): Promise<DeadlineResult> {
  return withDossier(deps, job.dossierId, async (scope) => {
    const { trx, row, now } = scope;
    const context = contextOf(row);
    if (!holding(row) || context.supplementRequested || context.supplementRequestedAfterReceipt) return 'stale';
    const rules = await loadRules(deps.db, trx, row.procedure_rule_id);
    if (supplementWindowClosesAt(scope.calendar, rules, iso(row.received_at)) !== job.closesAt) return 'stale';
    const leads = await activeUsers(trx, 'dept_lead', row.department_id);
    await send(deps, trx, [...(row.assignee_id !== null ? [row.assignee_id] : []), ...leads], row, {
      kind: 'supplement-window',
      title: `Sắp hết hạn yêu cầu bổ sung: hồ sơ ${row.code}`,
      body: `Nếu hồ sơ ${row.code} (${row.procedure_name}) cần bổ sung, phải yêu cầu một lần, nêu đủ các nội dung, trước ${localTime(job.closesAt)}.`,
      dueAt: job.closesAt,
      dedupeKey: `dossier-${row.id}-supplement-window-${job.closesAt}`,
    }, now.toISOString());
    return 'done';
  });
}

/** An applicant who did not supplement in time: the system stops the dossier (SUPPLEMENT_EXPIRED). */
export async function expireSupplement(deps: DeadlineDeps, job: { dossierId: number; requestedAt: string }): Promise<DeadlineResult> {
  return withDossier(deps, job.dossierId, async (scope) => {
    const { trx, row, now } = scope;
    if (row.state !== 'awaitingSupplement' || iso(row.step_started_at) !== job.requestedAt) return 'stale';
    await fireSystemEvent(scope, { type: 'SUPPLEMENT_EXPIRED', at: now.toISOString() });
    await send(deps, trx, await activeUsers(trx, 'onestop'), row, {
      kind: 'supplement-expired',
      title: `Dừng xử lý hồ sơ ${row.code}`,
      body: `Hồ sơ ${row.code} (${row.applicant_name}) không được bổ sung đúng hạn và đã dừng xử lý; gửi thông báo dừng cho tổ chức, công dân.`,
      dueAt: null,
      dedupeKey: `dossier-${row.id}-supplement-expired-${job.requestedAt}`,
    }, now.toISOString());
    return 'done';
  });
}

export interface SweepReport {
  stepsOverdue: number;
  appointmentsPassed: number;
  supplementsExpired: number;
  /** A query stopped at its bound: more may be waiting (the caller sweeps again). */
  more: boolean;
}

/**
 * Finds what is overdue from the database itself, so that a lost or late job can never hide a late
 * dossier (DESIGN §8), and handles it the way the jobs would. Bounded per run; the next run continues.
 */
export async function sweepDeadlines(deps: DeadlineDeps, limit = 500, onError?: (dossierId: number, err: unknown) => void): Promise<SweepReport> {
  const now = deps.clock().toISOString();
  const report: SweepReport = { stepsOverdue: 0, appointmentsPassed: 0, supplementsExpired: 0, more: false };
  // One record that fails (a clerk acting at the same moment) must not stop the sweep for the others.
  const attempt = async (dossierId: number, handle: () => Promise<DeadlineResult>, count: 'stepsOverdue' | 'appointmentsPassed' | 'supplementsExpired') => {
    try {
      if ((await handle()) === 'done') report[count]++;
    } catch (err) {
      onError?.(dossierId, err);
    }
  };
  // Version 1 dossiers cannot take the marks (their machine lacks the events): the jobs notify for them.
  // Both reads name the predicates of their partial indexes (migration 20261203000030) word for word:
  // they read only the unmarked rows, never the table.
  const steps = await deps.db('dossiers')
    .whereRaw(LIST_SQL.actionable)
    .whereRaw('step_overdue_at IS NULL')
    .where('step_due_at', '<', now)
    .where('machine_version', '>=', 2)
    .whereNotNull('step')
    .orderBy('step_due_at')
    .limit(limit)
    .select('id', 'step', 'step_due_at');
  if (steps.length === limit) report.more = true;
  for (const r of steps) await attempt(r.id, () => markStepOverdue(deps, { dossierId: r.id, step: r.step, dueAt: iso(r.step_due_at) as string }), 'stepsOverdue');
  // A mark made before the current appointment passed was for an earlier appointment.
  const late = await deps.db('dossiers')
    .whereRaw(LIST_SQL.holding)
    .whereRaw('result IS NULL')
    .whereRaw('(late_at IS NULL OR late_at < COALESCE(rescheduled_due_at, due_at))')
    .whereRaw('COALESCE(rescheduled_due_at, due_at) < ?', [now])
    .where('machine_version', '>=', 2)
    .orderByRaw('COALESCE(rescheduled_due_at, due_at)')
    .limit(limit)
    .select('id', 'due_at', 'rescheduled_due_at');
  if (late.length === limit) report.more = true;
  for (const r of late) {
    const dueAt = (iso(r.rescheduled_due_at) ?? iso(r.due_at)) as string;
    await attempt(r.id, () => markAppointmentPassed(deps, { dossierId: r.id, dueAt }), 'appointmentsPassed');
  }
  const calendar = await deps.calendar.current();
  // Only requests old enough to have expired (a day of slack around office-hour edges; checked exactly below),
  // so that a long list of applicants still within their time never keeps the sweep going.
  const cutoff = new Date(calendar.subtractWorkingDays(new Date(now), deps.settings.supplementWaitDays).getTime() + 86_400_000).toISOString();
  const waiting = await deps.db('dossiers')
    .where({ state: 'awaitingSupplement' })
    .where('step_started_at', '<=', cutoff)
    .orderBy('step_started_at')
    .limit(limit)
    .select('id', 'step_started_at');
  if (waiting.length === limit) report.more = true;
  for (const r of waiting) {
    const requestedAt = iso(r.step_started_at) as string;
    if (calendar.addWorkingDays(new Date(requestedAt), deps.settings.supplementWaitDays).toISOString() > now) continue;
    await attempt(r.id, () => expireSupplement(deps, { dossierId: r.id, requestedAt }), 'supplementsExpired');
  }
  return report;
}

const need = <T>(value: T | undefined | null, field: string, name: string): T => {
  if (value === undefined || value === null) throw new UnhandledDeadlineJobError(`${name} job without ${field}`);
  return value;
};

/** The dossier's deadline jobs by name (written by liveDeadlineJobs), and its sweep. */
export const DOSSIER_DEADLINES: SubjectDeadlines<DeadlineDeps> = {
  handlers: {
    'step-reminder': (deps, job: DeadlineJob) => remindStep(deps, { dossierId: job.id, step: need(job.step, 'step', 'step-reminder'), dueAt: need(job.dueAt, 'dueAt', 'step-reminder') }),
    'step-deadline': (deps, job) => markStepOverdue(deps, { dossierId: job.id, step: need(job.step, 'step', 'step-deadline'), dueAt: need(job.dueAt, 'dueAt', 'step-deadline') }),
    'apology-warning': (deps, job) => warnApology(deps, { dossierId: job.id, dueAt: need(job.dueAt, 'dueAt', 'apology-warning') }),
    'appointment-deadline': (deps, job) => markAppointmentPassed(deps, { dossierId: job.id, dueAt: need(job.dueAt, 'dueAt', 'appointment-deadline') }),
    'supplement-window': (deps, job) => remindSupplementWindow(deps, { dossierId: job.id, closesAt: need(job.dueAt, 'dueAt', 'supplement-window') }),
    'supplement-expiry': (deps, job) => expireSupplement(deps, { dossierId: job.id, requestedAt: need(job.requestedAt, 'requestedAt', 'supplement-expiry') }),
  },
  sweep: async (deps, limit, onError) => {
    const { more, ...counts } = await sweepDeadlines(deps, limit, onError);
    return { counts, more };
  },
};
