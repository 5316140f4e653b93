import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { holdDatabase } from '../db/database-locks.ts';
import { createDb } from '../db/db.ts';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { findBackup, reconcileBackupCatalog } from '../infrastructure/backups/backup-catalog.ts';
import { BackupRefusedError, listBackups, recordRestoredBackup, restoreBackup, runBackup, verifyBackup, type BackupDeps } from '../infrastructure/backups/backup.service.ts';
import { EXIT } from './exit-codes.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `backup` (one backup now, in this process, without Redis: kind 'cli'), `backup list`, `backup verify <name | number>`.
 * @returns the exit code (EXIT): ok, failed (the backup or its verification failed), usage, noSuchBackup.
 */
export async function backupCommand(deps: BackupDeps, args: string[]): Promise<number> {
  const [sub, ref] = args;
  if (sub === undefined) {
    try {
      const backup = await runBackup(deps, { kind: 'cli' });
      out(`backup ${backup.id} ${backup.status}: ${backup.name}`);
      out(`  folder:       ${deps.config.backup.dir}/${backup.name}`);
      out(`  size:         ${backup.sizeBytes} bytes`);
      out(`  sha256:       ${backup.sha256} (of manifest.json)`);
      out(`  verification: ${backup.verification}`);
      return EXIT.ok;
    } catch (e) {
      err(`backup failed: ${(e as Error).message}`);
      return EXIT.failed;
    }
  }
  if (sub === 'list' && ref === undefined) {
    // This process sees the backup directory: the list shows every backup in it, whatever a restore brought back.
    await reconcileBackupCatalog(deps.db, deps.config);
    const { items, total } = await listBackups(deps.db, { pageSize: 100 });
    out(`${total} backups${total > items.length ? ` (newest ${items.length} shown)` : ''}`);
    for (const b of items) {
      out(
        [String(b.id).padStart(5), b.status.padEnd(9), b.kind.padEnd(9), b.createdAt, (b.name ?? '-').padEnd(34), b.sizeBytes === null ? '-' : `${b.sizeBytes} B`]
          .join('  ')
          .trimEnd(),
      );
      if (b.status === 'failed' && b.error) out(`       error: ${b.error}`);
    }
    return EXIT.ok;
  }
  if (sub === 'verify' && ref && args.length === 2) {
    let dir: string;
    try {
      dir = await findBackup(deps.config, ref, deps.db);
    } catch (e) {
      return refused(e);
    }
    const catalog = await deps.db('backups').where({ name: path.basename(dir) }).first('sha256');
    const result = await verifyBackup({ config: deps.config, db: deps.db }, dir, (catalog?.sha256 as string | undefined) ?? null);
    out(`${result.ok ? 'ok' : 'FAILED'}: ${result.text}`);
    return result.ok ? EXIT.ok : EXIT.failed;
  }
  err('usage: npm run idesk -- backup [list | verify <name | number>]');
  return EXIT.usage;
}

/** The one line and the exit code for an error an operator can act on; anything else is rethrown. */
function refused(e: unknown): number {
  if (e instanceof NotFoundError) {
    err(e.message);
    return EXIT.noSuchBackup;
  }
  if (e instanceof ConflictError) {
    err(e.message);
    return EXIT.databaseBusy;
  }
  if (e instanceof ValidationError) {
    err(e.message);
    return EXIT.usage;
  }
  if (e instanceof BackupRefusedError) {
    err(e.message);
    return EXIT.failed;
  }
  throw e;
}

/**
 * `restore <name | number>`: checks the backup, then puts it in place of the database and the file store,
 * and records in the restored catalog the backups made since. Refused, changing nothing, while any process
 * holds the database.
 * @returns the exit code (EXIT): ok, failed (the backup is refused), usage, noSuchBackup, databaseBusy.
 */
export async function restoreCommand(config: Readonly<Config>, args: string[], logger: Logger): Promise<number> {
  const [ref] = args;
  if (!ref || args.length > 1) {
    err('usage: npm run idesk -- restore <backup name, number or folder>');
    return EXIT.usage;
  }
  let result;
  try {
    result = await restoreBackup(config, ref, logger);
  } catch (e) {
    return refused(e);
  }
  out(`restored ${result.name} (${result.databaseClient}; ${result.files} files in the file store)`);
  out(`  checked: ${result.verification}${result.catalogChecked ? '; manifest matches the catalog' : ''}`);
  for (const moved of result.movedAside) out(`  previous data kept at ${moved}`);
  try {
    const lock = await holdDatabase(config.database, 'cli restore');
    const db = createDb(config.database);
    try {
      const { added } = await recordRestoredBackup(db, config, result, new Date());
      if (added.length > 0) out(`  backups made after it, recorded again in the catalog: ${added.join(', ')}`);
    } finally {
      await db.destroy();
      await lock.release();
    }
  } catch (e) {
    // The data are restored; only the catalog is behind, and `backup list` (or the next backup) catches it up.
    err(`warning: the backup catalog could not be brought up to date: ${(e as Error).message}`);
  }
  out('Start the service again; it brings the schema up to date if the backup is older than this version.');
  return EXIT.ok;
}
