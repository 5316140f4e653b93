import type { Knex } from 'knex';
import { userActor, type Actor } from '../../auth/actor.ts';
import { authorize, can } from '../../auth/authorize.ts';
import { dossierListScope } from '../../auth/policies/dossier.policy.ts';
import type { Principal } from '../../auth/principal.ts';
import { DOSSIER_STATES } from '../../../machines/dossier/index.ts';
import { iso } from '../../lib/rows.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { IdempotentRequest, StoredResponse } from '../idempotency/idempotency.ts';
import { fireEvent, type EventBody } from '../workflow/fire-event.ts';
import { timelineOf } from '../workflow/timeline.ts';
import type { DossierDeps } from './dossier-deps.ts';
import { papersOfRow } from './dossier-papers.ts';
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
 * A dossier with its timeline, its papers against the procedure's checklist, and the events the caller may fire now.
 * @throws NotFoundError when it does not exist or the caller may not see it.
 */
export async function getDossier(deps: DossierDeps, principal: Principal, id: number): Promise<DossierView> {
  const actor = userActor(principal);
  const row = await findRow(deps.db, { 'd.id': id });
  if (!row || !can(actor, 'view', subjectOf(row))) throw new NotFoundError('NOT_FOUND', `No dossier ${id}`);
  const record = dossierRecordType(deps);
  const papers = await papersOfRow(deps, row);
  return {
    ...toView(record, row, actor, deps.clock().toISOString()),
    timeline: await timelineOf(deps.db, record.aggregate.streamType, id),
    papers: papers.items,
    checklist: papers.checklist,
  };
}

export type DossierSort = 'newest' | 'oldest' | 'due';

export interface DossierFilter {
  state?: string;
  procedureId?: number;
  departmentId?: number;
  assigneeId?: number;
  overdue?: boolean;
  code?: string;
  /** The code starts with this. */
  codePrefix?: string;
  /** The applicant's name starts with this (case and accents as written). */
  applicantName?: string;
  /** The applicant's identification number, exactly. */
  applicantIdNumber?: string;
  channel?: 'counter' | 'online' | 'post';
  /** Received at or after / at or before these instants. */
  receivedFrom?: string;
  receivedTo?: string;
  /** newest first (default), oldest first, or by the appointment in force (soonest first, none last). */
  sort?: DossierSort;
  /** Keyset paging: the id of the last dossier of the previous page. */
  after?: number;
  page: number;
  pageSize: number;
}

export interface DossierPage {
  items: DossierView[];
  page: number;
  pageSize: number;
  /** Dossiers matching the filter, counted up to TOTAL_BOUND. */
  total: number;
  /** `total` stopped at TOTAL_BOUND: there are more. */
  totalIsLowerBound: boolean;
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: number | null;
}

/** Above this, a list says "more than" instead of counting (a count reads every matching row). */
export const TOTAL_BOUND = 1000;
/** Offset paging reads and skips every earlier row: deeper than this, page with `after`. */
export const MAX_OFFSET = 10_000;

const quoteStates = (states: readonly string[]) => states.map((s) => `'${s}'`).join(', ');

/**
 * SQL the list, the overdue gauge and the sweep share with the partial indexes of migration
 * 20261203000030, word for word (a partial index is used only when the query repeats its predicate).
 * State names come from the machine (letters and dots), so they are written inline.
 */
export const LIST_SQL = {
  actionable: `state IN (${quoteStates(dossierStatesTagged('actionable'))})`,
  holding: `state IN (${quoteStates(dossierStatesTagged('holding'))})`,
  appointment: 'COALESCE(rescheduled_due_at, due_at)',
  /** Overdue, given the actionable predicate: a running step past its due instant, or an appointment passed while the agency holds the dossier. */
  overdueGivenActionable: (alias: string) =>
    `(${alias}step_due_at < ? OR (${alias}state IN (${quoteStates(dossierStatesTagged('holding'))}) AND COALESCE(${alias}rescheduled_due_at, ${alias}due_at) < ?))`,
};

/** Every state a filter names: the state itself or, for a parent state, its children. */
function statesMatching(state: string): string[] {
  return DOSSIER_STATES.filter((s) => s === state || s.startsWith(`${state}.`));
}

