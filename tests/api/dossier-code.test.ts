import { afterEach, describe, expect, it } from 'vitest';
import knex from 'knex';
import { configWarnings, loadConfig } from '../../src/config.ts';
import { verifyEventLog } from '../../src/domain/audit/event-log.ts';
import { json } from '../../src/lib/rows.ts';
import { APPLICANT, buildWorld } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_DB } from '../support/test-db.ts';

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
  it('say the agency identifier, the province and the portal address are placeholders until set', () => {
    expect(configWarnings(loadConfig({}))).toEqual([
      expect.stringContaining('IDESK_AGENCY_ID is not set'),
      expect.stringContaining('IDESK_PROVINCE is not set'),
      expect.stringContaining('IDESK_PUBLIC_URL is not set'),
    ]);
    expect(configWarnings(loadConfig({ IDESK_AGENCY_ID: 'G12.34', IDESK_PROVINCE: 'Gia Lai', IDESK_PUBLIC_URL: 'https://dichvucong.gialai.gov.vn' }))).toEqual([]);
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

describe('the day\'s counter, taken last (issue 6 §4)', () => {
  it('puts the code in the chained creation event, for counter and online intakes alike', async () => {
    const { w, dossier } = await receive({ IDESK_AGENCY_ID: 'G12.34' });
    const online = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT });
    expect(online.status).toBe(201);
    expect(online.body.code).toBe('G12.34-260302-0002');
    for (const [id, code, types] of [
      [dossier.id, 'G12.34-260302-0001', ['SUBMIT', 'RECEIVE']],
      [online.body.id ?? (await app!.deps.db('dossiers').where({ code: online.body.code }).first()).id, 'G12.34-260302-0002', ['SUBMIT']],
    ] as const) {
      expect((await app!.deps.db('dossiers').where({ id }).first()).code).toBe(code);
      const events = await app!.deps.db('events').where({ stream_type: 'dossier', stream_id: String(id) }).orderBy('seq');
      expect(events.map((e) => e.type)).toEqual(types);
      expect(json<Record<string, unknown>>(events[0].payload).code).toBe(code);
    }
    expect(await verifyEventLog(app!.deps.db)).toMatchObject({ ok: true });
  });

  // SQLite has one writer at a time: an intake never waits on another's row lock there.
  if (TEST_DB === 'postgres') it('makes an intake wait for the counter only after the rest of its work (PostgreSQL)', async () => {
    const { w } = await receive({ IDESK_AGENCY_ID: 'G12.34' });
    const database = app!.database.database as { url: string };
    const holder = knex({ client: 'pg', connection: database.url, pool: { min: 1, max: 1 } });
    const probe = knex({ client: 'pg', connection: database.url, pool: { min: 1, max: 1 } });
    // Another intake holding the day's counter row until it commits.
    const trx = await holder.transaction();
    try {
      await trx.raw("SELECT last_sequence FROM dossier_code_counters WHERE day = '260302' FOR UPDATE");
      const second = w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
      let waiting: { pid: number } | undefined;
      for (let i = 0; i < 200 && !waiting; i++) {
        const { rows } = await probe.raw("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        waiting = rows[0];
        if (!waiting) await new Promise((r) => setTimeout(r, 25));
      }
      expect(waiting).toBeDefined();
      // By the time it waits, it has already written its dossier, its outbox jobs and its notifications.
      const { rows: locks } = await probe.raw(
        "SELECT relation::regclass::text AS rel FROM pg_locks WHERE pid = ? AND granted AND mode = 'RowExclusiveLock' AND relation IS NOT NULL",
        [waiting!.pid],
      );
      expect(locks.map((l: { rel: string }) => l.rel)).toEqual(expect.arrayContaining(['dossiers', 'outbox']));
      await trx.rollback();
      const res = await second;
      expect(res.status).toBe(201);
      expect(res.body.code).toBe('G12.34-260302-0002');
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
      await holder.destroy();
      await probe.destroy();
    }
  });
});
