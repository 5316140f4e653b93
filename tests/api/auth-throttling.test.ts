import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamEvents } from '../../src/domain/audit/event-log.ts';
import { buildDepartment, buildUser, type TestUser } from '../support/factories.ts';
import { Http, type Answer } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { expectError } from '../support/assertions.ts';

const MINUTE = 60_000;

/**
 * POST /api/auth/login from a given loopback address (127.0.0.0/8 all reach the server on Linux): how
 * the tests play a clerk at her desk and attackers elsewhere without trusting a proxy header.
 */
function loginFrom(app: TestApp, address: string, username: string, password: string, cookie?: string): Promise<Answer> {
  const url = new URL(app.url);
  const payload = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: '/api/auth/login',
        method: 'POST',
        localAddress: address,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'user-agent': 'vitest-throttle',
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) headers.append(name, String(v));
          }
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, headers });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The `idesk_device=…` pair a login answer sets, ready to send back as a Cookie header. */
function deviceCookie(res: Answer): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith('idesk_device='))?.split(';')[0];
}

/** Everything a client sees of an answer but what differs between any two requests (id, date). */
function visible(res: Answer) {
  const headers = [...res.headers.entries()].filter(([name]) => !['x-request-id', 'date', 'connection', 'keep-alive'].includes(name));
  return { status: res.status, body: res.body, headers };
}

async function throttleRows(app: TestApp) {
  return (await app.deps.db('login_throttles').select('*')).map((r) => JSON.stringify(r)).sort();
}

/** Every table the suite fingerprints, plus the throttle counters. */
async function everything(app: TestApp) {
  return { ...(await fingerprint(app.deps.db)), login_throttles: await throttleRows(app) };
}

describe('made-up and existing usernames get the same answers (§3.5)', () => {
  let app: TestApp;
  let departmentId: number;
  beforeAll(async () => {
    app = await startTestApp();
    departmentId = (await buildDepartment(app)).id;
  });
  afterAll(() => app.close());

  it('the same statuses, codes, bodies and headers (Retry-After included) for a real username and `ghost`, attempt after attempt', async () => {
    const user = await buildUser(app, ['clerk'], departmentId);
    const real: Answer[] = [];
    const ghost: Answer[] = [];
    for (let i = 0; i < 8; i++) {
      real.push(await loginFrom(app, '127.0.0.21', user.username, `Wrong-${i}-guess`));
      ghost.push(await loginFrom(app, '127.0.0.21', 'ghost', `Wrong-${i}-guess`));
    }
    expect(real.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    for (let i = 0; i < 8; i++) expect(visible(ghost[i]!), `attempt ${i + 1}`).toEqual(visible(real[i]!));
    expectError(ghost[5]!, 429, 'ACCOUNT_LOCKED');
    expect(ghost[5]!.headers.get('retry-after')).toBe('900');
    // The real account's audit trail has its side of it; the made-up one has no stream at all.
    const types = (await streamEvents(app.deps.db, 'user', user.id)).map((e) => e.type);
    expect(types.filter((t) => t === 'LOGIN_FAILED')).toHaveLength(5);
    expect(types.filter((t) => t === 'ACCOUNT_LOCKED')).toHaveLength(1);
  });

  it('a disabled account answers its right password exactly like a wrong one (and like a made-up username)', async () => {
    const user = await buildUser(app, ['onestop'], departmentId);
    const admin = (await loginFrom(app, '127.0.0.1', 'admin', ADMIN_PASSWORD)).body.token as string;
    expect((await new Http(app.url).patch(`/api/users/${user.id}`, { disabled: true }, { token: admin })).status).toBe(200);
    const right = await loginFrom(app, '127.0.0.22', user.username, user.password);
    const wrong = await loginFrom(app, '127.0.0.22', user.username, 'Wrong-pass-2026');
    const ghost = await loginFrom(app, '127.0.0.22', 'ghost.two', 'Wrong-pass-2026');
    expectError(right, 401, 'INVALID_CREDENTIALS');
    expect(visible(right)).toEqual(visible(wrong));
    expect(visible(right)).toEqual(visible(ghost));
    const failed = (await streamEvents(app.deps.db, 'user', user.id)).filter((e) => e.type === 'LOGIN_FAILED');
    // The audit trail (admins only) says why.
    expect(failed.map((e) => e.payload.reason ?? null)).toEqual(['disabled', null]);
  });
});

describe('made-up usernames cost a password hash too (§3.5 timing)', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A real cost (the suite's usual 1024 takes about a millisecond, lost in the noise): skipping the
    // hash for a made-up username would answer it several times faster than a real one.
    app = await startTestApp({ env: { SCRYPT_COST: String(2 ** 14) } });
  });
  afterAll(() => app.close());

  it('a wrong password costs as much CPU for a made-up username as for a real one', async () => {
    // CPU time of this process (the app runs in it; scrypt's thread-pool time included), not wall-clock
    // time: on a loaded machine the wall clock measures the neighbours, the CPU spent does not move much.
    const user = await buildUser(app, [], null);
    const cpu = async (username: string) => {
      const costs: number[] = [];
      for (let i = 0; i < 4; i++) {
        const started = process.cpuUsage();
        await loginFrom(app, `127.0.1.${i + 1}`, username, 'Wrong-pass-2026');
        const used = process.cpuUsage(started);
        costs.push((used.user + used.system) / 1000);
      }
      return costs.sort((a, b) => a - b)[1]!;
    };
    await cpu('ghost.warm-up');
    const known = await cpu(user.username);
    const unknown = await cpu('ghost.timing');
    expect(unknown, `unknown ${unknown.toFixed(1)} ms of CPU, known ${known.toFixed(1)} ms`).toBeGreaterThan(known / 2);
    expect(unknown).toBeLessThan(known * 2 + 15);
  });
});

