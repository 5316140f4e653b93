import { INCOMING_DOCUMENT_EVENT_TYPES, INCOMING_DOCUMENT_MACHINE_ID } from '../../../machines/incoming-document/index.ts';
import { OUTGOING_DOCUMENT_EVENT_TYPES } from '../../../machines/outgoing-document/index.ts';
import type { Actor } from '../../auth/actor.ts';
import { can } from '../../auth/authorize.ts';
import type { WorkingTime } from '../../calendar/working-calendar.ts';
import type { Executor } from '../../db/db.ts';
import { iso } from '../../lib/rows.ts';
import { DOCUMENT_AGGREGATE } from '../aggregates.ts';
import { RuleViolationError, ValidationError } from '../errors.ts';
import { diffJobs, type OutboxJob } from '../outbox/outbox.ts';
import { createRecord } from '../workflow/create-record.ts';
import { actorRef, applyEvent } from '../workflow/fire-event.ts';
import { statesTagged } from '../workflow/machine-graph.ts';
import type { EventPlan, EventPlanner, RecordType } from '../workflow/record-type.ts';
import type { StampedEvent, TransitionEffects } from '../workflow/transition-loop.ts';
import type { DocumentDeps } from './document-deps.ts';
import { documentDeadlineJobs } from './document-deadlines.ts';
import { localDate, nextRegisterNumber, outgoingSymbol, registerYear } from './document-register.ts';
import { documentSubject, loadDocument, type DocumentRow } from './document-rows.ts';
import { documentType } from './document-types.ts';
import { documentSearchText } from './search-text.ts';
import { incomingDocumentMachine } from '../../../machines/incoming-document/index.ts';

/** Incoming states in which a handling deadline runs (the machine's `handling` tag). */
export const HANDLING_STATES: readonly string[] = statesTagged(incomingDocumentMachine, 'handling');

interface DepartmentPart {
  departmentId: number;
  dueAt?: string;
  note?: string;
}

type DirectEvent = StampedEvent & { type: 'DIRECT'; lead: DepartmentPart; coordinating?: DepartmentPart[]; text: string; replyRequired?: boolean };
type ForwardEvent = StampedEvent & { type: 'FORWARD'; userId: number; dueAt?: string; note?: string };
type AnswerEvent = StampedEvent & { type: 'ANSWER'; outgoingId: number };
type SignEvent = StampedEvent & { type: 'SIGN' | 'REGISTER_SIGNED'; signerName?: string; signerPosition?: string };

const principalOf = (actor: Actor) => (actor.kind === 'user' ? actor.principal : null);

/** Normalises an instant to the stored ISO form, refusing one that is not after `at` (a deadline in the past). */
function futureInstant(value: string, at: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError('INVALID_INSTANT', `${field} is not an instant this service can use`, { field });
  const normal = new Date(ms).toISOString();
  if (normal <= at) throw new RuleViolationError('DEADLINE_NOT_IN_FUTURE', `${field} must be later than now`, { field });
  return normal;
}

async function checkDepartments(trx: Executor, ids: number[]): Promise<void> {
  const found = new Set((await trx('departments').whereIn('id', ids).pluck('id')).map(Number));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new ValidationError('UNKNOWN_REFERENCE', `No department ${missing.join(', ')}`, { field: 'departmentId', missing });
}

/** The column changes and the reminder/deadline jobs when an incoming document's handling deadline changes or ends. */
function deadlineJobs(deps: DocumentDeps, calendar: WorkingTime, row: DocumentRow, nextDueAt: string | null, open: boolean, at: string): OutboxJob[] {
  const wasOpen = HANDLING_STATES.includes(row.state) && row.overdue_at === null;
  const before = wasOpen ? documentDeadlineJobs(calendar, row.id, iso(row.due_at), at, deps.settings.reminderWorkingDays) : [];
  const after = open ? documentDeadlineJobs(calendar, row.id, nextDueAt, at, deps.settings.reminderWorkingDays) : [];
  // Same id when the deadline stays: the reminder instant of a kept job is the one planned first.
  return diffJobs(before, after);
}

