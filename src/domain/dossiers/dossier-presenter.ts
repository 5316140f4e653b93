import type { DossierState } from '../../../machines/dossier/index.ts';
import type { Actor } from '../../auth/actor.ts';
import type { Executor } from '../../db/db.ts';
import { iso } from '../../lib/rows.ts';
import { streamEvents } from '../audit/event-log.ts';
import { allowedEvents } from '../workflow/fire-event.ts';
import type { RecordType } from '../workflow/record-type.ts';
import type { TimelineEntry } from '../workflow/timeline.ts';
import type { ChecklistItem, PaperView } from './dossier-papers.ts';
import { contextOf, type DossierRow } from './dossier-rows.ts';

export interface Applicant {
  name: string;
  idNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
}

/**
 * The person who hands in (and collects) the dossier for the applicant (người được ủy quyền), with the
 * identity and the authorisation paper they showed (Mẫu 01, Circular 03/2025/TT-VPCP).
 */
export interface Proxy {
  name: string;
  idNumber: string;
  /** The authorisation paper: its kind, number and date ("Giấy ủy quyền số 12/GUQ ngày 01/12/2026"). */
  authorisation: string;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
}

/** The proxy of a dossier row, or null when the applicant acted in person. */
export function proxyOf(row: Pick<DossierRow, 'proxy_name' | 'proxy_id_number' | 'proxy_phone' | 'proxy_email' | 'proxy_address' | 'proxy_authorisation'>): Required<Proxy> | null {
  if (!row.proxy_name) return null;
  return {
    name: row.proxy_name,
    idNumber: row.proxy_id_number ?? '',
    authorisation: row.proxy_authorisation ?? '',
    phone: row.proxy_phone ?? null,
    email: row.proxy_email ?? null,
    address: row.proxy_address ?? null,
  };
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
  /** Who acted for the applicant, if anyone did. */
  proxy: Required<Proxy> | null;
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
  /** On the single dossier: its papers and the procedure's checklist. */
  papers?: PaperView[];
  checklist?: ChecklistItem[];
}

/**
 * A refused, withdrawn or stopped dossier holds no appointment any more (nothing will be returned): it is
 * never shown one, on a page, a form or an answer. The appointment per the time limit stays in
 * `originalDueAt` for the statistics.
 */
const ENDED_WITHOUT_RESULT: readonly string[] = ['refused', 'withdrawn', 'stopped'];

/**
 * The appointment a dossier holds now: the apology's new date when one was issued; none once it ended
 * without a result, and none while a supplement is awaited (the complete supplement sets it anew: the full
 * limit again, or shifted by the wait — DESIGN §3).
 */
function appointmentOf(row: DossierRow): string | null {
  if (ENDED_WITHOUT_RESULT.includes(row.state) || row.state === 'awaitingSupplement') return null;
  return iso(row.rescheduled_due_at) ?? iso(row.due_at);
}

/** A dossier as staff see it, with the events this actor may fire now. */
export function toView(record: RecordType<DossierRow>, row: DossierRow, actor: Actor, at: string): DossierView {
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
    proxy: proxyOf(row),
    subject: row.subject,
    assigneeId: row.assignee_id,
    submittedAt: iso(row.submitted_at) as string,
    receivedAt: iso(row.received_at),
    dueAt: appointmentOf(row),
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
    allowedEvents: allowedEvents(record, row, actor, at),
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
  /** The appointment; null before receipt and once refused, withdrawn or stopped. */
  dueAt: string | null;
  /** While a supplement is awaited: the last instant to hand it in (SUPPLEMENT_WAIT_DAYS working days after the request). */
  supplementDueAt: string | null;
  result: 'grant' | 'refuse' | null;
  allowedEvents: string[];
  timeline: Array<{ type: string; at: string; state: string | null; details: Record<string, unknown> }>;
}

/** What the applicant sees of each event: what they must do or were told, never internal opinions or staff names. */
const PUBLIC_FIELDS: Partial<Record<string, string[]>> = {
  REQUEST_SUPPLEMENT: ['guidance', 'missingPaperNames', 'supplementDueAt'],
  REFUSE: ['reason'],
  WITHDRAW: ['reason'],
  STOP: ['reason'],
  ISSUE_APOLOGY: ['reason', 'newDueAt'],
  RETURN_RESULT: ['method'],
  PAYMENT_RECEIVED: ['receiptNumber'],
  RECEIVE: ['dueAt'],
  SUPPLEMENT: ['dueAt'],
};

/** States in which the applicant is told the result: once the director has decided, as long as it stands. */
const RESULT_SHOWN: readonly DossierState[] = ['awaitingPayment', 'readyForReturn', 'completed'];

/** The applicant's view of their dossier (tra cứu hồ sơ). */
export async function toPublicView(record: RecordType<DossierRow>, db: Executor, row: DossierRow, at: string): Promise<PublicDossierView> {
  const events = await streamEvents(db, record.aggregate.streamType, row.id);
  return {
    id: row.id,
    code: row.code,
    procedure: { code: row.procedure_code as string, name: row.procedure_name as string },
    state: row.state,
    nationalStatus: row.national_status,
    version: row.version,
    submittedAt: iso(row.submitted_at) as string,
    receivedAt: iso(row.received_at),
    dueAt: appointmentOf(row),
    supplementDueAt: row.state === 'awaitingSupplement' ? (([...events].reverse().find((e) => e.type === 'REQUEST_SUPPLEMENT')?.payload.supplementDueAt as string | undefined) ?? null) : null,
    result: (RESULT_SHOWN as readonly string[]).includes(row.state) ? row.result : null,
    allowedEvents: allowedEvents(record, row, { kind: 'applicant' }, at),
    timeline: events.map((e) => ({
      type: e.type,
      at: e.at,
      state: e.toState,
      details: Object.fromEntries((PUBLIC_FIELDS[e.type] ?? []).filter((f) => e.payload[f] != null).map((f) => [f, e.payload[f]])),
    })),
  };
}
