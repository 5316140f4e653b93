import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { lockDatabaseForRestore } from '../../src/db/database-locks.ts';
import { createDb } from '../../src/db/db.ts';
import { createLogger } from '../../src/logger.ts';
import { runTs, spawnTs } from '../support/child-process.ts';
import { freePort } from '../support/redis-server.ts';
import { createTestDatabase, TEST_DB } from '../support/test-db.ts';
import { randomPrefix } from '../support/test-workers.ts';
import { cleanupAll, tempDir } from './backup-support.ts';

/**
 * §3.1: `restore` while the service runs answered success, and what the service wrote afterwards went to
 * the file set aside. Now a restore is refused, changing nothing, while any process holds the database,
 * and goes through once it has stopped.
 */
afterAll(cleanupAll);

const PASSWORD = 'Quan-tri-2026';

async function setUp() {
  const database = await createTestDatabase();
  const dataDir = tempDir('idesk-restore-running-');
  const url = database.database.client === 'pg' ? database.database.url : `sqlite:${database.database.filename}`;
  const env = { DATABASE_URL: url, DATA_DIR: dataDir, BACKUP_DIR: path.join(dataDir, 'backups'), IDESK_ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'info', SCRYPT_COST: '1024' };
  return { database, dataDir, env };
}

async function holidays(database: Awaited<ReturnType<typeof createTestDatabase>>): Promise<string[]> {
  // A new pool each time: on SQLite a restore replaces the file an older connection would still read.
  const db = createDb(database.database);
  try {
    return (await db('calendar_overrides').orderBy('date').select('date')).map((r) => String(r.date));
  } finally {
    await db.destroy();
  }
}

describe(`restore while the service runs (${TEST_DB})`, () => {
  it('is refused with a clear message, exit code 4 and nothing changed; after the service stops it restores', async () => {
    const { database, dataDir, env } = await setUp();
    const port = await freePort();
    const api = spawnTs('bin/api.ts', [], { ...env, PORT: String(port), REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: randomPrefix() });
    try {
      await api.waitFor(/"msg":"idesk API listening"/, 60_000);
      const backup = await runTs('src/cli/idesk.ts', ['backup'], env);
      expect(backup.code, backup.stderr).toBe(0);
      const name = /succeeded: (idesk-\S+)/.exec(backup.stdout)?.[1] as string;
      expect(name).toBeTruthy();

      // A write the service makes after the backup.
      const base = `http://127.0.0.1:${port}`;
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
      const { token } = (await login.json()) as { token: string };
      const put = await fetch(`${base}/api/calendar/overrides/2026-04-30`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ kind: 'holiday', name: 'Ngày Giải phóng miền Nam' }),
      });
      expect(put.status).toBe(200);
      // The database's folder (SQLite) and DATA_DIR: a restore would set the database and the file store aside there.
      const watched = [dataDir, ...(database.database.client === 'sqlite' ? [path.dirname(database.database.filename)] : [])];
      const listing = () => watched.map((dir) => fs.readdirSync(dir).sort());
      const before = listing();

      const refused = await runTs('src/cli/idesk.ts', ['restore', name], env);
      expect(refused.code).toBe(4);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/^refusing to restore: .* is in use by .*Stop the service .* Nothing was changed\.\n$/);
      if (TEST_DB === 'postgres') expect(refused.stderr).toMatch(/idesk api /);
      // Nothing moved aside, the service still answers, and what it wrote is still where it wrote it.
      expect(listing()).toEqual(before);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await holidays(database)).toEqual(['2026-04-30']);

      expect(await api.stop()).toBe(0);
      const restored = await runTs('src/cli/idesk.ts', ['restore', name], env);
      expect(restored.code, restored.stderr).toBe(0);
      expect(restored.stdout).toContain(`restored ${name}`);
      expect(await holidays(database)).toEqual([]);
    } finally {
      api.child.kill('SIGKILL');
      await database.drop();
    }
  }, 120_000);

  it('no process starts while a restore holds the database, and starts again once it is over', async () => {
    const { database, env } = await setUp();
    const config = loadConfig({ NODE_ENV: 'test', ...env });
    const restoring = await lockDatabaseForRestore(config.database);
    try {
      await expect(bootstrap(config, createLogger('silent'), { db: database.db })).rejects.toMatchObject({ code: 'RESTORE_IN_PROGRESS', message: expect.stringMatching(/^a restore of .* is in progress/) });
      // Nor an idesk command: it says so and exits 4.
      const cli = await runTs('src/cli/idesk.ts', ['migrate'], env);
      expect(cli.code).toBe(4);
      expect(cli.stderr).toMatch(/^a restore of .* is in progress; start again when it has finished\n$/);
    } finally {
      await restoring.release();
    }
    const deps = await bootstrap(config, createLogger('silent'), { db: database.db });
    // And while it runs, a restore is refused.
    await expect(lockDatabaseForRestore(config.database)).rejects.toMatchObject({ code: 'DATABASE_IN_USE' });
    await deps.databaseLock?.release();
    await (await lockDatabaseForRestore(config.database)).release();
    await database.drop();
  }, 60_000);
});
