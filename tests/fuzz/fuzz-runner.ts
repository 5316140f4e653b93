import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Role } from '../../src/auth/principal.ts';
import type { Db } from '../../src/db/db.ts';
import { APPLICANT, buildUser, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/*
 * A property-based fuzzer over every operation of /openapi.json. Each generated request mixes values that
 * fit the published schema with hostile ones (wrong types, boundary numbers, odd dates, Unicode, huge
 * strings, loosely written ids, malformed JSON), sent as an anonymous caller, a caller of the wrong role
 * or one of the right role. Whatever the answer, the service must keep its contract:
 *   - never a 5xx;
 *   - every refusal in the error shape { error: { code, message, details } };
 *   - nothing in the database changed by a refusal (every table digested before and after);
 *   - /healthz still answering, quickly, after every request.
 */

type Schema = Record<string, any>;

interface Operation {
  id: string;
  method: string;
  path: string;
  params: Array<{ name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Schema }>;
  body: Schema | null;
  roles: Role[] | null;
  authenticated: boolean;
}

interface Identity {
  name: string;
  roles: Role[];
  token: string | null;
}

export interface FuzzRequest {
  op: Operation;
  identity: number;
  path: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string };
}

export interface Finding {
  kind: '5xx' | 'error-shape' | 'db-changed' | 'healthz' | 'timeout';
  operation: string;
  status: number;
  count: number;
  example: string;
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Progress lines (the manual run prints them). */
  log?: (line: string) => void;
  /** Give up after this long (the CI run is bounded in time as well as in count). */
  maxMs?: number;
}

export interface FuzzResult {
  seed: number;
  requests: number;
  byStatus: Record<string, number>;
  findings: Finding[];
  ms: number;
}

/**
 * Refusals that are meant to write: a failed login or password check counts against the account (the
 * lock-out, §3.5) and is an audit event (§3.6).
 */
const WRITES_ON_REFUSAL: Array<{ operation: string; statuses: number[]; tables: string[] }> = [
  { operation: 'POST /api/auth/login', statuses: [401, 429], tables: ['users', 'events', 'audit_checkpoints', 'login_throttles'] },
  { operation: 'POST /api/auth/password', statuses: [401, 429], tables: ['users', 'events', 'audit_checkpoints', 'sessions', 'login_throttles'] },
];

// ---------------------------------------------------------------------------------------------------------
// Values

const UNICODE = ['Hồ sơ cấp phép', '😀🇻🇳', 'مرحبا', '\u202Eevil', 'e\u0301\u0301\u0301', '\uFEFF', '\u2028', '𝕏'.repeat(50), 'ｆｕｌｌｗｉｄｔｈ', '\u0000', 'a\u0000b', '\uD800'];
const ODD_INSTANTS = [
  '2026-12-31T23:59:60Z',
  '2016-12-31T23:59:60Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T03:00:00Z',
  '1999-12-31T23:59:59Z',
  '2101-01-01T00:00:00Z',
  '2100-12-31T23:59:59+14:00',
  '2000-01-01T00:00:00-12:00',
  '2026-02-29T00:00:00Z',
  '2026-04-31T09:00:00+07:00',
  '2026-04-29T24:00:00Z',
  '2026-04-29T09:00:00',
  '2026-04-29T09:00:00+25:00',
  '2026-04-29t09:00:00z',
  '2026-04-29T09:00:00.123456789+07:00',
  '+275760-09-13T00:00:00Z',
  '2026-04-29',
  '',
];
const ODD_DATES = ['0026-04-30', '2026-02-30', '2026-13-01', '9999-12-31', '1999-12-31', '2101-01-01', '2026-4-5', '2026-04-29T00:00:00Z', '20260429', ''];
const ODD_NUMBERS_TEXT = ['Infinity', '-Infinity', '1e999', '-1e999', 'NaN', '1e300', '0x1', '0b1', '0o7', '+1', '01', '00000000001', '1e0', '1.0', ' 1', '1 ', '-0', '0', '-1', '2147483647', '2147483648', '9007199254740993', '99999999999999999999', '1.5', '.5', '5.', '1_000', '١', ''];
const ODD_NUMBERS = [0, -0, -1, 1, 0.5, -0.5, 2147483647, 2147483648, -2147483649, 9007199254740991, 9007199254740993, 1e15, 1e16, 1e300, -1e300, Number.MIN_VALUE, 365, 366, 10000, 10001, 100, 101];

