import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentDeps, dossierDeps } from '../../src/api/deps.ts';
import { DEADLINE_SUBJECTS } from '../../src/domain/deadline-subjects.ts';
import { sweepAll } from '../../src/domain/workflow/deadlines.ts';
import { processDeadlineJob } from '../../workers/deadlines.worker.ts';
import { buildDocumentWorld, createDoc, fireDoc, INCOMING, OUTGOING, signedOutgoing, type DocumentWorld } from '../support/documents.ts';
import { buildDepartment, buildUser, loginAs, type TestUser } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_DB } from '../support/test-db.ts';

/**
 * Issue 8, "Done when": a reply-required incoming document whose deadline passes is marked overdue and
 * its lead department notified — "a reply deadline gets reminders and overdue marks exactly like a
 * dossier step" (DESIGN §8). Both ways a deadline is noticed: the deadline job (run by subject, as the
 * worker runs it) and the sweep that finds what a lost job would have hidden. The clock is moved by hand.
 * Who must hear of it (Điều 6.3): the leads of the lead department and the staff it was forwarded to —
 * not the coordinating department, nor anybody else.
 */
let app: TestApp;
let w: DocumentWorld;
let secondLead: TestUser;
let stranger: TestUser;
let strangerLead: TestUser;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildDocumentWorld(app);
  // The lead department has two leads (trưởng phòng and a phó): both answer for it.
  secondLead = await buildUser(app, ['dept_lead'], w.trade.id);
  const unrelated = await buildDepartment(app, { code: 'TTra', name: 'Thanh tra Sở' });
  strangerLead = await buildUser(app, ['dept_lead'], unrelated.id);
  stranger = await buildUser(app, ['specialist'], unrelated.id);
});
afterAll(() => app.close());

/** Moves the clock and logs the world's people in again (sessions of days ago have expired). */
async function at(instant: string) {
  app.clock.set(instant);
  for (const u of [w.clerk, w.director, w.lead, w.specialist]) u.token = (await loginAs(app, u.username, u.password)).token;
}

const deadlineDeps = () => ({ ...dossierDeps(app.deps), email: false, documents: documentDeps(app.deps) });

/** A reply-required document directed to QLTM (QLNL coordinating), distributed and forwarded to its specialist. */
async function directedDocument(symbol: string, dueAt: string) {
  const d = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: symbol, replyRequired: true });
  await fireDoc(w.http, d, w.director, 'DIRECT', { lead: { departmentId: w.trade.id, dueAt }, coordinating: [{ departmentId: w.energy.id }], text: 'Phòng QLTM chủ trì, trả lời UBND tỉnh' });
  await fireDoc(w.http, d, w.clerk, 'DISTRIBUTE');
  await fireDoc(w.http, d, w.lead, 'FORWARD', { userId: w.specialist.id });
  return d as { id: number; version: number };
}

const overdueRecipients = async (id: number) =>
  (await app.deps.db('notifications').where({ subject_type: 'document', subject_id: String(id), kind: 'document-overdue' }).pluck('recipient_id')).map(Number).sort((a, b) => a - b);

/** The document as its lead sees it over HTTP (a fresh session: the clock has moved past the first ones). */
async function seenByLead(id: number) {
  const lead = await loginAs(app, w.lead.username, w.lead.password);
  const res = await w.http.get(`/api/documents/${id}`, { token: lead.token });
  expect(res.status).toBe(200);
  return res.body;
}