/** What an event changes besides the machine, for each event of both machines. */
async function planEvent(deps: DocumentDeps, calendar: WorkingTime, trx: Executor, row: DocumentRow, stamped: StampedEvent, now: Date, actor: Actor, planner: EventPlanner<DocumentRow>): Promise<EventPlan> {
  const at = stamped.at;
  const principal = principalOf(actor);
  const none = (): TransitionEffects => ({ columns: {}, audit: {}, jobs: [] });
  switch (stamped.type) {
    case 'DIRECT': {
      const event = stamped as DirectEvent;
      const parts = [{ ...event.lead, role: 'lead' as const }, ...(event.coordinating ?? []).map((c) => ({ ...c, role: 'coordinating' as const }))];
      return {
        enrich: async () => {
          const ids = parts.map((p) => p.departmentId);
          if (new Set(ids).size !== ids.length) throw new ValidationError('DUPLICATE_DEPARTMENT', 'A department appears twice in the direction', { field: 'coordinating' });
          await checkDepartments(trx, ids);
          for (const [i, p] of parts.entries()) if (p.dueAt !== undefined) p.dueAt = futureInstant(p.dueAt, at, i === 0 ? 'lead.dueAt' : `coordinating/${i - 1}/dueAt`);
          return stamped;
        },
        effects: async (next) => {
          for (const p of parts) {
            await trx('document_assignments').insert({
              document_id: row.id,
              department_id: p.departmentId,
              role: p.role,
              due_at: p.dueAt ?? null,
              note: p.note ?? null,
              assigned_by: principal?.userId ?? null,
              assigned_at: at,
            });
          }
          // The document's handling deadline is the lead department's (Phiếu giải quyết văn bản đến).
          const dueAt = parts[0]?.dueAt ?? iso(row.due_at);
          const replyRequired = (next.context as { replyRequired: boolean }).replyRequired;
          return {
            columns: { lead_department_id: event.lead.departmentId, directed_by: principal?.userId ?? null, directed_at: at, due_at: dueAt, reply_required: replyRequired },
            audit: { departments: parts.map((p) => ({ departmentId: p.departmentId, role: p.role, dueAt: p.dueAt ?? null })) },
            jobs: deadlineJobs(deps, calendar, row, dueAt, true, at),
          };
        },
      };
    }
    case 'DISTRIBUTE':
    case 'ROUTE_INTERNAL':
      return {
        effects: async () => {
          await trx('document_assignments').where({ document_id: row.id }).whereNull('delivered_at').update({ delivered_at: at });
          return { columns: { delivered_at: at }, audit: {}, jobs: [] };
        },
      };
    case 'FORWARD': {
      const event = stamped as ForwardEvent;
      const assignment = row.assignments.find((a) => principal !== null && a.department_id === principal.departmentId);
      return {
        enrich: async () => {
          if (!assignment) throw new RuleViolationError('NOT_ASSIGNED_TO_YOUR_DEPARTMENT', 'The document was not directed to your department');
          const user = await trx('users').where({ id: event.userId, department_id: assignment.department_id, disabled: false }).first('id');
          if (!user) throw new ValidationError('INVALID_ASSIGNEE', `User ${event.userId} is not an active member of the department`, { field: 'userId' });
          if (row.forwards.some((f) => f.assignment_id === assignment.id && f.user_id === event.userId)) {
            throw new RuleViolationError('ALREADY_FORWARDED', 'The document was already forwarded to this person', { userId: event.userId });
          }
          const dueAt = event.dueAt === undefined ? assignment.due_at : futureInstant(event.dueAt, at, 'dueAt');
          // Điều 6.3: the staff member's deadline falls within the department's.
          if (dueAt !== null && assignment.due_at !== null && dueAt > assignment.due_at) {
            throw new RuleViolationError('FORWARD_DEADLINE_AFTER_DEPARTMENT', `The deadline must not be later than the department's (${assignment.due_at})`, { departmentDueAt: assignment.due_at });
          }
          return { ...event, dueAt: dueAt ?? undefined };
        },
        effects: async () => {
          const a = assignment as NonNullable<typeof assignment>;
          const dueAt = (event.dueAt === undefined ? a.due_at : new Date(event.dueAt).toISOString()) ?? null;
          await trx('document_forwards').insert({ document_id: row.id, assignment_id: a.id, user_id: event.userId, due_at: dueAt, note: event.note ?? null, forwarded_by: principal?.userId as number, forwarded_at: at });
          return { columns: {}, audit: { departmentId: a.department_id, dueAt }, jobs: [] };
        },
      };
    }
    case 'COMPLETE':
      return { effects: () => ({ columns: { finished_at: at }, audit: {}, jobs: deadlineJobs(deps, calendar, row, null, false, at) }) };
    case 'ANSWER': {
      const event = stamped as AnswerEvent;
      return {
        enrich: async () => {
          const reply = await trx('documents').where({ id: event.outgoingId }).first('direction', 'state');
          if (!reply || reply.direction !== 'outgoing') throw new ValidationError('UNKNOWN_REFERENCE', `No outgoing document ${event.outgoingId}`, { field: 'outgoingId' });
          // Điều 7: the answer is an issued document, not a draft.
          if (reply.state !== 'issued') throw new RuleViolationError('REPLY_NOT_ISSUED', 'The reply must be issued before it answers the document', { outgoingId: event.outgoingId });
          return stamped;
        },
        effects: async () => {
          await trx('document_replies').insert({ incoming_id: row.id, outgoing_id: event.outgoingId, linked_by: principal?.userId ?? null, linked_at: at }).onConflict(['incoming_id', 'outgoing_id']).ignore();
          return { columns: { finished_at: at }, audit: {}, jobs: deadlineJobs(deps, calendar, row, null, false, at) };
        },
      };
    }
    case 'DEADLINE_PASSED':
      return { effects: () => ({ columns: { overdue_at: at }, audit: { dueAt: iso(row.due_at) }, jobs: [] }) };
    case 'SUBMIT':
    case 'APPROVE':
    case 'REJECT':
      return { effects: none };
    case 'SIGN':
    case 'REGISTER_SIGNED': {
      const event = stamped as SignEvent;
      return {
        effects: () => {
          const signerName = event.signerName ?? (event.type === 'SIGN' ? (principal?.fullName ?? null) : row.signer_name);
          const columns = {
            signer_name: signerName,
            signer_position: event.signerPosition ?? row.signer_position,
            signed_by: event.type === 'SIGN' ? (principal?.userId ?? null) : null,
            signed_at: at,
          };
          return { columns: { ...columns, search_text: documentSearchText(textFields({ ...row, signer_name: signerName })) }, audit: {}, jobs: [] };
        },
      };
    }
    case 'ISSUE':
      return planIssue(deps, trx, row, at, actor, planner);
  }
  return { effects: none };
}

