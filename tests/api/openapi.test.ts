import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/api/routes/index.ts';
import { Http } from '../support/http.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** GET /openapi.json publishes every route from the same schemas that validate requests. */
let app: TestApp;
let doc: any;
beforeAll(async () => {
  app = await startTestApp();
  doc = (await new Http(app.url).get('/openapi.json')).body;
});
afterAll(() => app.close());

describe('GET /openapi.json', () => {
  it('lists every route with its method, parameters and answers', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of routes) {
      const op = doc.paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(op.responses)).toContain(String(route.response.status));
    }
    const events = doc.paths['/api/dossiers/{id}/events'].post;
    expect(events.parameters.map((p: { name?: string; $ref?: string }) => p.name ?? p.$ref)).toEqual(['id', 'Idempotency-Key', '#/components/parameters/X-Request-Id']);
    expect(Object.keys(events.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '422']);
    expect(events.requestBody.content['application/json'].schema.anyOf).toHaveLength(21);
  });

  it('carries schemas that compile, the same ones that validate requests', () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const body = doc.paths['/api/dossiers/{id}/events'].post.requestBody.content['application/json'].schema;
    const validate = ajv.compile(body);
    expect(validate({ type: 'ASSIGN', version: 3, assigneeId: 4 })).toBe(true);
    expect(validate({ type: 'ASSIGN', version: 3 })).toBe(false);
    expect(validate({ type: 'TELEPORT', version: 3 })).toBe(false);
  });

  it('marks which routes need a login and which roles', () => {
    expect(doc.paths['/api/public/dossiers'].post.security).toEqual([]);
    expect(doc.paths['/api/users'].post['x-roles']).toEqual(['admin']);
    expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
  });
});

describe('what the outside test found missing (§3.13)', () => {
  const operations = () =>
    Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods as Record<string, any>).map(([m, op]) => ({ id: `${m.toUpperCase()} ${p}`, op })));

  it('page and pageSize have defaults and are not required', () => {
    const list = doc.paths['/api/dossiers'].get.parameters;
    for (const name of ['page', 'pageSize']) {
      const p = list.find((x: { name: string }) => x.name === name);
      expect(p.required, name).toBe(false);
      expect(p.schema.default).toBeDefined();
    }
    expect(list.find((x: { name: string }) => x.name === 'page').schema.maximum).toBe(10000);
    for (const { id, op } of operations()) {
      for (const p of op.parameters.filter((x: any) => x.in === 'query' && x.schema?.default !== undefined)) expect(p.required, `${id} ${p.name}`).toBe(false);
    }
  });

  it('publishes the bounds every integer is validated against', () => {
    const body = doc.paths['/api/dossiers/{id}/events'].post.requestBody.content['application/json'].schema;
    const assign = body.anyOf.find((s: any) => s.properties.type.const === 'ASSIGN');
    expect(assign.properties.version.maximum).toBe(2147483647);
  });

  it('types the timeline payload and the form fields', () => {
    const dossier = doc.paths['/api/dossiers/{id}'].get.responses['200'].content['application/json'].schema;
    const payload = dossier.properties.timeline.items.properties.payload;
    expect(payload.type).toBe('object');
    expect(payload.description).toMatch(/reason/);
    const form = doc.paths['/api/dossiers/{id}/forms/{form}'].get.responses['200'].content['application/json'].schema;
    expect(form.properties.fields.type).toBe('object');
    expect(form.properties.fields.description).toMatch(/receipt → /);
  });

  it('documents X-Request-Id on every request and answer, Idempotent-Replayed where a key is taken, Retry-After on 429', () => {
    expect(doc.components.parameters['X-Request-Id'].in).toBe('header');
    for (const { id, op } of operations()) {
      expect(op.parameters.map((p: any) => p.$ref), id).toContain('#/components/parameters/X-Request-Id');
      for (const [status, res] of Object.entries(op.responses as Record<string, any>)) expect(res.headers['X-Request-Id'], `${id} ${status}`).toBeDefined();
      const takesKey = op.parameters.some((p: any) => p.name === 'Idempotency-Key');
      const ok = Object.entries(op.responses as Record<string, any>).find(([s]) => s.startsWith('2'))![1];
      expect(Boolean(ok.headers['Idempotent-Replayed']), id).toBe(takesKey);
      if (op.responses['429']) expect(op.responses['429'].headers['Retry-After'], id).toBeDefined();
    }
    expect(doc.paths['/api/dossiers/{id}/events'].post.responses['200'].headers['Idempotent-Replayed']).toBeDefined();
    expect(doc.paths['/api/auth/login'].post.responses['429'].headers['Retry-After']).toBeDefined();
  });

  it('lists the error codes of every error response, derived from the route', () => {
    const events = doc.paths['/api/dossiers/{id}/events'].post.responses;
    expect(events['400']['x-error-codes']).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'MALFORMED_JSON', 'UNKNOWN_EVENT', 'INVALID_ASSIGNEE']));
    expect([...events['409']['x-error-codes']].sort()).toEqual(['IDEMPOTENCY_KEY_REUSED', 'STALE_VERSION']);
    expect(events['422']['x-error-codes']).toEqual(['INVALID_TRANSITION', 'APOLOGY_DATE_NOT_LATER', 'APOLOGY_DATE_TOO_LATE', 'RESULT_DOCUMENT_MISSING', 'PAPERS_INCOMPLETE']);
    expect(events['403']['x-error-codes']).toEqual(expect.arrayContaining(['FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED']));
    expect([...events['409'].content['application/json'].schema.allOf[1].properties.error.properties.code.enum].sort()).toEqual(['IDEMPOTENCY_KEY_REUSED', 'STALE_VERSION']);
    expect(doc.paths['/api/auth/login'].post.responses['401']['x-error-codes']).toEqual(['INVALID_CREDENTIALS']);
    for (const { id, op } of operations()) {
      for (const [status, res] of Object.entries(op.responses as Record<string, any>)) {
        if (Number(status) >= 400) expect(res['x-error-codes'].length, `${id} ${status} lists no code`).toBeGreaterThan(0);
      }
    }
    // A route declares codes only for statuses it lists.
    for (const route of routes) {
      for (const status of Object.keys(route.errorCodes ?? {})) expect(route.errors, `${route.method} ${route.path}`).toContain(Number(status));
    }
  });

  it('every code the API code raises is listed by some operation', () => {
    const listed = new Set(operations().flatMap(({ op }) => Object.values(op.responses as Record<string, any>).flatMap((r) => r['x-error-codes'] ?? [])));
    const raised = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        // The CLI's and the processes' own refusals (backup catalogue, restore, the locks between
        // processes) answer no operation of the API; neither do the pages' (src/web answers HTML).
        if (entry.isDirectory()) {
          if (!['cli', 'infrastructure', 'db', 'web'].includes(entry.name)) walk(file);
        }
        else if (file.endsWith('.ts')) for (const m of fs.readFileSync(file, 'utf8').matchAll(/new (?:Validation|Authentication|Forbidden|NotFound|Conflict|PayloadTooLarge|UnsupportedMediaType|RefusedContent|RuleViolation|TooManyRequests)Error\(\s*'([A-Z_]+)'/g)) raised.add(m[1]!);
      }
    };
    walk(path.resolve('src'));
    // Raised by middleware, not by an operation: a CORS preflight is no operation of the document.
    raised.delete('CORS_ORIGIN_NOT_ALLOWED');
    // Raised by Bull Board's mount (/admin/queues), which is not in the document either.
    raised.delete('CROSS_SITE');
    expect([...raised].filter((c) => !listed.has(c)).sort()).toEqual([]);
  });
});
