import type { Knex } from 'knex';
import type { Actor } from '../../auth/actor.ts';
import { hasRole, type Role } from '../../auth/principal.ts';

/**
 * Who sees which documents (Điều 6, 14.4). One rule, used by every read of documents — a document's page,
 * its events, the lists and the search — so that no list shows what the document's page would refuse.
 *
 * - The clerk (văn thư), who keeps both registers, and the director's board (lãnh đạo Sở: the director and
 *   the deputies, who direct every incoming document): every document.
 * - A department lead (lãnh đạo phòng): the documents of their department — drafted there (outgoing), or
 *   directed or distributed to it (an assignment as lead, coordinating department or internal recipient).
 * - Everyone (including a lead, for what is not their department's): the documents forwarded to them
 *   (Điều 6.3) and those they drafted.
 * - The IT officer (`admin`) administers accounts and backups, not documents: no document by that role
 *   alone. The applicant sees none; the system (deadline worker) sees all.
 */
export const SEES_ALL_DOCUMENTS: readonly Role[] = ['clerk', 'director'];

/**
 * Restricts a query over `documents` (aliased `alias`, default the table name) to the rows the actor may
 * see. Adds one WHERE group; combine it with any other filter.
 */
export function scopeVisibleDocuments<Q extends Knex.QueryBuilder>(query: Q, actor: Actor, alias = 'documents'): Q {
  if (actor.kind === 'system') return query;
  if (actor.kind !== 'user') return query.whereRaw('1 = 0') as Q;
  const principal = actor.principal;
  if (hasRole(principal, ...SEES_ALL_DOCUMENTS)) return query;
  const userId = principal.userId;
  const departmentId = principal.departmentId;
  const leads = hasRole(principal, 'dept_lead') && departmentId !== null;
  return query.where((visible) => {
    visible.where(`${alias}.drafter_id`, userId);
    visible.orWhereExists((sub) => sub.select(sub.client.raw('1')).from('document_forwards as vf').whereRaw(`vf.document_id = ${alias}.id`).andWhere('vf.user_id', userId));
    if (leads) {
      visible.orWhere(`${alias}.drafting_department_id`, departmentId);
      visible.orWhere(`${alias}.lead_department_id`, departmentId);
      visible.orWhereExists((sub) =>
        sub.select(sub.client.raw('1')).from('document_assignments as va').whereRaw(`va.document_id = ${alias}.id`).andWhere('va.department_id', departmentId),
      );
    }
  }) as Q;
}
