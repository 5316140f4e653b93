import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from '../config.ts';
import { migrationSource } from '../../migrations/index.ts';
import { withSchemaLock } from './database-locks.ts';

export type Db = Knex;
export type Executor = Knex | Knex.Transaction;

// Instants travel through the app as ISO-8601 UTC strings (the audit hash chain hashes them as text):
// make PostgreSQL hand timestamptz back in that form, and counts back as numbers.
const parseTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value: string) => (parseTimestamptz(value) as Date).toISOString());
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number(value));

interface SqliteConnection {
  pragma(source: string): unknown;
  prepare(sql: string): unknown;
}

/**
 * Tunes each SQLite connection: WAL for concurrent readers, FULL sync so that an acknowledged
 * transition survives a power cut, foreign keys on, and a busy timeout for other processes (the worker).
 * Statements are cached per connection (knex prepares one per query) and every transaction takes the
 * write lock at BEGIN: a deferred transaction that upgrades to a writer fails at once with SQLITE_BUSY
 * when another process writes, without waiting for the busy timeout.
 */
function tuneSqliteConnection(conn: SqliteConnection, readonly = false): void {
  // A read-only connection cannot change the journal mode; the writer's connection has set it on the file.
  if (!readonly) conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = FULL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    const key = sql === 'BEGIN;' ? 'BEGIN IMMEDIATE;' : sql;
    let statement = cache.get(key);
    if (statement === undefined) {
      statement = prepare(key);
      if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
      cache.set(key, statement);
    }
    return statement;
  };
}

/** Creates the knex instance for the configured database (SQLite file or PostgreSQL). */
export function createDb(database: Config['database']): Db {
  if (database.client === 'sqlite') {
    if (database.filename !== ':memory:') fs.mkdirSync(path.dirname(database.filename), { recursive: true });
    return sqliteDb(database.filename, false);
  }
  return knex({
    client: 'pg',
    connection: { connectionString: database.url },
    pool: {
      min: 0,
      max: 10,
      afterCreate: (conn: pg.Client, done: (err: Error | null, conn: unknown) => void) => {
        conn.query("SET TIME ZONE 'UTC'", (err) => done(err, conn));
      },
    },
  });
}

/**
 * A read-only connection to the embedded SQLite file, for reads answered off the main thread (the list
 * threads, src/api/list-threads). In WAL mode its reads never wait for the writer nor make it wait; each
 * read sees what was committed when it began.
 */
export function createReadOnlyDb(filename: string): Db {
  return sqliteDb(filename, true);
}

/** One connection (better-sqlite3 is synchronous: a second would only wait), tuned as it opens. */
function sqliteDb(filename: string, readonly: boolean): Db {
  return knex({
    client: 'better-sqlite3',
    connection: { filename, options: { readonly } },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
        try {
          tuneSqliteConnection(conn, readonly);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
}

export function isPostgres(db: Executor): boolean {
  return db.client.config.client === 'pg';
}

/** The configuration a knex instance made by createDb was made from. */
export function databaseOf(db: Db): Config['database'] {
  const connection = db.client.config.connection as { connectionString?: string; filename?: string };
  if (isPostgres(db)) return { client: 'pg', url: connection.connectionString as string };
  return { client: 'sqlite', filename: connection.filename as string };
}

/**
 * Brings the schema up to date, then runs `andThen` (the first admin), under the schema lock: processes
 * started at the same moment on a fresh database take turns, and the later ones find the work done.
 * Without it, two of them both saw no `knex_migrations` table and both created it (PostgreSQL), or both
 * created the first admin.
 */
export async function migrateLatest(db: Db, andThen?: () => Promise<void>): Promise<void> {
  await withSchemaLock(databaseOf(db), async () => {
    await db.migrate.latest({ migrationSource });
    await andThen?.();
  });
}

/** Rolls every migration back (used by tests of the down migrations). */
export async function migrateRollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true);
}