const textFields = (row: Pick<DocumentRow, 'summary' | 'symbol' | 'source_symbol' | 'issuer_name' | 'type_name' | 'signer_name'>) => ({
  summary: row.summary,
  symbol: row.symbol,
  sourceSymbol: row.source_symbol,
  issuerName: row.issuer_name,
  typeName: row.type_name,
  signerName: row.signer_name,
});

/**
 * The clerk issues an outgoing document: the signed scan must be attached; it takes the next number of
 * the year's outgoing register and its symbol, and is sent — its internal recipients receive one incoming
 * document, registered in the incoming register and distributed to them; the external ones are marked sent.
 */
async function planIssue(deps: DocumentDeps, trx: Executor, row: DocumentRow, at: string, actor: Actor, planner: EventPlanner<DocumentRow>): Promise<EventPlan> {
  const signed = await trx('document_files').where({ document_id: row.id, kind: 'signed' }).first('id');
  const type = documentType(row.type_code);
  const unit = row.drafting_department_id === null ? null : ((await trx('departments').where({ id: row.drafting_department_id }).first('code'))?.code ?? null);
  return {
    precheck: () => {
      // Decree 30/2020 Art. 16: the clerk issues the signed document; its scan is the electronic original.
      if (!signed) throw new RuleViolationError('SIGNED_SCAN_MISSING', 'Attach the signed scan (kind `signed`) before issuing');
    },
    effects: async () => {
      const now = new Date(at);
      const year = registerYear(now);
      // The register's counter rows stay locked until commit: taken as late as the plan allows.
      const number = await nextRegisterNumber(trx, 'outgoing', year);
      const symbol = outgoingSymbol(number, type ?? { code: row.type_code, name: row.type_name, abbreviation: null, use: 'administrative' }, deps.settings.agencyAbbreviation, unit);
      const recipients = await trx('document_recipients').where({ document_id: row.id }).orderBy('id');
      const internal = recipients.filter((r) => r.kind === 'internal');
      let incomingId: number | null = null;
      if (internal.length > 0) incomingId = await receiveInternally(deps, trx, row, symbol, internal.map((r) => r.department_id as number), at, actor, planner);
      await trx('document_recipients').where({ document_id: row.id }).update({ sent_at: at });
      if (incomingId !== null) await trx('document_recipients').where({ document_id: row.id, kind: 'internal' }).update({ incoming_document_id: incomingId });
      const documentDate = row.document_date ?? localDate(now);
      return {
        columns: {
          register_year: year,
          register_number: number,
          symbol,
          issued_at: at,
          delivered_at: at,
          document_date: documentDate,
          issuer_name: row.issuer_name ?? deps.settings.agencyName,
          search_text: documentSearchText(textFields({ ...row, symbol, issuer_name: row.issuer_name ?? deps.settings.agencyName })),
        },
        audit: { registerYear: year, number, symbol, incomingDocumentId: incomingId },
        jobs: [],
      };
    },
  };
}

