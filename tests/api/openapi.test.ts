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
    expect(events.parameters.map((p: { name: string }) => p.name)).toEqual(['id', 'Idempotency-Key']);
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
