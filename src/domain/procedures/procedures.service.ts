import type { Db, Executor } from '../../db/db.ts';
import { bool, iso, json, toJson } from '../../lib/rows.ts';
import type { DossierRules } from '../../../machines/dossier/index.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { allocationProblems, type StepAllocation } from './step-allocation.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { foldVietnamese } from '../documents/search-text.ts';

/**
 * A fee or charge (phí, lệ phí): collected at intake (an appraisal fee, before processing starts) or
 * with the result (national status 6); `amount` in đồng, or null for "theo quy định".
 */
export interface Fee {
  collectedAt: 'intake' | 'result';
  amount: number | null;
}

/**
 * What form of a paper the procedure asks for, as Mẫu 01 writes it: bản chính (the original), bản sao (a
 * copy, the original shown for comparison or not asked for) or bản sao chứng thực (a certified copy).
 */
export type CopyType = 'original' | 'copy' | 'certifiedCopy';

export const COPY_TYPES: readonly CopyType[] = ['original', 'copy', 'certifiedCopy'];

/**
 * The form a paper takes when its rules say nothing: a copy. Decree 23/2015/NĐ-CP Art. 6 lets an applicant
 * hand in a plain copy (with the original shown for comparison) wherever a certified copy is not required,
 * so an original or a certified copy is what a procedure must say it asks for.
 */
export const DEFAULT_COPY_TYPE: CopyType = 'copy';

/**
 * A paper the procedure requires (thành phần hồ sơ), as the procedure's published dossier list names it:
 * `code` is what an uploaded paper's `kind` names; `copies` how many sets; `copyType` the form it takes
 * (bản chính / bản sao / bản sao chứng thực). `original` is the older way rules said it (true: the
 * original; false: a copy), still read from stored rules and still accepted.
 */
export interface RequiredPaper {
  code: string;
  name: string;
  copies?: number;
  copyType?: CopyType;
  original?: boolean;
  /** The form to fill in (mẫu đơn, tờ khai), a template file the admin uploaded (procedure-templates.ts). */
  templateSha256?: string;
}

/** The form a required paper takes: its `copyType`, else what the older `original` said, else {@link DEFAULT_COPY_TYPE}. */
export function copyTypeOf(p: Pick<RequiredPaper, 'copyType' | 'original'>): CopyType {
  if (p.copyType) return p.copyType;
  if (p.original === true) return 'original';
  if (p.original === false) return 'copy';
  return DEFAULT_COPY_TYPE;
}

/** Kinds every dossier's papers may have besides the procedure's codes: any other paper, and the result (giấy phép). */
export const RESERVED_PAPER_KINDS = ['other', 'result'] as const;

export interface ProcedureRulesInput {
  workingDays: number;
  /** The papers the dossier must contain (an empty list when absent). */
  requiredPapers?: RequiredPaper[];
  stepAllocation?: StepAllocation | null;
  /** The result waits for a fee (national status 6). Implied by `fee`; alone it means a fee "theo quy định" at the result. */
  hasFee?: boolean;
  fee?: Fee | null;
  /** The sector's window for asking for a supplement after receipt, in working days (null: none). */
  supplementWindowDays?: number | null;
  leadReview?: boolean;
  inspection?: boolean;
  supplementClock?: DossierRules['supplementClock'];
  /** When these rules take effect; now when absent. */
  effectiveFrom?: string;
  /** The document and article the time limit comes from. */
  timeLimitBasis?: string | null;
  /** The document and article the fee (or its absence) comes from. */
  feeBasis?: string | null;
  /** The amount as the fee's circular says it (by area, per licence…), when one number cannot say it. */
  feeNote?: string | null;
  /** Figures of these rules not checked against the legal text, each with why: shown to the admin. */
  unverified?: string[];
}

/**
 * What the national portal publishes of a procedure besides its rules (Thông tư 02/2017/TT-VPCP, the
 * procedure's information sheet): lĩnh vực, cấp thực hiện, đối tượng thực hiện, cơ quan thực hiện,
 * điều kiện, căn cứ pháp lý, kết quả. Null when not published.
 */
