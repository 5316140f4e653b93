import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentDeps, dossierDeps } from '../../src/api/deps.ts';
import { processDeadlineJob } from '../../workers/deadlines.worker.ts';
import { expectError } from '../support/assertions.ts';
import { attachDocFile, buildDocumentWorld, createDoc, fireDoc, INCOMING, OUTGOING, signedOutgoing, type DocumentWorld } from '../support/documents.ts';
import { buildUser, loginAs } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/**
 * The documents' API (issue 8 points 1–5): both flows over HTTP with the people who act at each step,
 * the registers' numbers and symbols (expectations written by hand), refusals that change nothing,
 * visibility, idempotent replays and the deadline handlers with a moved clock.
 */
let app: TestApp;
let w: DocumentWorld;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildDocumentWorld(app);
});
afterAll(() => app.close());

const deadlineDeps = () => ({ ...dossierDeps(app.deps), email: false, documents: documentDeps(app.deps) });

describe('the catalogue', () => {
  it('lists the types of Decree 30/2020 with their abbreviations', async () => {
    const res = await w.http.get('/api/document-types', { token: w.specialist.token });
    expect(res.status).toBe(200);
    expect(res.body.items).toContainEqual({ code: 'TTR', name: 'Tờ trình', abbreviation: 'TTr', use: 'administrative' });
    expect(res.body.items).toContainEqual({ code: 'CV', name: 'Công văn', abbreviation: null, use: 'administrative' });
    expect(res.body.items).toContainEqual({ code: 'QYD', name: 'Quy định', abbreviation: 'QyĐ', use: 'administrative' });
    expectError(await w.http.get('/api/document-types'), 401, 'UNAUTHENTICATED');
  });
});