const text = (max = 40) => fc.string({ maxLength: max, unit: 'grapheme' });
const huge = fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n));
const looseId = fc.constantFrom('00000000001', '01', '+1', '0x1', '1e0', '1.0', '%201', '-1', '0', '2147483648', '99999999999999999999', 'abc', '%E0%A4%A', '%00', '..', '1;DROP TABLE users');

/** Anything JSON can carry: the wrong type for whatever was expected. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(...ODD_NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  text(),
  fc.constantFrom(...UNICODE),
  fc.array(fc.oneof(fc.integer(), text(8)), { maxLength: 3 }),
  fc.dictionary(text(6), fc.oneof(fc.integer(), text(8)), { maxKeys: 3 }),
);

function valueFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return anyJson;
  // Mostly valid, so that a request is often refused for one field only and the rest reaches the code behind.
  return fc.oneof({ arbitrary: validFor(schema, depth), weight: 8 }, { arbitrary: hostileFor(schema), weight: 2 });
}

/** A value the schema accepts, most of the time (patterns and lengths are approximated). */
function validFor(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...(union as Schema[]).map((s) => validFor(s, depth + 1)));
  if (schema.allOf) return validFor(Object.assign({}, ...(schema.allOf as Schema[])), depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer': {
      const min = Math.max(schema.minimum ?? -2147483648, -1e6);
      const max = Math.min(schema.maximum ?? 2147483647, 1e6);
      // Ids, versions and counts of a small world: small numbers hit real records.
      return fc.oneof({ arbitrary: fc.integer({ min: Math.max(min, 1), max: Math.max(Math.min(max, 30), Math.max(min, 1)) }), weight: 4 }, { arbitrary: fc.integer({ min, max }), weight: 1 });
    }
    case 'number': {
      const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 0.01 : (schema.minimum ?? -1e6);
      const max = schema.maximum ?? 1e6;
      return fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), fc.double({ min, max, noNaN: true }));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validFor(schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set<string>(schema.required ?? []);
      const entries = Object.entries(properties).map(([k, s]) => [k, required.has(k) ? valueFor(s, depth + 1) : fc.option(valueFor(s, depth + 1), { nil: undefined, freq: 2 })] as const);
      return fc.record(Object.fromEntries(entries)).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
    }
    case 'string':
    default:
      return stringFor(schema);
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const max = Math.min(schema.maxLength ?? 60, 60);
  const fit = (s: string) => s.slice(0, schema.maxLength ?? s.length);
  if (schema.format === 'date-time') {
    return fc.oneof(
      { arbitrary: fc.date({ min: new Date('2025-01-01'), max: new Date('2028-12-31'), noInvalidDate: true }).map((d) => d.toISOString()), weight: 3 },
      { arbitrary: fc.constantFrom(...ODD_INSTANTS), weight: 2 },
    );
  }
  if (schema.format === 'date') {
    return fc.oneof({ arbitrary: fc.date({ min: new Date('2025-01-01'), max: new Date('2028-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), weight: 3 }, { arbitrary: fc.constantFrom(...ODD_DATES), weight: 2 });
  }
  if (schema.format === 'email') return fc.oneof(fc.emailAddress(), text(20));
  if (schema.pattern) {
    let pattern: RegExp | null = null;
    try {
      pattern = new RegExp(schema.pattern);
    } catch {
      pattern = null;
    }
    if (pattern) return fc.stringMatching(pattern).map(fit);
  }
  return fc.oneof(text(max).map(fit), fc.constantFrom(...UNICODE).map(fit), fc.constantFrom('Thiếu giấy tờ', 'Đồng ý', 'x').map(fit));
}

/** A value aimed at the edges of the schema, or past them. */
function hostileFor(schema: Schema): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const near: unknown[] = [];
  for (const bound of [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum]) {
    if (typeof bound === 'number') near.push(bound, bound - 1, bound + 1, bound + 0.5);
  }
  const options: Array<fc.Arbitrary<unknown>> = [anyJson, fc.constantFrom(...ODD_NUMBERS), fc.constantFrom(...UNICODE), fc.constantFrom(...ODD_INSTANTS, ...ODD_DATES)];
  if (near.length > 0) options.push(fc.constantFrom(...near));
  if (type === 'string' || type === undefined) options.push(huge, fc.string({ minLength: (schema.maxLength ?? 0) + 1, maxLength: (schema.maxLength ?? 0) + 3 }));
  if (type === 'object') options.push(fc.constant({}), fc.constant({ unexpected: true }), fc.constant([]));
  return fc.oneof(...options);
}

/** Query and path values are text: the schema's values written out, or text that only looks like them. */
function textFor(schema: Schema | undefined): fc.Arbitrary<string> {
  const asText = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return fc.oneof(
    { arbitrary: validFor(schema ?? {}, 0).map(asText), weight: 14 },
    { arbitrary: fc.constantFrom(...ODD_NUMBERS_TEXT), weight: 2 },
    { arbitrary: looseId, weight: 1 },
    { arbitrary: fc.constantFrom(...ODD_INSTANTS, ...ODD_DATES, ...UNICODE.filter((u) => !u.includes('\uD800'))), weight: 1 },
    { arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'q'.repeat(n)), weight: 1 },
  );
}

/** Header values must be bytes a client can send: visible ASCII, mostly. */
const headerText = fc.oneof(fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x21-\x7e]/g, 'a')), fc.constantFrom('', ' ', 'x'.repeat(201), 'a b', 'ids_forged', 'null'), fc.integer({ min: 100, max: 9_000 }).map((n) => 'k'.repeat(n)));

