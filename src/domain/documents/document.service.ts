import { INCOMING_DOCUMENT_MACHINE_ID } from '../../../machines/incoming-document/index.ts';
import { OUTGOING_DOCUMENT_MACHINE_ID } from '../../../machines/outgoing-document/index.ts';
import { userActor, type Actor } from '../../auth/actor.ts';
import { authorize, can } from '../../auth/authorize.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Executor } from '../../db/db.ts';
import { iso } from '../../lib/rows.ts';
import { DOCUMENT_AGGREGATE } from '../aggregates.ts';
import { NotFoundError, RefusedContentError, RuleViolationError, ValidationError } from '../errors.ts';
import { find as rememberedAnswer, idempotentTransaction, type IdempotentRequest, type StoredResponse } from '../idempotency/idempotency.ts';
import { createRecord } from '../workflow/create-record.ts';
import { actorRef, applyEvent, fireEvent, type EventBody } from '../workflow/fire-event.ts';
import { PendingEvents } from '../workflow/pending-events.ts';
import { timelineOf } from '../workflow/timeline.ts';
import type { DocumentDeps } from './document-deps.ts';
import { documentRecordType } from './document-planning.ts';
import { toDocumentView, URGENCIES, URGENCY_NAMES, type DocumentExtras, type DocumentView, type DocumentWarning, type Urgency } from './document-presenter.ts';
import { localDate, nextRegisterNumber, registerYear } from './document-register.ts';
import { documentSubject, loadDocument, type DocumentRow } from './document-rows.ts';
import { documentType, issuable, type DocumentType } from './document-types.ts';
import { documentSearchText, foldVietnamese } from './search-text.ts';
import { DOCUMENT_FILE_STREAM, type DocumentUpload } from './document-files.ts';
import { appendEvent } from '../audit/event-log.ts';
import { notify } from '../notifications/notifications.service.ts';

/** Độ mật (Decree 30/2020 Art. 8.9; Law 29/2018/QH14 on state secrets: Mật, Tối mật, Tuyệt mật). */
export const SECRECY_LEVELS = ['none', 'confidential', 'secret', 'top_secret'] as const;
export type Secrecy = (typeof SECRECY_LEVELS)[number];

interface CommonFields {
  typeCode: string;
  summary: string;
  secrecy: Secrecy;
  /** A complaint or denunciation letter (đơn thư khiếu nại, tố cáo), whatever its type. */
  isComplaint?: boolean;
  urgency?: Urgency;
  documentDate?: string | null;
  pageCount?: number | null;
  copies?: number | null;
  signerName?: string | null;
  signerPosition?: string | null;
  recipientsText?: string | null;
  note?: string | null;
}

export interface NewIncomingDocument extends CommonFields {
  direction: 'incoming';
  /** Tác giả: the issuing organisation. */
  issuerName: string;
  /** Their number and symbol (`80/QĐ-UBND`). */
  sourceSymbol: string;
  /** When it reached the agency; now when absent. */
  arrivedAt?: string;
  replyRequired?: boolean;
  /** A handling deadline the issuer set (DueDate, Phụ lục VI); the direction may set another. */
  dueAt?: string | null;
}

export interface NewOutgoingDocument extends CommonFields {
  direction: 'outgoing';
  /** Internal departments and external organisations it goes to (Nơi nhận). */
  recipients?: { internal?: number[]; external?: Array<{ name: string; copies?: number }> };
  /** The clerk registers a document signed outside the system (Điều 8): it waits for its number at once. */
  alreadySigned?: boolean;
}

export type NewDocument = NewIncomingDocument | NewOutgoingDocument;

/**
 * Refuses content that must not enter the system, before anything is read or written (regulation Điều
 * 4.2: documents holding state secrets, and complaint or denunciation letters).
 * @throws RefusedContentError SECRET_DOCUMENT_REFUSED, COMPLAINT_REFUSED.
 */
