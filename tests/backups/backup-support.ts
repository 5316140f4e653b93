import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { createDb, type Db } from '../../src/db/db.ts';
import { createTestDatabase, TABLES, TEST_DB } from '../support/test-db.ts';

/** Tables knex keeps for itself: a restore must bring them back too, or the next start would migrate again. */
export const ALL_TABLES = [...TABLES, 'knex_migrations', 'knex_migrations_lock'];

const cleanups: Array<() => Promise<void>> = [];

/** A temporary directory removed by `cleanupAll`. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function cleanupAll(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}

/** DATA_DIR (so the file store is private to the test) and BACKUP_DIR for startTestApp. */
export function backupEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = tempDir('idesk-bk-data-');
  return { DATA_DIR: dataDir, BACKUP_DIR: path.join(dataDir, 'backups'), ...extra };
}

export interface RestoreTarget {
  config: Readonly<Config>;
  /** The restored database; open it only after the restore (SQLite: the file is replaced). */
  open(): Db;
}

/** A fresh, empty database (and file store) to restore into, reading backups from `backupDir`. */
export async function freshTarget(backupDir: string): Promise<RestoreTarget> {
  const dataDir = tempDir('idesk-bk-restore-');
  if (TEST_DB === 'sqlite') {
    const filename = path.join(dataDir, 'idesk.sqlite');
    let db: Db | null = null;
    cleanups.push(async () => void (await db?.destroy()));
    return {
      config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, BACKUP_DIR: backupDir, DATABASE_URL: `sqlite:${filename}` }),
      open: () => (db ??= createDb({ client: 'sqlite', filename })),
    };
  }
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  if (database.database.client !== 'pg') throw new Error('expected PostgreSQL');
  return {
    config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, BACKUP_DIR: backupDir, DATABASE_URL: database.database.url }),
    open: () => database.db,
  };
}

/** Every row of a table as canonical text, in a stable order (the same form on both sides of a comparison). */
export async function tableRows(db: Db, table: string): Promise<string[]> {
  const rows = await db(table).select('*');
  return rows.map((r) => JSON.stringify(r)).sort();
}

export async function snapshotTables(db: Db, tables: string[] = ALL_TABLES): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of tables) result[table] = await tableRows(db, table);
  return result;
}

/** Flips one byte in the middle of a file. */
export function corrupt(file: string): void {
  const buffer = fs.readFileSync(file);
  const at = Math.floor(buffer.length / 2);
  buffer[at] = (buffer[at] as number) ^ 0xff;
  fs.writeFileSync(file, buffer);
}
