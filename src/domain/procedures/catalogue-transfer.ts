import type { Db, Executor } from '../../db/db.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import type { ActorRef } from '../audit/event-log.ts';
import { csvField } from '../documents/document-registers.ts';
import { DomainError, ValidationError } from '../errors.ts';
import {
  addProcedureRules,
  CATALOGUE_FIELDS,
  createProcedure,
  getProcedure,
  listProcedures,
  storedPaper,
  toRulesView,
  updateProcedure,
  type Fee,
  type ProcedureCatalogue,
  type ProcedureRulesInput,
  type ProcedureRulesView,
  type RequiredPaper,
} from './procedures.service.ts';
import type { StepAllocation } from './step-allocation.ts';

/** The file's format name and version: a file of another shape is refused before any row is read. */
export const CATALOGUE_FORMAT = 'idesk-procedure-catalogue';
export const CATALOGUE_VERSION = 1;
/** The largest catalogue file taken (a province publishes a few hundred procedures: ~1 MB of JSON). */
export const CATALOGUE_MAX_BYTES = 4 * 1024 * 1024;
/** The most procedures one file may carry. */
export const CATALOGUE_MAX_ROWS = 2000;

/** The rules of a procedure as the catalogue file carries them. */
export interface CatalogueRules {
  workingDays: number;
  timeLimitBasis?: string | null;
  fee?: Fee | null;
  feeNote?: string | null;
  feeBasis?: string | null;
  supplementWindowDays?: number | null;
  leadReview?: boolean;
  inspection?: boolean;
  supplementClock?: 'restart' | 'pause';
  stepAllocation?: StepAllocation | null;
  requiredPapers?: RequiredPaper[];
  unverified?: string[];
  /** When these rules took or take effect; absent: now, when they differ from those in force. */
  effectiveFrom?: string;
}

/** One procedure of the catalogue file: its department by code (ids differ between databases). */
export interface CatalogueRow extends ProcedureCatalogue {
  code: string;
  name: string;
  department: string;
  active?: boolean;
  rules: CatalogueRules;
}

/** A row read from a file, with where it is: the 1-based row number and the line it starts on. */
export interface LocatedRow {
  row: number;
  line: number;
  value: CatalogueRow;
}

/**
 * A refusal of a catalogue file: the row, its line and the field, in English for the API and with the
 * details a page words in Vietnamese.
 */
export function catalogueError(at: { row: number; line: number } | null, field: string, message: string, code = 'INVALID_CATALOGUE'): ValidationError {
  const where = at ? `Row ${at.row} (line ${at.line}), field ${field}` : `Field ${field}`;
  return new ValidationError(code, `${where}: ${message}`, { row: at?.row ?? null, line: at?.line ?? null, field, reason: message });
}

function rulesOf(r: ProcedureRulesView): CatalogueRules {
  return {
    workingDays: r.workingDays,
    timeLimitBasis: r.timeLimitBasis,
    fee: r.fee,
    feeNote: r.feeNote,
    feeBasis: r.feeBasis,
    supplementWindowDays: r.supplementWindowDays,
    leadReview: r.leadReview,
    inspection: r.inspection,
    supplementClock: r.supplementClock,
    stepAllocation: r.stepAllocation,
    requiredPapers: r.requiredPapers,
    unverified: r.unverified,
    effectiveFrom: r.effectiveFrom,
  };
}

/** The whole catalogue, by code, with the rules in force now: what an export writes. */
export async function exportCatalogue(db: Executor, now: Date): Promise<CatalogueRow[]> {
  const departments = new Map((await db('departments').select('id', 'code')).map((d) => [d.id as number, d.code as string]));
  return (await listProcedures(db, now)).map((p) => {
    const row: CatalogueRow = { code: p.code, name: p.name, department: departments.get(p.departmentId) as string, active: p.active, rules: rulesOf(p.rules) };
    for (const f of CATALOGUE_FIELDS) row[f] = p[f];
    return row;
  });
}