export function refuseForbiddenContent(input: { secrecy?: string; isComplaint?: boolean; typeCode?: string }): void {
  if (input.secrecy !== undefined && input.secrecy !== 'none') {
    throw new RefusedContentError(
      'SECRET_DOCUMENT_REFUSED',
      'Điều 4.2.a of the regulation (Quy chế 80/QĐ-SCT): documents classified Mật, Tối mật or Tuyệt mật (state secrets) must not be entered in the e-office system; register them in the secret register on paper',
      { rule: 'Điều 4.2.a', secrecy: input.secrecy },
    );
  }
  const type = input.typeCode === undefined ? undefined : documentType(input.typeCode);
  if (input.isComplaint === true || type?.use === 'refused') {
    throw new RefusedContentError(
      'COMPLAINT_REFUSED',
      'Điều 4.2.b of the regulation (Quy chế 80/QĐ-SCT): complaint and denunciation letters (đơn thư khiếu nại, tố cáo) must not be entered in the e-office system; they are handled under the Law on Complaints and the Law on Denunciations',
      { rule: 'Điều 4.2.b', typeCode: input.typeCode ?? null },
    );
  }
}

/** The folded issuer and symbol an incoming document is recognised by (Phụ lục VI: warn on a duplicate). */
export function duplicateKey(issuerName: string, sourceSymbol: string): string {
  return `${foldVietnamese(issuerName)}|${foldVietnamese(sourceSymbol).replace(/\s+/g, '')}`;
}

async function extrasOf(db: Executor, row: DocumentRow): Promise<DocumentExtras> {
  const recipients = await db('document_recipients').where({ document_id: row.id }).orderBy('id');
  const replies =
    row.direction === 'incoming'
      ? await db('document_replies').where({ incoming_id: row.id }).orderBy('outgoing_id').pluck('outgoing_id')
      : await db('document_replies').where({ outgoing_id: row.id }).orderBy('incoming_id').pluck('incoming_id');
  const files = await db('document_files').where({ document_id: row.id }).orderBy('id');
  return {
    recipients: recipients.map((r) => ({ kind: r.kind, departmentId: r.department_id, name: r.name, copies: r.copies, sentAt: iso(r.sent_at), incomingDocumentId: r.incoming_document_id })),
    replies: replies.map(Number),
    files: files.map((f) => ({ id: f.id, kind: f.kind, name: f.name, mediaType: f.media_type, size: Number(f.size), attachedAt: iso(f.attached_at) as string })),
  };
}

async function present(deps: DocumentDeps, db: Executor, id: number, actor: Actor, at: string): Promise<DocumentView> {
  const row = (await loadDocument(db, id)) as DocumentRow;
  return toDocumentView(documentRecordType(deps), row, await extrasOf(db, row), actor, at);
}

function typeFor(input: NewDocument): DocumentType {
  const type = documentType(input.typeCode);
  if (!type) throw new ValidationError('UNKNOWN_DOCUMENT_TYPE', `No document type ${input.typeCode} (GET /api/document-types lists them)`, { field: 'typeCode' });
  // A Sở has no law-making power: it receives normative documents, it never issues them.
  if (input.direction === 'outgoing' && !issuable(type)) {
    throw new RuleViolationError('TYPE_NOT_ISSUED_BY_AGENCY', `${type.name} is received from above, never issued by the agency`, { typeCode: type.code });
  }
  return type;
}

/**
 * Registers an incoming document or drafts an outgoing one. Incoming: numbered in the year's incoming
 * register (Số đến), the number taken last in the transaction; a possible duplicate (same issuer, number
 * and symbol) and a registration later than the next working day after arrival are warnings, not refusals
 * (Decree 30/2020 Art. 22; Phụ lục VI). Outgoing: a draft of the caller's department, with its recipients;
 * `alreadySigned` (the clerk) registers a paper-signed document straight to awaiting issue (Điều 8).
 * @throws RefusedContentError (Điều 4.2) before anything is read; ForbiddenError; ValidationError
 *   UNKNOWN_DOCUMENT_TYPE, UNKNOWN_REFERENCE, INVALID_INSTANT; RuleViolationError TYPE_NOT_ISSUED_BY_AGENCY;
 *   ConflictError IDEMPOTENCY_KEY_REUSED.
 */
export async function createDocument(
  deps: DocumentDeps,
  principal: Principal,
  input: NewDocument,
  idempotency?: IdempotentRequest,
  uploads: DocumentUpload[] = [],
): Promise<StoredResponse<DocumentView>> {
  let promoted = 0;
  try {
    return await createWithFiles(deps, principal, input, idempotency, uploads, () => promoted++);
  } finally {
    // Whatever was not promoted is removed: a refusal leaves no file behind (Điều 4.2; issue 8 point 5).
    for (const upload of uploads.slice(promoted)) await deps.files.discard(upload.temp);
  }
}

