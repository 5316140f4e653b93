import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationSource } from '../../migrations/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createDb, migrateLatest } from '../../src/db/db.ts';
import { announceGeneratedPassword, ensureFirstAdmin, INITIAL_PASSWORD_FILE } from '../../src/first-admin.ts';
import { createLogger } from '../../src/logger.ts';
import { spawnTs, type Spawned } from '../support/child-process.ts';
import { freePort, TestRedis } from '../support/redis-server.ts';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../support/test-db.ts';
import { randomPrefix } from '../support/test-workers.ts';

/**
 * Start-up as operators run it: real `bin/api.ts` and `bin/worker.ts` processes (tsx) on a fresh database.
 * Replicas behind a load balancer start at the same moment; each must come up whoever migrates first.
 */
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

interface Fresh {
  database: TestDatabase;
  env: Record<string, string>;
}

/** An empty database (never migrated), a data directory and a Redis of the test's own. */
async function fresh(redis: TestRedis): Promise<Fresh> {
  const database = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-startup-'));
  cleanups.push(async () => {
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const url = database.database.client === 'pg' ? database.database.url : `sqlite:${database.database.filename}`;
  return { database, env: { DATABASE_URL: url, DATA_DIR: dataDir, REDIS_URL: redis.url, QUEUE_PREFIX: randomPrefix(), LOG_LEVEL: 'info' } };
}

function track(p: Spawned): Spawned {
  cleanups.push(async () => void p.child.kill('SIGKILL'));
  return p;
}

async function login(port: number, username: string, password: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
}

let redis: TestRedis;
async function sharedRedis(): Promise<TestRedis> {
  if (!redis) {
    redis = await TestRedis.start();
    cleanups.push(() => redis.stop());
  }
  return redis;
}

describe(`replicas started at the same moment on a fresh ${TEST_DB} database`, () => {
  it('all come up healthy: the schema is migrated once and the first admin created once', async () => {
    const { database, env } = await fresh(await sharedRedis());
    const ports = [await freePort(), await freePort()];
    const all = [
      ...ports.map((port) => track(spawnTs('bin/api.ts', [], { ...env, PORT: String(port), IDESK_ADMIN_PASSWORD: 'Quan-tri-2026' }))),
      track(spawnTs('bin/worker.ts', [], { ...env, IDESK_ADMIN_PASSWORD: 'Quan-tri-2026' })),
      track(spawnTs('bin/worker.ts', [], { ...env, IDESK_ADMIN_PASSWORD: 'Quan-tri-2026' })),
    ];
    await Promise.all(all.map((p) => p.waitFor(/"msg":"idesk (API listening|workers running)"/, 90_000)));
    for (const port of ports) {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await login(port, 'admin', 'Quan-tri-2026')).status).toBe(200);
    }
    const admins = await database.db('users').whereRaw('lower(username) = ?', ['admin']).select('id');
    expect(admins).toHaveLength(1);
    const migrations = await database.db('knex_migrations').select('name');
    expect(migrations.map((m) => m.name).sort()).toEqual((await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m)).sort());
    for (const p of all) expect(p.output()).not.toMatch(/"level":(50|60)|failed to start/);
    expect(await Promise.all(all.map((p) => p.stop()))).toEqual([0, 0, 0, 0]);
  }, 150_000);
});

describe('the first admin', () => {
  it('a weak IDESK_ADMIN_PASSWORD ends start-up with one clear line and a non-zero exit, and creates no account', async () => {
    const { database, env } = await fresh(await sharedRedis());
    const api = track(spawnTs('bin/api.ts', [], { ...env, PORT: String(await freePort()), IDESK_ADMIN_PASSWORD: 'Admin-2026-so-cong-thuong' }));
    expect(await api.exited).toBe(2);
    expect(api.stderr()).toBe('idesk: configuration error: IDESK_ADMIN_PASSWORD is too weak for the account "admin": it must not contain the username\n');
    expect(api.output()).not.toMatch(/\n\s+at /);
    expect(await database.db('users').count({ n: '*' }).first()).toMatchObject({ n: 0 });
  }, 60_000);

  it('a generated password never reaches output that is not a terminal: it is written to a file only the owner can read, and the log names the file', async () => {
    const { env } = await fresh(await sharedRedis());
    const port = await freePort();
    const api = track(spawnTs('bin/api.ts', [], { ...env, PORT: String(port), IDESK_ADMIN_PASSWORD: '' }));
    await api.waitFor(/"msg":"idesk API listening"/, 60_000);
    const file = path.join(env.DATA_DIR!, INITIAL_PASSWORD_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(10);
    expect(api.output()).not.toContain(password);
    expect(api.output()).toContain(JSON.stringify(file));
    const answer = await login(port, 'admin', password);
    expect(answer.status).toBe(200);
    expect(await api.stop()).toBe(0);
  }, 60_000);

  it('created by two processes at once (outside the schema lock, as a CLI might): one creates it, the other takes it as done', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    await migrateLatest(database.db);
    const url = database.database.client === 'pg' ? database.database.url : `sqlite:${database.database.filename}`;
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, IDESK_ADMIN_PASSWORD: 'Quan-tri-2026', SCRYPT_COST: '1024' });
    const pools = [createDb(database.database), createDb(database.database)];
    try {
      await Promise.all(pools.map((db) => ensureFirstAdmin(db, config, createLogger('silent'), new Date())));
    } finally {
      for (const db of pools) await db.destroy();
    }
    expect(await database.db('users').whereRaw('lower(username) = ?', ['admin']).select('id')).toHaveLength(1);
  });

  it('on a terminal the generated password is shown there, and no file is written', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-tty-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    let shown = '';
    announceGeneratedPassword('Sinh-ra-2026', dataDir, createLogger('silent'), { isTTY: true, write: (text: string) => (shown += text) });
    expect(shown).toContain('"admin" with the password Sinh-ra-2026');
    expect(fs.existsSync(path.join(dataDir, INITIAL_PASSWORD_FILE))).toBe(false);
  });
});
