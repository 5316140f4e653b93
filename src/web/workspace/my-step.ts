import type { AppDeps } from '../../api/deps.ts';
import { readDossierList } from '../../api/list-threads/read-dossier-list.ts';
import { hasRole, type Principal } from '../../auth/principal.ts';
import type { DossierView } from '../../domain/dossiers/dossier-presenter.ts';
import type { DossierFilter } from '../../domain/dossiers/dossier.service.ts';
import { isOverdue } from '../components/dossier-table.tsx';

/**
 * Events anyone may fire beside the flow (withdrawal, stop, apology, reassignment, a supplement recorded
 * at the counter): having one of them does not make a dossier wait for you.
 */
const SIDE_EVENTS = new Set(['WITHDRAW', 'STOP', 'ISSUE_APOLOGY', 'REASSIGN', 'SUPPLEMENT']);

/** How many of a kind the workspace reads at most: a day's work, not an archive. */
const CAP = 100;

/** Where each role's work waits: the list filters that hold it (the list then keeps what this user may move on). */
function filtersFor(principal: Principal): Array<Omit<DossierFilter, 'page' | 'pageSize'>> {
  const filters: Array<Omit<DossierFilter, 'page' | 'pageSize'>> = [];
  if (hasRole(principal, 'onestop')) for (const state of ['submitted', 'returnedToOneStop', 'awaitingPayment', 'readyForReturn']) filters.push({ state });
  if (hasRole(principal, 'dept_lead')) for (const state of ['inDepartment.review', 'inDepartment.leadReview']) filters.push({ state });
  if (hasRole(principal, 'specialist')) filters.push({ state: 'inDepartment', assigneeId: principal.userId });
  if (hasRole(principal, 'director')) filters.push({ state: 'leadershipApproval' });
  return filters;
}

export interface MyWork {
  dossiers: DossierView[];
  overdue: number;
  total: number;
  /** More waited than the workspace reads: the lists hold the rest. */
  truncated: boolean;
}

/**
 * "Việc của tôi": the dossiers at a step this user moves on (an allowed event of the flow for them),
 * overdue ones first, then by their step's due instant. Read through the list the API serves.
 */
export async function myWork(deps: AppDeps, principal: Principal): Promise<MyWork> {
  const now = deps.clock();
  const seen = new Map<number, DossierView>();
  let truncated = false;
  for (const filter of filtersFor(principal)) {
    for (const overdue of [true, false]) {
      const page = await readDossierList(deps, principal, { ...filter, overdue, sort: 'due', page: 1, pageSize: CAP });
      if (page.nextAfter !== null) truncated = true;
      for (const d of page.items) if (d.allowedEvents.some((e) => !SIDE_EVENTS.has(e))) seen.set(d.id, d);
    }
  }
  const dossiers = [...seen.values()].sort((a, b) => {
    const lateA = isOverdue(a, now) ? 0 : 1;
    const lateB = isOverdue(b, now) ? 0 : 1;
    if (lateA !== lateB) return lateA - lateB;
    return (a.stepDueAt ?? a.dueAt ?? '\uffff').localeCompare(b.stepDueAt ?? b.dueAt ?? '\uffff') || a.id - b.id;
  });
  return { dossiers, overdue: dossiers.filter((d) => isOverdue(d, now)).length, total: dossiers.length, truncated };
}
