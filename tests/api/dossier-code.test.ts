import { afterEach, describe, expect, it } from 'vitest';
import { configWarnings, loadConfig } from '../../src/config.ts';
import { APPLICANT, buildWorld } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 6 §2: the dossier code as provincial systems issue it, the system code of Circular 04/2025 only
 * when configured, and the receiving unit (the province's Public Administration Service Centre) on forms.
 */
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function receive(env: Record<string, string>) {
  app = await startTestApp({ env });
  const w = await buildWorld(app);
  const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
  expect(res.status).toBe(201);
  return { w, dossier: res.body };
}

describe('dossier codes', () => {
  it('are <agency identifier>-<YYMMDD>-<sequence of 4 digits> by default', async () => {
    const { dossier } = await receive({ IDESK_AGENCY_ID: 'G12.34' });
    expect(dossier.code).toBe('G12.34-260302-0001');
  });

  it('carry the two-digit system code before the sequence only when one is configured', async () => {
    const { dossier } = await receive({ IDESK_AGENCY_ID: 'G12.34', IDESK_SYSTEM_CODE: '01' });
    expect(dossier.code).toBe('G12.34-260302-010001');
  });

  it('refuse a system code that is not two digits', () => {
    expect(() => loadConfig({ IDESK_SYSTEM_CODE: '1' })).toThrow(/two digits/);
  });
});

describe('start-up warnings and the receiving unit', () => {
  it('say the agency identifier and the province are placeholders until set', () => {
    expect(configWarnings(loadConfig({}))).toEqual([expect.stringContaining('IDESK_AGENCY_ID is not set'), expect.stringContaining('IDESK_PROVINCE is not set')]);
    expect(configWarnings(loadConfig({ IDESK_AGENCY_ID: 'G12.34', IDESK_PROVINCE: 'Gia Lai' }))).toEqual([]);
  });

  it('print the Centre that receives for the Sở, the Sở and the province on every form', async () => {
    const centre = 'Trung tâm Phục vụ hành chính công tỉnh Gia Lai';
    const { w, dossier } = await receive({ IDESK_AGENCY_NAME: 'Sở Công Thương tỉnh Gia Lai', IDESK_PROVINCE: 'Gia Lai', IDESK_SERVICE_CENTRE_NAME: centre });
    for (const form of ['receipt', 'tracking-sheet']) {
      const res = await w.http.get(`/api/dossiers/${dossier.id}/forms/${form}`, { token: w.onestop.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ agency: 'Sở Công Thương tỉnh Gia Lai', receivingUnit: centre, province: 'Gia Lai' });
    }
    const receipt = await w.http.get(`/api/dossiers/${dossier.id}/forms/receipt`, { token: w.onestop.token });
    expect(receipt.body.fields).toMatchObject({ resultPlace: centre, logBookSequence: 1 });
    const sheet = await w.http.get(`/api/dossiers/${dossier.id}/forms/tracking-sheet`, { token: w.onestop.token });
    expect(sheet.body.fields.handovers[0].givingUnit).toBe(centre);
  });
});