/** The export as a JSON document. */
export function catalogueJson(rows: CatalogueRow[], now: Date): string {
  return `${JSON.stringify({ format: CATALOGUE_FORMAT, version: CATALOGUE_VERSION, exportedAt: now.toISOString(), procedures: rows }, null, 2)}\n`;
}

/**
 * The CSV columns, one procedure a row. Lists that a cell cannot say plainly are JSON in their cell
 * (requiredPapers, stepAllocation); unverified notes are one a line.
 */
export const CSV_COLUMNS = [
  'code', 'name', 'department', 'active', 'sector', 'level', 'applicants', 'agency', 'conditions', 'legalBasis', 'result',
  'workingDays', 'timeLimitBasis', 'feeCollectedAt', 'feeAmount', 'feeNote', 'feeBasis', 'supplementWindowDays',
  'leadReview', 'inspection', 'supplementClock', 'stepAllocation', 'requiredPapers', 'unverified', 'effectiveFrom',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

function cellsOf(row: CatalogueRow): string[] {
  const r = row.rules;
  const text = (v: string | null | undefined) => v ?? '';
  const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  const byColumn: Record<CsvColumn, string> = {
    code: row.code,
    name: row.name,
    department: row.department,
    active: String(row.active ?? true),
    sector: text(row.sector),
    level: text(row.level),
    applicants: text(row.applicants),
    agency: text(row.agency),
    conditions: text(row.conditions),
    legalBasis: text(row.legalBasis),
    result: text(row.result),
    workingDays: String(r.workingDays),
    timeLimitBasis: text(r.timeLimitBasis),
    feeCollectedAt: r.fee?.collectedAt ?? '',
    feeAmount: num(r.fee?.amount),
    feeNote: text(r.feeNote),
    feeBasis: text(r.feeBasis),
    supplementWindowDays: num(r.supplementWindowDays),
    leadReview: String(r.leadReview ?? true),
    inspection: String(r.inspection ?? false),
    supplementClock: r.supplementClock ?? 'restart',
    stepAllocation: r.stepAllocation ? JSON.stringify(r.stepAllocation) : '',
    requiredPapers: JSON.stringify(r.requiredPapers ?? []),
    unverified: (r.unverified ?? []).join('\n'),
    effectiveFrom: r.effectiveFrom ?? '',
  };
  return CSV_COLUMNS.map((c) => byColumn[c]);
}

/** The export as CSV: UTF-8 with a byte-order mark (Excel reads the Vietnamese right), CRLF lines. */
export function catalogueCsv(rows: CatalogueRow[]): string {
  const line = (cells: readonly string[]) => `${cells.map(csvField).join(',')}\r\n`;
  return `\uFEFF${line(CSV_COLUMNS)}${rows.map((r) => line(cellsOf(r))).join('')}`;
}

/** The rules as a procedure stores them, for comparing a file's rules with those in force. */
function comparable(r: CatalogueRules | ProcedureRulesView): string {
  const blank = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);
  return canonicalJson({
    workingDays: r.workingDays,
    timeLimitBasis: blank(r.timeLimitBasis),
    fee: r.fee ?? null,
    feeNote: blank(r.feeNote),
    feeBasis: blank(r.feeBasis),
    supplementWindowDays: r.supplementWindowDays ?? null,
    leadReview: r.leadReview ?? true,
    inspection: r.inspection ?? false,
    supplementClock: r.supplementClock ?? 'restart',
    stepAllocation: r.stepAllocation ?? null,
    requiredPapers: (r.requiredPapers ?? []).map(storedPaper),
    unverified: (r.unverified ?? []).map((u) => u.trim()).filter((u) => u !== ''),
  });
}

function rulesInput(r: CatalogueRules): ProcedureRulesInput {
  const { effectiveFrom, ...rest } = r;
  return { ...rest, ...(effectiveFrom ? { effectiveFrom } : {}) };
}

