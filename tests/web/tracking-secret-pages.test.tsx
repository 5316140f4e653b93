import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApplicantNotice, type ApplicantNoticeKind } from '../../src/domain/dossiers/applicant-notices.ts';
import type { ProcedureView } from '../../src/domain/procedures/procedures.service.ts';
import { sha256Hex } from '../../src/lib/crypto.ts';
import { FormSlip, FreshReceiptNotice } from '../../src/web/counter/print.views.tsx';
import { renderPage } from '../../src/web/render.ts';
import { APPLICANT, buildProcedure, buildWorld, type World } from '../support/factories.ts';
import { pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { FormClient } from './support/form-client.ts';

/**
 * Issue 14 §2–3 over plain HTTP: the tracking secret has one name, "Mã bảo mật tra cứu", on every page,
 * form and message that speaks of it; it is typed from paper in any case, with spaces or without its
 * dashes; the secrets issued before keep working; the answer to an online submission links to the
 * tracking page by the absolute address of IDESK_PUBLIC_URL, and by the path alone without it — never
 * by the request's Host.
 */
const NAME = 'mã bảo mật tra cứu';
const PUBLIC_URL = 'https://dichvucong.gialai.example.vn';
const SECRET_FORMAT = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

let app: TestApp;
let bare: TestApp;
let w: World;
let procedure: ProcedureView;

beforeAll(async () => {
  app = await startTestApp({ env: { IDESK_PUBLIC_URL: PUBLIC_URL } });
  w = await buildWorld(app);
  procedure = await buildProcedure(app, w.departmentId, { requiredPapers: [{ code: 'don', name: 'Đơn đề nghị' }] });
  bare = await startTestApp();
});
afterAll(async () => {
  await app?.close();
  await bare?.close();
});

/** What a person reads on a page: its text, without tags, scripts and styles. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** Every other name the secret went by: none may be left. */
function otherNames(text: string): string[] {
  const found: string[] = [];
  for (const pattern of [/mã bí mật/g, /(?<!hồ sơ và )mã tra cứu/g, /mật mã/g, /mã bảo mật(?! tra cứu)/g, /mật khẩu tra cứu/g, /mã truy cập/g, /\bsecret\b/g, /\btracking\b/g]) {
    for (const m of text.matchAll(pattern)) found.push(text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30));
  }
  return found;
}

function expectOneName(what: string, html: string): void {
  const text = visibleText(html);
  expect(otherNames(text), what).toEqual([]);
  expect(text, what).toContain(NAME);
}

async function submitOnline(client: FormClient, target: TestApp, proc: ProcedureView) {
  const form = await client.get(`/thu-tuc/${proc.id}/nop-ho-so`);
  expect(form.res.status).toBe(200);
  const key = /name="submissionKey" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
  const answer = await client.postMultipart(
    `/thu-tuc/${proc.id}/nop-ho-so`,
    { _csrf: form.token ?? '', submissionKey: key, name: APPLICANT.name, phone: APPLICANT.phone, email: APPLICANT.email, subject: 'Cấp giấy phép bán lẻ rượu' },
    [{ field: 'giay-to-don', name: 'don.pdf', bytes: pdfWith(`don-${Math.random()}`) }],
  );
  // Post/Redirect/Get: the answer is a page of its own, shown by the GET the submission leads to.
  expect(answer.res.status, answer.text.slice(0, 500)).toBe(303);
  const shown = await client.get(answer.res.headers.get('location') ?? '');
  expect(shown.res.status).toBe(200);
  Object.assign(answer, { text: shown.text });
  const code = /id="receipt-code">([^<]+)</.exec(answer.text)?.[1] ?? '';
  const secret = /id="tracking-secret">([^<]+)</.exec(answer.text)?.[1] ?? '';
  const link = /id="tracking-link">([^<]+)</.exec(answer.text)?.[1] ?? '';
  expect(code).toMatch(/^H37\.26-\d{6}-\d{4}$/);
  void target;
  return { html: answer.text, code, secret, link };
}

