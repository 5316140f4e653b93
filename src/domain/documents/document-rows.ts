import type { Actor } from '../../auth/actor.ts';
import type { DocumentSubject } from '../../auth/policies/document.policy.ts';
import type { Executor } from '../../db/db.ts';
import { bool, iso, json } from '../../lib/rows.ts';
import type { MachineRow } from '../workflow/record-type.ts';
import type { Direction } from './document-register.ts';
import { scopeVisibleDocuments } from './document-visibility.ts';

/** A department's part in an incoming document, with the staff its lead forwarded it to. */
export interface AssignmentRow {
  id: number;
  department_id: number;
  department_name: string;
  department_code: string;
  role: 'lead' | 'coordinating' | 'recipient';
  due_at: string | null;
  note: string | null;
  assigned_by: number | null;
  assigned_at: string;
  delivered_at: string | null;
  overdue_at: string | null;
}

export interface ForwardRow {
  id: number;
  assignment_id: number;
  user_id: number;
  user_name: string;
  due_at: string | null;
  note: string | null;
  forwarded_by: number;
  forwarded_at: string;
}

/** A row of `documents` with what its policy and its answer need. */
export interface DocumentRow extends MachineRow {
  direction: Direction;
  register_year: number | null;
  register_number: number | null;
  symbol: string | null;
  arrived_at: unknown;
  registered_late: unknown;
  issued_at: unknown;
  type_code: string;
  type_name: string;
  summary: string;
  urgency: number;
  issuer_name: string | null;
  source_symbol: string | null;
  duplicate_key: string | null;
  document_date: string | null;
  signer_name: string | null;
  signer_position: string | null;
  signed_by: number | null;
  signed_at: unknown;
  page_count: number | null;
  copies: number | null;
  recipients_text: string | null;
  note: string | null;
  drafting_department_id: number | null;
  drafter_id: number | null;
  lead_department_id: number | null;
  directed_by: number | null;
  directed_at: unknown;
  delivered_at: unknown;
  reply_required: unknown;
  due_at: unknown;
  overdue_at: unknown;
  finished_at: unknown;
  source_document_id: number | null;
  search_text: string;
  created_by: number | null;
  created_at: unknown;
  updated_at: unknown;
  assignments: AssignmentRow[];
  forwards: ForwardRow[];
}

/** Loads a document by id with its assignments and forwards; null when absent. */
export async function loadDocument(db: Executor, id: number, actor?: Actor): Promise<DocumentRow | null> {
  const query = db('documents').where('documents.id', id).first('documents.*');
  if (actor) scopeVisibleDocuments(query, actor);
  const row = await query;
  if (!row) return null;
  const assignments = await db('document_assignments as a')
    .join('departments as d', 'd.id', 'a.department_id')
    .where('a.document_id', id)
    .orderBy('a.id')
    .select('a.*', 'd.name as department_name', 'd.code as department_code');
  const forwards = await db('document_forwards as f').join('users as u', 'u.id', 'f.user_id').where('f.document_id', id).orderBy('f.id').select('f.*', 'u.full_name as user_name');
  return {
    ...row,
    snapshot: json(row.snapshot),
    assignments: assignments.map((a) => ({ ...a, due_at: iso(a.due_at), assigned_at: iso(a.assigned_at) as string, delivered_at: iso(a.delivered_at), overdue_at: iso(a.overdue_at) })),
    forwards: forwards.map((f) => ({ ...f, due_at: iso(f.due_at), forwarded_at: iso(f.forwarded_at) as string })),
  } as DocumentRow;
}

/** What the document policy decides on. */
export function documentSubject(row: DocumentRow): DocumentSubject {
  return {
    kind: 'document',
    direction: row.direction,
    state: row.state,
    draftingDepartmentId: row.drafting_department_id,
    drafterId: row.drafter_id,
    leadDepartmentId: row.lead_department_id,
    departmentIds: row.assignments.map((a) => a.department_id),
    forwardedTo: row.forwards.map((f) => f.user_id),
  };
}

export const replyRequired = (row: DocumentRow) => bool(row.reply_required);
