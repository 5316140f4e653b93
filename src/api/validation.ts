import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { ValidationError } from '../domain/errors.ts';
import { EARLIEST_YEAR, LATEST_YEAR } from './schemas/common.ts';

// ajv-formats ships CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/*
 * The rules every request passes, whatever its route: one date-time rule, one date rule, one number rule.
 * They exist because values that pass a plain JSON Schema check can still break the code behind it:
 * second 60 (`…T23:59:60Z`) is valid RFC 3339 and an Invalid Date in JavaScript; `Infinity`, `1e999` or
 * `1e300` are numbers to ajv's coercion and to `minimum`; `0x1`, `+1` and `01` all coerce to 1.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(year: number, month: number, day: number): boolean {
  if (year < EARLIEST_YEAR || year > LATEST_YEAR || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** Whether a date or instant fails only for its year: well formed, but outside EARLIEST_YEAR–LATEST_YEAR. */
function outOfRange(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  const m = DATE_TIME.exec(text) ?? DATE.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  return year < EARLIEST_YEAR || year > LATEST_YEAR;
}

/** The code of a refusal whose only problems are years out of range: the calendar's own (src/calendar), one code for both. */
export const OUT_OF_RANGE_CODE = 'CALENDAR_OUT_OF_RANGE';

/** `YYYY-MM-DD`, a real day, in years EARLIEST_YEAR–LATEST_YEAR. */
export function isLocalDate(text: string): boolean {
  const m = DATE.exec(text);
  return m !== null && isDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** An RFC 3339 instant with its offset, a real day, seconds 00–59 (no leap second), in years EARLIEST_YEAR–LATEST_YEAR. */
export function isInstant(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m || !isDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  return Number.isFinite(Date.parse(text));
}

/*
 * Numbers: a schema's integer or number without its own bounds gets these, for validation and for the
 * published document alike. An integer fits PostgreSQL's `integer` (ids, versions, counts); a number stays
 * far inside the doubles that count exactly. Bodies cannot carry Infinity (JSON has none; ajv's
 * strictNumbers refuses what `1e999` parses to), and `1e300` for a version is now a 400, not a driver error.
 */
export const INTEGER_BOUNDS = { minimum: -2147483648, maximum: 2147483647 } as const;
export const NUMBER_BOUNDS = { minimum: -1e15, maximum: 1e15 } as const;

/** The schema as it is enforced and published: a deep copy with the default number bounds where it has none. */
export function withNumberBounds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withNumberBounds);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `const`, `enum`, `default` and `examples` hold values, not schemas.
    out[key] = key === 'const' || key === 'enum' || key === 'default' || key === 'examples' ? value : withNumberBounds(value);
  }
  const bounds = out.type === 'integer' ? INTEGER_BOUNDS : out.type === 'number' ? NUMBER_BOUNDS : null;
  if (bounds) {
    if (out.minimum === undefined && out.exclusiveMinimum === undefined) out.minimum = bounds.minimum;
    if (out.maximum === undefined && out.exclusiveMaximum === undefined) out.maximum = bounds.maximum;
  }
  return out;
}

function createAjv(): Ajv {
  // No type coercion: query strings and path parameters are converted by `coerceText`, which knows the number rule.
  const ajv = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: true, removeAdditional: false });
  addFormats(ajv);
  // Replaces ajv-formats' date-time and date: the same syntax, plus the year range and no second 60.
  ajv.addFormat('date-time', { type: 'string', validate: isInstant });
  ajv.addFormat('date', { type: 'string', validate: isLocalDate });
  return ajv;
}

const ajv = createAjv();
const compiled = new WeakMap<TSchema, ValidateFunction>();
const compiledForRequests = new WeakMap<TSchema, ValidateFunction>();

/**
 * The validator of a schema as written (answers: a backup may be larger than 2 GiB), compiled once.
 * `from` is kept for callers: one validator serves bodies and text.
 */
export function compile(schema: TSchema, _from?: 'body' | 'text'): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** The validator of a request schema, with the default number bounds. */
function compileForRequests(schema: TSchema): ValidateFunction {
  let fn = compiledForRequests.get(schema);
  if (!fn) {
    fn = ajv.compile(withNumberBounds(schema) as object);
    compiledForRequests.set(schema, fn);
  }
  return fn;
}

