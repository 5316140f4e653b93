import type { Actor } from '../../auth/actor.ts';
import { bool, iso } from '../../lib/rows.ts';
import { allowedEvents } from '../workflow/fire-event.ts';
import type { RecordType } from '../workflow/record-type.ts';
import type { TimelineEntry } from '../workflow/timeline.ts';
import type { DocumentRow } from './document-rows.ts';

/** Độ khẩn, by rank (Decree 30/2020/NĐ-CP Art. 8.9 and Phụ lục I: khẩn, thượng khẩn, hỏa tốc). */
export const URGENCIES = ['normal', 'urgent', 'very_urgent', 'flash'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const URGENCY_NAMES: Record<Urgency, string> = { normal: 'Thường', urgent: 'Khẩn', very_urgent: 'Thượng khẩn', flash: 'Hỏa tốc' };

export interface DocumentFileView {
  id: number;
  kind: string;
  name: string;
  mediaType: string;
  size: number;
  attachedAt: string;
}

export interface DocumentRecipientView {
  kind: 'internal' | 'external';
  departmentId: number | null;
  name: string;
  copies: number | null;
  sentAt: string | null;
  incomingDocumentId: number | null;
}

/** A warning the register gives without refusing (a possible duplicate, a late registration). */
export interface DocumentWarning {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface DocumentView {
  id: number;
  direction: 'incoming' | 'outgoing';
  state: string;
  version: number;
  machine: { id: string; version: number };
  allowedEvents: string[];
  typeCode: string;
  typeName: string;
  summary: string;
  urgency: Urgency;
  registerYear: number | null;
  /** Số đến (incoming) or số (outgoing) in the year's register; null until an outgoing one is issued. */
  number: number | null;
  /** Our number and symbol, once issued (`05/QĐ-SCT`). */
  symbol: string | null;
  /** The issuer's number and symbol (incoming). */
  sourceSymbol: string | null;
  issuerName: string | null;
  documentDate: string | null;
  arrivedAt: string | null;
  registeredLate: boolean;
  issuedAt: string | null;
  signer: { name: string | null; position: string | null; userId: number | null; signedAt: string | null };
  pageCount: number | null;
  copies: number | null;
  recipientsText: string | null;
  note: string | null;
  draftingDepartmentId: number | null;
  drafterId: number | null;
  leadDepartmentId: number | null;
  directedBy: number | null;
  directedAt: string | null;
  deliveredAt: string | null;
  replyRequired: boolean;
  dueAt: string | null;
  overdueAt: string | null;
  finishedAt: string | null;
  sourceDocumentId: number | null;
  lastRejection: string | null;
  assignments: Array<{
    departmentId: number;
    departmentName: string;
    role: 'lead' | 'coordinating' | 'recipient';
    dueAt: string | null;
    note: string | null;
    deliveredAt: string | null;
    forwards: Array<{ userId: number; userName: string; dueAt: string | null; note: string | null; forwardedAt: string }>;
  }>;
  recipients: DocumentRecipientView[];
  /** Outgoing replies of an incoming document, or the incoming documents an outgoing one answers (Điều 7). */
  replies: number[];
  files: DocumentFileView[];
  createdAt: string;
  updatedAt: string;
  timeline?: TimelineEntry[];
  warnings?: DocumentWarning[];
}

export interface DocumentExtras {
  recipients: DocumentRecipientView[];
  replies: number[];
  files: DocumentFileView[];
}

/** A document as the API shows it to this actor. */
export function toDocumentView(record: RecordType<DocumentRow>, row: DocumentRow, extras: DocumentExtras, actor: Actor, at: string): DocumentView {
  const context = row.snapshot.context as { lastRejection?: string | null };
  return {
    id: row.id,
    direction: row.direction,
    state: row.state,
    version: row.version,
    machine: { id: row.machine_id, version: row.machine_version },
    allowedEvents: allowedEvents(record, row, actor, at),
    typeCode: row.type_code,
    typeName: row.type_name,
    summary: row.summary,
    urgency: URGENCIES[row.urgency] ?? 'normal',
    registerYear: row.register_year,
    number: row.register_number,
    symbol: row.symbol,
    sourceSymbol: row.source_symbol,
    issuerName: row.issuer_name,
    documentDate: row.document_date,
    arrivedAt: iso(row.arrived_at),
    registeredLate: bool(row.registered_late),
    issuedAt: iso(row.issued_at),
    signer: { name: row.signer_name, position: row.signer_position, userId: row.signed_by, signedAt: iso(row.signed_at) },
    pageCount: row.page_count,
    copies: row.copies,
    recipientsText: row.recipients_text,
    note: row.note,
    draftingDepartmentId: row.drafting_department_id,
    drafterId: row.drafter_id,
    leadDepartmentId: row.lead_department_id,
    directedBy: row.directed_by,
    directedAt: iso(row.directed_at),
    deliveredAt: iso(row.delivered_at),
    replyRequired: bool(row.reply_required),
    dueAt: iso(row.due_at),
    overdueAt: iso(row.overdue_at),
    finishedAt: iso(row.finished_at),
    sourceDocumentId: row.source_document_id,
    lastRejection: context.lastRejection ?? null,
    assignments: row.assignments.map((a) => ({
      departmentId: a.department_id,
      departmentName: a.department_name,
      role: a.role,
      dueAt: a.due_at,
      note: a.note,
      deliveredAt: a.delivered_at,
      forwards: row.forwards
        .filter((f) => f.assignment_id === a.id)
        .map((f) => ({ userId: f.user_id, userName: f.user_name, dueAt: f.due_at, note: f.note, forwardedAt: f.forwarded_at })),
    })),
    recipients: extras.recipients,
    replies: extras.replies,
    files: extras.files,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
}