describe('an incoming document', () => {
  it('is registered, directed, distributed, forwarded and completed by the people of Điều 6', async () => {
    const d = await createDoc(w.http, w.clerk, INCOMING);
    expect(d).toMatchObject({ direction: 'incoming', state: 'registered', version: 1, registerYear: 2026, number: 1, urgency: 'urgent', sourceSymbol: '123/UBND-KT', symbol: null, registeredLate: false });
    expect(d.warnings).toBeUndefined();
    expect(d.allowedEvents).toEqual([]);
    // The director sees DIRECT; the department cannot see it before it is directed there.
    expect((await w.http.get(`/api/documents/${d.id}`, { token: w.director.token })).body.allowedEvents).toEqual(['DIRECT']);
    expectError(await w.http.get(`/api/documents/${d.id}`, { token: w.lead.token }), 404, 'NOT_FOUND');

    const leadDue = '2026-03-10T10:00:00.000Z';
    const directed = await fireDoc(w.http, d, w.director, 'DIRECT', {
      lead: { departmentId: w.trade.id, dueAt: leadDue },
      coordinating: [{ departmentId: w.energy.id, dueAt: '2026-03-09T10:00:00.000Z' }],
      text: 'Giao Phòng QLTM chủ trì, Phòng QLNL phối hợp báo cáo',
    });
    expect(directed).toMatchObject({ state: 'directed', leadDepartmentId: w.trade.id, dueAt: leadDue, directedBy: w.director.id });
    expect(directed.assignments.map((a: { departmentId: number; role: string; dueAt: string }) => [a.departmentId, a.role, a.dueAt])).toEqual([
      [w.trade.id, 'lead', leadDue],
      [w.energy.id, 'coordinating', '2026-03-09T10:00:00.000Z'],
    ]);
    // The handling deadline waits on the deadline worker, with a reminder before it.
    const jobs = await app.deps.db('outbox').orderBy('id').pluck('jobs');
    expect(JSON.stringify(jobs)).toContain(`document-${d.id}-document-deadline-20260310T100000000Z`);

    const distributed = await fireDoc(w.http, d, w.clerk, 'DISTRIBUTE');
    expect(distributed.state).toBe('distributed');
    expect(distributed.deliveredAt).toBe(app.clock.now().toISOString());

    // Điều 6.3: the lead forwards within their department, with a deadline within the department's.
    const tooLate = await w.http.post(`/api/documents/${d.id}/events`, { type: 'FORWARD', version: d.version, userId: w.specialist.id, dueAt: '2026-03-11T10:00:00.000Z' }, { token: w.lead.token });
    expectError(tooLate, 422, 'FORWARD_DEADLINE_AFTER_DEPARTMENT');
    const outsider = await w.http.post(`/api/documents/${d.id}/events`, { type: 'FORWARD', version: d.version, userId: w.otherSpecialist.id }, { token: w.lead.token });
    expectError(outsider, 400, 'INVALID_ASSIGNEE');
    const forwarded = await fireDoc(w.http, d, w.lead, 'FORWARD', { userId: w.specialist.id, dueAt: '2026-03-06T10:00:00.000Z', note: 'Đề nghị tổng hợp số liệu' });
    expect(forwarded.state).toBe('inProgress');
    expect(forwarded.assignments[0].forwards).toMatchObject([{ userId: w.specialist.id, dueAt: '2026-03-06T10:00:00.000Z', note: 'Đề nghị tổng hợp số liệu' }]);
    // The coordinating department's lead forwards within theirs.
    await fireDoc(w.http, d, w.otherLead, 'FORWARD', { userId: w.otherSpecialist.id });

    const forSpecialist = await w.http.get(`/api/documents/${d.id}`, { token: w.specialist.token });
    expect(forSpecialist.body.allowedEvents).toEqual(['COMPLETE', 'ANSWER']);
    const done = await fireDoc(w.http, d, w.specialist, 'COMPLETE', { note: 'Đã báo cáo' });
    expect(done).toMatchObject({ state: 'done', finishedAt: app.clock.now().toISOString() });
    const full = await w.http.get(`/api/documents/${d.id}`, { token: w.clerk.token });
    expect(full.body.timeline.map((e: { type: string }) => e.type)).toEqual(['REGISTER', 'DIRECT', 'DISTRIBUTE', 'FORWARD', 'FORWARD', 'COMPLETE']);
    expect(full.body.timeline[0].payload).toMatchObject({ registerYear: 2026, number: 1 });
  });

  it('warns about a duplicate (same issuer, number and symbol, written differently) and a late registration, without refusing', async () => {
    const first = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: '45/SCT-QLTM', issuerName: 'Sở Tài chính' });
    const again = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: '45/SCT - QLTM', issuerName: 'sở tài chính', arrivedAt: '2026-02-25T02:00:00.000Z' });
    expect(again.number).toBe(first.number + 1);
    expect(again.warnings).toEqual([
      { code: 'REGISTERED_LATE', message: expect.any(String), details: { arrivedAt: '2026-02-25T02:00:00.000Z', latestDate: '2026-02-26' } },
      { code: 'POSSIBLE_DUPLICATE', message: expect.stringContaining(`/api/documents/${first.id}`), details: { documentIds: [first.id] } },
    ]);
    expect(again.registeredLate).toBe(true);
  });

  it('tells the directors at once of an urgent document, and of an ordinary one not at all (Decree 30/2020 Art. 23)', async () => {
    const urgentOf = async (token: string, id: number) =>
      (await w.http.get('/api/notifications?pageSize=100', { token })).body.items.filter((n: { kind: string; subject: { type: string; id: string } }) => n.kind === 'document-urgent' && n.subject.id === String(id));
    const flash = await createDoc(w.http, w.clerk, { ...INCOMING, urgency: 'flash', sourceSymbol: '9/CĐ-UBND', issuerName: 'UBND tỉnh' });
    const ordinary = await createDoc(w.http, w.clerk, { ...INCOMING, urgency: 'normal', sourceSymbol: '10/UBND-KT' });
    const rows = await app.deps.db('notifications').where({ kind: 'document-urgent' }).whereIn('subject_id', [String(flash.id), String(ordinary.id)]).select('recipient_id', 'subject_id', 'title');
    expect(rows).toEqual([{ recipient_id: w.director.id, subject_id: String(flash.id), title: 'Văn bản đến hỏa tốc: 9/CĐ-UBND của UBND tỉnh' }]);
    expect(await urgentOf(w.director.token, flash.id)).toMatchObject([{ subject: { type: 'document', id: String(flash.id) }, body: `Số đến ${flash.number}: ${INCOMING.summary}` }]);
    expect(await urgentOf(w.clerk.token, flash.id)).toEqual([]);
  });

  it('restarts the register at 1 on 1 January, Asia/Ho_Chi_Minh time', async () => {
    const saved = app.clock.now();
    try {
      app.clock.set('2026-12-31T16:59:00.000Z'); // 31/12/2026 23:59 in Hà Nội
      // A session of that day (the March ones have expired by December).
      const clerk = { ...w.clerk, ...(await loginAs(app, w.clerk.username, w.clerk.password)) };
      const last = await createDoc(w.http, clerk, { ...INCOMING, sourceSymbol: '1/A' });
      expect(last.registerYear).toBe(2026);
      app.clock.set('2026-12-31T17:00:00.000Z'); // 01/01/2027 00:00
      const first = await createDoc(w.http, clerk, { ...INCOMING, sourceSymbol: '2/A' });
      expect(first).toMatchObject({ registerYear: 2027, number: 1 });
      const second = await createDoc(w.http, clerk, { ...INCOMING, sourceSymbol: '3/A' });
      expect(second).toMatchObject({ registerYear: 2027, number: 2 });
    } finally {
      app.clock.set(saved);
    }
  });

  // Issue 8, "Done when": 200 registrations at once over HTTP. (Several API processes on one database:
  // tests/api/documents-processes.test.ts.)
  it('gives 200 concurrent registrations consecutive numbers, no gap, no duplicate', async () => {
    const CLIENTS = 200;
    const before = await app.deps.db('documents').where({ direction: 'incoming', register_year: 2026 }).max('register_number as n').first();
    const start = Number(before?.n ?? 0);
    // Two clerks at once, as in an office with two văn thư.
    const clerk2 = await buildUser(app, ['clerk'], (await app.deps.db('users').where({ id: w.clerk.id }).first()).department_id);
    const answers = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => w.http.post('/api/documents', { ...INCOMING, sourceSymbol: `${i}/CC` }, { token: (i % 2 === 0 ? w.clerk : clerk2).token })),
    );
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const expected = Array.from({ length: CLIENTS }, (_, i) => start + 1 + i);
    expect(answers.map((a) => a.body.number).sort((x, y) => x - y)).toEqual(expected);
    const stored = await app.deps.db('documents').where({ direction: 'incoming', register_year: 2026 }).where('register_number', '>', start).orderBy('register_number').pluck('register_number');
    expect(stored.map(Number)).toEqual(expected);
  }, 60_000);
});