/**
 * An urgent incoming document (khẩn, thượng khẩn, hỏa tốc) is presented to the leaders at once, not at the
 * next round of the register (Decree 30/2020/NĐ-CP Art. 23: an urgent incoming document is presented and
 * handed over immediately — DOMAIN §3): every active director hears of it in the same transaction as its
 * registration.
 */
async function tellDirectorsAtOnce(
  deps: DocumentDeps,
  trx: Executor,
  d: { id: number; number: number; urgency: Urgency; issuerName: string; sourceSymbol: string; summary: string },
  at: string,
): Promise<void> {
  const directors = (await trx('users as u').join('user_roles as r', 'r.user_id', 'u.id').where({ 'r.role': 'director', 'u.disabled': false }).pluck('u.id')).map(Number);
  await notify(
    trx,
    directors,
    {
      kind: 'document-urgent',
      subjectType: 'document',
      subjectId: d.id,
      title: `Văn bản đến ${URGENCY_NAMES[d.urgency].toLowerCase()}: ${d.sourceSymbol} của ${d.issuerName}`,
      body: `Số đến ${d.number}: ${d.summary}`,
      dedupeKey: `document-${d.id}-urgent`,
    },
    at,
    { email: deps.email },
  );
}

/**
 * When an incoming document arrived: now unless the clerk says earlier, never later than now.
 * @throws ValidationError INVALID_INSTANT; RuleViolationError ARRIVAL_IN_FUTURE.
 */
function arrivalOf(input: { arrivedAt?: string }, now: Date): Date {
  const arrived = input.arrivedAt === undefined ? now : new Date(input.arrivedAt);
  if (Number.isNaN(arrived.getTime())) throw new ValidationError('INVALID_INSTANT', 'arrivedAt is not an instant this service can use', { field: 'arrivedAt' });
  if (arrived > now) throw new RuleViolationError('ARRIVAL_IN_FUTURE', 'arrivedAt is later than now', { field: 'arrivedAt' });
  return arrived;
}

/**
 * The departments an outgoing draft is sent to inside the Sở; the drafter must belong to one (it drafts).
 * @throws ValidationError NO_DEPARTMENT, UNKNOWN_REFERENCE.
 */
async function internalRecipients(db: Executor, principal: Principal, ids: number[]): Promise<Array<{ id: number; name: string }>> {
  if (principal.departmentId === null) throw new ValidationError('NO_DEPARTMENT', 'An outgoing document is drafted by a department: you belong to none');
  const internal = [...new Set(ids)];
  const departments = internal.length === 0 ? [] : await db('departments').whereIn('id', internal).select('id', 'name');
  if (departments.length !== internal.length) throw new ValidationError('UNKNOWN_REFERENCE', 'An internal recipient is not a department', { field: 'recipients.internal' });
  return departments;
}

/** The kind each file sent with a new document gets: the incoming scan, or the outgoing draft (signed, for Điều 8). */
export function creationFileKind(input: NewDocument): 'scan' | 'draft' | 'signed' {
  if (input.direction === 'incoming') return 'scan';
  return input.alreadySigned ? 'signed' : 'draft';
}