describe(`a reply deadline that passes (${TEST_DB})`, () => {
  it('the deadline job marks the document overdue, writes DEADLINE_PASSED and notifies the lead department’s leads and the forwarded staff, nobody else', async () => {
    await at('2026-03-02T02:00:00.000Z');
    const dueAt = '2026-03-06T10:00:00.000Z';
    const d = await directedDocument('77/UBND-KT', dueAt);
    const before = await seenByLead(d.id);
    expect(before).toMatchObject({ state: 'inProgress', dueAt, overdueAt: null, replyRequired: true });

    // Not yet due: the job is retried later, nothing is marked.
    app.clock.set('2026-03-06T09:59:59.000Z');
    await expect(processDeadlineJob({ name: 'document-deadline', data: { subject: 'document', id: d.id, dueAt } }, deadlineDeps())).rejects.toThrow(/not due/);
    expect(await overdueRecipients(d.id)).toEqual([]);

    app.clock.set('2026-03-06T10:00:05.000Z');
    expect(await processDeadlineJob({ name: 'document-deadline', data: { subject: 'document', id: d.id, dueAt } }, deadlineDeps())).toBe('done');

    const after = await seenByLead(d.id);
    expect(after).toMatchObject({ state: 'inProgress', dueAt, overdueAt: '2026-03-06T10:00:05.000Z', version: before.version + 1 });
    expect(after.timeline.at(-1)).toMatchObject({ type: 'DEADLINE_PASSED', actor: { kind: 'system' } });
    expect(after.timeline.filter((e: { type: string }) => e.type === 'DEADLINE_PASSED')).toHaveLength(1);

    expect(await overdueRecipients(d.id)).toEqual([w.lead.id, secondLead.id, w.specialist.id].sort((a, b) => a - b));
    for (const outsider of [w.otherLead, w.otherSpecialist, w.clerk, w.director, strangerLead, stranger]) expect(await overdueRecipients(d.id)).not.toContain(outsider.id);
    // The lead's own notification list shows it; an unrelated department's lead has nothing about it.
    const lead = await loginAs(app, w.lead.username, w.lead.password);
    const mine = await w.http.get('/api/notifications', { token: lead.token });
    expect(JSON.stringify(mine.body)).toContain('Quá hạn xử lý văn bản đến 77/UBND-KT');
    const other = await loginAs(app, strangerLead.username, strangerLead.password);
    const theirs = await w.http.get('/api/notifications', { token: other.token });
    expect(JSON.stringify(theirs.body)).not.toContain('77/UBND-KT');

    // Run again (a retried job), and then the sweep: the mark and the notifications happen once.
    expect(await processDeadlineJob({ name: 'document-deadline', data: { subject: 'document', id: d.id, dueAt } }, deadlineDeps())).toBe('stale');
    await sweepAll(DEADLINE_SUBJECTS, deadlineDeps(), { limit: 50, budgetMs: 60_000, onError: (s, id, err) => { throw new Error(`${s} ${id}: ${String(err)}`); } });
    expect((await seenByLead(d.id)).version).toBe(after.version);
    expect(await overdueRecipients(d.id)).toHaveLength(3);
  });

  it('the sweep marks and notifies a document whose deadline job was lost, and leaves alone those not due or already answered', async () => {
    await at('2026-03-09T02:00:00.000Z');
    const dueAt = '2026-03-11T10:00:00.000Z';
    const lost = await directedDocument('88/UBND-KT', dueAt);
    const notDue = await directedDocument('89/UBND-KT', '2026-03-20T10:00:00.000Z');
    const done = await directedDocument('90/UBND-KT', dueAt);
    const reply = await signedOutgoing(app, w, { ...OUTGOING, typeCode: 'CV', summary: 'Trả lời Công văn số 90/UBND-KT' });
    await fireDoc(w.http, reply, w.clerk, 'ISSUE');
    await fireDoc(w.http, done, w.specialist, 'ANSWER', { outgoingId: reply.id });

    // No job runs (Redis lost it); the sweep, from the database alone, finds the late one.
    app.clock.set('2026-03-12T01:00:00.000Z');
    const totals = await sweepAll(DEADLINE_SUBJECTS, deadlineDeps(), { limit: 1, budgetMs: 60_000, onError: (s, id, err) => { throw new Error(`${s} ${id}: ${String(err)}`); } });
    // limit 1: the sweep goes batch after batch until nothing is left, and counts only the late open one.
    expect(totals.document).toEqual({ documentOverdue: 1 });

    const after = await seenByLead(lost.id);
    expect(after).toMatchObject({ state: 'inProgress', overdueAt: '2026-03-12T01:00:00.000Z' });
    expect(after.timeline.at(-1)).toMatchObject({ type: 'DEADLINE_PASSED', actor: { kind: 'system' } });
    expect(await overdueRecipients(lost.id)).toEqual([w.lead.id, secondLead.id, w.specialist.id].sort((a, b) => a - b));
    expect(await overdueRecipients(lost.id)).not.toContain(stranger.id);
    expect(await overdueRecipients(lost.id)).not.toContain(w.otherLead.id);

    expect((await seenByLead(notDue.id)).overdueAt).toBeNull();
    expect(await overdueRecipients(notDue.id)).toEqual([]);
    expect(await seenByLead(done.id)).toMatchObject({ state: 'answered', overdueAt: null });
    expect(await overdueRecipients(done.id)).toEqual([]);

    // The job arriving late, after the sweep, finds nothing to do.
    expect(await processDeadlineJob({ name: 'document-deadline', data: { subject: 'document', id: lost.id, dueAt } }, deadlineDeps())).toBe('stale');
    expect(await overdueRecipients(lost.id)).toHaveLength(3);
  });
});