describe('refused content (Điều 4.2)', () => {
  it.each([
    ['a secret incoming document', { ...INCOMING, secrecy: 'secret' }, 'SECRET_DOCUMENT_REFUSED', 'Điều 4.2.a'],
    ['a top secret outgoing draft', { ...OUTGOING, secrecy: 'top_secret' }, 'SECRET_DOCUMENT_REFUSED', 'Điều 4.2.a'],
    ['a confidential one', { ...INCOMING, secrecy: 'confidential' }, 'SECRET_DOCUMENT_REFUSED', 'Điều 4.2.a'],
    ['a complaint flag', { ...INCOMING, isComplaint: true }, 'COMPLAINT_REFUSED', 'Điều 4.2.b'],
    ['a denunciation type', { ...INCOMING, typeCode: 'DON_TC' }, 'COMPLAINT_REFUSED', 'Điều 4.2.b'],
  ])('refuses %s with 422 naming the rule, and stores nothing', async (_label, body, code, rule) => {
    const before = await fingerprint(app.deps.db);
    const res = await w.http.post('/api/documents', body, { token: w.clerk.token });
    expectError(res, 422, code);
    expect(res.body.error.message).toContain(rule);
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});

describe('an outgoing document', () => {
  it('goes draft → review (rejected once, with a reason) → signature → issue, numbered and symbolled by the clerk', async () => {
    const d = await createDoc(w.http, w.specialist, { ...OUTGOING, typeCode: 'CV', summary: 'Về việc phối hợp kiểm tra thị trường', recipients: { external: [{ name: 'Cục Quản lý thị trường tỉnh' }] } });
    expect(d).toMatchObject({ direction: 'outgoing', state: 'draft', draftingDepartmentId: w.trade.id, drafterId: w.specialist.id, number: null, symbol: null, allowedEvents: ['SUBMIT'] });
    await fireDoc(w.http, d, w.specialist, 'SUBMIT');
    // The director may not approve the department's review; the lead may.
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'APPROVE', version: d.version }, { token: w.director.token }), 403, 'FORBIDDEN');
    const rejected = await fireDoc(w.http, d, w.lead, 'REJECT', { reason: 'Bổ sung căn cứ pháp lý' });
    expect(rejected).toMatchObject({ state: 'draft', lastRejection: 'Bổ sung căn cứ pháp lý' });
    await fireDoc(w.http, d, w.specialist, 'SUBMIT');
    await fireDoc(w.http, d, w.lead, 'APPROVE');
    // At signature, the lead can no longer reject: the director holds it.
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'REJECT', version: d.version, reason: 'x' }, { token: w.lead.token }), 403, 'FORBIDDEN');
    const signed = await fireDoc(w.http, d, w.director, 'SIGN', { signerPosition: 'Phó Giám đốc' });
    expect(signed).toMatchObject({ state: 'awaitingIssue', signer: { position: 'Phó Giám đốc', userId: w.director.id } });
    const before = await fingerprint(app.deps.db);
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'ISSUE', version: d.version }, { token: w.clerk.token }), 422, 'SIGNED_SCAN_MISSING');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    await attachDocFile(app, d.id, w.clerk, 'signed');
    // Công văn: <number>/<agency>-<drafting unit>, the first of the year written 01.
    const issued = await fireDoc(w.http, d, w.clerk, 'ISSUE');
    expect(issued).toMatchObject({ state: 'issued', registerYear: 2026, number: 1, symbol: '01/SCT-QLTM', issuedAt: app.clock.now().toISOString(), documentDate: '2026-03-02' });
    expect(issued.recipients).toMatchObject([{ kind: 'external', name: 'Cục Quản lý thị trường tỉnh', sentAt: app.clock.now().toISOString() }]);
  });

  it('writes the symbols of Decree 30/2020: 05/QĐ-SCT, 123/SCT-QLTM', async () => {
    // The register stands at 4, then at 122: the next numbers are 5 and 123.
    const setCounter = (n: number) => app.deps.db('document_register_counters').insert({ direction: 'outgoing', year: 2026, last_number: n }).onConflict(['direction', 'year']).merge();
    await setCounter(4);
    const decision = await signedOutgoing(app, w);
    expect((await fireDoc(w.http, decision, w.clerk, 'ISSUE')).symbol).toBe('05/QĐ-SCT');
    await setCounter(122);
    const letter = await signedOutgoing(app, w, { ...OUTGOING, typeCode: 'CV' });
    expect((await fireDoc(w.http, letter, w.clerk, 'ISSUE')).symbol).toBe('123/SCT-QLTM');
    const proposal = await signedOutgoing(app, w, { ...OUTGOING, typeCode: 'TTR' });
    expect((await fireDoc(w.http, proposal, w.clerk, 'ISSUE')).symbol).toBe('124/TTr-SCT');
  });

  it('numbers the outgoing register from 01 again on 1 January, Asia/Ho_Chi_Minh time (the number is taken at issue)', async () => {
    const late = await signedOutgoing(app, w, { ...OUTGOING, typeCode: 'QD', summary: 'Quyết định cuối năm' });
    const early = await signedOutgoing(app, w, { ...OUTGOING, typeCode: 'QD', summary: 'Quyết định đầu năm' });
    const saved = app.clock.now();
    try {
      app.clock.set('2026-12-31T16:59:59.000Z'); // 31/12/2026 23:59:59 in Hà Nội
      const clerk = { ...w.clerk, ...(await loginAs(app, w.clerk.username, w.clerk.password)) };
      const last = await fireDoc(w.http, late, clerk, 'ISSUE');
      expect(last.registerYear).toBe(2026);
      expect(last.number).toBeGreaterThan(1);
      app.clock.set('2026-12-31T17:00:00.000Z'); // 01/01/2027 00:00
      expect(await fireDoc(w.http, early, clerk, 'ISSUE')).toMatchObject({ registerYear: 2027, number: 1, symbol: '01/QĐ-SCT', documentDate: '2027-01-01' });
    } finally {
      app.clock.set(saved);
    }
  });

  it('issues the regulation of the seed (Quy chế 80/QĐ-SCT) as a decision of agency SCT: N/QĐ-SCT', async () => {
    // The seed's decision, as its heading reads (a test reads nothing outside the repository).
    const summary = 'Về việc ban hành Quy chế quản lý, sử dụng Hệ thống Văn phòng điện tử và Dịch vụ công trực tuyến tại Sở Công Thương tỉnh Bình Định';
    const d = await signedOutgoing(app, w, { ...OUTGOING, typeCode: 'QD', summary });
    const issued = await fireDoc(w.http, d, w.clerk, 'ISSUE');
    expect(issued.symbol).toBe(`${String(issued.number).padStart(2, '0')}/QĐ-SCT`);
    expect(issued.symbol).toMatch(/^\d{2,}\/QĐ-SCT$/);
  });

  it('a document registered through the API is found by the search, diacritics folded, and its symbol read in pieces', async () => {
    const created = await w.http.post('/api/documents', { ...INCOMING, typeCode: 'QD', summary: 'Quyết định phê duyệt kế hoạch kiểm tra an toàn thực phẩm', sourceSymbol: '777/QĐ-UBND' }, { token: w.clerk.token });
    expect(created.status).toBe(201);
    for (const q of ['quyet dinh phe duyet', 'an toàn thực phẩm', '777/qd-ubnd', 'QĐ-UBND']) {
      const found = await w.http.get(`/api/documents?q=${encodeURIComponent(q)}`, { token: w.clerk.token });
      expect(found.status, q).toBe(200);
      expect(found.body.items.map((d: { id: number }) => d.id), q).toContain(created.body.id);
    }
  });

  it('replays a creation sent again with the same Idempotency-Key, taking one number', async () => {
    const headers = { 'Idempotency-Key': 'register-ubnd-314' };
    const first = await w.http.post('/api/documents', { ...INCOMING, sourceSymbol: '314/UBND' }, { token: w.clerk.token, headers });
    const again = await w.http.post('/api/documents', { ...INCOMING, sourceSymbol: '314/UBND' }, { token: w.clerk.token, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await app.deps.db('documents').where({ source_symbol: '314/UBND' }).count('* as n').first()).toMatchObject({ n: 1 });
    expectError(await w.http.post('/api/documents', { ...INCOMING, sourceSymbol: '315/UBND' }, { token: w.clerk.token, headers }), 409, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses to draft a type the agency never issues', async () => {
    expectError(await w.http.post('/api/documents', { ...OUTGOING, typeCode: 'ND' }, { token: w.specialist.token }), 422, 'TYPE_NOT_ISSUED_BY_AGENCY');
    expectError(await w.http.post('/api/documents', { ...OUTGOING, typeCode: 'NOPE' }, { token: w.specialist.token }), 400, 'UNKNOWN_DOCUMENT_TYPE');
  });

  it('reaches its internal recipients as an incoming document, registered and distributed, in their department', async () => {
    const d = await signedOutgoing(app, w, { ...OUTGOING, typeCode: 'TB', summary: 'Thông báo lịch trực Tết', recipients: { internal: [w.energy.id] } });
    const issued = await fireDoc(w.http, d, w.clerk, 'ISSUE');
    const copyId = issued.recipients[0].incomingDocumentId;
    expect(copyId).toEqual(expect.any(Number));
    const copy = await w.http.get(`/api/documents/${copyId}`, { token: w.otherLead.token });
    expect(copy.status, JSON.stringify(copy.body)).toBe(200);
    expect(copy.body).toMatchObject({ direction: 'incoming', state: 'distributed', sourceSymbol: issued.symbol, sourceDocumentId: d.id, issuerName: 'Sở Công Thương', registerYear: 2026 });
    expect(copy.body.number).toEqual(expect.any(Number));
    expect(copy.body.assignments).toMatchObject([{ departmentId: w.energy.id, role: 'recipient' }]);
    expect(copy.body.timeline.map((e: { type: string }) => e.type)).toEqual(['REGISTER', 'ROUTE_INTERNAL']);
  });

  it('the clerk registers a document signed outside the system (Điều 8)', async () => {
    const d = await createDoc(w.http, w.clerk, { ...OUTGOING, alreadySigned: true, signerName: 'Trần Văn B', signerPosition: 'Giám đốc' });
    expect(d).toMatchObject({ state: 'awaitingIssue', signer: { name: 'Trần Văn B', position: 'Giám đốc' } });
    expectError(await w.http.post('/api/documents', { ...OUTGOING, alreadySigned: true }, { token: w.specialist.token }), 403, 'FORBIDDEN');
  });
});

