import { expect } from 'vitest';
import type { Role } from '../../src/auth/principal.ts';
import { createDepartment, type DepartmentView } from '../../src/domain/accounts/departments.service.ts';
import { login } from '../../src/domain/accounts/sessions.service.ts';
import { createUser } from '../../src/domain/accounts/users.service.ts';
import { createProcedure, type NewProcedure, type ProcedureView } from '../../src/domain/procedures/procedures.service.ts';
import { Http } from './http.ts';
import { attachResult } from './papers.ts';
import { ADMIN_PASSWORD, type TestApp } from './test-app.ts';

const SYSTEM = { kind: 'system' } as const;
let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}${Math.floor(Math.random() * 1e6)}`;

export interface TestUser {
  id: number;
  username: string;
  password: string;
  token: string;
}

export async function buildDepartment(app: TestApp, overrides: Partial<{ code: string; name: string }> = {}): Promise<DepartmentView> {
  return createDepartment(app.deps.db, SYSTEM, { code: overrides.code ?? unique('D').toUpperCase(), name: overrides.name ?? 'Phòng thử nghiệm' }, app.deps.clock());
}

/** A staff account that has already changed its password, logged in (creates a department when none is given). */
export async function buildUser(app: TestApp, roles: Role[], departmentId?: number | null, options: { mustChangePassword?: boolean } = {}): Promise<TestUser> {
  const dept = departmentId === undefined ? (await buildDepartment(app)).id : departmentId;
  const username = unique('user');
  const password = `Pw-${Math.random().toString(36).slice(2, 10)}-2026`;
  const { user } = await createUser(
    app.deps.db,
    SYSTEM,
    { username, fullName: `Cán bộ ${username}`, departmentId: dept, roles: [...roles, 'staff'], password },
    app.deps.clock(),
    { scryptCost: app.deps.config.scryptCost, mustChangePassword: options.mustChangePassword ?? false },
  );
  const { token } = await loginAs(app, username, password);
  return { id: user.id, username, password, token };
}

export async function loginAs(app: TestApp, username: string, password: string): Promise<{ token: string }> {
  const { config } = app.deps;
  return login(app.deps.db, { ...config.login, sessionTtlHours: config.sessionTtlHours, scryptCost: config.scryptCost }, { username, password, ip: null, userAgent: 'test' }, app.deps.clock());
}

export async function buildProcedure(app: TestApp, departmentId: number, overrides: Partial<NewProcedure> = {}): Promise<ProcedureView> {
  return createProcedure(
    app.deps.db,
    SYSTEM,
    { code: unique('1.0'), name: 'Cấp giấy phép bán lẻ rượu', departmentId, workingDays: 10, hasFee: true, leadReview: true, ...overrides },
    app.deps.clock(),
  );
}

/** One department with every role filled, a second department, and procedures covering each variation of the flow. */
export interface World {
  http: Http;
  admin: TestUser;
  departmentId: number;
  otherDepartmentId: number;
  onestop: TestUser;
  specialist: TestUser;
  specialist2: TestUser;
  lead: TestUser;
  director: TestUser;
  staff: TestUser;
  otherLead: TestUser;
  otherSpecialist: TestUser;
  procedures: { standard: ProcedureView; noFee: ProcedureView; noLead: ProcedureView; inspection: ProcedureView; pause: ProcedureView };
}

export async function buildWorld(app: TestApp): Promise<World> {
  const dept = await buildDepartment(app, { name: 'Phòng Quản lý Thương mại' });
  const other = await buildDepartment(app, { name: 'Phòng Quản lý Năng lượng' });
  const onestopDept = await buildDepartment(app, { name: 'Bộ phận Một cửa' });
  const boardDept = await buildDepartment(app, { name: 'Ban Giám đốc' });
  const { token } = await loginAs(app, 'admin', ADMIN_PASSWORD);
  return {
    http: new Http(app.url),
    admin: { id: 1, username: 'admin', password: ADMIN_PASSWORD, token },
    departmentId: dept.id,
    otherDepartmentId: other.id,
    onestop: await buildUser(app, ['onestop'], onestopDept.id),
    specialist: await buildUser(app, ['specialist'], dept.id),
    specialist2: await buildUser(app, ['specialist'], dept.id),
    lead: await buildUser(app, ['dept_lead'], dept.id),
    director: await buildUser(app, ['director'], boardDept.id),
    staff: await buildUser(app, [], dept.id),
    otherLead: await buildUser(app, ['dept_lead'], other.id),
    otherSpecialist: await buildUser(app, ['specialist'], other.id),
    procedures: {
      standard: await buildProcedure(app, dept.id, { hasFee: true, leadReview: true }),
      noFee: await buildProcedure(app, dept.id, { hasFee: false, leadReview: true, workingDays: 14 }),
      noLead: await buildProcedure(app, dept.id, { hasFee: false, leadReview: false, workingDays: 5 }),
      inspection: await buildProcedure(app, dept.id, { hasFee: true, leadReview: true, inspection: true, workingDays: 15 }),
      pause: await buildProcedure(app, dept.id, { hasFee: false, leadReview: true, supplementClock: 'pause', workingDays: 12 }),
    },
  };
}

export const APPLICANT = { name: 'Công ty TNHH Rượu Bình Định', idNumber: '4100123456', phone: '0256 3822 123', email: 'lienhe@ruoubd.vn', address: 'Quy Nhơn, Bình Định' };

/**
 * Fires an event over HTTP as `user`, expects 200, and moves `d.version` on: for tests that walk a
 * dossier through its flow.
 */
export async function fireAs(http: Http, d: { id: number; version: number }, user: TestUser, type: string, extra: Record<string, unknown> = {}) {
  const res = await http.post(`/api/dossiers/${d.id}/events`, { type, version: d.version, ...extra }, { token: user.token });
  expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
  d.version = res.body.version;
  return res.body;
}

/** A dossier built for a test, with what the test needs to go on acting on it. */
export interface BuiltDossier {
  id: number;
  code: string;
  version: number;
  state: string;
  /** The tracking secret of an online dossier; null for one received at the counter. */
  secret: string | null;
  body: Record<string, unknown>;
}

/**
 * A dossier brought to `state` over HTTP by the people who act at each step, along a route written out
 * here (not computed from the machine): online submission for the states before and around receipt,
 * counter intake for the rest. `procedure` defaults to the standard one (fee, lead review); the
 * inspection state needs the inspection procedure and is given it.
 */
export async function buildDossier(
  w: World,
  options: { state: string; procedure?: keyof World['procedures']; assigned?: boolean },
): Promise<BuiltDossier> {
  const { state } = options;
  const procedure = w.procedures[options.procedure ?? (state === 'inDepartment.inspection' ? 'inspection' : 'standard')];
  const online = ['submitted', 'awaitingSupplement', 'refused', 'withdrawn', 'stopped'].includes(state);
  let d: BuiltDossier;
  if (online) {
    const res = await w.http.post('/api/public/dossiers', { procedureId: procedure.id, applicant: APPLICANT, subject: 'Cấp giấy phép' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    d = { id: res.body.id, code: res.body.code, version: res.body.version, state: res.body.state, secret: res.body.trackingSecret, body: res.body };
  } else {
    const res = await w.http.post('/api/dossiers', { procedureId: procedure.id, applicant: APPLICANT, subject: 'Cấp giấy phép' }, { token: w.onestop.token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    d = { id: res.body.id, code: res.body.code, version: res.body.version, state: res.body.state, secret: null, body: res.body };
  }
  const step = async (user: TestUser, type: string, extra: Record<string, unknown> = {}) => {
    d.body = await fireAs(w.http, d, user, type, extra);
    d.state = d.body.state as string;
  };
  const route: Record<string, Array<() => Promise<void>>> = {
    submitted: [],
    awaitingSupplement: [() => step(w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Bản sao giấy chứng nhận đăng ký doanh nghiệp' })],
    refused: [() => step(w.onestop, 'REFUSE', { reason: 'Không thuộc thẩm quyền giải quyết' })],
    stopped: [() => step(w.onestop, 'STOP', { reason: 'Theo đề nghị của cơ quan có thẩm quyền' })],
    withdrawn: [() => step(w.onestop, 'WITHDRAW', { reason: 'Doanh nghiệp xin rút hồ sơ' })],
    'inDepartment.review': options.assigned ? [() => step(w.lead, 'ASSIGN', { assigneeId: w.specialist.id })] : [],
    'inDepartment.inspection': [() => step(w.lead, 'ASSIGN', { assigneeId: w.specialist.id }), () => step(w.specialist, 'VERIFY')],
    'inDepartment.leadReview': [() => step(w.lead, 'ASSIGN', { assigneeId: w.specialist.id }), () => step(w.specialist, 'VERIFY')],
    returnedToOneStop: [() => step(w.lead, 'ASSIGN', { assigneeId: w.specialist.id }), () => step(w.specialist, 'INVALID', { reason: 'Thiếu bản vẽ mặt bằng' })],
  };
  const toApproval = [
    () => step(w.lead, 'ASSIGN', { assigneeId: w.specialist.id }),
    () => step(w.specialist, 'VERIFY'),
    () => step(w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện cấp phép', proposedResult: 'grant' }),
  ];
  route.leadershipApproval = toApproval;
  route.awaitingPayment = [...toApproval, () => step(w.director, 'APPROVE')];
  route.readyForReturn = [...route.awaitingPayment, () => step(w.onestop, 'PAYMENT_RECEIVED', { receiptNumber: 'BL-000123' })];
  route.completed = [
    ...route.readyForReturn,
    // An approval is handed back as a document: the clerk attaches the giấy phép first.
    async () => {
      await attachResult(w.http.baseUrl, d.id, w.onestop.token);
    },
    () => step(w.onestop, 'RETURN_RESULT', { method: 'counter' }),
  ];
  const steps = route[state];
  if (!steps) throw new Error(`buildDossier knows no route to ${state}`);
  for (const s of steps) await s();
  expect(d.state).toBe(state);
  return d;
}
