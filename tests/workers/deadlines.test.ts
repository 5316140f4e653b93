import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markStepOverdue } from '../../src/domain/dossiers/dossier-deadline.service.ts';
import { outboxJobs } from '../../src/domain/outbox/outbox.ts';
import { deadlineDeps, processDeadlineJob } from '../../workers/deadlines.worker.ts';
import { processMaintenanceJob } from '../../workers/maintenance.worker.ts';
import { compressedCalendar } from '../support/compressed-calendar.ts';
import { APPLICANT, buildProcedure, buildWorld, fireAs, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { randomPrefix, startTestWorkers, type TestWorkers } from '../support/test-workers.ts';

/**
 * The deadline worker against real Redis and real delayed jobs: one working day lasts one second of
 * real time here (a compressed calendar), so due instants arrive while the test waits.
 */
const DAY_MS = 1_000;
let app: TestApp;
let w: World;
let workers: TestWorkers;
let procedureId: number;

beforeAll(async () => {
  app = await startTestApp({
    // An applicant has 3 working days (3 s) to supplement here.
    env: { QUEUE_PREFIX: randomPrefix(), SUPPLEMENT_WAIT_DAYS: '3' },
    overrides: { calendar: compressedCalendar(DAY_MS), clock: () => new Date() },
  });
  w = await buildWorld(app);
  // The specialist has 2 working days (2 s); the whole limit is 4 (4 s).
  procedureId = (await buildProcedure(app, w.departmentId, { workingDays: 4, hasFee: false, stepAllocation: { review: 2, leadReview: 0.5, leadershipApproval: 0.5, readyForReturn: 0.5 } })).id;
  workers = await startTestWorkers(app);
});
afterAll(async () => {
  await workers.close();
  await app.close();
});

async function receive(): Promise<{ id: number; version: number; stepDueAt: string; dueAt: string }> {
  const res = await w.http.post('/api/dossiers', { procedureId, applicant: APPLICANT }, { token: w.onestop.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const fire = (d: { id: number; version: number }, user: TestUser, type: string, extra: Record<string, unknown> = {}) => fireAs(w.http, d, user, type, extra);

async function notificationsOf(dossierId: number, kind: string) {
  return app.deps.db('notifications').where({ subject_type: 'dossier', subject_id: String(dossierId), kind }).orderBy('id');
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 8_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a step whose due instant passes', () => {
  it('is marked overdue, and its assignee and department lead are notified within 2 s', async () => {
    const d = await receive();
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    const due = Date.parse(d.stepDueAt);
    expect(due - Date.now()).toBeGreaterThan(1_000);

    const reminders = await waitFor('the reminder', async () => {
      const rows = await notificationsOf(d.id, 'step-reminder');
      return rows.length >= 2 && rows;
    });
    expect(reminders.map((n) => n.recipient_id).sort()).toEqual([w.specialist.id, w.lead.id].sort());

    const overdue = await waitFor('the overdue notifications', async () => {
      const rows = await notificationsOf(d.id, 'step-overdue');
      return rows.length >= 2 && rows;
    });
    expect(overdue.map((n) => n.recipient_id).sort()).toEqual([w.specialist.id, w.lead.id].sort());
    for (const n of overdue) {
      const late = Date.parse(n.created_at) - due;
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(2_000);
    }
    const view = await w.http.get(`/api/dossiers/${d.id}`, { token: w.lead.token });
    expect(view.body.stepOverdueAt).not.toBeNull();
    const mark = view.body.timeline.at(-1);
    expect(mark).toMatchObject({ type: 'STEP_OVERDUE', actor: { kind: 'system' }, fromState: 'inDepartment.review', toState: 'inDepartment.review', payload: { step: 'review', dueAt: d.stepDueAt } });
    // The mark is an event: the version moved on.
    expect(view.body.version).toBe(d.version + 1);
  });

  it('is not marked when the dossier moved on before; the stale job was removed and would do nothing anyway', async () => {
    const d = await receive();
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.specialist, 'VERIFY');
    const staleId = `dossier-${d.id}-step-deadline-${d.stepDueAt.replace(/[-:.]/g, '')}`;
    // The relay removed the job of the step that ended.
    await waitFor('the relay to deliver the removal', async () => (await outboxJobs(app.deps.db)).find((j) => j.action === 'remove' && j.jobId === staleId)?.deliveredAt);
    expect(await workers.deps.queues.deadlines.getJob(staleId)).toBeUndefined();
    // Run it anyway, as a late or duplicated job would: nothing changes.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(d.stepDueAt) - Date.now() + 50)));
    const before = await fingerprint(app.deps.db);
    const result = await processDeadlineJob({ name: 'step-deadline', data: { dossierId: d.id, step: 'review', dueAt: d.stepDueAt } }, deadlineDeps(workers.deps));
    expect(result).toBe('stale');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('is marked once even when its job runs twice', async () => {
    const d = await receive();
    await waitFor('the overdue mark', async () => (await notificationsOf(d.id, 'step-overdue')).length > 0);
    const before = await fingerprint(app.deps.db);
    expect(await markStepOverdue(deadlineDeps(workers.deps), { dossierId: d.id, step: 'review', dueAt: d.stepDueAt })).toBe('stale');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});

describe('an appointment that passes while the agency holds the dossier', () => {
  it('marks the dossier late and puts the apology slip on the one-stop unit’s list', async () => {
    const d = await receive();
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    const slips = await waitFor('the apology slip', async () => {
      const rows = await notificationsOf(d.id, 'apology-slip');
      return rows.length > 0 && rows;
    }, 10_000);
    expect(slips.map((n) => n.recipient_id)).toEqual([w.onestop.id]);
    expect(Date.parse(slips[0].created_at) - Date.parse(d.dueAt)).toBeLessThan(2_000);
    const view = await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token });
    expect(view.body.lateAt).not.toBeNull();
    expect(view.body.timeline.map((e: { type: string }) => e.type)).toContain('APPOINTMENT_PASSED');
    // The apology is still owed, and now comes with a new appointment (version 2 of the machine).
    expect(view.body.allowedEvents).not.toContain('ISSUE_APOLOGY');
    const lead = await w.http.get(`/api/dossiers/${d.id}`, { token: w.lead.token });
    expect(lead.body.allowedEvents).toContain('ISSUE_APOLOGY');
    const warned = await notificationsOf(d.id, 'apology-due');
    expect(warned.map((n) => n.recipient_id).sort()).toEqual([w.specialist.id, w.lead.id].sort());
  });
});

describe('the sweep', () => {
  it('finds an overdue step whose job was lost, from the database itself', async () => {
    const d = await receive();
    // Lose every job of this dossier.
    const ids = (await outboxJobs(app.deps.db)).filter((j) => j.jobId.startsWith(`dossier-${d.id}-`)).map((j) => j.jobId);
    await waitFor('the jobs to reach Redis', async () => (await workers.deps.queues.deadlines.getJob(ids[0] as string)) !== undefined);
    for (const id of ids) await workers.deps.queues.deadlines.remove(id);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(d.stepDueAt) - Date.now() + 50)));
    expect(await notificationsOf(d.id, 'step-overdue')).toHaveLength(0);
    const report = (await processMaintenanceJob({ name: 'deadline-sweep', data: {} } as never, workers.deps)) as { dossier: { stepsOverdue: number } };
    expect(report.dossier.stepsOverdue).toBeGreaterThanOrEqual(1);
    const view = await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token });
    expect(view.body.stepOverdueAt).not.toBeNull();
    expect((await notificationsOf(d.id, 'step-overdue')).length).toBeGreaterThan(0);
  });

  it('stops a dossier whose supplement did not come in time', async () => {
    const online = await w.http.post('/api/public/dossiers', { procedureId, applicant: APPLICANT });
    const d = { id: online.body.id, version: 1 };
    await fire(d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Bản sao giấy phép' });
    // 3 working days: 3 s here. The job does it; the sweep would too.
    const stopped = await waitFor('the expiry', async () => {
      const res = await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token });
      return res.body.state === 'stopped' && res.body;
    }, 10_000);
    expect(stopped.timeline.at(-1)).toMatchObject({ type: 'SUPPLEMENT_EXPIRED', actor: { kind: 'system' } });
    expect((await notificationsOf(d.id, 'supplement-expired')).map((n) => n.recipient_id)).toEqual([w.onestop.id]);
  }, 30_000);
});
