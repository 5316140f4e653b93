import { request as nodeRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 14 §6: without IDESK_PUBLIC_URL the receipt's tracking link and QR code were built from the
 * request's Host header, which the client chooses (a forged Host, or X-Forwarded-Host behind a trusted
 * proxy), so a printed slip could send the citizen to someone else's page to type the secret there.
 * Only the configured address is printed; without it the slip prints no link and no QR code, the clerk
 * is told why, and start-up warns (tests/api/dossier-code.test.ts).
 */
const FORGED = 'evil.example';
const PORTAL = 'https://dichvucong.binhdinh.gov.vn';

/** GETs a page with a Host header of our choosing (fetch does not let a caller set it). */
function getWithHost(base: string, path: string, host: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = nodeRequest(`${base}${path}`, { headers: { ...headers, host, 'x-forwarded-host': host, 'x-forwarded-proto': 'https', accept: 'text/html' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function receiptOf(app: TestApp, w: World) {
  const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT, subject: 'Cấp giấy phép' }, { token: w.onestop.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const page = await getWithHost(app.url, `/dossiers/${res.body.id}/forms/receipt`, FORGED, { cookie: `idesk_session=${w.onestop.token}` });
  expect(page.status).toBe(200);
  return { code: res.body.code as string, text: page.text };
}

const slipOf = (html: string) => /<article class="slip"[\s\S]*<\/article>/.exec(html)?.[0] ?? '';

describe('without IDESK_PUBLIC_URL (a trusted proxy passing X-Forwarded-Host too)', () => {
  let app: TestApp;
  let w: World;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: '1' } });
    w = await buildWorld(app);
  });
  afterAll(() => app.close());

  it('the receipt prints no link and no QR code, nothing of the forged Host, and tells the clerk why', async () => {
    const { code, text } = await receiptOf(app, w);
    expect(text).not.toContain(FORGED);
    expect(text).not.toContain('/tra-cuu?');
    expect(text).not.toContain('class="qr"');
    const slip = slipOf(text);
    expect(slip).toContain(code);
    expect(slip).toContain('Tra cứu trên Cổng dịch vụ công của tỉnh bằng mã hồ sơ');
    // The notice is the clerk's, outside the printed slip.
    expect(slip).not.toContain('IDESK_PUBLIC_URL');
    expect(text).toMatch(/class="print-notice no-print"[\s\S]*IDESK_PUBLIC_URL/);
  });
});

describe('with IDESK_PUBLIC_URL', () => {
  let app: TestApp;
  let w: World;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: '1', IDESK_PUBLIC_URL: PORTAL } });
    w = await buildWorld(app);
  });
  afterAll(() => app.close());

  it('the link and the QR code carry the configured address whatever Host the request named', async () => {
    const { code, text } = await receiptOf(app, w);
    expect(text).not.toContain(FORGED);
    const slip = slipOf(text);
    expect(slip).toContain(`${PORTAL}/tra-cuu?ma=${encodeURIComponent(code)}`);
    expect(slip).toContain('class="qr"');
    expect(text).not.toContain('IDESK_PUBLIC_URL');
  });
});