describe('a reply (Điều 7)', () => {
  it('a document that requires a reply is answered by linking the issued outgoing reply, not completed', async () => {
    const incoming = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: '9/BCT-TTTN', issuerName: 'Bộ Công Thương', replyRequired: true });
    await fireDoc(w.http, incoming, w.director, 'DIRECT', { lead: { departmentId: w.trade.id, dueAt: '2026-03-20T10:00:00.000Z' }, text: 'QLTM trả lời' });
    await fireDoc(w.http, incoming, w.clerk, 'DISTRIBUTE');
    await fireDoc(w.http, incoming, w.lead, 'FORWARD', { userId: w.specialist.id });
    const complete = await w.http.post(`/api/documents/${incoming.id}/events`, { type: 'COMPLETE', version: incoming.version }, { token: w.specialist.token });
    expectError(complete, 422, 'INVALID_TRANSITION');
    expect(complete.body.error.details.allowedEvents).toEqual(['ANSWER']);

    const reply = await signedOutgoing(app, w, { ...OUTGOING, typeCode: 'CV', summary: 'Trả lời Công văn số 9/BCT-TTTN' });
    const early = await w.http.post(`/api/documents/${incoming.id}/events`, { type: 'ANSWER', version: incoming.version, outgoingId: reply.id }, { token: w.specialist.token });
    expectError(early, 422, 'REPLY_NOT_ISSUED');
    await fireDoc(w.http, reply, w.clerk, 'ISSUE');
    const answered = await fireDoc(w.http, incoming, w.specialist, 'ANSWER', { outgoingId: reply.id });
    expect(answered).toMatchObject({ state: 'answered', replies: [reply.id] });
    expect((await w.http.get(`/api/documents/${reply.id}`, { token: w.specialist.token })).body.replies).toEqual([incoming.id]);
  });
});