describe('one name for the tracking secret', () => {
  it('on the portal’s pages: the answer to a submission, the tracking form, its refusals, the expired access, the tracking page', async () => {
    const citizen = new FormClient(app.url);
    const { html, code, secret } = await submitOnline(citizen, app, procedure);
    expect(secret).toMatch(SECRET_FORMAT);
    expectOneName('the answer to an online submission', html);
    expectOneName('the tracking form', (await citizen.get(`/tra-cuu?ma=${code}`)).text);
    expectOneName('the expired access', (await citizen.get(`/tra-cuu?ma=${code}&het-han=1`)).text);
    const { token } = await citizen.get('/tra-cuu');
    expectOneName('the tracking form without a secret', (await citizen.post('/tra-cuu', { _csrf: token as string, code, secret: '' })).text);
    expectOneName('a wrong secret', (await citizen.post('/tra-cuu', { _csrf: token as string, code, secret: 'ABCD-EFGH-JKMN' })).text);
    const tracking = await citizen.get(`/tra-cuu/${code}`);
    expect(tracking.res.status).toBe(200);
    expectOneName('the tracking page', tracking.text);
  });

  it('on the counter’s receipt, with the secret just issued and reprinted without it', async () => {
    const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const form = (await w.http.get(`/api/dossiers/${res.body.id}/forms/receipt`, { token: w.onestop.token })).body;
    const fresh = renderPage(
      <div>
        {FreshReceiptNotice({ code: res.body.code, form: 'receipt' })}
        {FormSlip({ form, trackingUrl: `${PUBLIC_URL}/tra-cuu?ma=${res.body.code}`, secret: 'ABCD-EFGH-JKMN' })}
      </div>,
    );
    expectOneName('the fresh receipt', fresh);
    const clerk = new FormClient(app.url);
    await clerk.login(w.onestop.username, w.onestop.password);
    const reprint = await clerk.get(`/dossiers/${res.body.id}/forms/receipt`);
    expect(reprint.res.status).toBe(200);
    expectOneName('the reprinted receipt', reprint.text);
  });

  it('in the notices to the applicant, which never carry the secret itself', () => {
    const kinds: ApplicantNoticeKind[] = ['received', 'supplement-requested', 'new-appointment', 'apology', 'result-ready'];
    for (const kind of kinds) {
      const notice = composeApplicantNotice(
        { dossierId: 1, kind, channel: 'email', dueAt: '2026-03-16T02:00:00.000Z', supplementBy: '2026-03-20T10:00:00.000Z', guidance: '1. Hợp đồng thuê kho', reason: 'Cần xác minh' },
        { code: 'H37.26-260302-0001', applicantName: APPLICANT.name, procedureName: procedure.name },
        { publicUrl: PUBLIC_URL, agencyName: 'Sở Công Thương tỉnh Gia Lai', serviceCentreName: 'Trung tâm Phục vụ hành chính công tỉnh Gia Lai' },
      );
      expect(otherNames(`${notice.subject} ${notice.text}`.toLowerCase()), kind).toEqual([]);
      expect(notice.text.toLowerCase(), kind).toContain(NAME);
    }
  });

  it('a scan that finds the old names where they are (the test can fail)', () => {
    expect(otherNames(visibleText('<p>Nhập mã bí mật.</p><label>Mã bảo mật:</label><p>Xem mã tra cứu.</p>'))).toHaveLength(3);
    expect(otherNames(visibleText('<p>Mã bảo mật tra cứu</p><input name="secret">'))).toEqual([]);
  });
});

describe('the secret typed from paper', () => {
  it('opens the dossier typed in lower case, with spaces or without its dashes, on the portal and the public API', async () => {
    const citizen = new FormClient(app.url);
    const { code, secret } = await submitOnline(citizen, app, procedure);
    const compact = secret.replace(/-/g, '');
    for (const typed of [secret.toLowerCase(), ` ${compact.slice(0, 4)} ${compact.slice(4, 8)} ${compact.slice(8)} `, compact.toLowerCase()]) {
      const phone = new FormClient(app.url);
      const { token } = await phone.get(`/tra-cuu?ma=${code}`);
      const answer = await phone.post('/tra-cuu', { _csrf: token as string, code: code.toLowerCase(), secret: typed });
      expect(answer.res.status, typed).toBe(303);
      expect(answer.res.headers.get('location')).toBe(`/tra-cuu/${code}`);
      expect((await phone.get(`/tra-cuu/${code}`)).res.status).toBe(200);
      const api = await fetch(`${app.url}/api/public/dossiers/${code}`, { headers: { 'x-tracking-secret': typed.trim() } });
      expect(api.status, typed).toBe(200);
    }
    // One character off is a wrong secret, changing nothing.
    const before = await fingerprint(app.deps.db);
    const wrong = `${compact.slice(0, 11)}${compact[11] === '2' ? '3' : '2'}`;
    expect((await fetch(`${app.url}/api/public/dossiers/${code}`, { headers: { 'x-tracking-secret': wrong } })).status).toBe(404);
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('a secret of the old format (randomToken(18), stored as its sha256) keeps working, exactly as issued', async () => {
    const res = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT });
    expect(res.status).toBe(201);
    const old = 'Qx7-kP_2mZa9LwE4rT0bN8cV';
    await app.deps.db('dossiers').where({ id: res.body.id }).update({ tracking_secret_hash: sha256Hex(old) });
    expect((await fetch(`${app.url}/api/public/dossiers/${res.body.code}`, { headers: { 'x-tracking-secret': old } })).status).toBe(200);
    // Case matters for the old format: it was issued so.
    expect((await fetch(`${app.url}/api/public/dossiers/${res.body.code}`, { headers: { 'x-tracking-secret': old.toLowerCase() } })).status).toBe(404);
    const phone = new FormClient(app.url);
    const { token } = await phone.get('/tra-cuu');
    const answer = await phone.post('/tra-cuu', { _csrf: token as string, code: res.body.code, secret: ` ${old} ` });
    expect(answer.res.status).toBe(303);
    expect((await phone.get(`/tra-cuu/${res.body.code}`)).res.status).toBe(200);
  });
});

describe('the tracking link on the answer to an online submission', () => {
  it('is absolute from IDESK_PUBLIC_URL, whatever Host the request named', async () => {
    const citizen = new FormClient(app.url);
    const { code, link, html } = await submitOnline(citizen, app, procedure);
    expect(link).toBe(`${PUBLIC_URL}/tra-cuu?ma=${code}`);
    expect(html).toContain(`href="${PUBLIC_URL}/tra-cuu?ma=${code}"`);
    expect(html).not.toContain('127.0.0.1');
  });

  it('is the path alone when IDESK_PUBLIC_URL is not set (no address taken from the Host header)', async () => {
    const bw = await buildWorld(bare);
    const proc = await buildProcedure(bare, bw.departmentId, { requiredPapers: [{ code: 'don', name: 'Đơn đề nghị' }] });
    const citizen = new FormClient(bare.url);
    const { code, link, html } = await submitOnline(citizen, bare, proc);
    expect(link).toBe(`/tra-cuu?ma=${code}`);
    expect(html).not.toMatch(/https?:\/\/[^"<]*\/tra-cuu/);
  });
});
