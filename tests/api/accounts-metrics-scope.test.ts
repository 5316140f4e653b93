import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/api/routes/index.ts';
import { streamEvents } from '../../src/domain/audit/event-log.ts';
import { buildUser, loginAs, type TestUser } from '../support/factories.ts';
import { Http, type Answer } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { expectError } from '../support/assertions.ts';

/** A request to every route of the API (path parameters filled with 1, an empty JSON body where one is taken). */
function everyRoute(http: Http, token: string): Promise<Array<{ route: string; res: Answer }>> {
  return Promise.all(
    routes
      .filter((r) => r.auth !== 'public')
      .map(async (r) => {
        const path = r.path.replace(/:[a-zA-Z]+/g, (p) => (p === ':date' ? '2026-04-29' : '1'));
        const res = await http.request(r.method.toUpperCase(), path, r.body ? {} : undefined, { token });
        return { route: `${r.method} ${r.path}`, res };
      }),
  );
}

describe('metrics-only API tokens (§3.2)', () => {
  let app: TestApp;
  let http: Http;
  let admin: TestUser;
  beforeAll(async () => {
    app = await startTestApp();
    http = new Http(app.url);
    admin = { id: 1, username: 'admin', password: ADMIN_PASSWORD, token: (await loginAs(app, 'admin', ADMIN_PASSWORD)).token };
  });
  afterAll(() => app.close());

  it('a token with the metrics scope reads /metrics and is refused everywhere else with 403 OUT_OF_SCOPE, changing nothing', async () => {
    // Minted for the admin account itself, as the README's Prometheus recipe does: it is still no admin.
    const created = await http.post('/api/admin/api-tokens', { name: 'prometheus', userId: admin.id, scope: 'metrics' }, { token: admin.token });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.apiToken).toMatchObject({ name: 'prometheus', userId: admin.id, scope: 'metrics', roles: [] });
    const token = created.body.token as string;
    const event = (await streamEvents(app.deps.db, 'api_token', created.body.apiToken.id))[0]!;
    expect(event.payload).toMatchObject({ scope: 'metrics', roles: [] });

    const scrape = await http.get('/metrics', { token });
    expect(scrape.status, JSON.stringify(scrape.body)).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(scrape.body).toMatch(/idesk_/);

    const before = await fingerprint(app.deps.db);
    const answers = await everyRoute(http, token);
    expect(answers.length).toBeGreaterThan(20);
    for (const { route, res } of answers) {
      if (route === 'get /metrics') continue;
      expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBe(403);
      expectError(res, 403, 'OUT_OF_SCOPE');
      expect(res.body.error.details).toEqual({ scope: 'metrics' });
    }
    // Above all, it cannot create an admin.
    expectError(await http.post('/api/users', { username: 'ke.xau', fullName: 'Kẻ xấu', roles: ['admin'], password: 'Chiem-quyen-2026' }, { token }), 403, 'OUT_OF_SCOPE');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('an api token with the admin role still reads /metrics (tokens made before the scope existed keep working), and other roles do not', async () => {
    const full = await http.post('/api/admin/api-tokens', { name: 'cũ', userId: admin.id, roles: ['admin'] }, { token: admin.token });
    expect(full.body.apiToken).toMatchObject({ scope: 'api', roles: ['admin'] });
    expect((await http.get('/metrics', { token: full.body.token })).status).toBe(200);
    const staff = await buildUser(app, ['director'], null);
    const director = await http.post('/api/admin/api-tokens', { name: 'lãnh đạo', userId: staff.id, roles: ['director'] }, { token: admin.token });
    const res = await http.get('/metrics', { token: director.body.token });
    expectError(res, 403, 'FORBIDDEN');
    expect(res.body.error.details).toEqual({ roles: ['admin'] });
  });

  it('refuses roles on a metrics token, a missing scope with no roles, and an unknown scope, creating nothing', async () => {
    const before = await fingerprint(app.deps.db);
    const post = (body: Record<string, unknown>) => http.post('/api/admin/api-tokens', { name: 'x', userId: admin.id, ...body }, { token: admin.token });
    const withRoles = await post({ scope: 'metrics', roles: ['admin'] });
    expectError(withRoles, 400, 'VALIDATION_FAILED');
    expect(withRoles.body.error.details).toEqual({ field: 'roles' });
    expectError(await post({}), 400, 'VALIDATION_FAILED');
    expectError(await post({ scope: 'api' }), 400, 'VALIDATION_FAILED');
    expectError(await post({ scope: 'root', roles: ['admin'] }), 400, 'VALIDATION_FAILED');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('lists the scope of every token, and a revoked metrics token stops reading /metrics', async () => {
    const created = await http.post('/api/admin/api-tokens', { name: 'prometheus-2', userId: admin.id, scope: 'metrics' }, { token: admin.token });
    const list = await http.get('/api/admin/api-tokens', { token: admin.token });
    expect(list.body.items.find((t: { id: number }) => t.id === created.body.apiToken.id)).toMatchObject({ scope: 'metrics', roles: [] });
    expect((await http.delete(`/api/admin/api-tokens/${created.body.apiToken.id}`, { token: admin.token })).status).toBe(204);
    expectError(await http.get('/metrics', { token: created.body.token }), 401, 'UNAUTHENTICATED');
  });

  it('the OpenAPI document tells how to make a scrape token', async () => {
    const doc = (await http.get('/openapi.json')).body;
    expect(doc.paths['/metrics'].get.description).toMatch(/"scope": "metrics"/);
    const body = doc.paths['/api/admin/api-tokens'].post.requestBody.content['application/json'].schema;
    expect(body.properties.scope).toBeDefined();
  });
});
