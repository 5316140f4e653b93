import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Http } from '../support/http.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * What happens around the routes: requests Node's parser refuses, the security headers on every answer,
 * and CORS for the public API only.
 */
let app: TestApp;
let http: Http;
const PORTAL = 'https://dichvucong.binhdinh.gov.vn';

beforeAll(async () => {
  app = await startTestApp({ env: { CORS_ORIGINS: `${PORTAL}, http://localhost:8080` } });
  http = new Http(app.url);
});
afterAll(() => app.close());

/** Sends raw bytes and reads the whole answer (the server closes the connection after refusing). */
function rawRequest(text: string): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body });
    });
  });
}

describe('requests the HTTP parser refuses answer in the error shape', () => {
  it('a huge query string → 414 URI_TOO_LONG', async () => {
    const res = await rawRequest(`GET /api/dossiers?code=${'A'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(res.status).toBe(414);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'URI_TOO_LONG', message: expect.any(String), details: null } });
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(res.headers).toMatch(/x-content-type-options: nosniff/i);
  });

  it('huge headers → 431 HEADERS_TOO_LARGE', async () => {
    const res = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(40_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body).error.code).toBe('HEADERS_TOO_LARGE');
  });

  it('garbage → 400 BAD_REQUEST', async () => {
    const res = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('BAD_REQUEST');
  });

  it('the server still answers afterwards', async () => {
    expect((await http.get('/healthz')).status).toBe(200);
  });
});

describe('security headers', () => {
  it('every answer carries a strict CSP, Referrer-Policy and nosniff; no HSTS over plain HTTP', async () => {
    for (const res of [await http.get('/healthz'), await http.get('/api/dossiers'), await http.get('/nowhere'), await http.get('/openapi.json')]) {
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('Strict-Transport-Security when the deployment is HTTPS-only (SECURE_COOKIES=1)', async () => {
    const secure = await startTestApp({ env: { SECURE_COOKIES: '1' } });
    try {
      const res = await new Http(secure.url).get('/healthz');
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await secure.close();
    }
  });
});

describe('CORS for /api/public/* from CORS_ORIGINS', () => {
  it('a preflight from the portal is allowed, without credentials', async () => {
    const res = await http.request('OPTIONS', '/api/public/dossiers', undefined, {
      headers: { origin: PORTAL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, idempotency-key' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('answers from the portal name it, errors included, and expose the documented headers', async () => {
    const ok = await http.get('/api/public/procedures', { headers: { origin: PORTAL } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/X-Request-Id/);
    const missing = await http.get('/api/public/dossiers/H37.26-260302-019999?secret=x', { headers: { origin: PORTAL } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe(PORTAL);
  });

  it('another origin gets no CORS headers, and its preflight is refused in the error shape', async () => {
    const res = await http.get('/api/public/procedures', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await http.request('OPTIONS', '/api/public/dossiers', undefined, { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.body.error.code).toBe('CORS_ORIGIN_NOT_ALLOWED');
  });

  it('staff routes never answer CORS, even to the portal', async () => {
    const res = await http.get('/api/dossiers', { headers: { origin: PORTAL } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await http.request('OPTIONS', '/api/dossiers', undefined, { headers: { origin: PORTAL, 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with CORS_ORIGINS empty, nobody', async () => {
    const plain = await startTestApp();
    try {
      const res = await new Http(plain.url).get('/api/public/procedures', { headers: { origin: PORTAL } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it('CORS_ORIGINS takes origins only', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://portal.example/' })).toThrow(/CORS_ORIGINS/);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).corsOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
  });
});
