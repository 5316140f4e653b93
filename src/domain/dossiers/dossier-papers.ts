import type { Readable } from 'node:stream';
import type { Actor } from '../../auth/actor.ts';
import { can } from '../../auth/authorize.ts';
import type { Executor } from '../../db/db.ts';
import { iso } from '../../lib/rows.ts';
import { appendEvent } from '../audit/event-log.ts';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../errors.ts';
import { RESERVED_PAPER_KINDS, type RequiredPaper } from '../procedures/procedures.service.ts';
import { actorRef } from '../workflow/fire-event.ts';
import type { DossierDeps, TempFile } from './dossier-deps.ts';
import { loadRules } from './dossier-planning.ts';
import { contextOf, FINAL_STATES, findByCodeAndSecret, findRow, NOT_FOUND as APPLICANT_NOT_FOUND, subjectOf, type DossierRow } from './dossier-rows.ts';

/** The audit stream of a dossier's papers: one hash chain per dossier, beside the dossier's own. */
export const PAPER_STREAM = 'dossier_papers';

/** Any paper the checklist does not name. */
export const OTHER_PAPER = 'other';
/** The result document (giấy phép, or the decision refusing it), handed back at RETURN_RESULT. */
export const RESULT_PAPER = 'result';

/** States in which the applicant adds papers to their online submission: while it is checked, and when a supplement was asked for. */
const APPLICANT_UPLOAD_STATES: readonly string[] = ['submitted', 'awaitingSupplement'];

/** Who is asking: a staff member about a dossier by id, or the applicant by code and tracking secret. */
export type PaperTarget = { kind: 'staff'; actor: Actor; dossierId: number } | { kind: 'applicant'; code: string; secret: string };

/** A paper as the API shows it. */
export interface PaperView {
  id: number;
  /** A required paper's code, `other`, or `result`. */
  kind: string;
  /** The filename the client gave, cleaned. */
  name: string;
  /** Sniffed from the content when it was uploaded. */
  mediaType: string;
  size: number;
  sha256: string;
  attachedAt: string;
  /** Staff are named; the applicant is `applicant` (null id and name). */
  attachedBy: { kind: 'user' | 'applicant'; id: number | null; name: string | null };
}

/** One paper of the procedure's checklist and whether it was received. */
export interface ChecklistItem extends RequiredPaper {
  received: boolean;
  /** The papers uploaded for it. */
  paperIds: number[];
}

export interface DossierPapers {
  items: PaperView[];
  /** The procedure's required papers (as in force when the dossier was received), each marked received or not. */
  checklist: ChecklistItem[];
}

/** A file ready to attach: in the store's tmp folder, its type sniffed and allowed, its kind chosen. */
export interface PaperUpload {
  kind: string;
  name: string;
  mediaType: string;
  temp: TempFile;
}

/** A paper's bytes to send. */
export interface PaperContent {
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  stream: Readable;
}

async function findTarget(db: Executor, target: PaperTarget): Promise<DossierRow> {
  if (target.kind === 'applicant') {
    const row = await findByCodeAndSecret(db, target.code, target.secret);
    if (!row) throw new NotFoundError('NOT_FOUND', APPLICANT_NOT_FOUND);
    return row;
  }
  const row = await findRow(db, { 'd.id': target.dossierId });
  // A dossier the caller may not see answers as one that does not exist.
  if (!row || target.actor.kind !== 'user' || !can(target.actor, 'view', subjectOf(row))) throw new NotFoundError('NOT_FOUND', `No dossier ${target.dossierId}`);
  return row;
}

function actorOf(target: PaperTarget): Actor {
  return target.kind === 'applicant' ? { kind: 'applicant' } : target.actor;
}

/**
 * The kinds this actor may attach to this dossier now, from its state and the procedure's checklist.
 * Ordinary papers (a checklist code or `other`): staff of the one-stop unit while the dossier is open and
 * has no result yet (intake scans, a supplement brought to the counter); the applicant while their
 * submission is checked or a supplement was asked for. The result: the one-stop clerk once the director
 * decided and before it is handed back (Decree 118/2025: the one-stop unit returns results).
 */
function attachableKinds(actor: Actor, row: DossierRow): { mayAttach: boolean; ordinary: boolean; result: boolean } {
  const subject = subjectOf(row);
  const open = !FINAL_STATES.includes(row.state);
  const decided = contextOf(row).result !== null;
  const mayPaper = can(actor, 'attachPaper', subject);
  const mayResult = can(actor, 'attachResult', subject);
  return {
    mayAttach: mayPaper || mayResult,
    ordinary: mayPaper && open && !decided && (actor.kind !== 'applicant' || APPLICANT_UPLOAD_STATES.includes(row.state)),
    result: mayResult && open && decided,
  };
}