describe('throttling by address and by account without handing out lock-outs (§3.10)', () => {
  let app: TestApp;
  let departmentId: number;
  let http: Http;
  beforeAll(async () => {
    app = await startTestApp();
    http = new Http(app.url);
    departmentId = (await buildDepartment(app)).id;
  });
  afterAll(() => app.close());

  async function fail(address: string, username: string, times: number): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let i = 0; i < times; i++) answers.push(await loginFrom(app, address, username, `Wrong-${i}-${address}`));
    return answers;
  }

  /** The same guess spread over `addresses` addresses, five a piece: the most each address may fail. */
  async function distributedAttack(username: string, addresses: number, base: number): Promise<void> {
    for (let a = 0; a < addresses; a++) {
      const answers = await fail(`127.0.${base}.${a + 1}`, username, 5);
      for (const res of answers) expect([401, 429]).toContain(res.status);
    }
  }

  it('five wrong passwords from one address lock that address only: the clerk at her own desk still logs in', async () => {
    const clerk = await buildUser(app, ['clerk'], departmentId);
    for (const res of await fail('127.0.0.66', clerk.username, 5)) expectError(res, 401, 'INVALID_CREDENTIALS');
    const before = await everything(app);
    const locked = await loginFrom(app, '127.0.0.66', clerk.username, clerk.password);
    expectError(locked, 429, 'ACCOUNT_LOCKED');
    expect(locked.headers.get('retry-after')).toBe('900');
    // A locked-out attempt is refused before its password is checked, and neither counts nor writes.
    expect(await everything(app)).toEqual(before);

    const atDesk = await loginFrom(app, '127.0.0.10', clerk.username, clerk.password);
    expect(atDesk.status, JSON.stringify(atDesk.body)).toBe(200);
    const lock = (await streamEvents(app.deps.db, 'user', clerk.id)).find((e) => e.type === 'ACCOUNT_LOCKED')!;
    expect(lock).toMatchObject({ actorKind: 'system', payload: { scope: 'address', ip: expect.stringMatching(/127\.0\.0\.66/) } });
    // The attacker's address stays locked out of that account for the whole lock.
    app.clock.advance(15 * MINUTE - 1000);
    expectError(await loginFrom(app, '127.0.0.66', clerk.username, clerk.password), 429, 'ACCOUNT_LOCKED');
    app.clock.advance(1000);
    expect((await loginFrom(app, '127.0.0.66', clerk.username, clerk.password)).status).toBe(200);
  });

  it('a guess spread over many addresses locks the username for unknown addresses, doubling each time; a known address with the right password still gets in', async () => {
    const clerk = await buildUser(app, ['clerk'], departmentId);
    expect((await loginFrom(app, '127.0.0.11', clerk.username, clerk.password)).status).toBe(200);
    const started = app.clock.now().getTime();
    // 10 × LOGIN_MAX_FAILURES failures over ten addresses.
    await distributedAttack(clerk.username, 10, 2);
    await distributedAttack('ghost.three', 10, 3);

    const before = await everything(app);
    const fromElsewhere = await loginFrom(app, '127.0.9.9', clerk.username, clerk.password);
    expectError(fromElsewhere, 429, 'ACCOUNT_LOCKED');
    expect(fromElsewhere.body.error.details).toEqual({ lockedUntil: new Date(started + 15 * MINUTE).toISOString(), retryAfterSeconds: 900 });
    // A made-up username under the same attack answers the same.
    expect(visible(await loginFrom(app, '127.0.9.9', 'ghost.three', clerk.password))).toEqual(visible(fromElsewhere));
    // Refused before the password is checked: nothing counted, nothing written.
    expect(await everything(app)).toEqual(before);

    // From the desk the clerk logged in from: a wrong password learns nothing, the right one gets in.
    expectError(await loginFrom(app, '127.0.0.11', clerk.username, 'Wrong-at-desk-1'), 429, 'ACCOUNT_LOCKED');
    const atDesk = await loginFrom(app, '127.0.0.11', clerk.username, clerk.password);
    expect(atDesk.status, JSON.stringify(atDesk.body)).toBe(200);

    const locks = (await streamEvents(app.deps.db, 'user', clerk.id)).filter((e) => e.type === 'ACCOUNT_LOCKED' && e.payload.scope === 'account');
    expect(locks).toHaveLength(1);

    // The next wave, once the lock is over, locks for twice as long.
    app.clock.advance(15 * MINUTE);
    expect((await loginFrom(app, '127.0.9.9', clerk.username, clerk.password)).status).toBe(200);
    const second = app.clock.now().getTime();
    await distributedAttack(clerk.username, 10, 4);
    const again = await loginFrom(app, '127.0.9.10', clerk.username, clerk.password);
    expectError(again, 429, 'ACCOUNT_LOCKED');
    expect(again.body.error.details.lockedUntil).toBe(new Date(second + 30 * MINUTE).toISOString());
    expect(again.headers.get('retry-after')).toBe('1800');
  });

  it('password spraying from one address (one guess on each of many usernames) locks that address for accounts that never logged in from it', async () => {
    const regular = await buildUser(app, ['specialist'], departmentId);
    const newcomer = await buildUser(app, ['specialist'], departmentId);
    expect((await loginFrom(app, '127.0.5.1', regular.username, regular.password)).status).toBe(200);
    // 20 × LOGIN_MAX_FAILURES failures, never more than one per username.
    for (let i = 0; i < 100; i++) expectError(await loginFrom(app, '127.0.5.1', `spray.${i}`, 'Mua-xuan-2026'), 401, 'INVALID_CREDENTIALS');
    expectError(await loginFrom(app, '127.0.5.1', newcomer.username, newcomer.password), 429, 'ACCOUNT_LOCKED');
    expect((await loginFrom(app, '127.0.5.1', regular.username, regular.password)).status).toBe(200);
    // Other addresses are not concerned.
    expect((await loginFrom(app, '127.0.5.2', newcomer.username, newcomer.password)).status).toBe(200);
  });

  it('an admin unlock clears every lock on the username at once', async () => {
    const clerk = await buildUser(app, ['clerk'], departmentId);
    await distributedAttack(clerk.username, 10, 6);
    expectError(await loginFrom(app, '127.0.6.1', clerk.username, clerk.password), 429, 'ACCOUNT_LOCKED');
    expectError(await loginFrom(app, '127.0.7.7', clerk.username, clerk.password), 429, 'ACCOUNT_LOCKED');
    const admin = (await loginFrom(app, '127.0.0.1', 'admin', ADMIN_PASSWORD)).body.token as string;
    const shown = await http.get(`/api/users/${clerk.id}`, { token: admin });
    expect(shown.body.lockedUntil).not.toBeNull();
    expect((await http.patch(`/api/users/${clerk.id}`, { unlock: true }, { token: admin })).status).toBe(200);
    expect((await loginFrom(app, '127.0.6.1', clerk.username, clerk.password)).status).toBe(200);
    expect((await loginFrom(app, '127.0.7.7', clerk.username, clerk.password)).status).toBe(200);
  });
});

