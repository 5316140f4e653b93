import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpoint, verifyEventLog } from '../../src/domain/audit/event-log.ts';
import { BackupRefusedError, restoreBackup, runBackup, verifyBackup, type BackupView } from '../../src/infrastructure/backups/backup.service.ts';
import { notify } from '../../src/domain/notifications/notifications.service.ts';
import { createLogger } from '../../src/logger.ts';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { attachDocFile, buildDocumentWorld, createDoc, fireDoc, INCOMING, OUTGOING, signedOutgoing } from '../support/documents.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { pdfWith, postPapers } from '../support/papers.ts';
import { TEST_DB } from '../support/test-db.ts';
import { ALL_TABLES, backupEnv, cleanupAll, corrupt, freshTarget, snapshotTables, tableRows, tempDir } from './backup-support.ts';

/**
 * Backup and restore (Điều 5.3) without concurrent writers: a restored database equals the original row by
 * row, the file store comes back, an altered backup is refused, retention prunes the oldest, and a failed
 * backup is recorded as such.
 */
let app: TestApp;
let w: World;
const logger = createLogger('silent');
const DB_FILE = TEST_DB === 'sqlite' ? 'database.sqlite' : 'database.dump';
const PAPER = pdfWith('backed up');
const PAPER_SHA = createHash('sha256').update(PAPER).digest('hex');
const PAPER_PATH = `files/${PAPER_SHA.slice(0, 2)}/${PAPER_SHA}`;

beforeAll(async () => {
  app = await startTestApp({ env: backupEnv({ BACKUP_RETENTION: '2' }) });
  w = await buildWorld(app);
  // Something in every table: dossiers moved along (with an idempotency key) and a paper, a calendar
  // override, an API token, notifications and an audit checkpoint.
  for (let i = 0; i < 3; i++) {
    const created = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (i === 0) expect((await postPapers(app.url, `/api/dossiers/${created.body.id}/papers`, [{ kind: 'other', name: 'Đơn.pdf', bytes: PAPER }], { authorization: `Bearer ${w.onestop.token}` })).status).toBe(201);
    const assigned = await w.http.post(
      `/api/dossiers/${created.body.id}/events`,
      { type: 'ASSIGN', version: created.body.version, assigneeId: w.specialist.id },
      { token: w.lead.token, headers: { 'Idempotency-Key': `assign-${i}` } },
    );
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
  }
  expect((await w.http.put('/api/calendar/overrides/2026-04-30', { kind: 'holiday', name: 'Ngày Giải phóng miền Nam' }, { token: w.admin.token })).status).toBe(200);
  expect((await w.http.post('/api/admin/api-tokens', { name: 'một cửa quốc gia', userId: w.onestop.id, roles: ['onestop'] }, { token: w.admin.token })).status).toBe(201);
  await notify(app.deps.db, [w.lead.id, w.specialist.id], { kind: 'step-reminder', subjectType: 'dossier', subjectId: 1, title: 'Sắp đến hạn', body: 'Hồ sơ sắp đến hạn', dedupeKey: 'r-1' }, app.clock.now().toISOString(), { email: false });
  // A failed and a successful login over HTTP: the throttle's counters and a known browser.
  await w.http.post('/api/auth/login', { username: w.onestop.username, password: 'not-the-password-2026' });
  expect((await w.http.post('/api/auth/login', { username: w.onestop.username, password: w.onestop.password })).status).toBe(200);
  // Documents: an incoming one with its scan, directed, distributed, forwarded and answered by an outgoing
  // one sent to a department (which receives it as an incoming copy).
  {
    const dw = await buildDocumentWorld(app);
    const incoming = await createDoc(dw.http, dw.clerk, INCOMING);
    await attachDocFile(app, incoming.id, dw.clerk, 'scan', PAPER);
    await fireDoc(dw.http, incoming, dw.director, 'DIRECT', { lead: { departmentId: dw.trade.id, dueAt: '2026-03-20T10:00:00.000Z' }, text: 'QLTM xử lý' });
    await fireDoc(dw.http, incoming, dw.clerk, 'DISTRIBUTE');
    await fireDoc(dw.http, incoming, dw.lead, 'FORWARD', { userId: dw.specialist.id });
    const reply = await signedOutgoing(app, dw, { ...OUTGOING, typeCode: 'CV', recipients: { internal: [dw.energy.id] } }, PAPER);
    await fireDoc(dw.http, reply, dw.clerk, 'ISSUE');
    await fireDoc(dw.http, incoming, dw.specialist, 'ANSWER', { outgoingId: reply.id });
  }
  // A procedure's form (mẫu đơn) in procedure_templates: the paper's content, so the store holds no more files.
  {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PAPER)], { type: 'application/pdf' }), 'Mẫu 01.pdf');
    expect((await fetch(`${app.url}/api/procedure-templates`, { method: 'POST', headers: { authorization: `Bearer ${w.admin.token}` }, body: form })).status).toBe(201);
  }
  await createCheckpoint(app.deps.db, app.clock.now());

  // The file store: nested files, binary content, and a link that points out of the store.
  const store = app.deps.config.filesDir;
  fs.mkdirSync(path.join(store, '2026', '03'), { recursive: true });
  fs.writeFileSync(path.join(store, '2026', '03', 'to-trinh.pdf'), Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]));
  fs.writeFileSync(path.join(store, 'readme.txt'), 'tài liệu dùng chung\n');
  const outside = path.join(tempDir('idesk-bk-outside-'), 'secret.txt');
  fs.writeFileSync(outside, 'not part of the store');
  fs.symlinkSync(outside, path.join(store, 'link-out'));
});
afterAll(async () => {
  await app.close();
  await cleanupAll();
});

