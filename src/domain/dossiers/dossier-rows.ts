import { dossierMachine, type DossierContext, type DossierTag } from '../../../machines/dossier/index.ts';
import type { Actor } from '../../auth/actor.ts';
import { can } from '../../auth/authorize.ts';
import type { DossierSubject } from '../../auth/policies/dossier.policy.ts';
import type { Executor } from '../../db/db.ts';
import { json } from '../../lib/rows.ts';
import { timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../lib/crypto.ts';
import { trackingSecretCandidates } from './tracking-secret.ts';
import { finalStates, statesTagged } from '../workflow/machine-graph.ts';
import type { MachineRow } from '../workflow/record-type.ts';

/** A row of `dossiers`, joined with its procedure's code and name. */
export interface DossierRow extends MachineRow {
  code: string;
  procedure_id: number;
  procedure_rule_id: number;
  department_id: number;
  channel: 'counter' | 'online' | 'post';
  national_status: number;
  assignee_id: number | null;
  applicant_name: string;
  applicant_id_number: string | null;
  applicant_phone: string | null;
  applicant_email: string | null;
  applicant_address: string | null;
  /** The person acting for the applicant (người được ủy quyền); all null when nobody did. */
  proxy_name?: string | null;
  proxy_id_number?: string | null;
  proxy_phone?: string | null;
  proxy_email?: string | null;
  proxy_address?: string | null;
  proxy_authorisation?: string | null;
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
  outcome: 'early' | 'onTime' | 'late' | null;
  finished_at: unknown;
  created_at: unknown;
  updated_at: unknown;
  procedure_code?: string;
  procedure_name?: string;
}


/**
 * Dotted paths of the states with a tag, from the current machine (every version shares the state
 * names), for queries: the services never spell lists of state names.
 */
export function dossierStatesTagged(tag: DossierTag): readonly string[] {
  return TAGGED[tag];
}

const TAGGED: Record<DossierTag, readonly string[]> = {
  waiting: statesTagged(dossierMachine, 'waiting'),
  holding: statesTagged(dossierMachine, 'holding'),
  actionable: statesTagged(dossierMachine, 'actionable'),
};

/** The final states: completed, refused, withdrawn, stopped. */
export const FINAL_STATES: readonly string[] = finalStates(dossierMachine);

export function subjectOf(row: Pick<DossierRow, 'department_id' | 'assignee_id'> & { state?: string }): DossierSubject {
  return { kind: 'dossier', departmentId: row.department_id, assigneeId: row.assignee_id, ...(row.state !== undefined ? { state: row.state } : {}) };
}

export function loadRow(row: Record<string, unknown>): DossierRow {
  return { ...(row as unknown as DossierRow), snapshot: json<DossierRow['snapshot']>(row.snapshot) };
}

export const DOSSIER_COLUMNS = ['d.*', 'p.code as procedure_code', 'p.name as procedure_name'];

export async function findRow(db: Executor, where: Record<string, unknown>): Promise<DossierRow | null> {
  const row = await db('dossiers as d').join('procedures as p', 'p.id', 'd.procedure_id').where(where).first(DOSSIER_COLUMNS);
  return row ? loadRow(row) : null;
}

/** A dossier by id, or null when it does not exist or the actor may not see it (both answer 404). */
export async function findVisibleRow(db: Executor, actor: Actor, id: number): Promise<DossierRow | null> {
  const row = await findRow(db, { 'd.id': id });
  return row && (actor.kind !== 'user' || can(actor, 'view', subjectOf(row))) ? row : null;
}

export function contextOf(row: DossierRow): DossierContext {
  return row.snapshot.context as unknown as DossierContext;
}

/** What a wrong code or a wrong tracking secret is told (the same: codes cannot be probed). */
export const NOT_FOUND = 'No dossier with this code and tracking secret';

/** Whether a typed secret is the dossier's: in the new format however typed, or an old one exactly (tracking-secret.ts). */
function secretMatches(row: DossierRow, secret: string): boolean {
  if (!row.tracking_secret_hash) return false;
  const a = Buffer.from(row.tracking_secret_hash, 'hex');
  let found = false;
  for (const candidate of trackingSecretCandidates(secret)) {
    const b = Buffer.from(sha256Hex(candidate), 'hex');
    if (a.length === b.length && timingSafeEqual(a, b)) found = true;
  }
  return found;
}

/** The dossier with this code whose tracking secret this is; null otherwise (the two cases look alike). */
export async function findByCodeAndSecret(trx: Executor, code: string, secret: string): Promise<DossierRow | null> {
  const row = await findRow(trx, { 'd.code': code });
  // An unknown code and a wrong secret answer the same, so codes cannot be probed.
  return row && secretMatches(row, secret) ? row : null;
}