async function createWithFiles(
  deps: DocumentDeps,
  principal: Principal,
  input: NewDocument,
  idempotency: IdempotentRequest | undefined,
  uploads: DocumentUpload[],
  onPromoted: () => void,
): Promise<StoredResponse<DocumentView>> {
  refuseForbiddenContent(input);
  const actor = userActor(principal);
  const subject = { kind: 'document' as const, direction: input.direction, state: null, draftingDepartmentId: principal.departmentId, drafterId: principal.userId, leadDepartmentId: null, departmentIds: [], forwardedTo: [] };
  authorize(actor, 'create', subject);
  if (input.direction === 'outgoing' && input.alreadySigned) authorize(actor, 'registerSigned', subject);
  const type = typeFor(input);
  const now = deps.clock();
  const at = now.toISOString();
  const record = documentRecordType(deps);
  const planner = await record.planner();
  const calendar = await deps.calendar.current();
  const common = {
    type_code: type.code,
    type_name: type.name,
    summary: input.summary,
    urgency: URGENCIES.indexOf(input.urgency ?? 'normal'),
    document_date: input.documentDate ?? null,
    page_count: input.pageCount ?? null,
    copies: input.copies ?? null,
    signer_name: input.signerName ?? null,
    signer_position: input.signerPosition ?? null,
    recipients_text: input.recipientsText ?? null,
    note: input.note ?? null,
    created_by: principal.userId,
    created_at: at,
    updated_at: at,
  };
  // What can be refused before the transaction is refused before any file joins the store (a refusal
  // changes nothing); the transaction checks again what it relies on.
  if (input.direction === 'incoming') arrivalOf(input, now);
  else await internalRecipients(deps.db, principal, input.recipients?.internal ?? []);
  // A retry answers before its files join the store (they are removed with the other unpromoted ones).
  const remembered = idempotency && uploads.length > 0 ? await rememberedAnswer(deps.db, idempotency) : null;
  if (remembered) return remembered as StoredResponse<DocumentView>;
  // Every check above passed: only now do the files join the store (a transaction that fails later leaves
  // files no row names, which the orphan collector removes).
  for (const upload of uploads) {
    await deps.files.promote(upload.temp);
    onPromoted();
  }
  const kind = creationFileKind(input);
  const recordFiles = async (trx: Executor, id: number) => {
    for (const upload of uploads) {
      await trx('stored_files').insert({ sha256: upload.temp.sha256, size: upload.temp.size, media_type: upload.mediaType, created_at: at }).onConflict('sha256').ignore();
      const [inserted] = await trx('document_files')
        .insert({ document_id: id, sha256: upload.temp.sha256, kind, name: upload.name, media_type: upload.mediaType, size: upload.temp.size, attached_by: principal.userId, attached_at: at })
        .returning('id');
      const fileId: number = typeof inserted === 'object' ? inserted.id : inserted;
      await appendEvent(trx, {
        streamType: DOCUMENT_FILE_STREAM,
        streamId: id,
        type: 'FILE_ATTACHED',
        actor: actorRef(actor),
        at,
        fromState: null,
        toState: null,
        payload: { fileId, kind, name: upload.name, mediaType: upload.mediaType, size: upload.temp.size, sha256: upload.temp.sha256 },
      });
    }
  };
  let created: { id: number; state: string } | null = null;
  const answer = await idempotentTransaction(deps.db, idempotency, at, 201, async (trx) => {
    const pending = new PendingEvents();
    const warnings: DocumentWarning[] = [];
    if (input.direction === 'incoming') {
      const arrived = arrivalOf(input, now);
      const dueAt = input.dueAt ? new Date(input.dueAt).toISOString() : null;
      // Decree 30/2020 Art. 22, 24: registered and presented the same day, at the latest the next working day.
      const latest = localDate(calendar.addWorkingDays(arrived, 1));
      const registeredLate = localDate(now) > latest;
      if (registeredLate) {
        warnings.push({ code: 'REGISTERED_LATE', message: `Registered after the next working day following its arrival (${localDate(arrived)})`, details: { arrivedAt: arrived.toISOString(), latestDate: latest } });
      }
      const key = duplicateKey(input.issuerName, input.sourceSymbol);
      const earlier = await trx('documents').where({ direction: 'incoming', duplicate_key: key }).orderBy('id').limit(10).pluck('id');
      if (earlier.length > 0) {
        warnings.push({
          code: 'POSSIBLE_DUPLICATE',
          message: `${input.issuerName} ${input.sourceSymbol} is registered already (GET /api/documents/${earlier[0]})`,
          details: { documentIds: earlier.map(Number) },
        });
      }
      const { id, state } = await createRecord(trx, DOCUMENT_AGGREGATE, {
        machine: deps.machines.current(INCOMING_DOCUMENT_MACHINE_ID),
        input: { replyRequired: input.replyRequired ?? false },
        columns: () => ({
          ...common,
          direction: 'incoming',
          arrived_at: arrived.toISOString(),
          registered_late: registeredLate,
          issuer_name: input.issuerName,
          source_symbol: input.sourceSymbol,
          duplicate_key: key,
          reply_required: input.replyRequired ?? false,
          due_at: dueAt,
          search_text: documentSearchText({ typeName: type.name, sourceSymbol: input.sourceSymbol, summary: input.summary, issuerName: input.issuerName, signerName: input.signerName ?? null }),
        }),
        event: { type: 'REGISTER', actor: actorRef(actor), at, payload: { ...input } },
      }, pending);
      created = { id, state };
      await recordFiles(trx, id);
      // Last: the counter row of the year's register stays locked until commit (gap-free, unique).
      const year = registerYear(now);
      const number = await nextRegisterNumber(trx, 'incoming', year);
      await pending.write(trx, { payload: { registerYear: year, number }, columns: { register_year: year, register_number: number } });
      if (common.urgency > 0) await tellDirectorsAtOnce(deps, trx, { id, number, urgency: input.urgency ?? 'normal', issuerName: input.issuerName, sourceSymbol: input.sourceSymbol, summary: input.summary }, at);
      const view = await present(deps, trx, id, actor, at);
      return warnings.length > 0 ? { ...view, warnings } : view;
    }
    const departments = await internalRecipients(trx, principal, input.recipients?.internal ?? []);
    const { id, state, row } = await createRecord(trx, DOCUMENT_AGGREGATE, {
      machine: deps.machines.current(OUTGOING_DOCUMENT_MACHINE_ID),
      columns: () => ({
        ...common,
        direction: 'outgoing',
        drafting_department_id: principal.departmentId,
        drafter_id: principal.userId,
        search_text: documentSearchText({ typeName: type.name, summary: input.summary, signerName: input.signerName ?? null }),
      }),
      event: { type: 'DRAFT', actor: actorRef(actor), at, payload: { ...input } },
    }, pending);
    created = { id, state };
    await recordFiles(trx, id);
    for (const d of departments) await trx('document_recipients').insert({ document_id: id, kind: 'internal', department_id: d.id, name: d.name });
    for (const e of input.recipients?.external ?? []) await trx('document_recipients').insert({ document_id: id, kind: 'external', name: e.name, copies: e.copies ?? null });
    if (input.alreadySigned) {
      const loaded = (await loadDocument(trx, id)) as DocumentRow;
      await applyEvent(trx, record, planner, { ...loaded, chain_head: row.chain_head }, actor, { type: 'REGISTER_SIGNED', at, signerName: input.signerName, signerPosition: input.signerPosition } as never, 1, now, pending);
    }
    await pending.write(trx);
    return present(deps, trx, id, actor, at);
  });
  if (created !== null) {
    const c = created as { id: number; state: string };
    deps.onTransition?.({ subject: 'document', type: input.direction === 'incoming' ? 'REGISTER' : 'DRAFT', from: null, to: c.state });
  }
  return answer;
}