export interface ImportSummary {
  created: string[];
  updated: string[];
  rulesAdded: string[];
  unchanged: string[];
}

/**
 * Loads a catalogue in one transaction: a new code creates the procedure with its rules; a known one gets
 * its name, catalogue fields and state as the file says, and new rules when the file's differ from those
 * in force (from the file's effectiveFrom, or now). Rules already published are never rewritten: rules
 * that differ from stored ones starting at the same instant refuse the file. Any refusal rolls back the
 * whole file: nothing of it is kept.
 * @throws ValidationError INVALID_CATALOGUE naming the row, its line and the field.
 */
export async function importCatalogue(db: Db, actor: ActorRef, rows: LocatedRow[], now: Date): Promise<ImportSummary> {
  const summary: ImportSummary = { created: [], updated: [], rulesAdded: [], unchanged: [] };
  const seen = new Map<string, number>();
  for (const r of rows) {
    const first = seen.get(r.value.code);
    if (first !== undefined) throw catalogueError(r, 'code', `code ${r.value.code} is also on row ${first}`);
    seen.set(r.value.code, r.row);
  }
  await db.transaction(async (trx) => {
    const departments = new Map((await trx('departments').select('id', 'code')).map((d) => [d.code as string, d.id as number]));
    for (const r of rows) {
      const { code, name, department, active, rules, ...catalogue } = r.value;
      const departmentId = departments.get(department);
      if (departmentId === undefined) throw catalogueError(r, 'department', `no department has the code ${department}`);
      try {
        const existing = await trx('procedures').where({ code }).first('id', 'department_id');
        if (!existing) {
          const created = await createProcedure(trx, actor, { code, name, departmentId, ...catalogue, ...rulesInput(rules) }, now);
          if (active === false) await updateProcedure(trx, actor, created.id, { active: false }, now);
          summary.created.push(code);
          continue;
        }
        if (existing.department_id !== departmentId) throw catalogueError(r, 'department', `procedure ${code} belongs to another department; a procedure does not move between departments by import`);
        const before = await getProcedure(trx, existing.id, now);
        const after = await updateProcedure(trx, actor, existing.id, { name, ...catalogue, ...(active !== undefined ? { active } : {}) }, now);
        const changed = canonicalJson({ ...before, rules: null }) !== canonicalJson({ ...after, rules: null });
        let added = false;
        if (rules.effectiveFrom) {
          const at = new Date(rules.effectiveFrom).toISOString();
          const stored = await trx('procedure_rules').where({ procedure_id: existing.id, effective_from: at }).first();
          if (stored) {
            if (comparable(toRulesView(stored)) !== comparable(rules)) {
              throw catalogueError(r, 'rules.effectiveFrom', `rules of ${code} starting at ${at} are published already and differ from the file's; give the new rules a later effectiveFrom, or leave it out for now`);
            }
          } else {
            await addProcedureRules(trx, actor, existing.id, rulesInput(rules), now);
            added = true;
          }
        } else if (comparable(before.rules) !== comparable(rules)) {
          await addProcedureRules(trx, actor, existing.id, rulesInput(rules), now);
          added = true;
        }
        if (added) summary.rulesAdded.push(code);
        if (changed) summary.updated.push(code);
        if (!added && !changed) summary.unchanged.push(code);
      } catch (err) {
        if (err instanceof ValidationError && err.code === 'INVALID_CATALOGUE') throw err;
        if (err instanceof DomainError && err.status < 500) {
          // A rule of the procedures service (a bad step allocation, a template not stored, a paper code twice…).
          const field = (err.details as { field?: string } | null)?.field;
          throw catalogueError(r, field ? (field in rules || field === 'requiredPapers' ? `rules.${field}` : field) : 'rules', `${err.code}: ${err.message}`);
        }
        throw err;
      }
    }
  });
  return summary;
}