function checkKinds(actor: Actor, row: DossierRow, required: RequiredPaper[], kinds: string[]): void {
  const codes = required.map((p) => p.code);
  const known = [...codes, ...RESERVED_PAPER_KINDS];
  const allowed = attachableKinds(actor, row);
  for (const kind of kinds) {
    if (!known.includes(kind)) {
      throw new ValidationError('UNKNOWN_PAPER_KIND', `No paper of kind ${JSON.stringify(kind).slice(0, 60)} in this procedure: use one of ${known.join(', ')}`, { field: 'kind', kind, allowed: known });
    }
    const isResult = kind === RESULT_PAPER;
    if (!can(actor, isResult ? 'attachResult' : 'attachPaper', subjectOf(row))) {
      throw new ForbiddenError('FORBIDDEN', isResult ? 'Only the one-stop unit attaches the result document' : 'Papers are attached by the one-stop unit or by the applicant', { kind });
    }
    if (isResult ? !allowed.result : !allowed.ordinary) {
      throw new RuleViolationError(
        'PAPERS_NOT_ACCEPTED',
        isResult
          ? `The result document is attached once the result is decided and before it is handed back; the dossier is ${row.state}`
          : `This dossier takes no papers of kind ${kind} now: it is ${row.state}`,
        { state: row.state, kind },
      );
    }
  }
}

/**
 * Checks, before any byte of an upload is read, that this caller may attach papers to this dossier in
 * its state: a refusal costs nothing and leaves nothing behind.
 * @returns the kinds the caller may give its files.
 * @throws NotFoundError (also for a dossier the caller may not see, or a wrong tracking secret);
 *   ForbiddenError when the caller never attaches papers; RuleViolationError PAPERS_NOT_ACCEPTED when
 *   the dossier's state takes none from them.
 */
export async function prepareAttach(deps: DossierDeps, target: PaperTarget): Promise<{ dossierId: number; kinds: string[] }> {
  const row = await findTarget(deps.db, target);
  const actor = actorOf(target);
  const rules = await loadRules(deps.db, deps.db, row.procedure_rule_id);
  const allowed = attachableKinds(actor, row);
  if (!allowed.mayAttach) throw new ForbiddenError('FORBIDDEN', 'Papers are attached by the one-stop unit or by the applicant');
  if (!allowed.ordinary && !allowed.result) {
    throw new RuleViolationError('PAPERS_NOT_ACCEPTED', `This dossier takes no papers now: it is ${row.state}`, { state: row.state });
  }
  const kinds = [...(allowed.ordinary ? [...rules.requiredPapers.map((p) => p.code), OTHER_PAPER] : []), ...(allowed.result ? [RESULT_PAPER] : [])];
  return { dossierId: row.id, kinds };
}

function toPaperView(r: Record<string, unknown>): PaperView {
  return {
    id: r.id as number,
    kind: r.kind as string,
    name: r.name as string,
    mediaType: r.media_type as string,
    size: Number(r.size),
    sha256: r.sha256 as string,
    attachedAt: iso(r.attached_at) as string,
    attachedBy: {
      kind: r.attached_by_kind as 'user' | 'applicant',
      id: (r.attached_by as number | null) ?? null,
      name: (r.attached_by_name as string | null) ?? null,
    },
  };
}

async function paperRows(db: Executor, dossierId: number): Promise<PaperView[]> {
  const rows = await db('dossier_papers as p')
    .leftJoin('users as u', 'u.id', 'p.attached_by')
    .where('p.dossier_id', dossierId)
    .orderBy('p.id')
    .select('p.*', 'u.full_name as attached_by_name');
  return rows.map(toPaperView);
}

/** The checklist of a dossier's procedure, each required paper marked with the papers received for it. */
export function checklistOf(required: RequiredPaper[], papers: PaperView[]): ChecklistItem[] {
  return required.map((p) => {
    const ids = papers.filter((x) => x.kind === p.code).map((x) => x.id);
    return { ...p, received: ids.length > 0, paperIds: ids };
  });
}

/** A dossier's papers and checklist, for the staff view and the forms (no access check: the caller made it). */
export async function papersOfRow(deps: Pick<DossierDeps, 'db'>, row: Pick<DossierRow, 'id' | 'procedure_rule_id'>): Promise<DossierPapers> {
  const [items, rules] = await Promise.all([paperRows(deps.db, row.id), loadRules(deps.db, deps.db, row.procedure_rule_id)]);
  return { items, checklist: checklistOf(rules.requiredPapers, items) };
}

/**
 * What the applicant sees of their papers: everything they and the agency attached, except the result
 * document until it has been handed back (RETURN_RESULT) — before that a fee may still be due.
 */
function visibleTo(target: PaperTarget, row: DossierRow, paper: PaperView): boolean {
  return target.kind !== 'applicant' || paper.kind !== RESULT_PAPER || row.state === 'completed';
}

/**
 * A dossier's papers with the procedure's checklist.
 * @throws NotFoundError when the dossier does not exist, the caller may not see it, or the secret is wrong.
 */
export async function listPapers(deps: DossierDeps, target: PaperTarget): Promise<DossierPapers> {
  const row = await findTarget(deps.db, target);
  const papers = await papersOfRow(deps, row);
  const items = papers.items.filter((p) => visibleTo(target, row, p));
  return { items, checklist: papers.checklist };
}