/** `p%` as a LIKE pattern with its wildcards escaped. */
const likePrefix = (p: string) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Lists the dossiers the caller may see, newest first unless `sort` says otherwise. `state` matches a
 * state or a parent state (`inDepartment`); `overdue` keeps dossiers whose step or appointment has passed
 * while the agency holds them. Every filter reads an index; the total is exact up to TOTAL_BOUND; deep
 * pages go by `after` (the last id of the previous page) instead of `page`.
 * @throws ForbiddenError for staff who do not work with dossiers; ValidationError UNKNOWN_STATE,
 *   INVALID_INSTANT, INVALID_RANGE (receivedFrom after receivedTo), PAGE_TOO_DEEP, INVALID_CURSOR.
 */
export async function listDossiers(deps: DossierDeps, principal: Principal, filter: DossierFilter): Promise<DossierPage> {
  const actor = userActor(principal);
  authorize(actor, 'list', { kind: 'dossier', departmentId: 0, assigneeId: null });
  const now = deps.clock().toISOString();
  const scope = dossierListScope(principal);
  if (scope === 'none') throw new ForbiddenError('FORBIDDEN', 'You belong to no department: there are no dossiers for you to list');
  const states = filter.state === undefined ? undefined : statesMatching(filter.state);
  if (states && states.length === 0) {
    throw new ValidationError('UNKNOWN_STATE', `No state is named ${filter.state}`, { field: 'state', allowed: [...DOSSIER_STATES, 'inDepartment'] });
  }
  const instant = (value: string | undefined, field: string) => {
    if (value === undefined) return undefined;
    // The format check lets a leap second (…T23:59:60Z) through; Date cannot hold it.
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new ValidationError('INVALID_INSTANT', `${field} is not an instant this service can use`, { field });
    return new Date(ms).toISOString();
  };
  const receivedFrom = instant(filter.receivedFrom, 'receivedFrom');
  const receivedTo = instant(filter.receivedTo, 'receivedTo');
  if (receivedFrom !== undefined && receivedTo !== undefined && receivedFrom > receivedTo) {
    throw new ValidationError('INVALID_RANGE', 'receivedFrom is after receivedTo', { field: 'receivedFrom' });
  }
  if (filter.after !== undefined && filter.page !== 1) throw new ValidationError('INVALID_CURSOR', 'Page with either `page` or `after`, not both', { field: 'after' });
  if ((filter.page - 1) * filter.pageSize > MAX_OFFSET) {
    throw new ValidationError('PAGE_TOO_DEEP', `Pages beyond ${MAX_OFFSET} dossiers are read with \`after\` (the last id of the previous page)`, { field: 'page' });
  }
  const pg = deps.db.client.config.client === 'pg';
  // The overdue list, and states the agency is working on, read the partial index over actionable
  // dossiers in id order (6 % of the rows at a million). SQLite's planner prefers the state index and then
  // sorts every match; PostgreSQL weighs them itself.
  const actionable = dossierStatesTagged('actionable');
  const onActionable = filter.overdue === true || (states !== undefined && states.every((s) => actionable.includes(s)));
  const query: Knex.QueryBuilder = onActionable && !pg && filter.sort !== 'due' ? deps.db.from(deps.db.raw('dossiers AS d INDEXED BY dossiers_actionable_index')) : deps.db('dossiers as d');
  if (onActionable) query.whereRaw(LIST_SQL.actionable.replace('state', 'd.state'));
  if (scope !== 'all') query.where('d.department_id', scope);
  if (states) query.whereIn('d.state', states);
  if (filter.procedureId !== undefined) query.where('d.procedure_id', filter.procedureId);
  if (filter.departmentId !== undefined) query.where('d.department_id', filter.departmentId);
  if (filter.assigneeId !== undefined) query.where('d.assignee_id', filter.assigneeId);
  if (filter.code) query.where('d.code', filter.code);
  if (filter.channel) query.where('d.channel', filter.channel);
  if (filter.applicantIdNumber) query.where('d.applicant_id_number', filter.applicantIdNumber);
  if (receivedFrom !== undefined) query.where('d.received_at', '>=', receivedFrom);
  if (receivedTo !== undefined) query.where('d.received_at', '<=', receivedTo);
  // Prefixes: a byte range on SQLite (BINARY collation, index-friendly); LIKE on PostgreSQL (text_pattern_ops).
  const prefix = (column: string, p: string) => {
    if (pg) query.whereRaw(`${column} LIKE ? ESCAPE '\\'`, [likePrefix(p)]);
    else query.where(column, '>=', p).andWhere(column, '<', `${p}\u{10FFFF}`);
  };
  if (filter.applicantName) prefix('d.applicant_name', filter.applicantName);
  if (filter.codePrefix) prefix('d.code', filter.codePrefix);
  if (filter.overdue !== undefined) {
    const overdue = `d.${LIST_SQL.actionable} AND ${LIST_SQL.overdueGivenActionable('d.')}`;
    if (filter.overdue) query.whereRaw(LIST_SQL.overdueGivenActionable('d.'), [now, now]);
    else query.whereRaw(`CASE WHEN ${overdue} THEN 0 ELSE 1 END = 1`, [now, now]);
  }
  // Exact up to the bound, "more than" above it: never a count of a million rows per page.
  const countRow = await deps.db.from(query.clone().select(deps.db.raw('1')).limit(TOTAL_BOUND + 1).as('t')).count<{ n: number }[]>('* as n').first();
  const counted = Number(countRow?.n ?? 0);

  const sort = filter.sort ?? 'newest';
  const offset = filter.after === undefined ? (filter.page - 1) * filter.pageSize : 0;
  const want = offset + filter.pageSize + 1;
  // A left join (procedure_id is NOT NULL): SQLite keeps dossiers the outer loop, read in index order,
  // instead of looping over the few procedures and sorting all their dossiers.
  const read = (q: typeof query, limit: number) => q.leftJoin('procedures as p', 'p.id', 'd.procedure_id').select(DOSSIER_COLUMNS).limit(limit);
  let rows: Array<Record<string, unknown>>;
  if (sort !== 'due') {
    const direction = sort === 'newest' ? 'desc' : 'asc';
    if (filter.after !== undefined) query.where('d.id', sort === 'newest' ? '<' : '>', filter.after);
    // The page's ids first, then their rows. A filter read through an index not in id order (a name or
    // code prefix, a range of instants) has its matches sorted by id: sorting ids from a covering index
    // is cheap, sorting whole rows joined to their procedure is not (at a million dossiers, a name prefix
    // matching 9 000 of them took 15 ms the one way, 2 ms the other). Filters read in id order cost the same.
    const ids = query.select('d.id').orderBy('d.id', direction).limit(filter.pageSize + 1).offset(offset);
    rows = await read(deps.db('dossiers as d').whereIn('d.id', ids).orderBy('d.id', direction), filter.pageSize + 1);
  } else {
    // Soonest appointment first, then the dossiers without one (not yet received) by id: two index-ordered
    // reads, because an index serves neither NULLS LAST on SQLite nor NULLS FIRST on PostgreSQL.
    const due = 'COALESCE(d.rescheduled_due_at, d.due_at)';
    let cursorAt: string | null | undefined;
    if (filter.after !== undefined) {
      const cursor = await deps.db('dossiers').where({ id: filter.after }).first('id', 'due_at', 'rescheduled_due_at');
      if (!cursor) throw new ValidationError('INVALID_CURSOR', `No dossier ${filter.after} to continue after`, { field: 'after' });
      cursorAt = iso(cursor.rescheduled_due_at) ?? iso(cursor.due_at);
    }
    rows = [];
    if (cursorAt !== null) {
      const dated = query.clone().whereRaw(`${due} IS NOT NULL`);
      if (cursorAt !== undefined) dated.where((q) => q.whereRaw(`${due} > ?`, [cursorAt]).orWhere((e) => e.whereRaw(`${due} = ?`, [cursorAt]).where('d.id', '>', filter.after as number)));
      rows = await read(dated.orderByRaw(`${due}, d.id`), want);
    }
    if (rows.length < want) {
      const undated = query.clone().whereRaw(`${due} IS NULL`);
      if (cursorAt === null) undated.where('d.id', '>', filter.after as number);
      rows = [...rows, ...(await read(undated.orderBy('d.id'), want - rows.length))];
    }
    rows = rows.slice(offset);
  }
  const more = rows.length > filter.pageSize;
  const page = rows.slice(0, filter.pageSize);
  const record = dossierRecordType(deps);
  return {
    items: page.map((r) => toView(record, loadRow(r), actor, now)),
    page: filter.page,
    pageSize: filter.pageSize,
    total: Math.min(counted, TOTAL_BOUND),
    totalIsLowerBound: counted > TOTAL_BOUND,
    nextAfter: more ? (page[page.length - 1]?.id as number) : null,
  };
}