describe('the rules of every event route', () => {
  it('answers 409 on a stale version, 400 on an unknown event, 403 to the wrong person, 404 to who may not see, and replays an idempotent retry', async () => {
    const d = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: '77/X' });
    const before = await fingerprint(app.deps.db);
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'DIRECT', version: 7, lead: { departmentId: w.trade.id }, text: 'x' }, { token: w.director.token }), 409, 'STALE_VERSION');
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'DEADLINE_PASSED', version: 1 }, { token: w.director.token }), 400, 'UNKNOWN_EVENT');
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'DIRECT', version: 1, lead: { departmentId: w.trade.id }, text: 'x' }, { token: w.clerk.token }), 403, 'FORBIDDEN');
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'DIRECT', version: 1, lead: { departmentId: w.trade.id } }, { token: w.director.token }), 400, 'VALIDATION_FAILED');
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'DISTRIBUTE', version: 1 }, { token: w.clerk.token }), 422, 'INVALID_TRANSITION');
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'DIRECT', version: 1, lead: { departmentId: 99999 }, text: 'x' }, { token: w.director.token }), 400, 'UNKNOWN_REFERENCE');
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'DIRECT', version: 1, lead: { departmentId: w.trade.id, dueAt: '2026-03-01T00:00:00Z' }, text: 'x' }, { token: w.director.token }), 422, 'DEADLINE_NOT_IN_FUTURE');
    // Not directed to them: a department's staff and lead, and the IT officer, do not see it.
    expectError(await w.http.get(`/api/documents/${d.id}`, { token: w.otherSpecialist.token }), 404, 'NOT_FOUND');
    expectError(await w.http.get(`/api/documents/${d.id}`, { token: w.admin.token }), 404, 'NOT_FOUND');
    expectError(await w.http.post(`/api/documents/${d.id}/events`, { type: 'COMPLETE', version: 1 }, { token: w.otherLead.token }), 404, 'NOT_FOUND');
    expect(await fingerprint(app.deps.db)).toEqual(before);

    const body = { type: 'DIRECT', version: 1, lead: { departmentId: w.energy.id }, text: 'QLNL xử lý' };
    const first = await w.http.post(`/api/documents/${d.id}/events`, body, { token: w.director.token, headers: { 'Idempotency-Key': 'direct-77' } });
    const replay = await w.http.post(`/api/documents/${d.id}/events`, body, { token: w.director.token, headers: { 'Idempotency-Key': 'direct-77' } });
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(await app.deps.db('events').where({ stream_type: 'document', stream_id: String(d.id) }).count('* as n').first()).toMatchObject({ n: 2 });
    expect(await app.deps.db('document_assignments').where({ document_id: d.id }).count('* as n').first()).toMatchObject({ n: 1 });
    // Now the energy department sees it; the trade department still does not.
    expect((await w.http.get(`/api/documents/${d.id}`, { token: w.otherLead.token })).status).toBe(200);
    expectError(await w.http.get(`/api/documents/${d.id}`, { token: w.lead.token }), 404, 'NOT_FOUND');
    expectError(await w.http.post('/api/documents', INCOMING, { token: w.specialist.token }), 403, 'FORBIDDEN');
  });
});