export interface ProcedureCatalogue {
  sector?: string | null;
  level?: string | null;
  applicants?: string | null;
  agency?: string | null;
  conditions?: string | null;
  legalBasis?: string | null;
  result?: string | null;
}

export const CATALOGUE_FIELDS = ['sector', 'level', 'applicants', 'agency', 'conditions', 'legalBasis', 'result'] as const;
const CATALOGUE_COLUMNS: Record<(typeof CATALOGUE_FIELDS)[number], string> = {
  sector: 'sector',
  level: 'level',
  applicants: 'applicants',
  agency: 'agency',
  conditions: 'conditions',
  legalBasis: 'legal_basis',
  result: 'result',
};

export interface NewProcedure extends ProcedureRulesInput, ProcedureCatalogue {
  code: string;
  name: string;
  departmentId: number;
}

export interface ProcedureRulesView {
  id: number;
  effectiveFrom: string;
  workingDays: number;
  stepAllocation: StepAllocation | null;
  /** The result waits for the fee (the fee is collected with the result). */
  hasFee: boolean;
  fee: Fee | null;
  supplementWindowDays: number | null;
  leadReview: boolean;
  inspection: boolean;
  supplementClock: DossierRules['supplementClock'];
  requiredPapers: RequiredPaper[];
  timeLimitBasis: string | null;
  feeBasis: string | null;
  feeNote: string | null;
  unverified: string[];
}

export interface ProcedureView extends Required<ProcedureCatalogue> {
  id: number;
  code: string;
  name: string;
  departmentId: number;
  active: boolean;
  createdAt: string;
  /** The rules in force now. */
  rules: ProcedureRulesView;
}

export function toRulesView(r: Record<string, unknown>): ProcedureRulesView {
  return {
    id: r.id as number,
    effectiveFrom: iso(r.effective_from) as string,
    workingDays: Number(r.working_days),
    stepAllocation: r.step_allocation == null ? null : json<StepAllocation>(r.step_allocation),
    hasFee: bool(r.has_fee),
    fee: r.fee_collected_at ? { collectedAt: r.fee_collected_at as Fee['collectedAt'], amount: r.fee_amount == null ? null : Number(r.fee_amount) } : null,
    supplementWindowDays: r.supplement_window_days == null ? null : Number(r.supplement_window_days),
    leadReview: bool(r.lead_review),
    inspection: bool(r.inspection),
    supplementClock: r.supplement_clock as DossierRules['supplementClock'],
    // Every paper says its form: rules stored before copyType carry `original` or nothing (copyTypeOf).
    requiredPapers: (r.required_papers == null ? [] : json<RequiredPaper[]>(r.required_papers)).map((p) => ({ ...p, copyType: copyTypeOf(p) })),
    timeLimitBasis: (r.time_limit_basis as string | null) ?? null,
    feeBasis: (r.fee_basis as string | null) ?? null,
    feeNote: (r.fee_note as string | null) ?? null,
    unverified: r.unverified == null ? [] : json<string[]>(r.unverified),
  };
}

/** The folded text the catalogue's search reads (the documents' folding: `ban buon ruou` finds `Bán buôn rượu`). */
export function procedureSearchText(p: { code: string; name: string; sector?: string | null }): string {
  return foldVietnamese([p.code, p.name, p.sector ?? ''].join(' '));
}

/** The catalogue fields given in `input` as columns (absent ones left out, blank ones null). */
export function catalogueColumns(input: ProcedureCatalogue): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of CATALOGUE_FIELDS) {
    const v = input[f];
    if (v !== undefined) out[CATALOGUE_COLUMNS[f]] = v === null || v.trim() === '' ? null : v.trim();
  }
  return out;
}

/**
 * Every template a list of papers names is stored (procedure-templates.ts): a paper never points to a
 * form nobody can download.
 * @throws ValidationError UNKNOWN_TEMPLATE naming the paper.
 */
