import type { Knex } from 'knex';
import { userActor } from '../../auth/actor.ts';
import { hasRole, type Principal } from '../../auth/principal.ts';
import type { Executor } from '../../db/db.ts';
import { iso, json } from '../../lib/rows.ts';
import { URGENCIES, type DocumentView } from './document-presenter.ts';
import { scopeVisibleDocuments } from './document-visibility.ts';

/**
 * What a person must do next with a document, which says why it waits for them (Điều 6 for incoming
 * documents, Điều 8 for outgoing ones).
 */
export type PendingReason =
  | 'direct' // the director's bút phê (Điều 6.1)
  | 'sign' // the director signs (Điều 8)
  | 'distribute' // the clerk sends a directed document to its departments (Điều 6.2)
  | 'issue' // the clerk numbers and issues a signed document (Decree 30/2020 Art. 15)
  | 'forward' // a department lead hands it to a member of staff (Điều 6.3)
  | 'review' // a department lead reviews a draft of their department (Điều 8)
  | 'handle' // a member of staff handles what was forwarded to them (Điều 6.3)
  | 'redraft'; // the drafter's draft, returned or not yet submitted

/** A document waiting for this person: the register's fields as the detail names them, and why it waits. */
export type PendingDocument = Pick<DocumentView, 'id' | 'direction' | 'state' | 'typeName' | 'summary' | 'urgency' | 'registerYear' | 'number' | 'symbol' | 'sourceSymbol' | 'issuerName'> & {
  reason: PendingReason;
  /** The deadline that matters to this person: their forward's, their department's, or the document's. */
  dueAt: string | null;
  overdue: boolean;
  /** A draft sent back with this reason (REJECT). */
  rejection: string | null;
};

export interface PendingDocuments {
  items: PendingDocument[];
  /** More waited than `limit`: the registers hold the rest. */
  truncated: boolean;
}

/** The most a workspace asks for: a day's work, not a register. */
export const PENDING_MAX = 100;

const COLUMNS = [
  'd.id',
  'd.direction',
  'd.state',
  'd.type_name',
  'd.summary',
  'd.urgency',
  'd.register_year',
  'd.register_number',
  'd.symbol',
  'd.source_symbol',
  'd.issuer_name',
  'd.due_at',
  'd.overdue_at',
  'd.snapshot',
];

/** Incoming documents still being handled (not yet done or answered). */
const OPEN_INCOMING = ['distributed', 'inProgress'];

interface Source {
  reason: PendingReason;
  /** Adds the source's conditions (and its `part_due_at` column) to a query over `documents as d`. */
  build(q: Knex.QueryBuilder): Knex.QueryBuilder;
}

function sourcesFor(p: Principal): Source[] {
  const sources: Source[] = [];
  const byState = (reason: PendingReason, direction: string, state: string): Source => ({
    reason,
    build: (q) => q.where({ 'd.direction': direction, 'd.state': state }).select('d.due_at as part_due_at'),
  });
  if (hasRole(p, 'director')) sources.push(byState('direct', 'incoming', 'registered'), byState('sign', 'outgoing', 'awaitingSignature'));
  if (hasRole(p, 'clerk')) sources.push(byState('distribute', 'incoming', 'directed'), byState('issue', 'outgoing', 'awaitingIssue'));
  if (hasRole(p, 'dept_lead') && p.departmentId !== null) {
    const dept = p.departmentId;
    sources.push({
      reason: 'forward',
      // Each department's part is forwarded by its own lead: theirs waits until they forward it.
      build: (q) =>
        q
          .join('document_assignments as a', 'a.document_id', 'd.id')
          .where({ 'd.direction': 'incoming', 'a.department_id': dept })
          .whereIn('d.state', OPEN_INCOMING)
          .whereNotExists((s) => s.select(s.client.raw('1')).from('document_forwards as f').whereRaw('f.assignment_id = a.id'))
          .select('a.due_at as part_due_at'),
    });
    sources.push({
      reason: 'review',
      build: (q) => q.where({ 'd.direction': 'outgoing', 'd.state': 'underReview', 'd.drafting_department_id': dept }).select('d.due_at as part_due_at'),
    });
  }
  // Anyone: what was forwarded to them and is still open, and their own drafts.
  sources.push({
    reason: 'handle',
    build: (q) =>
      q
        .join('document_forwards as f', 'f.document_id', 'd.id')
        .where({ 'd.direction': 'incoming', 'f.user_id': p.userId })
        .whereIn('d.state', OPEN_INCOMING)
        .select('f.due_at as part_due_at'),
  });
  sources.push({
    reason: 'redraft',
    build: (q) => q.where({ 'd.direction': 'outgoing', 'd.state': 'draft', 'd.drafter_id': p.userId }).select('d.due_at as part_due_at'),
  });
  return sources;
}

