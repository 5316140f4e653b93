import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { isPostgres, type Db, type Executor } from '../../db/db.ts';
import { bool, iso } from '../../lib/rows.ts';
import type { ActorRef } from '../../domain/audit/event-log.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { lockDatabaseForRestore } from '../../db/database-locks.ts';
import { jobIdStamp, writeOutbox, type AddJob } from '../../domain/outbox/outbox.ts';
import { backupPath, findBackup, reconcileBackupCatalog } from './backup-catalog.ts';
import { TMP_DIR } from '../../files/file-store.ts';
import { checkBackupFiles, copyTree, describeFile, FILES_DIR, isSafeRelativePath, writeManifest, type BackupManifest } from './backup-files.ts';
import { dumpPostgres, listPostgresArchive, postgresCatalogSha256, redactSecrets, restoreIntoScratch, restorePostgres } from './postgres-backup.ts';
import { checkSqliteCopy, copySqliteOnline, countSqliteRows, restoreSqliteFile, sqliteCatalogSha256 } from './sqlite-backup.ts';

/**
 * Backups (Điều 5.3: the data are backed up every two weeks — the schedule lives in workers/schedulers.ts,
 * its interval in config.backup.everyDays). Each backup is a folder `<config.backup.dir>/<name>/` with the
 * database copy, `files/` (the file store) and `manifest.json` (every file's path, size and sha256). The
 * `backups` table is the catalog: status, size, the manifest's sha256, and the verification result.
 */

export type BackupKind = 'scheduled' | 'manual' | 'cli';
export type BackupStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'pruned';