export async function checkTemplates(db: Executor, papers: RequiredPaper[] | undefined): Promise<void> {
  const wanted = [...new Set((papers ?? []).map((p) => p.templateSha256).filter((s): s is string => typeof s === 'string'))];
  if (wanted.length === 0) return;
  const found = new Set<string>(await db('procedure_templates').whereIn('sha256', wanted).pluck('sha256'));
  const missing = (papers ?? []).find((p) => p.templateSha256 !== undefined && !found.has(p.templateSha256));
  if (missing) {
    throw new ValidationError('UNKNOWN_TEMPLATE', `No template ${missing.templateSha256} in the store for paper ${missing.code}: upload it first (POST /api/procedure-templates)`, {
      field: 'requiredPapers',
      code: missing.code,
      templateSha256: missing.templateSha256,
    });
  }
}

function checkRules(input: ProcedureRulesInput): void {
  const problems = input.stepAllocation ? allocationProblems(input.workingDays, input.stepAllocation) : [];
  if (problems.length > 0) throw new ValidationError('INVALID_STEP_ALLOCATION', `Step allocation: ${problems.join('; ')}`, { problems });
  const codes = new Set<string>();
  for (const paper of input.requiredPapers ?? []) {
    // A paper's code is the kind an uploaded paper names: it must say which paper, once.
    if ((RESERVED_PAPER_KINDS as readonly string[]).includes(paper.code) || codes.has(paper.code)) {
      throw new ValidationError('INVALID_REQUIRED_PAPERS', `Required paper code ${paper.code} is used twice or reserved (${RESERVED_PAPER_KINDS.join(', ')})`, { field: 'requiredPapers', code: paper.code });
    }
    codes.add(paper.code);
    // The older `original` may come with copyType only when both say the same (an original is not a copy).
    if (paper.copyType !== undefined && paper.original !== undefined && (paper.copyType === 'original') !== paper.original) {
      throw new ValidationError('INVALID_REQUIRED_PAPERS', `Required paper ${paper.code}: original ${paper.original} contradicts copyType ${paper.copyType}`, { field: 'requiredPapers', code: paper.code });
    }
  }
  if (input.fee !== undefined && input.hasFee !== undefined && input.hasFee !== (feeOf(input)?.collectedAt === 'result')) {
    throw new ValidationError('FEE_CONFLICT', 'hasFee says whether the result waits for the fee: it must agree with fee.collectedAt (or be left out)', { field: 'hasFee' });
  }
}

/**
 * The fee the rules record: `fee` when given, else a fee "theo quy định" with the result when `hasFee`.
 * An amount of 0 đồng is no fee (a free procedure, "Không thu phí, lệ phí"): "free" has one form, so the
 * result never waits in awaitingPayment for a payment of nothing and nothing prints "0 đồng".
 */
function feeOf(input: ProcedureRulesInput): Fee | null {
  if (input.fee !== undefined) return input.fee?.amount === 0 ? null : input.fee;
  return input.hasFee ? { collectedAt: 'result', amount: null } : null;
}

/** A required paper as the rules store it: its known fields only. */
export function storedPaper(p: RequiredPaper): RequiredPaper {
  return {
    code: p.code,
    name: p.name,
    ...(p.copies !== undefined ? { copies: p.copies } : {}),
    ...(p.copyType !== undefined ? { copyType: p.copyType } : {}),
    ...(p.original !== undefined ? { original: p.original } : {}),
    ...(p.templateSha256 !== undefined ? { templateSha256: p.templateSha256 } : {}),
  };
}

async function insertRules(trx: Executor, procedureId: number, input: ProcedureRulesInput, at: string): Promise<void> {
  await trx('procedure_rules').insert({
    procedure_id: procedureId,
    effective_from: input.effectiveFrom ? new Date(input.effectiveFrom).toISOString() : at,
    working_days: input.workingDays,
    step_allocation: input.stepAllocation ? toJson(input.stepAllocation) : null,
    // Only a fee collected with the result holds the result back (awaitingPayment); one paid at intake does not.
    has_fee: feeOf(input)?.collectedAt === 'result',
    fee_collected_at: feeOf(input)?.collectedAt ?? null,
    fee_amount: feeOf(input)?.amount ?? null,
    supplement_window_days: input.supplementWindowDays ?? null,
    lead_review: input.leadReview ?? true,
    inspection: input.inspection ?? false,
    // The full limit runs again after a complete resubmission: the rule for electronic dossiers (DOMAIN §1.3).
    supplement_clock: input.supplementClock ?? 'restart',
    required_papers: toJson((input.requiredPapers ?? []).map(storedPaper)),
    time_limit_basis: input.timeLimitBasis?.trim() || null,
    fee_basis: input.feeBasis?.trim() || null,
    fee_note: input.feeNote?.trim() || null,
    unverified: toJson((input.unverified ?? []).map((u) => u.trim()).filter((u) => u !== '')),
    created_at: at,
  });
}

