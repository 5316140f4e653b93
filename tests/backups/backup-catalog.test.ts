import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/db.ts';
import { reconcileBackupCatalog } from '../../src/infrastructure/backups/backup-catalog.ts';
import { createBackupRow, runBackup, type BackupView } from '../../src/infrastructure/backups/backup.service.ts';
import { createLogger } from '../../src/logger.ts';
import { runTs } from '../support/child-process.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_DB } from '../support/test-db.ts';
import { backupEnv, cleanupAll } from './backup-support.ts';

/**
 * §3.15: `backup verify 2` and `backup verify nosuch` said "manifest cannot be read"; after a restore,
 * `backup list` hid the backups made since and the next backup reused a number. The catalog survives a
 * restore now: the backup directory's manifests are what exists.
 */
let app: TestApp;
let env: Record<string, string>;
const logger = createLogger('silent');

beforeAll(async () => {
  app = await startTestApp({ env: backupEnv() });
  const { config } = app.deps;
  env = {
    DATABASE_URL: config.database.client === 'pg' ? config.database.url : `sqlite:${config.database.filename}`,
    DATA_DIR: config.dataDir,
    BACKUP_DIR: config.backup.dir,
  };
});
afterAll(async () => {
  await app.close();
  await cleanupAll();
});

const deps = () => ({ db: app.deps.db, config: app.deps.config, logger, clock: () => new Date() });

describe(`the backup catalog (${TEST_DB})`, () => {
  let made: BackupView[] = [];

  it('verify names a missing backup "no such backup", with exit code 3, by name or by number; a number that exists is verified', async () => {
    made = [await runBackup(deps(), { kind: 'cli' })];
    for (const ref of ['nosuch', '2', '0x1']) {
      const answer = await runTs('src/cli/idesk.ts', ['backup', 'verify', ref], env);
      expect(answer.code, `${ref}: ${answer.stdout}${answer.stderr}`).toBe(3);
      expect(answer.stderr).toMatch(new RegExp(`^no such backup: ${ref} \\(no folder of that name, nor a backup numbered so, in .*\\)\\n$`));
      expect(answer.stdout).toBe('');
    }
    const byNumber = await runTs('src/cli/idesk.ts', ['backup', 'verify', String(made[0]!.id)], env);
    expect(byNumber.code, byNumber.stderr).toBe(0);
    expect(byNumber.stdout).toMatch(/^ok: checksums ok/);
  }, 60_000);

  it('after a restore, list shows the backups made since, and the next backup takes a number past them all', async () => {
    made.push(await runBackup(deps(), { kind: 'cli' }), await runBackup(deps(), { kind: 'scheduled' }));
    const [first, second, third] = made as [BackupView, BackupView, BackupView];
    // The service stops (it holds the database) and the first backup is restored over its database.
    await app.deps.databaseLock?.release();
    const restored = await runTs('src/cli/idesk.ts', ['restore', String(first.id)], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`backups made after it, recorded again in the catalog: ${second.id}, ${third.id}`);

    const list = await runTs('src/cli/idesk.ts', ['backup', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toBe('3 backups');
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual([
      [String(third.id), 'succeeded', 'scheduled'],
      [String(second.id), 'succeeded', 'cli'],
      [String(first.id), 'succeeded', 'cli'],
    ]);

    const next = await runTs('src/cli/idesk.ts', ['backup'], env);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(new RegExp(`^backup ${third.id + 1} succeeded: idesk-\\d{8}T\\d{6}Z-${third.id + 1}\\n`));

    // The restored database, opened afresh (on SQLite the file was replaced), lists them all with their checksums.
    const db = createDb(app.deps.config.database);
    try {
      const rows = await db('backups').orderBy('id').select('id', 'name', 'status', 'sha256');
      expect(rows.map((r) => [r.id, r.name, r.status])).toEqual([...made.map((b) => [b.id, b.name, 'succeeded']), [third.id + 1, expect.stringMatching(/^idesk-/), 'succeeded']]);
      expect(rows.slice(0, 3).map((r) => r.sha256)).toEqual(made.map((b) => b.sha256));
    } finally {
      await db.destroy();
    }
  }, 120_000);

  it('a folder whose number the catalog gave to another backup is recorded under a fresh number, and numbers go on past it', async () => {
    const db = createDb(app.deps.config.database);
    try {
      const rows = await db('backups').orderBy('id').select('id', 'name');
      const last = rows.at(-1)!;
      // A copy of a backup folder under another name, claiming a number the catalog already uses.
      const copy = path.join(app.deps.config.backup.dir, 'copied-by-hand');
      fs.cpSync(path.join(app.deps.config.backup.dir, last.name), copy, { recursive: true });
      const added = await reconcileBackupCatalog(db, app.deps.config);
      expect(added).toEqual([last.id + 1]);
      expect(await db('backups').where({ id: last.id + 1 }).first('name', 'status', 'verified')).toMatchObject({ name: 'copied-by-hand', status: 'succeeded', verified: null });
      expect(await reconcileBackupCatalog(db, app.deps.config)).toEqual([]);
      const row = await createBackupRow(db, app.deps.config, 'cli', null, new Date());
      expect(row.id).toBe(last.id + 2);
    } finally {
      await db.destroy();
    }
  });
});
