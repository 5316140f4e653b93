import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { fsyncFile } from './backup-files.ts';

/** Tables the schema must have for a copy to count as an idesk database. */
const REQUIRED_TABLES = ['knex_migrations', 'dossiers', 'events', 'users'];

/**
 * Copies a live SQLite database through the SQLite online backup API while other connections (the API,
 * the workers) keep writing.
 *
 * Why the copy is consistent: better-sqlite3's `backup()` (lib/methods/backup.js) calls
 * `sqlite3_backup_step(0)` first — it copies no page, only sizes the job — and then, for every later
 * step, uses the page count the progress callback returns. Returning 0x7fffffff makes the second step
 * copy every page in one `sqlite3_backup_step` call, which runs inside one read transaction on the
 * source: one snapshot of the whole file. A write committed by another connection between the two steps
 * only makes SQLite restart a copy that has not started yet; nothing committed during the big step is
 * seen (in WAL mode the reader keeps its snapshot and does not block writers, who append to the WAL).
 * With smaller steps, each step would read a different snapshot and a write between them would restart
 * the copy from page 1 — possibly forever under a steady stream of transitions.
 *
 * The copy is then switched out of WAL mode, so the backup is one self-contained file.
 */
export async function copySqliteOnline(liveFile: string, destFile: string): Promise<void> {
  const source = new Database(liveFile, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    await source.backup(destFile, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const copy = new Database(destFile, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  await fsyncFile(destFile);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Rows in every table of a SQLite file (opened read-only). */
export function countSqliteRows(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM ${quoteIdent(t)}`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

/**
 * Opens a SQLite copy read-only and checks it: `PRAGMA integrity_check` says 'ok', foreign keys hold,
 * the schema is there, and (when given) every table has the rows the manifest recorded.
 */
export function checkSqliteCopy(file: string, expectedCounts?: Record<string, number>): { ok: boolean; text: string } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    return { ok: false, text: `cannot open the SQLite copy: ${(err as Error).message}` };
  }
  const problems: string[] = [];
  let tableCount = 0;
  try {
    const integrity = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
    if (integrity.length !== 1 || integrity[0] !== 'ok') problems.push(`integrity_check: ${integrity.slice(0, 5).join('; ')}`);
    const foreignKeys = db.prepare('PRAGMA foreign_key_check').all();
    if (foreignKeys.length > 0) problems.push(`foreign_key_check: ${foreignKeys.length} rows violate a foreign key`);
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    tableCount = [...tables].filter((t) => !t.startsWith('sqlite_')).length;
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) problems.push(`schema: missing tables ${missing.join(', ')}`);
    else {
      const migrations = db.prepare('SELECT count(*) FROM knex_migrations').pluck().get() as number;
      if (migrations === 0) problems.push('schema: no migration recorded');
    }
    if (expectedCounts) {
      for (const [table, expected] of Object.entries(expectedCounts)) {
        if (!tables.has(table)) continue; // reported above when it matters
        const actual = db.prepare(`SELECT count(*) FROM ${quoteIdent(table)}`).pluck().get() as number;
        if (actual !== expected) problems.push(`${table}: ${actual} rows, the manifest says ${expected}`);
      }
    }
  } catch (err) {
    problems.push(`reading the copy failed: ${(err as Error).message}`);
  } finally {
    db.close();
  }
  if (problems.length > 0) return { ok: false, text: problems.join('; ') };
  return { ok: true, text: `integrity_check ok; foreign keys ok; ${tableCount} tables${expectedCounts ? ', row counts as recorded' : ''}` };
}

/** The catalog's sha256 for a backup, read from a live SQLite file; null when the file, table or row is not there. */
export function sqliteCatalogSha256(liveFile: string, name: string): string | null {
  if (!fs.existsSync(liveFile)) return null;
  try {
    const db = new Database(liveFile, { readonly: true, fileMustExist: true, timeout: 5_000 });
    try {
      return (db.prepare('SELECT sha256 FROM backups WHERE name = ?').pluck().get(name) as string | undefined) ?? null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/**
 * Puts a backup copy in place of the live SQLite file. The live file and its -wal/-shm are moved aside
 * together (to `<file>.before-restore-<stamp>`, `…-wal`, `…-shm`), so what was there stays openable with
 * everything it had committed. The copy is first written next to the live file and then renamed, so the
 * live path never holds a half-written file.
 * @returns the paths moved aside.
 */
export async function restoreSqliteFile(backupFile: string, liveFile: string, stamp: string): Promise<string[]> {
  await fs.promises.mkdir(path.dirname(liveFile), { recursive: true });
  const incoming = `${liveFile}.restoring-${stamp}`;
  await fs.promises.copyFile(backupFile, incoming, fs.constants.COPYFILE_EXCL);
  await fsyncFile(incoming);
  const aside = `${liveFile}.before-restore-${stamp}`;
  const moved: string[] = [];
  for (const suffix of ['', '-wal', '-shm']) {
    const from = `${liveFile}${suffix}`;
    if (!fs.existsSync(from)) continue;
    await fs.promises.rename(from, `${aside}${suffix}`);
    moved.push(`${aside}${suffix}`);
  }
  await fs.promises.rename(incoming, liveFile);
  return moved;
}