/**
 * Creates an administrative procedure with its first rules.
 * @throws ConflictError for a taken code; ValidationError for an unknown department or a bad allocation.
 */
export async function createProcedure(db: Db, actor: ActorRef, input: NewProcedure, now: Date): Promise<ProcedureView> {
  checkRules(input);
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    const duplicate = () => new ConflictError('DUPLICATE', `A procedure with code ${input.code} already exists`, { field: 'code' });
    if (await trx('procedures').where({ code: input.code }).first('id')) throw duplicate();
    if (!(await trx('departments').where({ id: input.departmentId }).first('id'))) {
      throw new ValidationError('UNKNOWN_REFERENCE', `Department ${input.departmentId} does not exist`, { field: 'departmentId' });
    }
    await checkTemplates(trx, input.requiredPapers);
    const [inserted] = await trx('procedures')
      .insert({ code: input.code, name: input.name, department_id: input.departmentId, active: true, created_at: at, ...catalogueColumns(input), search_text: procedureSearchText(input) })
      .returning('id')
      .catch((err: unknown) => {
        // A concurrent request took the code between the check above and this insert.
        if (isUniqueViolation(err)) throw duplicate();
        throw err;
      });
    const id: number = typeof inserted === 'object' ? inserted.id : inserted;
    await insertRules(trx, id, { ...input, effectiveFrom: input.effectiveFrom ?? at }, at);
    await appendEvent(trx, { streamType: 'procedure', streamId: id, type: 'PROCEDURE_CREATED', actor, at, payload: { ...input } }, null);
    return getProcedure(trx, id, now);
  });
}

/**
 * Publishes new rules for a procedure from a date on; dossiers received before keep theirs.
 * @throws NotFoundError for an unknown procedure; ConflictError when rules already start at that instant.
 */
export async function addProcedureRules(db: Db, actor: ActorRef, procedureId: number, input: ProcedureRulesInput, now: Date): Promise<ProcedureView> {
  checkRules(input);
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    if (!(await trx('procedures').where({ id: procedureId }).first('id'))) throw new NotFoundError('NOT_FOUND', `Procedure ${procedureId} does not exist`);
    const from = input.effectiveFrom ? new Date(input.effectiveFrom).toISOString() : at;
    if (await trx('procedure_rules').where({ procedure_id: procedureId, effective_from: from }).first('id')) {
      throw new ConflictError('DUPLICATE', `Rules starting at ${from} already exist`, { field: 'effectiveFrom' });
    }
    await checkTemplates(trx, input.requiredPapers);
    await insertRules(trx, procedureId, { ...input, effectiveFrom: from }, at);
    await appendEvent(trx, { streamType: 'procedure', streamId: procedureId, type: 'PROCEDURE_RULES_ADDED', actor, at, payload: { ...input, effectiveFrom: from } });
    return getProcedure(trx, procedureId, now);
  });
}

/** The rules of a procedure in force at an instant (the latest that took effect by then). */
export async function rulesInForce(db: Executor, procedureId: number, at: Date): Promise<ProcedureRulesView | null> {
  const row = await db('procedure_rules')
    .where({ procedure_id: procedureId })
    .andWhere('effective_from', '<=', at.toISOString())
    .orderBy('effective_from', 'desc')
    .first();
  return row ? toRulesView(row) : null;
}

