import { expect } from 'vitest';
import { buildDepartment, buildUser, type TestUser } from './factories.ts';
import { Http } from './http.ts';
import { pdfWith, postPapers } from './papers.ts';
import type { TestApp } from './test-app.ts';

/**
 * The people of the documents' flows: the clerk (văn thư), the director, and two departments (Quản lý
 * Thương mại, code QLTM; Quản lý Năng lượng, QLNL) with a lead and a specialist each.
 */
export interface DocumentWorld {
  http: Http;
  trade: { id: number; code: string };
  energy: { id: number; code: string };
  clerk: TestUser;
  director: TestUser;
  lead: TestUser;
  specialist: TestUser;
  otherLead: TestUser;
  otherSpecialist: TestUser;
  admin: TestUser;
}

let n = 0;
export async function buildDocumentWorld(app: TestApp): Promise<DocumentWorld> {
  const suffix = ++n === 1 ? '' : String(n);
  const office = await buildDepartment(app, { code: `VP${suffix}`, name: 'Văn phòng Sở' });
  const board = await buildDepartment(app, { code: `BGD${suffix}`, name: 'Ban Giám đốc Sở' });
  const trade = await buildDepartment(app, { code: `QLTM${suffix}`, name: 'Phòng Quản lý Thương mại' });
  const energy = await buildDepartment(app, { code: `QLNL${suffix}`, name: 'Phòng Quản lý Năng lượng' });
  return {
    http: new Http(app.url),
    trade: { id: trade.id, code: trade.code },
    energy: { id: energy.id, code: energy.code },
    clerk: await buildUser(app, ['clerk'], office.id),
    director: await buildUser(app, ['director'], board.id),
    lead: await buildUser(app, ['dept_lead'], trade.id),
    specialist: await buildUser(app, ['specialist'], trade.id),
    otherLead: await buildUser(app, ['dept_lead'], energy.id),
    otherSpecialist: await buildUser(app, ['specialist'], energy.id),
    admin: await buildUser(app, ['admin'], office.id),
  };
}

export const INCOMING = {
  direction: 'incoming',
  typeCode: 'CV',
  summary: 'Về việc báo cáo tình hình thị trường xăng dầu quý I',
  secrecy: 'none',
  urgency: 'urgent',
  issuerName: 'Ủy ban nhân dân tỉnh Bình Định',
  sourceSymbol: '123/UBND-KT',
  documentDate: '2026-02-27',
  pageCount: 2,
  signerName: 'Nguyễn Văn A',
} as const;

export const OUTGOING = {
  direction: 'outgoing',
  typeCode: 'QD',
  summary: 'Ban hành Quy chế quản lý, sử dụng Hệ thống Văn phòng điện tử',
  secrecy: 'none',
} as const;

/** Fires a document event as `user`, expects 200 and moves `d.version` on. */
export async function fireDoc(http: Http, d: { id: number; version: number }, user: TestUser, type: string, extra: Record<string, unknown> = {}) {
  const res = await http.post(`/api/documents/${d.id}/events`, { type, version: d.version, ...extra }, { token: user.token });
  expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
  d.version = res.body.version;
  return res.body;
}

/** Creates a document as `user`, expects 201. */
export async function createDoc(http: Http, user: TestUser, body: Record<string, unknown>) {
  const res = await http.post('/api/documents', body, { token: user.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** The clerk attaches a file of `kind` to a document. */
export async function attachDocFile(app: TestApp, documentId: number, user: TestUser, kind: string, bytes: Buffer = pdfWith(`doc-${documentId}-${kind}`)) {
  const res = await postPapers(app.url, `/api/documents/${documentId}/files`, [{ kind, name: `${kind}.pdf`, bytes }], { authorization: `Bearer ${user.token}` });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** An outgoing document drafted by the specialist and taken through review and signature to awaitingIssue, with its signed scan. */
export async function signedOutgoing(app: TestApp, w: DocumentWorld, body: Record<string, unknown> = OUTGOING, scan?: Buffer) {
  const d = await createDoc(w.http, w.specialist, body);
  await fireDoc(w.http, d, w.specialist, 'SUBMIT');
  await fireDoc(w.http, d, w.lead, 'APPROVE');
  await fireDoc(w.http, d, w.director, 'SIGN', { signerPosition: 'Giám đốc' });
  await attachDocFile(app, d.id, w.clerk, 'signed', scan);
  return d as { id: number; version: number };
}
