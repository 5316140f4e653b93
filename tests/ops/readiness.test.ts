import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../support/factories.ts';
import { Http } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { find, parseSamples } from './prometheus-text.ts';

/** GET /readyz: the database and Redis, public and saying nothing but ok/failed. Liveness stays up regardless. */
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

async function start(options: Parameters<typeof startTestApp>[0] = {}) {
  const app = await startTestApp(options);
  apps.push(app);
  return { app, http: new Http(app.url) };
}

/** Redis connects asynchronously: the first probes after start may still see it connecting. */
async function eventuallyReady(http: Http) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const res = await http.get('/readyz');
    if (res.status === 200 || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('GET /readyz', () => {
  it('is ready with the database and Redis answering, without credentials', async () => {
    const { http } = await start({ queues: true });
    const res = await eventuallyReady(http);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('reports Redis as not configured (and stays ready) when the process runs without queues', async () => {
    const { http } = await start();
    const res = await http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'not-configured' } });
  });

  describe('with Redis unreachable', () => {
    let app: TestApp;
    let http: Http;
    beforeAll(async () => {
      // A closed port: the shared Redis other tests use keeps running.
      ({ app, http } = await start({ queues: true, env: { REDIS_URL: 'redis://127.0.0.1:1' } }));
    });

    it('answers 503 naming Redis, quickly, and nothing more', async () => {
      const started = Date.now();
      const res = await http.get('/readyz');
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'not-ready', checks: { database: 'ok', redis: 'failed' } });
      expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|6379/);
    });

    it('keeps /healthz alive and /metrics answering, without the queue gauges', async () => {
      expect((await http.get('/healthz')).status).toBe(200);
      const { token } = await loginAs(app, 'admin', ADMIN_PASSWORD);
      const res = await http.get('/metrics', { token });
      expect(res.status).toBe(200);
      const samples = parseSamples(res.body);
      expect(find(samples, 'idesk_queue_jobs')).toEqual([]);
      expect(find(samples, 'idesk_backup_last_success_age_seconds')).toHaveLength(1);
    });

    it('answers 503 for the queue dashboard API instead of hanging', async () => {
      const { token } = await loginAs(app, 'admin', ADMIN_PASSWORD);
      const res = await http.get('/admin/queues/api/queues', { token });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('REDIS_UNAVAILABLE');
    });
  });

  it('answers 503 naming the database when it does not answer', async () => {
    const { app, http } = await start();
    await app.deps.db.destroy();
    const res = await http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not-ready', checks: { database: 'failed', redis: 'not-configured' } });
  });
});