describe('known browsers: the device cookie (§3.10)', () => {
  let app: TestApp;
  let departmentId: number;
  beforeAll(async () => {
    app = await startTestApp();
    departmentId = (await buildDepartment(app)).id;
  });
  afterAll(() => app.close());

  async function fail(address: string, username: string, times: number, cookie?: string): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let i = 0; i < times; i++) answers.push(await loginFrom(app, address, username, `Wrong-${i}-guess`, cookie));
    return answers;
  }

  it('someone sharing the office address locks that address out of a clerk’s account, not the browser she logged in from before', async () => {
    const clerk = await buildUser(app, ['clerk'], departmentId);
    const first = await loginFrom(app, '127.0.8.1', clerk.username, clerk.password);
    expect(first.status).toBe(200);
    const set = first.headers.getSetCookie().find((c) => c.startsWith('idesk_device='))!;
    const parts = set.split(';').map((p) => p.trim().toLowerCase());
    expect(parts[0]).toMatch(/^idesk_device=idd_[a-z0-9_-]{43}$/);
    expect(parts).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/api/auth']));
    expect(Object.keys(first.body).sort()).toEqual(['expiresAt', 'token', 'user']);
    const device = deviceCookie(first)!;

    // A colleague at the same address (the office's) guesses five times.
    for (const res of await fail('127.0.8.1', clerk.username, 5)) expectError(res, 401, 'INVALID_CREDENTIALS');
    expectError(await loginFrom(app, '127.0.8.1', clerk.username, clerk.password), 429, 'ACCOUNT_LOCKED');
    const mine = await loginFrom(app, '127.0.8.1', clerk.username, clerk.password, device);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    // Known already: no new cookie.
    expect(deviceCookie(mine)).toBeUndefined();
  });

  it('guesses sent with a known browser’s cookie lock that browser only', async () => {
    const clerk = await buildUser(app, ['clerk'], departmentId);
    const device = deviceCookie(await loginFrom(app, '127.0.8.2', clerk.username, clerk.password))!;
    for (const res of await fail('127.0.8.2', clerk.username, 5, device)) expectError(res, 401, 'INVALID_CREDENTIALS');
    const locked = await loginFrom(app, '127.0.8.2', clerk.username, clerk.password, device);
    expectError(locked, 429, 'ACCOUNT_LOCKED');
    expect(locked.headers.get('retry-after')).toBe('900');
    // The address itself was not counted against: another browser there still gets in.
    expect((await loginFrom(app, '127.0.8.2', clerk.username, clerk.password)).status).toBe(200);
    const lock = (await streamEvents(app.deps.db, 'user', clerk.id)).filter((e) => e.type === 'ACCOUNT_LOCKED');
    expect(lock.map((e) => e.payload.scope)).toEqual(['device']);
    // An admin's unlock frees the browser too.
    const admin = (await loginFrom(app, '127.0.0.1', 'admin', ADMIN_PASSWORD)).body.token as string;
    expect((await new Http(app.url).patch(`/api/users/${clerk.id}`, { unlock: true }, { token: admin })).status).toBe(200);
    expect((await loginFrom(app, '127.0.8.2', clerk.username, clerk.password, device)).status).toBe(200);
  });

  it('a device cookie is worth nothing for another username: a made-up one answers as without it, a locked one stays locked', async () => {
    const clerk = await buildUser(app, ['clerk'], departmentId);
    const other = await buildUser(app, ['clerk'], departmentId);
    const device = deviceCookie(await loginFrom(app, '127.0.8.3', clerk.username, clerk.password))!;
    const withCookie = await fail('127.0.8.3', 'ghost.device', 6, device);
    const without = await fail('127.0.8.4', 'ghost.device.two', 6);
    expect(withCookie.map(visible)).toEqual(without.map(visible));
    await fail('127.0.8.3', other.username, 5);
    expectError(await loginFrom(app, '127.0.8.3', other.username, other.password, device), 429, 'ACCOUNT_LOCKED');
  });

  it('keeps an account’s 20 most recent browsers: a script logging in without a cookie jar does not pile them up', async () => {
    const clerk = await buildUser(app, ['clerk'], departmentId);
    let last: string | undefined;
    for (let i = 0; i < 25; i++) {
      app.clock.advance(1000);
      last = deviceCookie(await loginFrom(app, '127.0.8.6', clerk.username, clerk.password));
    }
    const rows = await app.deps.db('login_devices').where({ user_id: clerk.id });
    expect(rows.length).toBeLessThanOrEqual(21);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    await fail('127.0.8.6', clerk.username, 5);
    expect((await loginFrom(app, '127.0.8.6', clerk.username, clerk.password, last)).status).toBe(200);
  });

  it('a browser stays known for 90 days after its last login', async () => {
    const clerk = await buildUser(app, ['clerk'], departmentId);
    const device = deviceCookie(await loginFrom(app, '127.0.8.5', clerk.username, clerk.password))!;
    app.clock.advance(89 * 24 * 3_600_000);
    expect((await loginFrom(app, '127.0.8.5', clerk.username, clerk.password, device)).status).toBe(200);
    app.clock.advance(90 * 24 * 3_600_000);
    await fail('127.0.8.5', clerk.username, 5);
    const expired = await loginFrom(app, '127.0.8.5', clerk.username, clerk.password, device);
    expectError(expired, 429, 'ACCOUNT_LOCKED');
  });
});
