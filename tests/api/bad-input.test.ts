import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import type { Answer } from '../support/http.ts';
import { expectError } from '../support/assertions.ts';

/**
 * Bad input gets its documented status and stable code, the standard error shape, and changes nothing:
 * every table is compared before and after each refused request.
 */
let app: TestApp;
let w: World;
let dossier: { id: number; code: string; version: number; secret: string };

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  const online = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT });
  const id = online.body.id;
  await w.http.post(`/api/dossiers/${id}/events`, { type: 'RECEIVE', version: 1 }, { token: w.onestop.token });
  const assigned = await w.http.post(`/api/dossiers/${id}/events`, { type: 'ASSIGN', version: 2, assigneeId: w.specialist.id }, { token: w.lead.token });
  expect(assigned.status).toBe(200);
  dossier = { id, code: online.body.code, version: 3, secret: online.body.trackingSecret };
});
afterAll(() => app.close());

async function refused(status: number, code: string, send: () => Promise<Answer>): Promise<Answer> {
  const before = await fingerprint(app.deps.db);
  const res = await send();
  expectError(res, status, code);
  expect(await fingerprint(app.deps.db)).toEqual(before);
  return res;
}

const events = () => `/api/dossiers/${dossier.id}/events`;

describe('POST /api/dossiers/:id/events refuses bad input and changes nothing', () => {
  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    await refused(400, 'MALFORMED_JSON', () => w.http.post(events(), undefined, { token: w.specialist.token, raw: '{"type": "VERIFY", "version": 3' }));
  });

  it('an empty body → 400 MALFORMED_JSON', async () => {
    await refused(400, 'MALFORMED_JSON', () => w.http.post(events(), undefined, { token: w.specialist.token, raw: '' }));
  });

  it('a body that is not JSON → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    await refused(415, 'UNSUPPORTED_MEDIA_TYPE', () =>
      w.http.post(events(), undefined, { token: w.specialist.token, raw: 'type=VERIFY&version=3', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    );
  });

  it('wrong types → 400 VALIDATION_FAILED naming the fields', async () => {
    const res = await refused(400, 'VALIDATION_FAILED', () => w.http.post(events(), { type: 'ASSIGN', version: '3', assigneeId: 'someone' }, { token: w.lead.token }));
    const paths = res.body.error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['body/version', 'body/assigneeId']));
  });

  it('a NUL character in text → 400 VALIDATION_FAILED (PostgreSQL could not store it)', async () => {
    await refused(400, 'VALIDATION_FAILED', () => w.http.post(events(), { type: 'INVALID', version: 3, reason: 'Thiếu\u0000hồ sơ' }, { token: w.specialist.token }));
    await refused(400, 'VALIDATION_FAILED', () => w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: { ...APPLICANT, name: 'A\u0000B' } }));
  });

  it('a replayed Idempotency-Key answers only whoever may still act on the dossier', async () => {
    await refused(404, 'NOT_FOUND', () =>
      w.http.post(`/api/public/dossiers/${dossier.code}/events`, { type: 'WITHDRAW', version: 3, reason: 'x' }, { headers: { 'x-tracking-secret': 'wrong', 'idempotency-key': 'replay-1' } }),
    );
    await refused(403, 'FORBIDDEN', () => w.http.post(events(), { type: 'VERIFY', version: 3 }, { token: w.onestop.token, headers: { 'idempotency-key': 'replay-2' } }));
  });

  it('a missing version → 400 VALIDATION_FAILED', async () => {
    await refused(400, 'VALIDATION_FAILED', () => w.http.post(events(), { type: 'VERIFY' }, { token: w.specialist.token }));
  });

  it('fields the service computes cannot be sent → 400 VALIDATION_FAILED', async () => {
    await refused(400, 'VALIDATION_FAILED', () => w.http.post(events(), { type: 'VERIFY', version: 3, dueAt: '2030-01-01T00:00:00Z' }, { token: w.specialist.token }));
  });

  it('a blank reason → 400 VALIDATION_FAILED', async () => {
    await refused(400, 'VALIDATION_FAILED', () => w.http.post(events(), { type: 'INVALID', version: 3, reason: '   ' }, { token: w.specialist.token }));
  });

  it('an unknown event → 400 UNKNOWN_EVENT listing the known ones', async () => {
    const res = await refused(400, 'UNKNOWN_EVENT', () => w.http.post(events(), { type: 'TELEPORT', version: 3 }, { token: w.specialist.token }));
    expect(res.body.error.details.knownEvents).toContain('VERIFY');
    await refused(400, 'UNKNOWN_EVENT', () => w.http.post(events(), ['VERIFY'], { token: w.specialist.token }));
  });

  it('an oversized body → 413 PAYLOAD_TOO_LARGE', async () => {
    const huge = JSON.stringify({ type: 'VERIFY', version: 3, note: 'x'.repeat(app.deps.config.bodyLimitBytes + 10) });
    await refused(413, 'PAYLOAD_TOO_LARGE', () => w.http.post(events(), undefined, { token: w.specialist.token, raw: huge }));
  });

  it('no credentials → 401 UNAUTHENTICATED; a forged token → 401', async () => {
    await refused(401, 'UNAUTHENTICATED', () => w.http.post(events(), { type: 'VERIFY', version: 3 }));
    await refused(401, 'UNAUTHENTICATED', () => w.http.post(events(), { type: 'VERIFY', version: 3 }, { token: 'ids_forged' }));
  });

  it('the wrong role → 403 FORBIDDEN', async () => {
    await refused(403, 'FORBIDDEN', () => w.http.post(events(), { type: 'VERIFY', version: 3 }, { token: w.onestop.token }));
    await refused(403, 'FORBIDDEN', () => w.http.post(events(), { type: 'APPROVE', version: 3 }, { token: w.specialist.token }));
    // Not the assigned specialist.
    await refused(403, 'FORBIDDEN', () => w.http.post(events(), { type: 'VERIFY', version: 3 }, { token: w.specialist2.token }));
    // The system's own event.
    await refused(403, 'FORBIDDEN', () => w.http.post(events(), { type: 'SUPPLEMENT_EXPIRED', version: 3 }, { token: w.onestop.token }));
    // Staff who do not work with dossiers at all.
    await refused(403, 'FORBIDDEN', () => w.http.post(events(), { type: 'VERIFY', version: 3 }, { token: w.staff.token }));
  });

  it("another department's staff cannot see the dossier → 404", async () => {
    await refused(404, 'NOT_FOUND', () => w.http.post(events(), { type: 'ASSIGN', version: 3, assigneeId: w.otherSpecialist.id }, { token: w.otherLead.token }));
    await refused(404, 'NOT_FOUND', () => w.http.get(`/api/dossiers/${dossier.id}`, { token: w.otherSpecialist.token }));
  });

  it('a stale version → 409 STALE_VERSION with the current one', async () => {
    const res = await refused(409, 'STALE_VERSION', () => w.http.post(events(), { type: 'VERIFY', version: 2 }, { token: w.specialist.token }));
    expect(res.body.error.details.currentVersion).toBe(3);
  });

  it('an event the state does not allow → 422 INVALID_TRANSITION listing the allowed ones', async () => {
    const res = await refused(422, 'INVALID_TRANSITION', () => w.http.post(events(), { type: 'RECEIVE', version: 3 }, { token: w.onestop.token }));
    expect(res.body.error.details).toMatchObject({ state: 'inDepartment.review', event: 'RECEIVE' });
    // The events this caller could fire instead.
    expect(res.body.error.details.allowedEvents).toEqual(['WITHDRAW', 'STOP']);
    await refused(422, 'INVALID_TRANSITION', () => w.http.post(events(), { type: 'ASSIGN', version: 3, assigneeId: w.specialist2.id }, { token: w.lead.token }));
  });

  it('an assignee who is not a specialist of the department → 400 INVALID_ASSIGNEE', async () => {
    await refused(400, 'INVALID_ASSIGNEE', () => w.http.post(events(), { type: 'REASSIGN', version: 3, assigneeId: w.otherSpecialist.id }, { token: w.lead.token }));
    await refused(400, 'INVALID_ASSIGNEE', () => w.http.post(events(), { type: 'REASSIGN', version: 3, assigneeId: w.onestop.id }, { token: w.lead.token }));
    await refused(400, 'INVALID_ASSIGNEE', () => w.http.post(events(), { type: 'REASSIGN', version: 3, assigneeId: 999999 }, { token: w.lead.token }));
  });

  it('an apology whose appointment is not later than the current one → 422 APOLOGY_DATE_NOT_LATER, not "not allowed in this state"', async () => {
    const res = await refused(422, 'APOLOGY_DATE_NOT_LATER', () =>
      w.http.post(events(), { type: 'ISSUE_APOLOGY', version: 3, reason: 'Chậm', newDueAt: '2026-03-01T00:00:00Z' }, { token: w.lead.token }),
    );
    expect(res.body.error.details).toMatchObject({ field: 'newDueAt' });
    // The state does take an apology: the dossier still offers it.
    const view = await w.http.get(`/api/dossiers/${dossier.id}`, { token: w.lead.token });
    expect(view.body.allowedEvents).toContain('ISSUE_APOLOGY');
  });

  it('an apology that puts the appointment off by more than the time limit again → 422 APOLOGY_DATE_TOO_LATE', async () => {
    const res = await refused(422, 'APOLOGY_DATE_TOO_LATE', () =>
      w.http.post(events(), { type: 'ISSUE_APOLOGY', version: 3, reason: 'Chậm', newDueAt: '2030-01-01T00:00:00Z' }, { token: w.lead.token }),
    );
    const view = await w.http.get(`/api/dossiers/${dossier.id}`, { token: w.lead.token });
    expect(res.body.error.details.latestDueAt > view.body.dueAt).toBe(true);
  });

  it('unknown or malformed ids → 404 / 400', async () => {
    await refused(404, 'NOT_FOUND', () => w.http.post('/api/dossiers/999999/events', { type: 'VERIFY', version: 3 }, { token: w.specialist.token }));
    await refused(400, 'VALIDATION_FAILED', () => w.http.post('/api/dossiers/abc/events', { type: 'VERIFY', version: 3 }, { token: w.specialist.token }));
    await refused(404, 'NOT_FOUND', () => w.http.get('/api/dossiers/999999', { token: w.onestop.token }));
  });

  it('a malformed Idempotency-Key → 400', async () => {
    await refused(400, 'VALIDATION_FAILED', () => w.http.post(events(), { type: 'VERIFY', version: 3 }, { token: w.specialist.token, headers: { 'idempotency-key': 'x'.repeat(201) } }));
  });
});

