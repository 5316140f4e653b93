import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerYear } from '../../src/domain/documents/document-register.ts';
import { spawnTs, type Spawned } from '../support/child-process.ts';
import { buildDocumentWorld, INCOMING } from '../support/documents.ts';
import { freePort } from '../support/redis-server.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_DB } from '../support/test-db.ts';
import { randomPrefix } from '../support/test-workers.ts';

/**
 * Several API processes (as behind a load balancer) registering incoming documents at the same moment
 * (issue 8: "gap-free and unique when clerks register at the same instant, … with several API
 * processes"): real `bin/api.ts` processes on one database, each taking half of the requests.
 */
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

// 200 registrations in all (issue 8, "Done when"), half through each process.
const PER_PROCESS = 100;

describe(`registrations through two API processes at once (${TEST_DB})`, () => {
  it('number the year’s incoming register 1..N with no gap and no duplicate', async () => {
    const app: TestApp = await startTestApp();
    cleanups.push(() => app.close());
    const w = await buildDocumentWorld(app);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-docs-proc-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const url = app.database.database.client === 'pg' ? app.database.database.url : `sqlite:${app.database.database.filename}`;
    const env = { DATABASE_URL: url, DATA_DIR: dataDir, IDESK_ADMIN_PASSWORD: 'Quan-tri-2026', LOG_LEVEL: 'info', SCRYPT_COST: '1024', LOGIN_PER_IP_PER_MINUTE: '10000', QUEUE_PREFIX: randomPrefix(), IDESK_AGENCY_ID: 'H37.26' };
    const ports = [await freePort(), await freePort()];
    const apis: Spawned[] = ports.map((port) => spawnTs('bin/api.ts', [], { ...env, PORT: String(port) }));
    cleanups.push(() => Promise.all(apis.map((a) => a.stop())));
    await Promise.all(apis.map((a) => a.waitFor(/"msg":"idesk API listening"/, 90_000)));

    // The processes run on the real clock: log in there (the test app's sessions live on its own clock).
    const tokens = await Promise.all(
      ports.map(async (port) => {
        const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: w.clerk.username, password: w.clerk.password }) });
        const body = (await res.json()) as { token: string };
        expect(res.status, `login on :${port}: ${JSON.stringify(body)}`).toBe(200);
        return body.token;
      }),
    );
    const sends = ports.flatMap((port, p) =>
      Array.from({ length: PER_PROCESS }, (_, i) =>
        fetch(`http://127.0.0.1:${port}/api/documents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[p]}` },
          body: JSON.stringify({ ...INCOMING, sourceSymbol: `${p}-${i}/UBND` }),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as { number: number; registerYear: number } })),
      ),
    );
    const answers = await Promise.all(sends);
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const year = registerYear(new Date());
    const numbers = answers.filter((a) => a.body.registerYear === year).map((a) => a.body.number).sort((x, y) => x - y);
    // The run may straddle local midnight of 31 December only in theory; every answer is of one year.
    expect(numbers).toEqual(Array.from({ length: PER_PROCESS * ports.length }, (_, i) => i + 1));
    const stored = await app.deps.db('documents').where({ direction: 'incoming', register_year: year }).orderBy('register_number').pluck('register_number');
    expect(stored.map(Number)).toEqual(numbers);
    for (const a of apis) expect(a.output()).not.toMatch(/"level":(50|60)/);
  }, 150_000);
});
