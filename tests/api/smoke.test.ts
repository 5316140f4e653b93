import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
let w: World;
beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
});
afterAll(() => app.close());

describe('smoke', () => {
  it('receives a dossier at the counter', async () => {
    const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.state).toBe('inDepartment.review');
    console.log(res.body);
  });
});
