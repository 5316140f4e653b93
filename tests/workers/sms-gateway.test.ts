import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSms, SmsGatewayError } from '../../src/infrastructure/sms/sms-gateway.ts';
import { freePort } from '../support/redis-server.ts';

/**
 * The SMS gateway client against a real local HTTP server: what it sends, and which failures are worth
 * another try (a timeout, 5xx, 408, 429, nobody listening) and which are not (another 4xx).
 */
let server: Server;
let base: string;
const seen: Array<{ path: string; auth: string | undefined; body: unknown }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body: raw ? JSON.parse(raw) : null });
      const status = Number(/\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
      // /hang never answers: the client's timeout must end the wait.
      if (req.url === '/hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'OK' : `refused ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const gateway = (path: string, extra: { token?: string | null; timeoutMs?: number } = {}) => ({ url: `${base}${path}`, token: extra.token === undefined ? 'tok' : extra.token, sender: 'SCT GIALAI', timeoutMs: extra.timeoutMs ?? 2_000 });
const message = { to: '84912345678', text: 'Ho so H37.26-260302-0001 da duoc tiep nhan.', reference: 'applicant-received-sms-1-20260302T020000000Z' };

async function failure(path: string, extra = {}): Promise<SmsGatewayError> {
  try {
    await sendSms(gateway(path, extra), message);
  } catch (err) {
    expect(err).toBeInstanceOf(SmsGatewayError);
    return err as SmsGatewayError;
  }
  throw new Error('sent');
}

describe('the SMS gateway client', () => {
  it('posts the message as JSON with the sender, the number, the text, the reference and the bearer token', async () => {
    await sendSms(gateway('/status/200'), message);
    expect(seen.at(-1)).toEqual({ path: '/status/200', auth: 'Bearer tok', body: { from: 'SCT GIALAI', ...message } });
    await sendSms(gateway('/status/202', { token: null }), message);
    expect(seen.at(-1)?.auth).toBeUndefined();
  });

  it('counts 5xx, 408, 429, a timeout and a refused connection as worth another try; another 4xx as final', async () => {
    for (const status of [500, 503, 408, 429]) expect((await failure(`/status/${status}`)).permanent, String(status)).toBe(false);
    for (const status of [400, 401, 403, 404, 422]) {
      const err = await failure(`/status/${status}`);
      expect(err.permanent, String(status)).toBe(true);
      expect(err.message).toBe(`SMS gateway answered ${status}: refused ${status}`);
    }
    const started = Date.now();
    const slow = await failure('/hang', { timeoutMs: 300 });
    expect(slow.permanent).toBe(false);
    expect(slow.message).toContain('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    const nobody = await sendSms({ ...gateway('/'), url: `http://127.0.0.1:${await freePort()}/` }, message).catch((err: SmsGatewayError) => err);
    expect(nobody).toBeInstanceOf(SmsGatewayError);
    expect((nobody as SmsGatewayError).permanent).toBe(false);
  });
});
