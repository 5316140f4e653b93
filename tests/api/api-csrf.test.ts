import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCsrfToken } from '../../src/web/csrf.ts';
import { expectError } from '../support/assertions.ts';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import type { Answer } from '../support/http.ts';
import { listStore, pdfWith, postPapers } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/**
 * Issue 14 §6: the API took the session cookie alone as the caller's consent, so a page on another
 * origin could make a logged-in clerk's browser post a multipart upload that was stored. A change sent
 * with the cookie now needs the session's anti-forgery token (the pages' rule), and API clients use
 * `Authorization: Bearer`.
 */
let app: TestApp;
let w: World;
let store: string;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  store = app.deps.config.filesDir;
});
afterAll(() => app.close());

const EVIL = 'http://evil.example';
const cookieOf = (token: string) => `idesk_session=${token}`;

async function counterDossier() {
  const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT, subject: 'Cấp giấy phép' }, { token: w.onestop.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number; version: number };
}

/** Runs a request that must be refused and proves it changed no row and no file (the store's tmp folder included). */
async function refusedWithoutTrace(request: () => Promise<Answer>) {
  const rows = await fingerprint(app.deps.db);
  const files = listStore(store);
  const res = await request();
  expectError(res, 403, 'CSRF_REFUSED');
  expect(listStore(store)).toEqual(files);
  expect(await fingerprint(app.deps.db)).toEqual(rows);
}

describe('a change sent with the session cookie alone', () => {
  it('a multipart upload from another origin is refused and stores nothing', async () => {
    const d = await counterDossier();
    const part = [{ kind: 'other', name: 'gia-mao.pdf', bytes: pdfWith('forged upload') }];
    await refusedWithoutTrace(() => postPapers(app.url, `/api/dossiers/${d.id}/papers`, part, { cookie: cookieOf(w.onestop.token), origin: EVIL }));
    // Nor from anywhere, with a wrong token, or with the token of another session.
    await refusedWithoutTrace(() => postPapers(app.url, `/api/dossiers/${d.id}/papers`, part, { cookie: cookieOf(w.onestop.token) }));
    await refusedWithoutTrace(() => postPapers(app.url, `/api/dossiers/${d.id}/papers`, part, { cookie: cookieOf(w.onestop.token), 'x-csrf-token': 'x'.repeat(64) }));
    await refusedWithoutTrace(() => postPapers(app.url, `/api/dossiers/${d.id}/papers`, part, { cookie: cookieOf(w.onestop.token), 'x-csrf-token': sessionCsrfToken(w.specialist.token) }));
    // The same upload with a bearer token, or with the cookie and its token, is stored.
    expect((await postPapers(app.url, `/api/dossiers/${d.id}/papers`, part, { authorization: `Bearer ${w.onestop.token}`, origin: EVIL })).status).toBe(201);
    const second = [{ kind: 'other', name: 'that.pdf', bytes: pdfWith('own page') }];
    expect((await postPapers(app.url, `/api/dossiers/${d.id}/papers`, second, { cookie: cookieOf(w.onestop.token), 'x-csrf-token': sessionCsrfToken(w.onestop.token) })).status).toBe(201);
  });

  it('a JSON change (an event, a new dossier, a logout) from another origin is refused and changes nothing', async () => {
    const d = await counterDossier();
    const headers = { cookie: cookieOf(w.lead.token), origin: EVIL };
    await refusedWithoutTrace(() => w.http.post(`/api/dossiers/${d.id}/events`, { type: 'ASSIGN', version: d.version, assigneeId: w.specialist.id }, { headers }));
    await refusedWithoutTrace(() => w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT }, { headers: { cookie: cookieOf(w.onestop.token), origin: EVIL } }));
    // text/plain needs no preflight either: refused before the body is even read.
    await refusedWithoutTrace(() =>
      w.http.post(`/api/dossiers/${d.id}/events`, undefined, { headers: { ...headers, 'content-type': 'text/plain' }, raw: JSON.stringify({ type: 'ASSIGN', version: d.version, assigneeId: w.specialist.id }) }),
    );
    await refusedWithoutTrace(() => w.http.post('/api/auth/logout', undefined, { headers }));
    expect((await w.http.get('/api/me', { token: w.lead.token })).status).toBe(200);
  });

  it('reading with the cookie alone still works (downloads linked from the pages), and bearer clients need no token', async () => {
    expect((await w.http.get('/api/me', { headers: { cookie: cookieOf(w.lead.token), origin: EVIL } })).status).toBe(200);
    const d = await counterDossier();
    const assigned = await w.http.post(`/api/dossiers/${d.id}/events`, { type: 'ASSIGN', version: d.version, assigneeId: w.specialist.id }, { token: w.lead.token, headers: { origin: EVIL } });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
  });
});
