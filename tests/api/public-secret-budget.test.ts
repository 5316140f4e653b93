import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildProcedure, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { FormClient } from '../web/support/form-client.ts';

/**
 * The portal's budgets per address (src/api/public-budget.ts), kept apart because a Centre's public
 * Wi-Fi is one address for the whole hall (issue 14 §6):
 * - wrong tracking secrets count per address and dossier code, on the pages and the public API alike;
 *   right ones never count; once a code's budget is spent that code is refused before its secret is
 *   tried (a throttled guess is never confirmed), while every other code still opens with its secret;
 * - submissions have their own minute and day caps, and spending them never touches tracking.
 */
let app: TestApp;
let w: World;
let procedureId: number;
const GUESSES = 3;
const PER_MINUTE = 4;
const PER_DAY = 6;

beforeAll(async () => {
  app = await startTestApp({
    env: { PUBLIC_WRONG_SECRETS_PER_MINUTE: String(GUESSES), PUBLIC_SUBMIT_PER_IP_PER_MINUTE: String(PER_MINUTE), PUBLIC_SUBMIT_PER_IP_PER_DAY: String(PER_DAY) },
  });
  w = await buildWorld(app);
  procedureId = (await buildProcedure(app, w.departmentId)).id;
});
afterAll(async () => {
  await app?.close();
});

const get = (path: string, s: string) => fetch(`${app.url}${path}`, { headers: { 'x-tracking-secret': s } });
const submit = () => w.http.post('/api/public/dossiers', { procedureId, applicant: APPLICANT, subject: 'Cấp giấy phép' });

async function submitted() {
  const res = await submit();
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { code: string; trackingSecret: string };
}

/** The portal's tracking form: the status it answers (303 to the dossier's page when the secret is right). */
async function trackingForm(code: string, secret: string): Promise<number> {
  const client = new FormClient(app.url);
  const { token } = await client.get('/tra-cuu');
  return (await client.post('/tra-cuu', { _csrf: token as string, code, secret })).res.status;
}

describe('wrong tracking secrets', () => {
  it('right secrets never count; wrong ones do, on every route, per code; over the budget that code is refused untried, changing nothing, and other codes still open', async () => {
    app.clock.advance(24 * 60 * 60_000);
    const mine = await submitted();
    const theirs = await submitted();
    for (let i = 0; i < 6; i++) {
      expect((await get(`/api/public/dossiers/${mine.code}`, mine.trackingSecret)).status).toBe(200);
      expect((await get(`/api/public/dossiers/${mine.code}/papers`, mine.trackingSecret)).status).toBe(200);
      expect(await trackingForm(mine.code, mine.trackingSecret)).toBe(303);
    }
    const before = await fingerprint(app.deps.db);
    const wrong = 'doan-sai-0123456789abcdef';
    const statuses = [
      (await get(`/api/public/dossiers/${mine.code}`, wrong)).status,
      (await get(`/api/public/dossiers/${mine.code}/papers`, wrong)).status,
      await trackingForm(mine.code, wrong),
      (await get(`/api/public/dossiers/${mine.code}/papers/1/content`, wrong)).status,
      await trackingForm(mine.code, wrong),
    ];
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    // Over the budget, this address cannot learn whether a secret for this code is right.
    const refused = await get(`/api/public/dossiers/${mine.code}`, mine.trackingSecret);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('TOO_MANY_REQUESTS');
    expect(await trackingForm(mine.code, mine.trackingSecret)).toBe(429);
    const event = await fetch(`${app.url}/api/public/dossiers/${mine.code}/events`, {
      method: 'POST',
      headers: { 'x-tracking-secret': mine.trackingSecret, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'WITHDRAW', version: 1, reason: 'Thử' }),
    });
    expect(event.status).toBe(429);
    expect(await fingerprint(app.deps.db)).toEqual(before);
    // Another citizen in the same hall, on the same address, opens their own dossier with its secret.
    expect((await get(`/api/public/dossiers/${theirs.code}`, theirs.trackingSecret)).status).toBe(200);
    expect(await trackingForm(theirs.code, theirs.trackingSecret)).toBe(303);
    // The next minute the code opens again.
    app.clock.advance(60_000);
    expect((await get(`/api/public/dossiers/${mine.code}`, mine.trackingSecret)).status).toBe(200);
  });
});

describe('submissions', () => {
  it('have a minute and a day cap of their own; junk submissions over them change nothing and never lock out a right secret', async () => {
    app.clock.advance(24 * 60 * 60_000);
    const first = await submitted();
    for (let i = 1; i < PER_MINUTE; i++) await submitted();
    let before = await fingerprint(app.deps.db);
    const overMinute = await submit();
    expect(overMinute.status).toBe(429);
    expect(overMinute.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(overMinute.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await fingerprint(app.deps.db)).toEqual(before);
    // The tracking secret of the address's own dossier still opens it, on the API and the portal.
    expect((await get(`/api/public/dossiers/${first.code}`, first.trackingSecret)).status).toBe(200);
    expect(await trackingForm(first.code, first.trackingSecret)).toBe(303);

    // The next minute: two more make the day's six; then the day is spent, minute after minute.
    app.clock.advance(60_000);
    for (let i = PER_MINUTE; i < PER_DAY; i++) await submitted();
    app.clock.advance(60_000);
    before = await fingerprint(app.deps.db);
    const overDay = await submit();
    expect(overDay.status).toBe(429);
    expect(Number(overDay.headers.get('retry-after'))).toBeGreaterThan(60);
    app.clock.advance(60 * 60_000);
    expect((await submit()).status).toBe(429);
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expect((await get(`/api/public/dossiers/${first.code}`, first.trackingSecret)).status).toBe(200);
    expect(await trackingForm(first.code, first.trackingSecret)).toBe(303);
    // A day after the first submission the address may submit again.
    app.clock.advance(24 * 60 * 60_000);
    await submitted();
  });
});