/**
 * Fires an event on a document through the workflow kit.
 * @throws NotFoundError (also for a document the caller may not see), ForbiddenError, ConflictError
 *   STALE_VERSION, InvalidTransitionError, RuleViolationError, ValidationError.
 */
export async function fireDocumentEvent(deps: DocumentDeps, actor: Actor, id: number, body: EventBody, idempotency?: IdempotentRequest): Promise<StoredResponse<DocumentView>> {
  const record = documentRecordType(deps);
  return fireEvent(deps, record, {
    actor,
    body,
    idempotency,
    notFound: `No document ${id}`,
    find: (trx) => loadDocument(trx, id, actor),
    present: (trx, row, at) => present(deps, trx, row.id, actor, at),
  });
}

/**
 * A document with its timeline and the events the caller may fire now.
 * @throws NotFoundError when it does not exist or the caller may not see it.
 */
export async function getDocument(deps: DocumentDeps, principal: Principal, id: number): Promise<DocumentView> {
  const actor = userActor(principal);
  const row = await loadDocument(deps.db, id, actor);
  if (!row || !can(actor, 'view', documentSubject(row))) throw new NotFoundError('NOT_FOUND', `No document ${id}`);
  const view = toDocumentView(documentRecordType(deps), row, await extrasOf(deps.db, row), actor, deps.clock().toISOString());
  return { ...view, timeline: await timelineOf(deps.db, DOCUMENT_AGGREGATE.streamType, id) };
}