const deps = () => ({ db: app.deps.db, config: app.deps.config, logger, clock: app.clock.now });
const folderOf = (b: BackupView) => path.join(app.deps.config.backup.dir, b.name as string);

describe('backup and restore', () => {
  let backup: BackupView;
  let before: Record<string, string[]>;

  it('makes a verified backup of the database and the file store, described by its manifest', async () => {
    before = await snapshotTables(app.deps.db);
    for (const table of ALL_TABLES.filter((t) => t !== 'backups')) expect(before[table]!.length, `${table} has rows`).toBeGreaterThan(0);
    backup = await runBackup(deps(), { kind: 'cli' });
    expect(backup).toMatchObject({ kind: 'cli', status: 'succeeded', verified: true, databaseClient: TEST_DB === 'sqlite' ? 'sqlite' : 'pg', error: null });
    expect(backup.verification).toMatch(TEST_DB === 'sqlite' ? /checksums ok.*integrity_check ok/ : /checksums ok.*pg_restore --list ok.*row counts equal/);

    const dir = folderOf(backup);
    const manifestText = fs.readFileSync(path.join(dir, 'manifest.json'));
    const manifest = JSON.parse(manifestText.toString('utf8'));
    // The row's checksum is the manifest's; the manifest holds every other file's.
    expect(backup.sha256).toBe((await import('node:crypto')).createHash('sha256').update(manifestText).digest('hex'));
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual([DB_FILE, 'files/2026/03/to-trinh.pdf', PAPER_PATH, 'files/readme.txt'].sort());
    // The store's tmp folder (uploads in flight) is no part of a backup.
    expect(manifest.skipped).toEqual([{ path: 'files/link-out', reason: 'symbolic link (not followed)' }]);
    expect(fs.existsSync(path.join(dir, 'files', 'link-out'))).toBe(false);
    expect(manifest.database).toMatchObject({ client: TEST_DB === 'sqlite' ? 'sqlite' : 'pg', file: DB_FILE });
    expect(manifest.database.rowCounts.dossiers).toBe(3);
    const onDisk = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(backup.sizeBytes).toBe(onDisk.reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0));
    // No work folder is left behind.
    expect(fs.readdirSync(app.deps.config.backup.dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('restores into a fresh database whose every table equals the original at the backup instant, and the file store', async () => {
    const target = await freshTarget(app.deps.config.backup.dir);
    const result = await restoreBackup(target.config, backup.name as string, logger);
    expect(result).toMatchObject({ name: backup.name, files: 3, catalogChecked: false });
    const restored = await snapshotTables(target.open());
    // At the backup instant the source held what it held before, plus this backup's row, then running.
    const source = await snapshotTables(app.deps.db);
    for (const table of ALL_TABLES.filter((t) => t !== 'backups')) {
      expect(restored[table], table).toEqual(before[table]);
      expect(restored[table], table).toEqual(source[table]);
    }
    const [row] = await target.open()('backups').select('*');
    const [final] = await app.deps.db('backups').where({ id: backup.id }).select('*');
    expect(restored.backups).toHaveLength(1);
    expect(row).toEqual({ ...final, status: 'running', size_bytes: null, sha256: null, verified: null, verification: null, finished_at: null });
    expect((await verifyEventLog(target.open())).ok).toBe(true);

    const store = target.config.filesDir;
    expect(fs.readFileSync(path.join(store, '2026', '03', 'to-trinh.pdf'))).toEqual(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]));
    expect(fs.readFileSync(path.join(store, 'readme.txt'), 'utf8')).toBe('tài liệu dùng chung\n');
    expect(fs.existsSync(path.join(store, 'link-out'))).toBe(false);
  });

  it('restores over a database whose schema grew since the backup (a later migration added a table referencing users)', async () => {
    const target = await freshTarget(app.deps.config.backup.dir);
    await restoreBackup(target.config, backup.name as string, logger);
    const live = target.open();
    await live.schema.createTable('later_things', (t) => {
      t.integer('id').primary();
      t.integer('user_id').notNullable().references('id').inTable('users');
    });
    await live('later_things').insert({ id: 1, user_id: w.lead.id });
    if (TEST_DB === 'sqlite') await live.destroy();
    await restoreBackup(target.config, backup.name as string, logger);
    const restored = TEST_DB === 'sqlite' ? (await import('../../src/db/db.ts')).createDb(target.config.database) : target.open();
    try {
      expect(await restored.schema.hasTable('later_things')).toBe(false);
      const tables = ALL_TABLES.filter((t) => t !== 'backups');
      expect(await snapshotTables(restored, tables)).toEqual(Object.fromEntries(tables.map((t) => [t, before[t]])));
    } finally {
      if (TEST_DB === 'sqlite') await restored.destroy();
    }
  });

  it('restores over a live database: the old data is moved aside (SQLite) or replaced (PostgreSQL), and rows equal the backup again', async () => {
    const target = await freshTarget(app.deps.config.backup.dir);
    await restoreBackup(target.config, backup.name as string, logger);
    const first = await snapshotTables(target.open());
    // Changes made after the restore…
    await target.open()('users').where({ id: w.lead.id }).update({ full_name: 'Changed after the restore' });
    fs.writeFileSync(path.join(target.config.filesDir, 'later.txt'), 'written after the restore');
    if (TEST_DB === 'sqlite') await target.open().destroy();
    // …are undone by restoring again; on SQLite the file that held them is kept beside it.
    const again = await restoreBackup(target.config, path.join(app.deps.config.backup.dir, backup.name as string), logger);
    if (TEST_DB === 'sqlite') {
      const live = (target.config.database as { filename: string }).filename;
      expect(again.movedAside.some((p) => p.startsWith(`${live}.before-restore-`))).toBe(true);
      const { createDb } = await import('../../src/db/db.ts');
      const reopened = createDb(target.config.database);
      try {
        expect(await snapshotTables(reopened)).toEqual(first);
      } finally {
        await reopened.destroy();
      }
    } else {
      expect(await snapshotTables(target.open())).toEqual(first);
    }
    expect(again.movedAside.some((p) => p.startsWith(`${target.config.filesDir}.before-restore-`))).toBe(true);
    expect(fs.existsSync(path.join(target.config.filesDir, 'later.txt'))).toBe(false);
  });

  it('refuses a backup whose database copy was altered, and changes nothing', async () => {
    const copy = await runBackup(deps(), { kind: 'cli' });
    corrupt(path.join(folderOf(copy), DB_FILE));
    const check = await verifyBackup({ config: app.deps.config }, copy.name as string);
    expect(check.ok).toBe(false);
    expect(check.text).toContain(`${DB_FILE}: sha256`);

    const target = await freshTarget(app.deps.config.backup.dir);
    await restoreBackup(target.config, backup.name as string, logger);
    const restored = await snapshotTables(target.open());
    await expect(restoreBackup(target.config, copy.name as string, logger)).rejects.toThrow(BackupRefusedError);
    await expect(restoreBackup(target.config, copy.name as string, logger)).rejects.toThrow(/refusing to restore .*database\.(sqlite|dump): sha256 .* differs/);
    expect(await snapshotTables(target.open())).toEqual(restored);
  });

  it('refuses a backup with an altered or missing file, or a manifest rewritten to match', async () => {
    const copy = await runBackup(deps(), { kind: 'cli' });
    const dir = folderOf(copy);
    const target = await freshTarget(app.deps.config.backup.dir);

    fs.appendFileSync(path.join(dir, 'files', 'readme.txt'), 'x');
    await expect(restoreBackup(target.config, dir, logger)).rejects.toThrow(/files\/readme\.txt: \d+ bytes, the manifest says/);
    fs.rmSync(path.join(dir, 'files', 'readme.txt'));
    await expect(restoreBackup(target.config, dir, logger)).rejects.toThrow(/files\/readme\.txt: missing/);

    // Someone replaces a file and rewrites the manifest so that it matches: only the catalog's hash catches it.
    fs.writeFileSync(path.join(dir, 'files', 'readme.txt'), 'forged');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const entry = manifest.files.find((f: { path: string }) => f.path === 'files/readme.txt');
    entry.size = 6;
    entry.sha256 = (await import('node:crypto')).createHash('sha256').update('forged').digest('hex');
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    expect((await verifyBackup({ config: app.deps.config }, dir)).ok).toBe(true);
    const check = await verifyBackup({ config: app.deps.config }, dir, copy.sha256);
    expect(check.ok).toBe(false);
    expect(check.text).toMatch(/manifest\.json: sha256 .* differs from the catalog's/);
    // Restoring over the source's own database (whose catalog has the row) is refused before anything moves:
    // while the app runs because it holds the database, and once it lets go, because of the catalog's hash.
    const fingerprint = await snapshotTables(app.deps.db);
    await expect(restoreBackup(app.deps.config, copy.name as string, logger)).rejects.toMatchObject({ code: 'DATABASE_IN_USE' });
    await app.deps.databaseLock?.release();
    await expect(restoreBackup(app.deps.config, copy.name as string, logger)).rejects.toThrow(/differs from the catalog's/);
    expect(await snapshotTables(app.deps.db)).toEqual(fingerprint);
    expect(fs.readFileSync(path.join(app.deps.config.filesDir, 'readme.txt'), 'utf8')).toBe('tài liệu dùng chung\n');

    await expect(restoreBackup(target.config, 'no-such-backup', logger)).rejects.toMatchObject({ code: 'NO_SUCH_BACKUP', message: expect.stringMatching(/^no such backup: no-such-backup/) });
  });

  it('keeps the newest BACKUP_RETENTION succeeded backups and prunes the older ones', async () => {
    const made: BackupView[] = [];
    for (let i = 0; i < 3; i++) made.push(await runBackup(deps(), { kind: 'scheduled' }));
    const rows = await app.deps.db('backups').orderBy('id').select('id', 'status', 'name');
    const succeeded = rows.filter((r) => r.status === 'succeeded');
    expect(succeeded.map((r) => r.id)).toEqual(made.slice(-2).map((b) => b.id));
    // Everything older is pruned and its folder is gone; the two newest stay on disk.
    for (const row of rows.filter((r) => r.id < made[1]!.id)) {
      expect(row.status, `backup ${row.id}`).toBe('pruned');
      expect(fs.existsSync(path.join(app.deps.config.backup.dir, row.name))).toBe(false);
    }
    for (const b of made.slice(-2)) expect(fs.existsSync(path.join(folderOf(b), 'manifest.json'))).toBe(true);
  });

  it('does not copy the backup directory into itself when it lies inside the file store', async () => {
    const config = { ...app.deps.config, backup: { ...app.deps.config.backup, dir: path.join(app.deps.config.filesDir, 'backups') } };
    const first = await runBackup({ ...deps(), config }, { kind: 'cli' });
    const second = await runBackup({ ...deps(), config }, { kind: 'cli' });
    const manifest = JSON.parse(fs.readFileSync(path.join(config.backup.dir, second.name as string, 'manifest.json'), 'utf8'));
    expect(first.status).toBe('succeeded');
    expect(manifest.skipped).toContainEqual({ path: 'files/backups', reason: 'the backup directory itself' });
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual([DB_FILE, 'files/2026/03/to-trinh.pdf', PAPER_PATH, 'files/readme.txt'].sort());
    fs.rmSync(config.backup.dir, { recursive: true });
  });

  it('records a backup that fails as failed, with the error, and throws it', async () => {
    // The backup directory cannot be created: a file is in the way.
    const blocked = path.join(tempDir('idesk-bk-blocked-'), 'not-a-dir');
    fs.writeFileSync(blocked, '');
    const config = { ...app.deps.config, backup: { ...app.deps.config.backup, dir: blocked } };
    const succeededBefore = await tableRows(app.deps.db, 'backups');
    await expect(runBackup({ ...deps(), config }, { kind: 'cli' })).rejects.toThrow(/ENOTDIR|EEXIST|not a directory/);
    const failed = await app.deps.db('backups').orderBy('id', 'desc').first();
    expect(failed).toMatchObject({ kind: 'cli', status: 'failed' });
    expect(failed.error).toMatch(/ENOTDIR|EEXIST|not a directory/);
    expect(failed.finished_at).not.toBeNull();
    // Retention did not run after a failure: the earlier rows are as they were.
    expect((await tableRows(app.deps.db, 'backups')).filter((r) => !r.includes(`"id":${failed.id},`))).toEqual(succeededBefore);
  });
});