/**
 * One paper's bytes, with the name and the type it was stored with.
 * @throws NotFoundError NOT_FOUND for the dossier (as listPapers), PAPER_NOT_FOUND for a paper that is
 *   not this dossier's or not shown to the caller.
 */
export async function openPaper(deps: DossierDeps, target: PaperTarget, paperId: number): Promise<PaperContent> {
  const row = await findTarget(deps.db, target);
  const paper = (await paperRows(deps.db, row.id)).find((p) => p.id === paperId);
  if (!paper || !visibleTo(target, row, paper)) throw new NotFoundError('PAPER_NOT_FOUND', `Dossier ${row.code} has no paper ${paperId}`);
  const { stream, size } = await deps.files.open(paper.sha256);
  return { name: paper.name, mediaType: paper.mediaType, size, sha256: paper.sha256, stream };
}

/**
 * Attaches uploaded papers to a dossier: checks the kinds against the state and the checklist, puts the
 * files in the store (by digest: the same content once), then in one transaction re-reads the dossier
 * under a lock, checks again, records the files, the papers and one audit event per paper in the
 * dossier's papers stream. Temporary files are always consumed: promoted or removed. A refusal before
 * the store is touched leaves nothing; a transaction that fails after it (the dossier moved meanwhile)
 * leaves files no row references, which the maintenance worker's orphan collector removes.
 * @throws ValidationError NO_FILES, UNKNOWN_PAPER_KIND; as prepareAttach.
 */
export async function attachPapers(deps: DossierDeps, target: PaperTarget, uploads: PaperUpload[]): Promise<PaperView[]> {
  let promoted = 0;
  try {
    if (uploads.length === 0) throw new ValidationError('NO_FILES', 'Send at least one file, each with its `kind`', { field: 'file' });
    const actor = actorOf(target);
    const before = await findTarget(deps.db, target);
    const rules = await loadRules(deps.db, deps.db, before.procedure_rule_id);
    checkKinds(actor, before, rules.requiredPapers, uploads.map((u) => u.kind));
    for (const upload of uploads) {
      await deps.files.promote(upload.temp);
      promoted++;
    }
    const at = deps.clock().toISOString();
    return await deps.db.transaction(async (trx) => {
      // One writer of a dossier's papers at a time: their audit chain forks otherwise (PostgreSQL).
      await trx('dossiers').where({ id: before.id }).forUpdate().first('id');
      const row = await findTarget(trx, target);
      checkKinds(actor, row, rules.requiredPapers, uploads.map((u) => u.kind));
      const inserted = await insertPaperRows(trx, row.id, actor, uploads, at);
      await auditPapers(trx, row, actor, inserted, at);
      const ids = inserted.map((p) => p.id);
      const papers = await paperRows(trx, row.id);
      return papers.filter((p) => ids.includes(p.id));
    });
  } finally {
    // Whatever was not promoted is removed (a refusal, or a failure part-way).
    for (const upload of uploads.slice(promoted)) await deps.files.discard(upload.temp);
  }
}

/** A paper row just written, with the upload it came from: what its audit event records. */
export interface InsertedPaper {
  id: number;
  upload: PaperUpload;
}

/**
 * Records promoted files as a dossier's papers, inside the caller's transaction (which holds the
 * dossier's row). No check: the caller made it. Their audit events are {@link auditPapers}'.
 */
export async function insertPaperRows(trx: Executor, dossierId: number, actor: Actor, uploads: PaperUpload[], at: string): Promise<InsertedPaper[]> {
  const inserted: InsertedPaper[] = [];
  for (const upload of uploads) {
    await trx('stored_files').insert({ sha256: upload.temp.sha256, size: upload.temp.size, media_type: upload.mediaType, created_at: at }).onConflict('sha256').ignore();
    const [row] = await trx('dossier_papers')
      .insert({
        dossier_id: dossierId,
        sha256: upload.temp.sha256,
        kind: upload.kind,
        name: upload.name,
        media_type: upload.mediaType,
        size: upload.temp.size,
        attached_by_kind: actor.kind === 'user' ? 'user' : 'applicant',
        attached_by: actor.kind === 'user' ? actor.principal.userId : null,
        attached_at: at,
      })
      .returning('id');
    inserted.push({ id: typeof row === 'object' ? row.id : row, upload });
  }
  return inserted;
}

/** One audit event per paper in the dossier's papers stream, naming the dossier by its code. */
export async function auditPapers(trx: Executor, row: Pick<DossierRow, 'id' | 'code' | 'state'>, actor: Actor, papers: InsertedPaper[], at: string): Promise<void> {
  for (const { id, upload } of papers) {
    await appendEvent(trx, {
      streamType: PAPER_STREAM,
      streamId: row.id,
      type: 'PAPER_ATTACHED',
      actor: actorRef(actor),
      at,
      fromState: row.state,
      toState: row.state,
      payload: { paperId: id, dossierCode: row.code, kind: upload.kind, name: upload.name, mediaType: upload.mediaType, size: upload.temp.size, sha256: upload.temp.sha256 },
    });
  }
}
