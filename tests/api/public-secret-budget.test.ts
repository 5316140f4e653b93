import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildProcedure, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/**
 * The public API's routes that take a tracking secret share the per-address budget of submissions and
 * of the portal's tracking form: refused secrets count, right ones do not, and an address over the
 * budget is refused before its secret is tried (so a guess cannot be confirmed once throttled).
 */
let app: TestApp;
let w: World;
let code: string;
let secret: string;
const BUDGET = 4;

beforeAll(async () => {
  app = await startTestApp({ env: { PUBLIC_SUBMIT_PER_IP_PER_MINUTE: String(BUDGET) } });
  w = await buildWorld(app);
  const procedure = await buildProcedure(app, w.departmentId);
  // The submission is the first of the address's four tries.
  const res = await w.http.post('/api/public/dossiers', { procedureId: procedure.id, applicant: APPLICANT, subject: 'Cấp giấy phép' });
  expect(res.status).toBe(201);
  ({ code, trackingSecret: secret } = res.body as { code: string; trackingSecret: string });
});
afterAll(async () => {
  await app?.close();
});

const get = (path: string, s: string) => fetch(`${app.url}${path}`, { headers: { 'x-tracking-secret': s } });

describe('the tracking secret on the public API', () => {
  it('right secrets never count; wrong ones do, on every route; over the budget even the right one is refused, changing nothing', async () => {
    for (let i = 0; i < 6; i++) {
      expect((await get(`/api/public/dossiers/${code}`, secret)).status).toBe(200);
      expect((await get(`/api/public/dossiers/${code}/papers`, secret)).status).toBe(200);
    }
    const before = await fingerprint(app.deps.db);
    const wrong = 'doan-sai-0123456789abcdef';
    const statuses = [
      (await get(`/api/public/dossiers/${code}`, wrong)).status,
      (await get(`/api/public/dossiers/${code}/papers`, wrong)).status,
      (await get(`/api/public/dossiers/${code}/papers/1/content`, wrong)).status,
      (await get(`/api/public/dossiers/${code}`, wrong)).status,
    ];
    expect(statuses).toEqual([404, 404, 404, 429]);
    const refused = await get(`/api/public/dossiers/${code}`, secret);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('TOO_MANY_REQUESTS');
    const event = await fetch(`${app.url}/api/public/dossiers/${code}/events`, {
      method: 'POST',
      headers: { 'x-tracking-secret': secret, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'WITHDRAW', version: 1, reason: 'Thử' }),
    });
    expect(event.status).toBe(429);
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});