/**
 * The documents waiting for this person, whatever their roles: a director — incoming documents awaiting
 * direction and outgoing ones awaiting signature; the clerk — directed documents to distribute and signed
 * ones to issue; a department lead — their department's part not yet forwarded and its drafts under review;
 * anyone — what was forwarded to them and is still open, and their drafts (a returned one says why).
 * Urgent first (Decree 30/2020 Art. 23.2: urgent documents are handled at once), then the nearest
 * deadline, then the newest. Only documents they may see (document-visibility.ts). At most `limit`
 * (bounded by PENDING_MAX): each source reads `limit + 1` rows, so the work is bounded whatever the registers hold.
 */
export async function pendingDocumentsFor(db: Executor, principal: Principal, limit: number, now: Date): Promise<PendingDocuments> {
  const cap = Math.max(1, Math.min(PENDING_MAX, Math.floor(limit)));
  const actor = userActor(principal);
  const at = now.toISOString();
  const seen = new Map<number, PendingDocument>();
  let truncated = false;
  for (const source of sourcesFor(principal)) {
    const query = source
      .build(scopeVisibleDocuments(db('documents as d'), actor, 'd').select(COLUMNS))
      .orderBy([
        { column: 'd.urgency', order: 'desc' },
        { column: 'd.id', order: 'desc' },
      ])
      .limit(cap + 1);
    const rows: Array<Record<string, unknown>> = await query;
    if (rows.length > cap) truncated = true;
    for (const r of rows.slice(0, cap)) {
      const id = Number(r.id);
      if (seen.has(id)) continue;
      const dueAt = iso(r.part_due_at) ?? iso(r.due_at);
      const context = (json<{ context?: { lastRejection?: string | null } }>(r.snapshot) ?? {}).context ?? {};
      seen.set(id, {
        id,
        direction: r.direction as 'incoming' | 'outgoing',
        state: r.state as string,
        reason: source.reason,
        typeName: r.type_name as string,
        summary: r.summary as string,
        urgency: URGENCIES[Number(r.urgency)] ?? 'normal',
        registerYear: r.register_year === null ? null : Number(r.register_year),
        number: r.register_number === null ? null : Number(r.register_number),
        symbol: (r.symbol as string | null) ?? null,
        sourceSymbol: (r.source_symbol as string | null) ?? null,
        issuerName: (r.issuer_name as string | null) ?? null,
        dueAt,
        overdue: r.overdue_at != null || (dueAt !== null && dueAt < at),
        rejection: source.reason === 'redraft' ? (context.lastRejection ?? null) : null,
      });
    }
  }
  const items = [...seen.values()].sort(
    (a, b) =>
      URGENCIES.indexOf(b.urgency) - URGENCIES.indexOf(a.urgency) ||
      Number(b.overdue) - Number(a.overdue) ||
      (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff') ||
      b.id - a.id,
  );
  if (items.length > cap) truncated = true;
  return { items: items.slice(0, cap), truncated };
}
