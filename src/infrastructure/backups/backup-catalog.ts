import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Config } from '../../config.ts';
import { isPostgres, type Db, type Executor } from '../../db/db.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { MANIFEST, type BackupManifest } from './backup-files.ts';

/**
 * The catalog of backups is the `backups` table, but what exists is the folders under the backup
 * directory, each described by its manifest. A restore brings the table back as it was at the backup
 * instant: it knows nothing of the backups made since, whose folders are still there, and its id
 * sequence would hand out their numbers again. So the folders are the ground truth: the table is brought
 * in line with them after a restore and before a number is given out, and `verify` and `restore` find a
 * backup by folder name or by number among them.
 */

/** A backup folder whose manifest could be read. */
export interface BackupFolder {
  name: string;
  dir: string;
  manifest: BackupManifest;
  manifestSha256: string;
  /** Bytes of the files the manifest lists, plus the manifest. */
  sizeBytes: number;
  /** When the manifest was written: the copy was complete then. */
  writtenAt: Date;
}

const KINDS = new Set(['scheduled', 'manual', 'cli']);
/** Folder names runBackup gives: idesk-<instant>-<id>. */
const FOLDER_NAME = /^idesk-\d{8}T\d{6}Z-(\d+)$/;

/** A backup's folder: a bare name is looked up under the backup directory, anything else is a path. */
export function backupPath(config: Readonly<Config>, nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.includes(path.sep) || nameOrPath === '.' || nameOrPath === '..') return path.resolve(nameOrPath);
  return path.join(config.backup.dir, nameOrPath);
}