/** A number written plainly in decimal: no sign but `-`, no leading zero, no exponent, no hex, no blanks, at most 15 digits before the point (20 after: what a client prints for 0.1 + 0.2). */
const CANONICAL_INTEGER = /^-?(0|[1-9][0-9]{0,14})$/;
const CANONICAL_NUMBER = /^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,20})?$/;

/** The JSON types a schema (with its unions and literals) accepts. */
function typesOf(schema: TSchema | undefined, into = new Set<string>()): Set<string> {
  if (!schema) return into;
  const s = schema as { type?: string | string[]; anyOf?: TSchema[]; oneOf?: TSchema[]; const?: unknown };
  if (Array.isArray(s.type)) s.type.forEach((t) => into.add(t));
  else if (s.type) into.add(s.type);
  else if (s.const !== undefined) into.add(s.const === null ? 'null' : typeof s.const);
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) typesOf(branch, into);
  return into;
}

function coerceValue(schema: TSchema | undefined, value: unknown): unknown {
  const types = typesOf(schema);
  if (Array.isArray(value)) {
    // A repeated parameter (`?page=1&page=2`) is an array: only an array schema takes it.
    const items = (schema as { items?: TSchema } | undefined)?.items;
    return types.has('array') ? value.map((v) => coerceValue(items, v)) : value;
  }
  if (typeof value !== 'string') return value;
  if (types.has('array') && !types.has('string')) return [coerceValue((schema as { items?: TSchema }).items, value)];
  if (types.has('integer') && CANONICAL_INTEGER.test(value)) return Number(value);
  if (types.has('number') && CANONICAL_NUMBER.test(value)) return Number(value);
  if (types.has('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  if (types.has('null') && value === '') return null;
  return value;
}

/** Converts query or path text to the schema's types by the number rule; what does not convert stays text and fails its type. */
function coerceText(schema: TSchema, value: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  for (const [key, v] of Object.entries(value)) value[key] = coerceValue(properties[key], v);
  return value;
}

interface Problem {
  path: string;
  message: string;
  allowedValues?: unknown[];
  /** Set on a date or instant refused for its year only. */
  outOfRange?: true;
}

/** The value a JSON pointer (ajv's instancePath) designates. */
function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const part of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

const list = (values: unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');

/**
 * One problem per field: a union of literals (a form name, a role, a state) fails every branch, and ajv
 * reports each `must be equal to constant` and then the union: they are folded into one "must be one of".
 */
function describe(errors: ErrorObject[] | null | undefined, where: string, value: unknown): Problem[] {
  const all = errors ?? [];
  const folded = new Set<ErrorObject>();
  const unions = new Map<ErrorObject, Problem>();
  for (const union of all.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const branches = all.filter((e) => e !== union && e.schemaPath.startsWith(`${union.schemaPath}/`));
    if (branches.length === 0 || branches.some((e) => e.instancePath !== union.instancePath)) continue;
    const allowed = branches.filter((e) => e.keyword === 'const').map((e) => (e.params as { allowedValue: unknown }).allowedValue);
    const dateBranch = branches.find((e) => e.keyword === 'format' && ['date', 'date-time'].includes((e.params as { format: string }).format));
    if (dateBranch && branches.every((e) => e === dateBranch || e.keyword === 'type')) {
      // A nullable date: the date is what was meant, the `null` branch is noise.
      branches.forEach((e) => folded.add(e));
      const format = (dateBranch.params as { format: string }).format;
      unions.set(union, { path: `${where}${union.instancePath}`, message: formatMessage(format), ...(outOfRange(valueAt(value, union.instancePath)) ? { outOfRange: true as const } : {}) });
      continue;
    }
    const others = [...new Set(branches.filter((e) => e.keyword !== 'const').map((e) => e.message ?? 'is invalid'))];
    // "must be integer or one of: me" reads better than two problems for one field.
    const parts = [...others.map((m) => m.replace(/^must be /, '')), ...(allowed.length > 0 ? [`one of: ${list(allowed)}`] : [])];
    branches.forEach((e) => folded.add(e));
    unions.set(union, { path: `${where}${union.instancePath}`, message: `must be ${parts.join(' or ')}`, ...(allowed.length > 0 ? { allowedValues: allowed } : {}) });
  }
  return all
    // An `if`/`then` (a number checked by its type) is told by the `then` branch's own problem at the field.
    .filter((e) => !folded.has(e) && e.keyword !== 'if')
    .map((e): Problem => {
      const path = `${where}${e.instancePath}`;
      const union = unions.get(e);
      if (union) return union;
      if (e.keyword === 'additionalProperties') return { path: `${path}/${(e.params as { additionalProperty: string }).additionalProperty}`, message: 'is not allowed' };
      if (e.keyword === 'required') return { path: `${path}/${(e.params as { missingProperty: string }).missingProperty}`, message: 'is required' };
      if (e.keyword === 'enum') {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        return { path, message: `must be one of: ${list(allowed)}`, allowedValues: allowed };
      }
      if (e.keyword === 'format') {
        const format = (e.params as { format: string }).format;
        const range = (format === 'date' || format === 'date-time') && outOfRange(valueAt(value, e.instancePath));
        return { path, message: formatMessage(format), ...(range ? { outOfRange: true as const } : {}) };
      }
      return { path, message: e.message ?? 'is invalid' };
    });
}

function formatMessage(format: string): string {
  if (format === 'date-time') return `must be an ISO-8601 instant with its offset (e.g. 2026-04-29T09:00:00+07:00), years ${EARLIEST_YEAR}–${LATEST_YEAR}, seconds 00–59`;
  if (format === 'date') return `must be a date YYYY-MM-DD in years ${EARLIEST_YEAR}–${LATEST_YEAR}`;
  return `must match format "${format}"`;
}

/** The order two bounds are compared in: dates and instants by time, numbers by value. */
function comparable(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

/**
 * A range given as `from`/`to` (or `xFrom`/`xTo`) must not end before it starts: an empty answer to a
 * reversed range reads as "nothing happened", which is wrong, so it is a 400 like any other typo.
 */
function rangeProblems(value: unknown, where: string): Problem[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const record = value as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const key of Object.keys(record)) {
    const match = /^(from|.+From)$/.exec(key);
    if (!match) continue;
    const toKey = key === 'from' ? 'to' : `${key.slice(0, -'From'.length)}To`;
    const from = comparable(record[key]);
    const to = comparable(record[toKey]);
    if (from !== null && to !== null && from > to) problems.push({ path: `${where}/${toKey}`, message: `must not be before ${where}/${key}` });
  }
  return problems;
}

/** Text no database stores: half a surrogate pair (`"\ud800"`) or the NUL character (`%00` in a query string). */
function unstorable(text: string): boolean {
  return !(text as string & { isWellFormed(): boolean }).isWellFormed() || text.includes('\u0000');
}

/** The first string, key or value, that no database can store. */
function unstorableText(value: unknown, path: string): string | null {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, v] of Object.entries(value)) {
    if (unstorable(key)) return `${path}/${JSON.stringify(key).slice(1, -1)}`;
    const found = unstorableText(v, `${path}/${key}`);
    if (found) return found;
  }
  return null;
}

/**
 * Validates (and for query and path text, converts in place) a value against its schema.
 * @throws ValidationError VALIDATION_FAILED listing every problem with its JSON pointer.
 */
export function validate<T>(schema: TSchema, value: unknown, where: 'body' | 'query' | 'params'): T {
  // JSON may escape half a surrogate pair, and a query string may carry %00: PostgreSQL refuses both
  // (a 500, not a 400), even in a mere search term.
  const badText = unstorableText(value, where);
  if (badText) {
    const problems = [{ path: badText, message: 'must be well-formed Unicode without the NUL character (a lone surrogate such as \\ud800, or U+0000, cannot be stored)' }];
    throw new ValidationError('VALIDATION_FAILED', `Invalid ${where}: ${problems[0]!.path} ${problems[0]!.message}`, { problems });
  }
  const fn = compileForRequests(schema);
  if (where !== 'body' && value !== null && typeof value === 'object') coerceText(schema, value as Record<string, unknown>);
  const problems = fn(value) ? rangeProblems(value, where) : describe(fn.errors, where, value);
  if (problems.length > 0) {
    const message = `Invalid ${where}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`;
    // Years outside the range are the calendar's refusal (a year-0 start, a year-9999 appointment), wherever they come.
    if (problems.every((p) => p.outOfRange)) {
      throw new ValidationError(OUT_OF_RANGE_CODE, message, { from: `${EARLIEST_YEAR}-01-01`, to: `${LATEST_YEAR}-12-31`, problems: problems.map(({ outOfRange: _, ...p }) => p) });
    }
    throw new ValidationError('VALIDATION_FAILED', message, { problems: problems.map(({ outOfRange: _, ...p }) => p) });
  }
  return value as T;
}