// ---------------------------------------------------------------------------------------------------------
// Requests

/** A lone surrogate cannot be percent-encoded: it goes as U+FFFD, what a client's UTF-8 encoder makes of it. */
const enc = (s: string) => encodeURIComponent((s as string & { toWellFormed(): string }).toWellFormed());

function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? [])
        .map((p: any) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p))
        .map((p: any) => ({ name: p.name, in: p.in, required: Boolean(p.required), schema: p.schema ?? {} }));
      ops.push({
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        params,
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        roles: op['x-roles'] ?? null,
        authenticated: (op.security ?? []).length > 0,
      });
    }
  }
  return ops;
}

interface Context {
  identities: Identity[];
  dossierCodes: string[];
  secrets: string[];
}

function requestFor(op: Operation, ctx: Context): fc.Arbitrary<FuzzRequest> {
  const anonymous = 0;
  const right = ctx.identities.map((id, i) => ({ id, i })).filter(({ id, i }) => i !== anonymous && (!op.roles || id.roles.some((r) => op.roles!.includes(r)))).map(({ i }) => i);
  const identity = fc.oneof({ arbitrary: fc.constantFrom(...(right.length > 0 ? right : [anonymous])), weight: 5 }, { arbitrary: fc.integer({ min: 0, max: ctx.identities.length - 1 }), weight: 3 }, { arbitrary: fc.constant(anonymous), weight: 1 });
  const pathParams = op.params.filter((p) => p.in === 'path');
  const pathArb = fc.tuple(
    ...pathParams.map((p) => {
      if (p.name === 'code') return fc.oneof({ arbitrary: fc.constantFrom(...ctx.dossierCodes), weight: 3 }, { arbitrary: textFor(p.schema), weight: 2 });
      return textFor(p.schema);
    }),
  );
  const queryArb = fc.tuple(
    ...op.params
      .filter((p) => p.in === 'query')
      .map((p) => (p.required ? fc.array(textFor(p.schema), { minLength: 1, maxLength: 2 }) : fc.option(fc.array(textFor(p.schema), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 })).map((vs) => [p.name, vs] as const)),
  );
  const headerArb = fc.tuple(
    ...op.params
      .filter((p) => p.in === 'header')
      .map((p) => {
        const value = p.name === 'X-Tracking-Secret' ? fc.oneof({ arbitrary: fc.constantFrom(...ctx.secrets), weight: 3 }, { arbitrary: headerText, weight: 1 }) : headerText;
        return fc.option(value, { nil: undefined }).map((v) => [p.name, v] as const);
      }),
  );
  const bodyArb: fc.Arbitrary<FuzzRequest['body']> = op.body
    ? fc.oneof(
        { arbitrary: valueFor(op.body).map((value) => ({ kind: 'json' as const, value })), weight: 12 },
        { arbitrary: fc.constantFrom('{', '', 'null', '[]', '"x"', '{"type":', '\u0000', '{"a":1e999}', '{"version":1e300}', '{"__proto__":{"x":1}}').map((t) => ({ kind: 'raw' as const, text: t, contentType: 'application/json' })), weight: 1 },
        { arbitrary: fc.constant({ kind: 'raw' as const, text: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' }), weight: 1 },
        { arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 },
      )
    : op.method === 'GET' || op.method === 'DELETE'
      ? fc.constant({ kind: 'none' as const })
      : fc.oneof({ arbitrary: fc.constant({ kind: 'none' as const }), weight: 9 }, { arbitrary: fc.constant({ kind: 'raw' as const, text: '{"unexpected":true}', contentType: 'application/json' }), weight: 1 });
  return fc.record({ identity, pathValues: pathArb, query: queryArb, headers: headerArb, body: bodyArb }).map(({ identity: who, pathValues, query, headers, body }) => {
    let i = 0;
    const path = op.path.replace(/\{[A-Za-z]+\}/g, () => {
      const v = pathValues[i++] as string;
      // Visible ASCII goes as is (`%E0%A4%A` and `%201` included: what a careless client sends); the rest encoded.
      return /^[\x21-\x7e]+$/.test(v) && !/[/?#]/.test(v) ? v : enc(v);
    });
    return {
      op,
      identity: who,
      path,
      query: query.flatMap(([name, vs]) => (vs === undefined ? [] : vs.map((v) => [name, v] as [string, string]))),
      headers: Object.fromEntries(headers.filter(([, v]) => v !== undefined)) as Record<string, string>,
      body,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The database digest

async function tablesOf(db: Db): Promise<string[]> {
  if (db.client.config.client === 'pg') {
    const rows = await db.raw(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'knex_%' ORDER BY tablename`);
    return rows.rows.map((r: { tablename: string }) => r.tablename);
  }
  const rows = await db.raw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'knex_%' ORDER BY name`);
  return rows.map((r: { name: string }) => r.name);
}

/** A hash of every row of every table: any insert, update or delete changes its table's entry. */
async function digest(db: Db, tables: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const rows = await db(table).select('*');
    const hash = createHash('sha1');
    for (const line of rows.map((r) => JSON.stringify(r)).sort()) hash.update(line).update('\n');
    out[table] = `${rows.length}:${hash.digest('hex').slice(0, 16)}`;
  }
  return out;
}

/**
 * On SQLite, rows changed so far on the app's one connection (`total_changes()`): equal before and after
 * a request proves it wrote nothing, without reading every table. PostgreSQL has no such counter.
 */
async function writesSoFar(db: Db): Promise<number | null> {
  if (db.client.config.client === 'pg') return null;
  const rows = await db.raw('SELECT total_changes() AS n');
  return Number(rows[0].n);
}

// ---------------------------------------------------------------------------------------------------------
// The run

function describeRequest(req: FuzzRequest, identity: Identity): string {
  const qs = req.query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const headers = Object.entries(req.headers).map(([k, v]) => `-H '${k}: ${v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v}'`);
  const body = req.body.kind === 'json' ? JSON.stringify(req.body.value) : req.body.kind === 'raw' ? `${req.body.text} (${req.body.contentType})` : '';
  const path = req.path.length > 200 ? `${req.path.slice(0, 200)}…(${req.path.length})` : req.path;
  return `${req.op.method} ${path}${qs ? `?${qs.length > 300 ? `${qs.slice(0, 300)}…(${qs.length})` : qs}` : ''} as ${identity.name}${identity.roles.length ? ` [${identity.roles.join(',')}]` : ''} ${headers.join(' ')}${body ? ` body=${body.length > 400 ? `${body.slice(0, 400)}…(${body.length})` : body}` : ''}`;
}

function isErrorShape(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') return false;
  const error = (body as { error: unknown }).error as Record<string, unknown>;
  if (error === null || typeof error !== 'object') return false;
  return Object.keys(error).sort().join(',') === 'code,details,message' && typeof error.code === 'string' && /^[A-Z][A-Z_]*$/.test(error.code) && typeof error.message === 'string' && error.message.length > 0;
}

/** Starts a fresh app with a small world, fuzzes it, and reports what broke. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const app = await startTestApp();
  try {
    return await fuzzApp(app, options, log, started);
  } finally {
    await app.close();
  }
}

async function fuzzApp(app: TestApp, options: FuzzOptions, log: (line: string) => void, started: number): Promise<FuzzResult> {
  const w: World = await buildWorld(app);
  // A few dossiers in a few states, so that ids, codes and secrets exist to be hit.
  const dossierCodes: string[] = [];
  const secrets: string[] = [];
  for (const procedure of [w.procedures.standard, w.procedures.noFee, w.procedures.inspection]) {
    const online = await w.http.post('/api/public/dossiers', { procedureId: procedure.id, applicant: APPLICANT });
    dossierCodes.push(online.body.code);
    secrets.push(online.body.trackingSecret);
    await w.http.post(`/api/dossiers/${online.body.id}/events`, { type: 'RECEIVE', version: 1 }, { token: w.onestop.token });
  }
  const counter = await w.http.post('/api/dossiers', { procedureId: w.procedures.noLead.id, applicant: APPLICANT }, { token: w.onestop.token });
  dossierCodes.push(counter.body.code);
  await w.http.post(`/api/dossiers/${counter.body.id}/events`, { type: 'ASSIGN', version: 2, assigneeId: w.specialist.id }, { token: w.lead.token });

  const identities: Identity[] = [
    { name: 'anonymous', roles: [], token: null },
    { name: 'admin', roles: ['admin'], token: w.admin.token },
    { name: 'onestop', roles: ['onestop', 'staff'], token: w.onestop.token },
    { name: 'specialist', roles: ['specialist', 'staff'], token: w.specialist.token },
    { name: 'lead', roles: ['dept_lead', 'staff'], token: w.lead.token },
    { name: 'director', roles: ['director', 'staff'], token: w.director.token },
    { name: 'staff', roles: ['staff'], token: w.staff.token },
    { name: 'otherSpecialist', roles: ['specialist', 'staff'], token: w.otherSpecialist.token },
  ];
  const doc = (await w.http.get('/openapi.json')).body;
  const ops = operationsOf(doc);
  const ctx: Context = { identities, dossierCodes, secrets };
  const arbitrary = fc.constantFrom(...ops).chain((op) => requestFor(op, ctx));
  const tables = await tablesOf(app.deps.db);
  let current = await digest(app.deps.db, tables);
  let writes = await writesSoFar(app.deps.db);
  /** The digest after the last request, read in full only when something may have been written. */
  const refresh = async () => {
    const now = await writesSoFar(app.deps.db);
    const unchanged = now !== null && now === writes;
    writes = now;
    if (unchanged) return { before: current, after: current };
    const before = current;
    current = await digest(app.deps.db, tables);
    return { before, after: current };
  };

  const findings = new Map<string, Finding>();
  const byStatus: Record<string, number> = {};
  let requests = 0;
  const find = (kind: Finding['kind'], req: FuzzRequest, status: number, detail: string) => {
    const key = `${kind} ${req.op.id} ${status}`;
    const seen = findings.get(key);
    if (seen) seen.count++;
    else {
      findings.set(key, { kind, operation: req.op.id, status, count: 1, example: `${describeRequest(req, identities[req.identity]!)}\n    → ${detail}` });
      log(`FINDING ${kind} ${req.op.id} ${status}: ${describeRequest(req, identities[req.identity]!)} → ${detail}`);
    }
  };

  const send = async (req: FuzzRequest) => {
    const identity = identities[req.identity]!;
    const headers: Record<string, string> = { ...req.headers };
    if (identity.token) headers.authorization = `Bearer ${identity.token}`;
    let payload: string | undefined;
    if (req.body.kind === 'json') {
      payload = JSON.stringify(req.body.value);
      headers['content-type'] = 'application/json';
    } else if (req.body.kind === 'raw') {
      payload = req.body.text;
      headers['content-type'] = req.body.contentType;
    }
    const qs = req.query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
    const res = await fetch(`${app.url}${req.path}${qs ? `?${qs}` : ''}`, { method: req.op.method, headers, body: payload, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: left as text, which the shape check refuses
    }
    return { status: res.status, body, text };
  };

  /** A token the fuzzer itself ended (logout, password change, a disabled account): give the role a new account. */
  const renew = async (index: number) => {
    const identity = identities[index]!;
    if (!identity.token) return;
    const me = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${identity.token}` } });
    if (me.status === 200) return;
    const user = await buildUser(app, identity.roles.filter((r) => r !== 'staff'), w.departmentId);
    identity.token = user.token;
    await refresh();
  };

  const property = fc.asyncProperty(arbitrary, async (req) => {
    if (options.maxMs && Date.now() - started > options.maxMs) return true;
    requests++;
    let answer: { status: number; body: unknown; text: string };
    try {
      answer = await send(req);
    } catch (err) {
      find('timeout', req, 0, `no answer: ${(err as Error).message}`);
      return true;
    }
    byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
    if (answer.status >= 500) find('5xx', req, answer.status, answer.text.slice(0, 300));
    if (answer.status >= 400) {
      if (!isErrorShape(answer.body)) find('error-shape', req, answer.status, answer.text.slice(0, 300));
      const { before, after } = await refresh();
      const allowed = WRITES_ON_REFUSAL.find((a) => a.operation === req.op.id && a.statuses.includes(answer.status))?.tables ?? [];
      const changed = tables.filter((t) => after[t] !== before[t] && !allowed.includes(t));
      if (changed.length > 0) find('db-changed', req, answer.status, `tables changed: ${changed.join(', ')}; answer ${answer.text.slice(0, 200)}`);
      const code = (answer.body as { error?: { code?: string } })?.error?.code;
      if (code === 'UNAUTHENTICATED' || code === 'PASSWORD_CHANGE_REQUIRED') await renew(req.identity);
    } else {
      await refresh();
      // A success may have been a logout, a password change or an account disabled.
      if (req.op.method !== 'GET') for (let i = 1; i < identities.length; i++) await renew(i);
    }
    try {
      const health = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (health.status !== 200) find('healthz', req, health.status, `/healthz answered ${health.status}`);
    } catch (err) {
      find('healthz', req, 0, `/healthz did not answer within 2 s: ${(err as Error).message}`);
    }
    if (requests % 1000 === 0) log(`${requests} requests, ${Math.round((Date.now() - started) / 1000)} s, ${findings.size} findings`);
    return true;
  });
  // Every run is one long sequence against one database: no shrinking (a replayed request meets a changed
  // database); the seed replays the same sequence from the start.
  await fc.assert(property, { numRuns: options.runs, seed: options.seed, endOnFailure: true });
  return { seed: options.seed, requests, byStatus, findings: [...findings.values()], ms: Date.now() - started };
}