/** Every folder under the backup directory with a readable idesk manifest, by number. Unreadable ones are left to `verify`. */
export async function readBackupFolders(config: Readonly<Config>): Promise<BackupFolder[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(config.backup.dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  const found: BackupFolder[] = [];
  for (const entry of entries) {
    // `.partial-…`: a backup being made (or abandoned), not one.
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = path.join(config.backup.dir, entry.name);
    try {
      const file = path.join(dir, MANIFEST);
      const text = await fs.promises.readFile(file);
      const manifest = JSON.parse(text.toString('utf8')) as BackupManifest;
      if (manifest?.format !== 'idesk-backup/1' || !Array.isArray(manifest.files) || !manifest.database || !Number.isSafeInteger(manifest.backupId)) continue;
      found.push({
        name: entry.name,
        dir,
        manifest,
        manifestSha256: createHash('sha256').update(text).digest('hex'),
        sizeBytes: manifest.files.reduce((sum, f) => sum + (Number.isFinite(f.size) ? f.size : 0), 0) + text.length,
        writtenAt: (await fs.promises.stat(file)).mtime,
      });
    } catch {
      continue;
    }
  }
  return found.sort((a, b) => a.manifest.backupId - b.manifest.backupId || (a.name < b.name ? -1 : 1));
}

/**
 * Finds a backup's folder by folder name, folder path or number (the id `backup list` shows).
 * @param db the live catalog, to say what became of a backup whose folder is gone; optional (a restore
 *   must not open the database it replaces).
 * @throws NotFoundError NO_SUCH_BACKUP when no folder answers to it; ValidationError AMBIGUOUS_BACKUP when
 *   two folders carry the number (made before numbers were kept past a restore): name the folder then.
 */
export async function findBackup(config: Readonly<Config>, ref: string, db?: Executor): Promise<string> {
  const dir = backupPath(config, ref);
  // A folder that is there is the backup asked for, even with its manifest missing: verify says what is wrong.
  if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return dir;
  let row: Record<string, unknown> | undefined;
  if (/^[1-9][0-9]{0,15}$/.test(ref)) {
    const id = Number(ref);
    const folders = (await readBackupFolders(config)).filter((f) => f.manifest.backupId === id || FOLDER_NAME.exec(f.name)?.[1] === ref);
    if (folders.length === 1) return folders[0]!.dir;
    if (folders.length > 1) {
      throw new ValidationError('AMBIGUOUS_BACKUP', `backup number ${ref} names ${folders.length} folders (${folders.map((f) => f.name).join(', ')}): give the folder name`);
    }
    row = db ? await db('backups').where({ id }).first('id', 'name', 'status') : undefined;
  } else if (db && !ref.includes('/')) {
    row = await db('backups').where({ name: ref }).first('id', 'name', 'status');
  }
  const known = row ? ` — the catalog lists backup ${row.id} (${row.name ?? 'no folder'}) as ${row.status}, and its folder is not there` : '';
  throw new NotFoundError('NO_SUCH_BACKUP', `no such backup: ${ref}${known || ` (no folder of that name, nor a backup numbered so, in ${config.backup.dir})`}`, { ref });
}

/**
 * Brings the catalog in line with the backup directory. A folder the table does not list is recorded as
 * succeeded — not verified since: `backup verify` checks it — under its own number when that is free.
 * With `afterRestore`, rows the restored table shows as queued or running whose folder is in place (they
 * were under way at the backup instant and finished afterwards) are recorded as finished likewise. On
 * PostgreSQL the id sequence is then moved past every number (SQLite's AUTOINCREMENT follows by itself),
 * so the next backup never reuses one.
 * @returns the ids of the rows added.
 */
export async function reconcileBackupCatalog(db: Executor, config: Readonly<Config>, options: { afterRestore?: boolean } = {}): Promise<number[]> {
  const folders = await readBackupFolders(config);
  if (folders.length === 0) return [];
  const run = async (trx: Executor): Promise<number[]> => {
    // Two processes reconciling at once would both add the same folder.
    if (isPostgres(trx)) await trx.raw('LOCK TABLE backups IN SHARE ROW EXCLUSIVE MODE');
    const rows: Array<{ id: number; name: string | null; status: string }> = await trx('backups').select('id', 'name', 'status');
    const byName = new Map(rows.filter((r) => r.name !== null).map((r) => [r.name as string, r]));
    const ids = new Set(rows.map((r) => Number(r.id)));
    let maxId = Math.max(0, ...ids);
    const added: number[] = [];
    for (const folder of folders) {
      const { manifest } = folder;
      const known = byName.get(folder.name);
      const finished = {
        status: 'succeeded',
        size_bytes: folder.sizeBytes,
        sha256: folder.manifestSha256,
        verified: null,
        verification: `found in the backup directory${options.afterRestore ? ' after a restore' : ''}; not verified since (npm run idesk -- backup verify ${folder.name})`,
        error: null,
        finished_at: folder.writtenAt.toISOString(),
      };
      if (known) {
        if (options.afterRestore && (known.status === 'queued' || known.status === 'running')) await trx('backups').where({ id: known.id }).update(finished);
        continue;
      }
      const id = ids.has(manifest.backupId) ? maxId + 1 : manifest.backupId;
      await trx('backups').insert({
        id,
        kind: KINDS.has(manifest.kind) ? manifest.kind : 'cli',
        requested_by: null,
        database_client: manifest.database.client,
        name: folder.name,
        created_at: instantOr(manifest.createdAt, folder.writtenAt),
        started_at: instantOr(manifest.createdAt, folder.writtenAt),
        ...finished,
      });
      ids.add(id);
      maxId = Math.max(maxId, id);
      added.push(id);
    }
    if (added.length > 0 && isPostgres(trx)) {
      await trx.raw(
        `SELECT setval(pg_get_serial_sequence('backups', 'id'), GREATEST(?, COALESCE(pg_sequence_last_value(pg_get_serial_sequence('backups', 'id')::regclass), 0)))`,
        [maxId],
      );
    }
    return added;
  };
  return (db as Knex.Transaction).isTransaction ? run(db) : (db as Db).transaction(run);
}

function instantOr(text: unknown, fallback: Date): string {
  const at = new Date(typeof text === 'string' ? text : Number.NaN);
  return Number.isNaN(at.getTime()) ? fallback.toISOString() : at.toISOString();
}