export interface BackupView {
  id: number;
  kind: BackupKind;
  status: BackupStatus;
  requestedBy: number | null;
  databaseClient: string;
  /** Folder name under the backup directory. */
  name: string | null;
  /** Bytes of the whole folder (database copy, files and manifest). */
  sizeBytes: number | null;
  /** sha256 of manifest.json, which holds the sha256 of every other file. */
  sha256: string | null;
  verified: boolean | null;
  verification: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface BackupDeps {
  db: Db;
  config: Readonly<Config>;
  logger: Logger;
  clock: () => Date;
}

/** What to back up: a row made earlier (by the API) or a new one of this kind. */
export type BackupRequest = { backupId: number } | { kind: Exclude<BackupKind, 'manual'> };

/** A backup that must not be restored (or cannot be found), with what is wrong with it. */
export class BackupRefusedError extends Error {
  override readonly name = 'BackupRefusedError';
}

/** A backup whose copy was made but did not pass its own verification. */
export class BackupVerificationError extends Error {
  override readonly name = 'BackupVerificationError';
}

const DB_FILE = { sqlite: 'database.sqlite', pg: 'database.dump' } as const;
/** A backup still 'running' this long after it started belongs to a process that is gone. */
const INTERRUPTED_AFTER_MS = 24 * 3_600_000;

let appVersion: string | undefined;
function readAppVersion(): string {
  if (appVersion === undefined) {
    try {
      appVersion = String(JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version);
    } catch {
      appVersion = 'unknown';
    }
  }
  return appVersion;
}

/** 2026-03-02T02:00:00.000Z → 20260302T020000Z */
function compactInstant(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function toView(row: Record<string, unknown>): BackupView {
  return {
    id: row.id as number,
    kind: row.kind as BackupKind,
    status: row.status as BackupStatus,
    requestedBy: (row.requested_by as number | null) ?? null,
    databaseClient: row.database_client as string,
    name: (row.name as string | null) ?? null,
    sizeBytes: row.size_bytes === null || row.size_bytes === undefined ? null : Number(row.size_bytes),
    sha256: (row.sha256 as string | null) ?? null,
    verified: row.verified === null || row.verified === undefined ? null : bool(row.verified),
    verification: (row.verification as string | null) ?? null,
    error: (row.error as string | null) ?? null,
    createdAt: iso(row.created_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/**
 * Inserts a catalog row ('queued') and names its folder after its creation instant and id. The catalog
 * is first brought in line with the backup directory, so the number is past every backup there (after a
 * restore the restored table would otherwise hand out the numbers of backups made since).
 */
export async function createBackupRow(db: Executor, config: Readonly<Config>, kind: BackupKind, requestedBy: number | null, now: Date): Promise<BackupView> {
  await reconcileBackupCatalog(db, config);
  const at = now.toISOString();
  const [inserted] = await db('backups')
    .insert({ kind, status: 'queued', requested_by: requestedBy, database_client: isPostgres(db) ? 'pg' : 'sqlite', created_at: at })
    .returning('id');
  const id = typeof inserted === 'object' ? (inserted as { id: number }).id : (inserted as number);
  await db('backups').where({ id }).update({ name: `idesk-${compactInstant(now)}-${id}` });
  return toView(await db('backups').where({ id }).first());
}

/**
 * Records an admin's request for a backup and, in the same transaction, the job that will make it (the
 * outbox relay hands it to the maintenance worker after commit, under the deterministic id `backup-<id>`).
 * @returns the queued backup.
 */
export async function requestBackup(db: Db, config: Readonly<Config>, actor: ActorRef, now: Date): Promise<BackupView> {
  return db.transaction(async (trx) => {
    const backup = await createBackupRow(trx, config, 'manual', actor.kind === 'user' ? actor.id : null, now);
    const job: AddJob = { action: 'add', queue: 'maintenance', name: 'backup', jobId: `backup-${backup.id}-${jobIdStamp(backup.createdAt)}`, payload: { backupId: backup.id }, runAt: null };
    await writeOutbox(trx, [job], now.toISOString());
    return backup;
  });
}

/** The catalog, newest first, a page at a time. */
export async function listBackups(
  db: Executor,
  options: { page?: number; pageSize?: number } = {},
): Promise<{ items: BackupView[]; total: number; page: number; pageSize: number }> {
  const page = options.page ?? 1;
  const pageSize = options.pageSize ?? 50;
  const total = Number((await db('backups').count({ n: '*' }).first())?.n ?? 0);
  const rows = await db('backups')
    .orderBy('id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { items: rows.map(toView), total, page, pageSize };
}

/** Marks the row running unless it is finished already; null when there is nothing to do. */
async function claimBackup(db: Db, id: number, now: Date): Promise<BackupView | null> {
  const at = now.toISOString();
  const claimed = await db('backups')
    .where({ id })
    // 'running' and 'failed' too: a job that runs again (after a crash, or BullMQ's retry) redoes the backup.
    .whereIn('status', ['queued', 'running', 'failed'])
    .update({ status: 'running', started_at: at, finished_at: null, error: null, size_bytes: null, sha256: null, verified: null, verification: null });
  const row = await db('backups').where({ id }).first();
  if (!row) throw new NotFoundError('NOT_FOUND', `No backup ${id}`);
  return claimed === 0 ? null : toView(row);
}

function databaseUrl(config: Readonly<Config>): string | null {
  return config.database.client === 'pg' ? config.database.url : null;
}

function errorText(err: unknown, config: Readonly<Config>): string {
  return redactSecrets(err instanceof Error ? err.message : String(err), databaseUrl(config)).slice(0, 1000);
}

/**
 * Checks a backup folder: re-hashes every file against the manifest (and the manifest against the
 * catalog's sha256 when given), then opens the database copy — SQLite: read-only, `PRAGMA
 * integrity_check`, foreign keys, schema and row counts; PostgreSQL: `pg_restore --list`, and with `db`
 * a restore into a scratch database whose row counts must equal those at the dump's snapshot.
 */
export async function verifyBackup(
  deps: { config: Readonly<Config>; db?: Db },
  nameOrPath: string,
  expectedManifestSha256?: string | null,
): Promise<{ ok: boolean; text: string; manifest: BackupManifest | null; manifestSha256: string | null; totalBytes: number }> {
  const dir = backupPath(deps.config, nameOrPath);
  const files = await checkBackupFiles(dir, expectedManifestSha256);
  if (!files.ok || !files.manifest) {
    return { ok: false, text: `checksums: ${files.problems.join('; ')}`.slice(0, 1000), manifest: files.manifest, manifestSha256: files.manifestSha256, totalBytes: files.totalBytes };
  }
  const { manifest } = files;
  const parts = [`checksums ok (${manifest.files.length} files, ${files.totalBytes} bytes)`];
  const dbFile = path.join(dir, ...manifest.database.file.split('/'));
  let ok = true;
  if (manifest.database.client === 'sqlite') {
    const check = checkSqliteCopy(dbFile, manifest.database.rowCounts);
    ok = check.ok;
    parts.push(check.text);
  } else {
    const list = await listPostgresArchive(dbFile);
    ok = list.ok;
    parts.push(list.text);
    if (ok && deps.db && isPostgres(deps.db) && deps.config.database.client === 'pg') {
      const scratch = await restoreIntoScratch(deps.db, deps.config.database.url, dbFile, manifest.database.rowCounts);
      ok = scratch.ok;
      parts.push(scratch.text);
    }
  }
  return { ok, text: parts.join('; ').slice(0, 1000), manifest, manifestSha256: files.manifestSha256, totalBytes: files.totalBytes };
}

/**
 * Makes one backup now: marks the catalog row running, copies the database online (SQLite backup API, or
 * pg_dump at an exported snapshot) and the file store into a work folder, writes the manifest, moves the
 * folder into place, verifies it, and records the outcome; then applies the retention setting. A backup
 * already finished (a job delivered twice) is returned as it is.
 * @throws the error that made the backup fail, after recording it on the row (status 'failed' and the
 *   message): the job must fail visibly, never quietly. NotFoundError for an unknown backupId.
 */
export async function runBackup(deps: BackupDeps, request: BackupRequest, now: Date = deps.clock()): Promise<BackupView> {
  const { db, config, logger } = deps;
  const id = 'backupId' in request ? request.backupId : (await createBackupRow(db, config, request.kind, null, now)).id;
  const claimed = await claimBackup(db, id, now);
  if (!claimed) {
    const done = toView(await db('backups').where({ id }).first());
    logger.info({ backupId: id, status: done.status }, 'backup already finished; nothing to do');
    return done;
  }
  // A row left 'running' by a process that died (or by a restore of a backup taken while it ran) would stay so forever.
  await db('backups')
    .whereNot({ id })
    .where({ status: 'running' })
    .where('started_at', '<', new Date(now.getTime() - INTERRUPTED_AFTER_MS).toISOString())
    .update({ status: 'failed', error: 'interrupted: the process making it stopped', finished_at: now.toISOString() });

  const name = claimed.name ?? `idesk-${compactInstant(now)}-${id}`;
  const finalDir = path.join(config.backup.dir, name);
  const workDir = path.join(config.backup.dir, `.partial-${name}-${randomBytes(4).toString('hex')}`);
  let verification: { ok: boolean; text: string } | null = null;
  let placed = false;
  logger.info({ backupId: id, name, client: config.database.client }, 'backup started');
  try {
    // The copy holds everything, password hashes included: readable by the service's account only.
    await fs.promises.mkdir(workDir, { recursive: true, mode: 0o700 });
    const dbFile = DB_FILE[config.database.client];
    let rowCounts: Record<string, number>;
    if (config.database.client === 'sqlite') {
      if (config.database.filename === ':memory:') throw new Error('an in-memory SQLite database cannot be backed up');
      await copySqliteOnline(config.database.filename, path.join(workDir, dbFile));
      rowCounts = countSqliteRows(path.join(workDir, dbFile));
    } else {
      rowCounts = await dumpPostgres(db, config.database.url, path.join(workDir, dbFile));
    }
    const dbEntry = await describeFile(workDir, dbFile);
    const store = await copyTree(config.filesDir, workDir, FILES_DIR, [config.backup.dir], [path.join(config.filesDir, TMP_DIR)]);
    for (const skipped of store.skipped) logger.warn({ backupId: id, ...skipped }, 'backup: file store entry not copied');
    const manifest: BackupManifest = {
      format: 'idesk-backup/1',
      name,
      backupId: id,
      kind: claimed.kind,
      createdAt: now.toISOString(),
      appVersion: readAppVersion(),
      database: { client: config.database.client, file: dbFile, rowCounts },
      files: [dbEntry, ...store.files],
      skipped: store.skipped,
    };
    const written = await writeManifest(workDir, manifest);
    // Leftover of an earlier attempt at this same backup (it never reached 'succeeded'): replaced.
    await fs.promises.rm(finalDir, { recursive: true, force: true });
    await fs.promises.rename(workDir, finalDir);
    placed = true;

    verification = await verifyBackup({ config, db }, finalDir, written.sha256);
    if (!verification.ok) throw new BackupVerificationError(`the backup did not pass verification: ${verification.text}`);
    const sizeBytes = manifest.files.reduce((sum, f) => sum + f.size, 0) + written.size;
    await db('backups')
      .where({ id })
      .update({
        status: 'succeeded',
        name,
        size_bytes: sizeBytes,
        sha256: written.sha256,
        verified: true,
        verification: verification.text,
        error: null,
        finished_at: deps.clock().toISOString(),
      });
    logger.info({ backupId: id, name, sizeBytes, sha256: written.sha256 }, 'backup succeeded');
  } catch (err) {
    const message = errorText(err, config);
    await fs.promises.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    // A copy that failed verification is not a backup anyone may restore.
    if (placed) await fs.promises.rm(finalDir, { recursive: true, force: true }).catch(() => undefined);
    await db('backups')
      .where({ id })
      .update({
        status: 'failed',
        name,
        error: message,
        verified: verification ? verification.ok : null,
        verification: verification?.text ?? null,
        finished_at: deps.clock().toISOString(),
      });
    logger.error({ backupId: id, name, err: message }, 'backup failed');
    throw err instanceof Error ? Object.assign(err, { message }) : new Error(message);
  }

  await pruneBackups(deps);
  return toView(await db('backups').where({ id }).first());
}

/**
 * Retention: keeps the newest `config.backup.retention` succeeded backups, deletes the folders of older
 * ones and marks them 'pruned'. The folder goes first: a crash in between leaves a row the next pass prunes.
 * @returns the backups pruned now.
 */
export async function pruneBackups(deps: Pick<BackupDeps, 'db' | 'config' | 'logger'>): Promise<number[]> {
  const { db, config, logger } = deps;
  const succeeded = await db('backups').where({ status: 'succeeded' }).orderBy('id', 'desc').select('id', 'name');
  const pruned: number[] = [];
  for (const row of succeeded.slice(config.backup.retention)) {
    const name = row.name as string | null;
    if (name && isSafeRelativePath(name) && !name.includes('/')) {
      await fs.promises.rm(path.join(config.backup.dir, name), { recursive: true, force: true });
    }
    const marked = await db('backups').where({ id: row.id, status: 'succeeded' }).update({ status: 'pruned' });
    if (marked > 0) pruned.push(row.id as number);
  }
  if (pruned.length > 0) logger.info({ pruned, retention: config.backup.retention }, 'old backups pruned');
  return pruned;
}

export interface RestoreResult {
  name: string;
  databaseClient: 'sqlite' | 'pg';
  /** Where the live database files and file store were moved (SQLite and files only). */
  movedAside: string[];
  files: number;
  /** Whether the manifest's hash was also checked against the live catalog's record. */
  catalogChecked: boolean;
  verification: string;
  manifestSha256: string;
  /** Bytes of the backup folder's files and manifest. */
  sizeBytes: number;
}

/**
 * Restores a backup over the configured database and file store. First the database is taken
 * exclusively (src/db/database-locks.ts): while any idesk process holds it — the API, a worker, `npm
 * start`, another command — the restore is refused before anything is read or moved, since a running
 * process would go on writing to the database that is set aside (SQLite) or into the restored one
 * (PostgreSQL). Nothing is touched until every file matches the manifest (and the manifest matches the
 * live catalog's sha256 when the live database still has it) and the database copy passes its check.
 * SQLite: the live file and its -wal/-shm are moved aside to `<file>.before-restore-<stamp>` and the copy
 * is put in place. PostgreSQL: the schema is replaced by the archive's in one transaction. The file
 * store is moved aside likewise and the backup's files copied in.
 * @throws ConflictError DATABASE_IN_USE while a process holds the database; NotFoundError NO_SUCH_BACKUP;
 *   BackupRefusedError when the backup is altered, for the other database client, or fails its check.
 */
export async function restoreBackup(config: Readonly<Config>, nameOrPath: string, logger: Logger): Promise<RestoreResult> {
  const lock = await lockDatabaseForRestore(config.database);
  try {
    return await restoreLocked(config, nameOrPath, logger);
  } finally {
    await lock.release();
  }
}

async function restoreLocked(config: Readonly<Config>, nameOrPath: string, logger: Logger): Promise<RestoreResult> {
  const dir = await findBackup(config, nameOrPath);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) throw new BackupRefusedError(`refusing to restore ${dir}: it has no manifest.json`);
  const name = path.basename(dir);
  const expected =
    config.database.client === 'sqlite' ? sqliteCatalogSha256(config.database.filename, name) : await postgresCatalogSha256(config.database.url, name);
  const check = await verifyBackup({ config }, dir, expected);
  if (!check.ok || !check.manifest) throw new BackupRefusedError(`refusing to restore ${dir}: ${check.text}`);
  const { manifest } = check;
  if (manifest.database.client !== config.database.client) {
    throw new BackupRefusedError(`refusing to restore ${dir}: it holds a ${manifest.database.client} database and this service uses ${config.database.client}`);
  }
  const stamp = `${compactInstant(new Date())}-${randomBytes(3).toString('hex')}`;
  const dbFile = path.join(dir, ...manifest.database.file.split('/'));
  const movedAside: string[] = [];
  if (config.database.client === 'sqlite') {
    movedAside.push(...(await restoreSqliteFile(dbFile, config.database.filename, stamp)));
  } else {
    await restorePostgres(config.database.url, dbFile);
  }
  logger.info({ name, client: config.database.client, movedAside }, 'database restored from backup');

  const storeFiles = manifest.files.filter((f) => f.path.startsWith(`${FILES_DIR}/`));
  if (fs.existsSync(config.filesDir)) {
    const aside = `${config.filesDir}.before-restore-${stamp}`;
    await fs.promises.rename(config.filesDir, aside);
    movedAside.push(aside);
  }
  if (storeFiles.length > 0) await fs.promises.mkdir(config.filesDir, { recursive: true });
  for (const file of storeFiles) {
    const to = path.join(config.filesDir, ...file.path.slice(FILES_DIR.length + 1).split('/'));
    await fs.promises.mkdir(path.dirname(to), { recursive: true });
    await fs.promises.copyFile(path.join(dir, ...file.path.split('/')), to, fs.constants.COPYFILE_EXCL);
  }
  logger.info({ name, files: storeFiles.length }, 'file store restored from backup');
  return {
    name,
    databaseClient: config.database.client,
    movedAside,
    files: storeFiles.length,
    catalogChecked: expected !== null,
    verification: check.text,
    manifestSha256: check.manifestSha256 as string,
    sizeBytes: check.totalBytes,
  };
}

/**
 * After a restore, puts the restored catalog right. The restored backup's own row shows it as it was
 * when its copy was taken, 'running': it is recorded as succeeded and verified (it just restored: its
 * checksums and copy were checked). Backups made after it, whose folders are still in the backup
 * directory, are recorded again (reconcileBackupCatalog), so that `backup list` shows them and the next
 * backup takes a number past theirs. Kept apart from restoreBackup, whose result is exactly the data at
 * the backup instant.
 * @returns whether the restored backup's row was there to update, and the ids of the rows added.
 */
export async function recordRestoredBackup(db: Db, config: Readonly<Config>, result: RestoreResult, now: Date): Promise<{ updated: boolean; added: number[] }> {
  const updated = await db('backups')
    .where({ name: result.name, status: 'running' })
    .update({
      status: 'succeeded',
      size_bytes: result.sizeBytes,
      sha256: result.manifestSha256,
      verified: true,
      verification: `restored from this backup at ${now.toISOString()}: ${result.verification}`.slice(0, 1000),
    });
  const added = await reconcileBackupCatalog(db, config, { afterRestore: true });
  return { updated: updated > 0, added };
}