describe('intake and the public API refuse bad input and change nothing', () => {
  it('an unknown procedure consumes no dossier code', async () => {
    await refused(400, 'UNKNOWN_REFERENCE', () => w.http.post('/api/dossiers', { procedureId: 999999, applicant: APPLICANT }, { token: w.onestop.token }));
    await refused(400, 'UNKNOWN_REFERENCE', () => w.http.post('/api/public/dossiers', { procedureId: 999999, applicant: APPLICANT }));
  });

  it('a bad applicant → 400 VALIDATION_FAILED', async () => {
    await refused(400, 'VALIDATION_FAILED', () => w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: { name: '', email: 'not-an-email' } }, { token: w.onestop.token }));
  });

  it('only the one-stop unit receives at the counter → 403', async () => {
    await refused(403, 'FORBIDDEN', () => w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.specialist.token }));
  });

  it('a wrong tracking secret or code → 404, the same answer for both', async () => {
    const wrong = await refused(404, 'NOT_FOUND', () => w.http.get(`/api/public/dossiers/${dossier.code}?secret=wrong`));
    const unknown = await refused(404, 'NOT_FOUND', () => w.http.get(`/api/public/dossiers/H37.26-260302-019999?secret=${dossier.secret}`));
    expect(unknown.body).toEqual(wrong.body);
    await refused(404, 'NOT_FOUND', () => w.http.post(`/api/public/dossiers/${dossier.code}/events`, { type: 'WITHDRAW', version: 3, reason: 'x' }, { headers: { 'x-tracking-secret': 'wrong' } }));
  });

  it('the applicant cannot fire staff events: the public route takes only the events it publishes → 400 UNKNOWN_EVENT', async () => {
    const res = await refused(400, 'UNKNOWN_EVENT', () =>
      w.http.post(`/api/public/dossiers/${dossier.code}/events`, { type: 'APPROVE', version: 3 }, { headers: { 'x-tracking-secret': dossier.secret } }),
    );
    expect(res.body.error.details.knownEvents).toEqual(['SUPPLEMENT', 'WITHDRAW']);
  });

  it('an unknown route → 404 in the error shape; a wrong method → 405', async () => {
    await refused(404, 'NOT_FOUND', () => w.http.get('/api/nothing-here', { token: w.onestop.token }));
    await refused(405, 'METHOD_NOT_ALLOWED', () => w.http.request('PUT', '/api/dossiers', {}, { token: w.onestop.token }));
  });

  it('a bad calendar query → 400', async () => {
    await refused(400, 'VALIDATION_FAILED', () => w.http.get('/api/calendar/due?start=yesterday&workingDays=3', { token: w.onestop.token }));
    await refused(400, 'VALIDATION_FAILED', () => w.http.get('/api/calendar/due?start=2026-04-29T09:00:00%2B07:00&workingDays=-1', { token: w.onestop.token }));
  });
});
