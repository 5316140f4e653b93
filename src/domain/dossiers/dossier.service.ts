import { userActor, type Actor } from '../../auth/actor.ts';
import { authorize, can } from '../../auth/authorize.ts';
import { dossierListScope } from '../../auth/policies/dossier.policy.ts';
import type { Principal } from '../../auth/principal.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { IdempotentRequest, StoredResponse } from '../idempotency/idempotency.ts';
import { fireEvent, type EventBody } from '../workflow/fire-event.ts';
import { timelineOf } from '../workflow/timeline.ts';
import type { DossierDeps } from './dossier-deps.ts';
import { dossierRecordType } from './dossier-planning.ts';
import { toView, type DossierView } from './dossier-presenter.ts';
import { DOSSIER_COLUMNS, dossierStatesTagged, findRow, findVisibleRow, loadRow, subjectOf } from './dossier-rows.ts';

/**
 * A staff member (or the system) fires an event on a dossier.
 * @throws NotFoundError (also for a dossier the caller may not see), ForbiddenError, ConflictError
 *   STALE_VERSION, InvalidTransitionError, RuleViolationError, ValidationError.
 */
export async function fireDossierEvent(deps: DossierDeps, actor: Actor, id: number, body: EventBody, idempotency?: IdempotentRequest): Promise<StoredResponse<DossierView>> {
  const record = dossierRecordType(deps);
  return fireEvent(deps, record, {
    actor,
    body,
    idempotency,
    notFound: 'No such dossier',
    find: (trx) => findVisibleRow(trx, actor, id),
    present: (_trx, row, at) => toView(record, row, actor, at),
  });
}

/**
 * A dossier with its timeline and the events the caller may fire now.
 * @throws NotFoundError when it does not exist or the caller may not see it.
 */
export async function getDossier(deps: DossierDeps, principal: Principal, id: number): Promise<DossierView> {
  const actor = userActor(principal);
  const row = await findRow(deps.db, { 'd.id': id });
  if (!row || !can(actor, 'view', subjectOf(row))) throw new NotFoundError('NOT_FOUND', `No dossier ${id}`);
  const record = dossierRecordType(deps);
  return { ...toView(record, row, actor, deps.clock().toISOString()), timeline: await timelineOf(deps.db, record.aggregate.streamType, id) };
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

/**
 * Lists the dossiers the caller may see, newest first. `state` matches a state or a parent state
 * (`inDepartment`); `overdue` keeps dossiers whose step or appointment has passed while the agency holds them.
 * @throws ForbiddenError for staff who do not work with dossiers.
 */
export async function listDossiers(deps: DossierDeps, principal: Principal, filter: DossierFilter): Promise<DossierPage> {
  const actor = userActor(principal);
  authorize(actor, 'list', { kind: 'dossier', departmentId: 0, assigneeId: null });
  const now = deps.clock().toISOString();
  const query = deps.db('dossiers as d');
  const scope = dossierListScope(principal);
  if (scope === 'none') throw new ForbiddenError('FORBIDDEN', 'You belong to no department: there are no dossiers for you to list');
  if (scope !== 'all') query.where('d.department_id', scope);
  if (filter.state) query.where((q) => q.where('d.state', filter.state as string).orWhere('d.state', 'like', `${filter.state}.%`));
  if (filter.procedureId !== undefined) query.where('d.procedure_id', filter.procedureId);
  if (filter.departmentId !== undefined) query.where('d.department_id', filter.departmentId);
  if (filter.assigneeId !== undefined) query.where('d.assignee_id', filter.assigneeId);
  if (filter.code) query.where('d.code', filter.code);
  if (filter.overdue !== undefined) {
    // A running step past its due instant, or an appointment passed while the agency holds the dossier.
    const overdue = (q: typeof query) =>
      q.where((w) =>
        w
          .where((s) => s.whereIn('d.state', dossierStatesTagged('actionable')).andWhere('d.step_due_at', '<', now))
          .orWhere((a) => a.whereIn('d.state', dossierStatesTagged('holding')).andWhereRaw('COALESCE(d.rescheduled_due_at, d.due_at) < ?', [now])),
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
  const record = dossierRecordType(deps);
  return {
    items: rows.map((r) => toView(record, loadRow(r), actor, now)),
    page: filter.page,
    pageSize: filter.pageSize,
    total: Number(countRow?.n ?? 0),
  };
}
