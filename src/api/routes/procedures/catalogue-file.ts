import { Type } from '@sinclair/typebox';
import {
  CATALOGUE_FORMAT,
  CATALOGUE_MAX_ROWS,
  CATALOGUE_VERSION,
  catalogueError,
  CSV_COLUMNS,
  type CatalogueRow,
  type CsvColumn,
  type LocatedRow,
} from '../../../domain/procedures/catalogue-transfer.ts';
import { PayloadTooLargeError, ValidationError } from '../../../domain/errors.ts';
import { CsvSyntaxError, parseCsv } from '../../../lib/csv.ts';
import { validate } from '../../validation.ts';
import { catalogueFields, ruleFields } from './procedures.schema.ts';

/** One procedure of a catalogue file: the API's own rules for a procedure, its department by code. */
export const CatalogueRowSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[0-9A-Za-z.\\-]{1,32}$', description: 'National procedure code, e.g. 1.013416' }),
    name: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
    department: Type.String({ minLength: 1, maxLength: 32, description: 'The handling department’s code' }),
    active: Type.Optional(Type.Boolean()),
    ...catalogueFields,
    rules: Type.Object(ruleFields, { additionalProperties: false }),
  },
  { additionalProperties: false, title: 'CatalogueRow' },
);

/** `body/rules/requiredPapers/2/code` → `rules.requiredPapers[2].code`. */
function fieldOf(path: string): string {
  return path
    .replace(/^body\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p, i) => (/^[0-9]+$/.test(p) ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`))
    .join('');
}

/** Validates one row, refusing with its row, line and the first field at fault. */
function checkedRow(value: unknown, row: number, line: number, fieldName: (field: string) => string = (f) => f): LocatedRow {
  try {
    return { row, line, value: validate<CatalogueRow>(CatalogueRowSchema, value, 'body') };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const problems = (err.details as { problems?: Array<{ path: string; message: string }> } | null)?.problems ?? [];
    const first = problems[0];
    throw catalogueError({ row, line }, first ? fieldName(fieldOf(first.path)) : 'row', first?.message ?? err.message);
  }
}

/**
 * The line each element of the top-level `procedures` array starts on: JSON.parse gives values, not
 * places, and an officer fixes a file by its line. Strings are skipped whole (a JSON string holds no raw
 * line break), so only structure is counted.
 */
export function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let lastString = '';
  let key: string | null = null;
  let targetDepth = -1;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (depth === targetDepth && expectValue && c !== ']') {
      lines.push(line);
      expectValue = false;
    }
    if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') j++;
        else value += text[j];
        j++;
      }
      lastString = value;
      i = j;
      continue;
    }
    if (c === ':' && depth === 1) key = lastString;
    else if (c === ',') {
      if (depth === 1) key = null;
      if (depth === targetDepth) expectValue = true;
    } else if (c === '{' || c === '[') {
      depth++;
      if (c === '[' && depth === 2 && key === 'procedures' && targetDepth === -1) {
        targetDepth = 2;
        expectValue = true;
      }
    } else if (c === '}' || c === ']') {
      if (depth === targetDepth && c === ']') targetDepth = -2;
      depth--;
    }
  }
  return lines;
}

/** The line of a JSON.parse error's position, when the engine says it. */
function syntaxLine(text: string, err: unknown): number | null {
  const m = /position (\d+)/.exec(String((err as Error).message));
  if (!m) return null;
  return text.slice(0, Number(m[1])).split('\n').length;
}

function tooMany(count: number): PayloadTooLargeError {
  return new PayloadTooLargeError('TOO_MANY_ROWS', `The file has ${count} procedures; at most ${CATALOGUE_MAX_ROWS} are taken in one file`, { limit: CATALOGUE_MAX_ROWS });
}

/** A JSON catalogue: `{ format, version, procedures: [...] }`, as the export writes it. */
function parseJsonCatalogue(text: string): LocatedRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const line = syntaxLine(text, err);
    throw new ValidationError('INVALID_CATALOGUE', `The file is not valid JSON${line ? ` (line ${line})` : ''}`, { row: null, line, field: null, reason: 'not valid JSON' });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || (doc as { format?: unknown }).format !== CATALOGUE_FORMAT || (doc as { version?: unknown }).version !== CATALOGUE_VERSION || !Array.isArray((doc as { procedures?: unknown }).procedures)) {
    throw catalogueError(null, 'format', `a catalogue file is an object with "format": "${CATALOGUE_FORMAT}", "version": ${CATALOGUE_VERSION} and a "procedures" array (as the export writes it)`);
  }
  const items = (doc as { procedures: unknown[] }).procedures;
  if (items.length > CATALOGUE_MAX_ROWS) throw tooMany(items.length);
  const lines = elementLines(text);
  return items.map((item, i) => checkedRow(item, i + 1, lines[i] ?? 1));
}

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, 'có': true, 'không': false, '1': true, '0': false };

/** A CSV catalogue: a header naming the columns (any order), then one procedure a row. */
function parseCsvCatalogue(text: string): LocatedRow[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    throw new ValidationError('INVALID_CATALOGUE', `Line ${err.line}: ${err.message}`, { row: null, line: err.line, field: null, reason: err.message });
  }
  const [header, ...rows] = records;
  if (!header) throw catalogueError(null, 'header', 'the file is empty');
  const names = header.cells.map((c) => c.trim());
  for (const name of names) {
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) throw catalogueError({ row: 1, line: header.line }, name, `unknown column; the columns are ${CSV_COLUMNS.join(', ')}`);
  }
  for (const required of ['code', 'name', 'department', 'workingDays'] as const) {
    if (!names.includes(required)) throw catalogueError({ row: 1, line: header.line }, required, 'this column is required');
  }
  if (rows.length > CATALOGUE_MAX_ROWS) throw tooMany(rows.length);
  return rows.map((record, i) => {
    // Row numbers count the header as row 1, as a spreadsheet shows them.
    const at = { row: i + 2, line: record.line };
    if (record.cells.length !== names.length) throw catalogueError(at, 'row', `has ${record.cells.length} cells; the header has ${names.length}`);
    const cell = new Map<CsvColumn, string>(names.map((n, j) => [n as CsvColumn, record.cells[j] as string]));
    const text = (c: CsvColumn) => (cell.get(c) ?? '').trim();
    const optionalText = (c: CsvColumn) => (cell.has(c) ? (text(c) === '' ? null : text(c)) : undefined);
    const number = (c: CsvColumn): unknown => {
      const t = text(c).replace(',', '.');
      return /^-?[0-9]+(\.[0-9]+)?$/.test(t) ? Number(t) : text(c);
    };
    const bool = (c: CsvColumn): unknown => (text(c) === '' ? undefined : (BOOLEAN_TEXT[text(c).toLowerCase()] ?? text(c)));
    const jsonCell = (c: CsvColumn): unknown => {
      if (text(c) === '') return undefined;
      try {
        return JSON.parse(text(c));
      } catch {
        throw catalogueError(at, c, 'is not valid JSON');
      }
    };
    const rules: Record<string, unknown> = { workingDays: number('workingDays') };
    if (cell.has('timeLimitBasis')) rules.timeLimitBasis = optionalText('timeLimitBasis');
    if (cell.has('feeCollectedAt')) rules.fee = text('feeCollectedAt') === '' ? null : { collectedAt: text('feeCollectedAt'), amount: text('feeAmount') === '' ? null : number('feeAmount') };
    if (cell.has('feeNote')) rules.feeNote = optionalText('feeNote');
    if (cell.has('feeBasis')) rules.feeBasis = optionalText('feeBasis');
    if (cell.has('supplementWindowDays')) rules.supplementWindowDays = text('supplementWindowDays') === '' ? null : number('supplementWindowDays');
    for (const c of ['leadReview', 'inspection'] as const) if (bool(c) !== undefined) rules[c] = bool(c);
    if (text('supplementClock')) rules.supplementClock = text('supplementClock');
    if (jsonCell('stepAllocation') !== undefined) rules.stepAllocation = jsonCell('stepAllocation');
    if (jsonCell('requiredPapers') !== undefined) rules.requiredPapers = jsonCell('requiredPapers');
    if (cell.has('unverified')) rules.unverified = (cell.get('unverified') ?? '').split(/\r?\n/).map((u) => u.trim()).filter((u) => u !== '');
    if (text('effectiveFrom')) rules.effectiveFrom = text('effectiveFrom');
    const value: Record<string, unknown> = { code: text('code'), name: text('name'), department: text('department'), rules };
    if (bool('active') !== undefined) value.active = bool('active');
    for (const c of ['sector', 'level', 'applicants', 'agency', 'conditions', 'legalBasis', 'result'] as const) if (cell.has(c)) value[c] = optionalText(c);
    // A field of the rules is named by its column in a CSV file.
    const column = (field: string) => {
      const f = field.replace(/^rules\./, '');
      if (f.startsWith('fee.amount')) return 'feeAmount';
      if (f.startsWith('fee')) return f.startsWith('feeNote') || f.startsWith('feeBasis') ? f : 'feeCollectedAt';
      return f.replace(/[.[].*$/, '');
    };
    return checkedRow(value, at.row, at.line, column);
  });
}

/**
 * Reads a catalogue file, JSON or CSV (by its name, else by its first character), every row checked
 * against the API's rules for a procedure before anything is written.
 * @throws ValidationError INVALID_CATALOGUE with the row, its line and the field; PayloadTooLargeError
 *   TOO_MANY_ROWS.
 */
export function parseCatalogueFile(text: string, name: string | null): LocatedRow[] {
  const json = name ? /\.json$/i.test(name) || (!/\.csv$/i.test(name) && /^\uFEFF?\s*\{/.test(text)) : /^\uFEFF?\s*\{/.test(text);
  return json ? parseJsonCatalogue(text.replace(/^\uFEFF/, '')) : parseCsvCatalogue(text);
}