/**
 * The incoming copy internal departments receive of an issued outgoing document: registered in the
 * year's incoming register and distributed to them at once (ROUTE_INTERNAL), in the issue's transaction.
 */
async function receiveInternally(deps: DocumentDeps, trx: Executor, outgoing: DocumentRow, symbol: string, departmentIds: number[], at: string, actor: Actor, planner: EventPlanner<DocumentRow>): Promise<number> {
  const now = new Date(at);
  const year = registerYear(now);
  const issuer = deps.settings.agencyName;
  const number = await nextRegisterNumber(trx, 'incoming', year);
  const { id } = await createRecord(trx, DOCUMENT_AGGREGATE, {
    machine: deps.machines.current(INCOMING_DOCUMENT_MACHINE_ID),
    input: { replyRequired: false },
    columns: () => ({
      direction: 'incoming',
      register_year: year,
      register_number: number,
      arrived_at: at,
      type_code: outgoing.type_code,
      type_name: outgoing.type_name,
      summary: outgoing.summary,
      urgency: outgoing.urgency,
      issuer_name: issuer,
      source_symbol: symbol,
      document_date: localDate(now),
      signer_name: outgoing.signer_name,
      signer_position: outgoing.signer_position,
      page_count: outgoing.page_count,
      source_document_id: outgoing.id,
      search_text: documentSearchText({ typeName: outgoing.type_name, sourceSymbol: symbol, summary: outgoing.summary, issuerName: issuer, signerName: outgoing.signer_name }),
      created_by: actor.kind === 'user' ? actor.principal.userId : null,
      created_at: at,
      updated_at: at,
    }),
    event: { type: 'REGISTER', actor: actorRef(actor), at, payload: { sourceDocumentId: outgoing.id, sourceSymbol: symbol, registerYear: year, number, departmentIds } },
  });
  for (const departmentId of departmentIds) {
    await trx('document_assignments').insert({ document_id: id, department_id: departmentId, role: 'recipient', assigned_by: actor.kind === 'user' ? actor.principal.userId : null, assigned_at: at });
  }
  const row = (await loadDocument(trx, id)) as DocumentRow;
  await applyEvent(trx, documentRecordType(deps), planner, row, { kind: 'system' }, { type: 'ROUTE_INTERNAL', at }, 1, now);
  return id;
}

/** The document record type for the workflow kit: both machines, one table, one policy. */
export function documentRecordType(deps: DocumentDeps): RecordType<DocumentRow> {
  return {
    aggregate: DOCUMENT_AGGREGATE,
    machines: deps.machines,
    eventOrder: [...INCOMING_DOCUMENT_EVENT_TYPES, ...OUTGOING_DOCUMENT_EVENT_TYPES],
    mayFire: (actor: Actor, type: string, row: DocumentRow) => can(actor, type, documentSubject(row)),
    planner: async () => {
      // Loaded before the transaction: on SQLite the transaction holds the only connection.
      const calendar = await deps.calendar.current();
      const planner: EventPlanner<DocumentRow> = (trx, row, event, now, actor) => planEvent(deps, calendar, trx, row, event, now, actor, planner);
      return planner;
    },
  };
}