/** @throws NotFoundError for an unknown procedure. */
export async function getProcedure(db: Executor, id: number, now: Date): Promise<ProcedureView> {
  const row = await db('procedures').where({ id }).first();
  if (!row) throw new NotFoundError('NOT_FOUND', `Procedure ${id} does not exist`);
  const rules = (await rulesInForce(db, id, now)) ?? toRulesView(await db('procedure_rules').where({ procedure_id: id }).orderBy('effective_from').first());
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    departmentId: row.department_id,
    active: bool(row.active),
    createdAt: iso(row.created_at) as string,
    sector: row.sector ?? null,
    level: row.level ?? null,
    applicants: row.applicants ?? null,
    agency: row.agency ?? null,
    conditions: row.conditions ?? null,
    legalBasis: row.legal_basis ?? null,
    result: row.result ?? null,
    rules,
  };
}

export async function listProcedures(db: Executor, now: Date): Promise<ProcedureView[]> {
  const rows = await db('procedures').orderBy('code').select('id');
  return Promise.all(rows.map((r) => getProcedure(db, r.id, now)));
}

/**
 * Opens or closes a procedure to new dossiers: an inactive one is neither offered on the portal nor
 * received at the counter; dossiers already received go on under their rules. Audited as
 * PROCEDURE_ACTIVATED or PROCEDURE_DEACTIVATED, only when it changes.
 * @throws NotFoundError for an unknown procedure.
 */
export async function setProcedureActive(db: Db, actor: ActorRef, id: number, active: boolean, now: Date): Promise<ProcedureView> {
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    const row = await trx('procedures').where({ id }).first('active');
    if (!row) throw new NotFoundError('NOT_FOUND', `Procedure ${id} does not exist`);
    if (bool(row.active) !== active) {
      await trx('procedures').where({ id }).update({ active });
      await appendEvent(trx, { streamType: 'procedure', streamId: id, type: active ? 'PROCEDURE_ACTIVATED' : 'PROCEDURE_DEACTIVATED', actor, at, payload: {} });
    }
    return getProcedure(trx, id, now);
  });
}

/** What of a procedure can be changed without new rules: its name and what the catalogue publishes. */
export interface ProcedureChange extends ProcedureCatalogue {
  name?: string;
  active?: boolean;
}

/**
 * Changes a procedure's name and catalogue fields (lĩnh vực, cơ quan thực hiện, căn cứ pháp lý, …) and
 * opens or closes it; its rules are not touched (they change only by new rules from a date on). Audited
 * as PROCEDURE_UPDATED with the fields changed, only when something changed.
 * @throws NotFoundError for an unknown procedure.
 */
export async function updateProcedure(db: Executor, actor: ActorRef, id: number, change: ProcedureChange, now: Date): Promise<ProcedureView> {
  const at = now.toISOString();
  const work = async (trx: Executor) => {
    const row = await trx('procedures').where({ id }).first();
    if (!row) throw new NotFoundError('NOT_FOUND', `Procedure ${id} does not exist`);
    const { active, name, ...catalogue } = change;
    const wanted: Record<string, unknown> = { ...catalogueColumns(catalogue), ...(name !== undefined ? { name: name.trim() } : {}) };
    const changed: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(wanted)) if ((row[column] ?? null) !== value) changed[column] = value;
    if (Object.keys(changed).length > 0) {
      const next = { ...row, ...changed };
      await trx('procedures').where({ id }).update({ ...changed, search_text: procedureSearchText({ code: next.code, name: next.name, sector: next.sector }) });
      await appendEvent(trx, { streamType: 'procedure', streamId: id, type: 'PROCEDURE_UPDATED', actor, at, payload: changed });
    }
    if (active !== undefined && bool(row.active) !== active) {
      await trx('procedures').where({ id }).update({ active });
      await appendEvent(trx, { streamType: 'procedure', streamId: id, type: active ? 'PROCEDURE_ACTIVATED' : 'PROCEDURE_DEACTIVATED', actor, at, payload: {} });
    }
    return getProcedure(trx, id, now);
  };
  // Inside an import's transaction, or one of its own.
  return (db as { isTransaction?: boolean }).isTransaction ? work(db) : (db as Db).transaction(work);
}
