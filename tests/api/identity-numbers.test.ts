import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/**
 * Issue 14 §5: the applicant's number checked by the type given with it (`applicant.idType`, optional:
 * a number alone is checked as before), on both doors — the counter's and the public API.
 */
let app: TestApp;
let w: World;
beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
});
afterAll(async () => {
  await app?.close();
});

const submit = (applicant: Record<string, unknown>) => w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: { name: APPLICANT.name, ...applicant } });
const receive = (applicant: Record<string, unknown>) =>
  w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: { name: APPLICANT.name, ...applicant } }, { token: w.onestop.token });

describe('identity numbers by type', () => {
  it('takes each type’s number, and a number without a type as before', async () => {
    for (const applicant of [
      { idType: 'cccd', idNumber: '052096001234' },
      { idType: 'taxCode', idNumber: '4100123456' },
      { idType: 'taxCode', idNumber: '4100123456-001' },
      { idType: 'passport', idNumber: 'C1234567' },
      { idType: 'foreignPassport', idNumber: 'X12345678' },
      { idType: 'foreignPassport', idNumber: '533380006' },
      { idNumber: '4100123456' },
      { idNumber: '4100123456-001' },
      { idType: 'cccd' },
      { idType: null, idNumber: null },
    ]) {
      const res = await submit(applicant);
      expect(res.status, JSON.stringify(applicant)).toBe(201);
    }
  });

  it('refuses a number that is not of its type with 400 at applicant/idNumber, and makes nothing', async () => {
    const before = await fingerprint(app.deps.db);
    for (const [applicant, pattern] of [
      [{ idType: 'cccd', idNumber: '05209600123' }, '^[0-9]{12}$'],
      [{ idType: 'cccd', idNumber: '4100123456' }, '^[0-9]{12}$'],
      [{ idType: 'taxCode', idNumber: '41001234567' }, '^[0-9]{10}(-[0-9]{3})?$'],
      [{ idType: 'taxCode', idNumber: '4100123456001' }, '^[0-9]{10}(-[0-9]{3})?$'],
      [{ idType: 'passport', idNumber: 'CC123456' }, '^[A-Za-z][0-9]{7}$'],
      [{ idType: 'passport', idNumber: '052096001234' }, '^[A-Za-z][0-9]{7}$'],
      [{ idType: 'foreignPassport', idNumber: 'X1234567890' }, '^[A-Za-z0-9]{6,9}$'],
    ] as const) {
      for (const send of [submit, receive]) {
        const res = await send(applicant);
        expect(res.status, JSON.stringify(applicant)).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details.problems[0]).toEqual({ path: 'body/applicant/idNumber', message: `must match pattern "${pattern}"` });
        // No `if` noise: every problem is about the number.
        expect(res.body.error.details.problems.every((p: { path: string }) => p.path === 'body/applicant/idNumber')).toBe(true);
      }
    }
    const unknown = await submit({ idType: 'cmnd', idNumber: '123456789' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.problems[0].path).toBe('body/applicant/idType');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});
