import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createDb } from '../db/db.ts';
import { BackupRefusedError, listBackups, recordRestoredBackup, restoreBackup, runBackup, verifyBackup, type BackupDeps } from '../infrastructure/backups/backup.service.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `backup` (one backup now, in this process, without Redis: kind 'cli'), `backup list`, `backup verify <name>`.
 * @returns the exit code: 0 ok, 1 the backup or its verification failed, 2 usage.
 */
export async function backupCommand(deps: BackupDeps, args: string[]): Promise<number> {
  const [sub, name] = args;
  if (sub === undefined) {
    try {
      const backup = await runBackup(deps, { kind: 'cli' });
      out(`backup ${backup.id} ${backup.status}: ${backup.name}`);
      out(`  folder:       ${deps.config.backup.dir}/${backup.name}`);
      out(`  size:         ${backup.sizeBytes} bytes`);
      out(`  sha256:       ${backup.sha256} (of manifest.json)`);
      out(`  verification: ${backup.verification}`);
      return 0;
    } catch (e) {
      err(`backup failed: ${(e as Error).message}`);
      return 1;
    }
  }
  if (sub === 'list') {
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
    return 0;
  }
  if (sub === 'verify' && name) {
    const catalog = await deps.db('backups').where({ name }).first('sha256');
    const result = await verifyBackup({ config: deps.config, db: deps.db }, name, (catalog?.sha256 as string | undefined) ?? null);
    out(`${result.ok ? 'ok' : 'FAILED'}: ${result.text}`);
    return result.ok ? 0 : 1;
  }
  err('usage: npm run idesk -- backup [list | verify <name>]');
  return 2;
}

/**
 * `restore <name>`: checks the backup, then puts it in place of the database and the file store.
 * @returns 0 restored, 1 refused, 2 usage.
 */
export async function restoreCommand(config: Readonly<Config>, args: string[], logger: Logger): Promise<number> {
  const [name] = args;
  if (!name || args.length > 1) {
    err('usage: npm run idesk -- restore <backup name or folder>');
    return 2;
  }
  if (config.database.client === 'sqlite') {
    err(`WARNING: the service (npm start / npm run api / npm run worker) must be stopped before a SQLite restore.`);
    err(`  ${config.database.filename} and its -wal/-shm are moved aside, not deleted; a running process would keep writing to the old file.`);
  } else {
    err('WARNING: pg_restore --clean replaces every table of the database; stop the service first so no one writes meanwhile.');
  }
  try {
    const result = await restoreBackup(config, name, logger);
    const db = createDb(config.database);
    try {
      await recordRestoredBackup(db, result, new Date());
    } finally {
      await db.destroy();
    }
    out(`restored ${result.name} (${result.databaseClient}; ${result.files} files in the file store)`);
    out(`  checked: ${result.verification}${result.catalogChecked ? '; manifest matches the catalog' : ''}`);
    for (const moved of result.movedAside) out(`  previous data kept at ${moved}`);
    out('Start the service again; it brings the schema up to date if the backup is older than this version.');
    return 0;
  } catch (e) {
    if (e instanceof BackupRefusedError) {
      err(e.message);
      return 1;
    }
    throw e;
  }
}