describe('a handling deadline', () => {
  it('reminds, then marks the document overdue and notifies its lead department, once', async () => {
    const d = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: '5/UBND-TH', replyRequired: true });
    const dueAt = '2026-03-05T09:00:00.000Z';
    await fireDoc(w.http, d, w.director, 'DIRECT', { lead: { departmentId: w.trade.id, dueAt }, text: 'Khẩn trương trả lời' });
    await fireDoc(w.http, d, w.clerk, 'DISTRIBUTE');
    await fireDoc(w.http, d, w.lead, 'FORWARD', { userId: w.specialist.id });
    const saved = app.clock.now();
    try {
      app.clock.set('2026-03-04T09:00:00.000Z');
      expect(await processDeadlineJob({ name: 'document-reminder', data: { subject: 'document', id: d.id, dueAt } }, deadlineDeps())).toBe('done');
      const reminded = await app.deps.db('notifications').where({ subject_type: 'document', subject_id: String(d.id), kind: 'document-reminder' }).pluck('recipient_id');
      expect(reminded.sort()).toEqual([w.lead.id, w.specialist.id].sort());
      // A job for another deadline is stale.
      expect(await processDeadlineJob({ name: 'document-deadline', data: { subject: 'document', id: d.id, dueAt: '2026-03-04T09:00:00.000Z' } }, deadlineDeps())).toBe('stale');

      app.clock.set('2026-03-05T09:00:01.000Z');
      expect(await processDeadlineJob({ name: 'document-deadline', data: { subject: 'document', id: d.id, dueAt } }, deadlineDeps())).toBe('done');
      expect(await processDeadlineJob({ name: 'document-deadline', data: { subject: 'document', id: d.id, dueAt } }, deadlineDeps())).toBe('stale');
      const lead = await loginAs(app, w.lead.username, w.lead.password);
      const doc = await w.http.get(`/api/documents/${d.id}`, { token: lead.token });
      expect(doc.body).toMatchObject({ state: 'inProgress', overdueAt: '2026-03-05T09:00:01.000Z' });
      expect(doc.body.timeline.at(-1)).toMatchObject({ type: 'DEADLINE_PASSED', actor: { kind: 'system' } });
      const notified = await app.deps.db('notifications').where({ subject_type: 'document', subject_id: String(d.id), kind: 'document-overdue' }).pluck('recipient_id');
      expect(notified.sort()).toEqual([w.lead.id, w.specialist.id].sort());
    } finally {
      app.clock.set(saved);
    }
  });
});
