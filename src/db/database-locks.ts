import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { ConflictError } from '../domain/errors.ts';

/**
 * Locks between the processes that use one database, so that a restore never replaces a database a
 * running process holds, and processes starting at the same moment do not migrate it twice.
 *
 * - **in use** (shared): every process that opens the database (API, workers, `npm start`, the CLI) holds
 *   it for as long as it runs. Any number may hold it at once.
 * - **schema** (one at a time): held while the schema is brought up to date and the first admin created.
 * - **restore** (exclusive): granted only when no process holds either of the others; while a restore
 *   holds it, no process can start.
 *
 * SQLite: the locks are SQLite's own file locks on a lock file beside the database (`<file>.lock`, an
 * empty SQLite database that is never written): *in use* is a read transaction kept open (SHARED),
 * *schema* a `BEGIN IMMEDIATE` (RESERVED: one at a time, readers unaffected), *restore* a
 * `BEGIN EXCLUSIVE` (EXCLUSIVE: no other lock of any kind). They are POSIX locks the kernel drops when a
 * process ends, however it ends (a pid file would go stale after a SIGKILL, and a pid can be reused).
 * The lock file stays where it is during a restore: only the database file and its -wal/-shm move.
 *
 * PostgreSQL: session advisory locks in the database's own lock space, each on a connection of its own
 * named in `application_name` (so a refusal can say who holds the database): *in use* is
 * `pg_advisory_lock_shared(LOCK_CLASS, 1)`, *restore* the same key exclusively, *schema*
 * `pg_advisory_lock(LOCK_CLASS, 2)`. They end with the connection.
 */

/** First half of idesk's advisory lock keys (arbitrary; the second half names the lock). */
const LOCK_CLASS = 0x1de5c;
const IN_USE = 1;
const SCHEMA = 2;
/** How long a starting process waits for another to finish migrating. */
const SCHEMA_WAIT_MS = 5 * 60_000;

export interface DatabaseLock {
  /** Lets go of the lock (idempotent). */
  release(): Promise<void>;
}

/** The lock file of a SQLite database. */
export function sqliteLockFile(filename: string): string {
  return `${filename}.lock`;
}

function isBusy(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('SQLITE_BUSY');
}

function openLockFile(filename: string): Database.Database {
  fs.mkdirSync(path.dirname(filename), { recursive: true });
  // timeout 0: a busy lock is reported at once; waiting is done here, asynchronously, never by SQLite's
  // busy handler (which sleeps synchronously and would freeze the event loop).
  return new Database(sqliteLockFile(filename), { timeout: 0 });
}

/** A dedicated PostgreSQL connection, named for pg_stat_activity. */
async function pgConnection(url: string, purpose: string, onLost?: (err?: Error) => void): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: `idesk ${purpose} ${os.hostname()} pid ${process.pid}`.slice(0, 63) });
  // An error on an idle client (the server went away) must not crash the process: the lock is gone, say so.
  client.on('error', (err) => onLost?.(err));
  client.on('end', () => onLost?.());
  await client.connect();
  return client;
}

async function closeQuietly(client: pg.Client): Promise<void> {
  client.removeAllListeners('end');
  await client.end().catch(() => undefined);
}

function restoreInProgress(where: string): ConflictError {
  return new ConflictError('RESTORE_IN_PROGRESS', `a restore of ${where} is in progress; start again when it has finished`);
}

function describeDatabase(database: Config['database']): string {
  if (database.client === 'sqlite') return database.filename;
  const url = new URL(database.url);
  return `the PostgreSQL database ${url.pathname.slice(1) || url.username} on ${url.host}`;
}

/**
 * Holds the database *in use* for as long as this process runs (until `release`).
 * @param holder what the process is (`api`, `worker`, `start`, `cli backup`…), shown to a refused restore.
 * @param retryMs PostgreSQL: how long to wait before taking the lock again after its connection dropped.
 * @throws ConflictError RESTORE_IN_PROGRESS while a restore holds the database.
 */
export async function holdDatabase(database: Config['database'], holder: string, logger?: Logger, retryMs = 5_000): Promise<DatabaseLock> {
  if (database.client === 'sqlite') {
    if (database.filename === ':memory:') return { release: async () => undefined };
    const conn = openLockFile(database.filename);
    try {
      conn.exec('BEGIN');
      conn.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      conn.close();
      throw isBusy(err) ? restoreInProgress(database.filename) : err;
    }
    return {
      release: async () => {
        if (conn.open) conn.close();
      },
    };
  }

  const url = database.url;
  let client: pg.Client | null = null;
  let released = false;
  const acquire = async (): Promise<void> => {
    let fresh: pg.Client | null = null;
    fresh = await pgConnection(url, holder, (err) => fresh && lost(fresh, err));
    const { rows } = await fresh.query('SELECT pg_try_advisory_lock_shared($1, $2) AS ok', [LOCK_CLASS, IN_USE]);
    if (!rows[0].ok) {
      await closeQuietly(fresh);
      throw restoreInProgress(describeDatabase(database));
    }
    // Released while this retry was connecting: nobody would ever close it.
    if (released) return closeQuietly(fresh);
    client = fresh;
  };
  // The connection holding the lock can drop (PostgreSQL restarted, a network cut): the lock goes with it,
  // and a restore could then run under this process. Say so and take it again.
  const lost = (which: pg.Client, err?: Error) => {
    if (released || client !== which) return;
    client = null;
    void closeQuietly(which);
    logger?.error({ err: err?.message }, 'lost the connection holding the database in use; taking it again');
    retryLater();
  };
  const retryLater = () => {
    const retry = setTimeout(() => {
      if (released) return;
      acquire().catch((e: Error) => {
        logger?.error({ err: e.message, retryMs }, 'could not hold the database in use again; trying again');
        if (!released) retryLater();
      });
    }, retryMs);
    retry.unref();
  };
  await acquire();
  return {
    release: async () => {
      released = true;
      const held = client;
      client = null;
      if (held) await closeQuietly(held);
    },
  };
}

/**
 * Runs `fn` under the *schema* lock: one process at a time brings the schema up to date (and creates the
 * first admin), the others wait and then find it done.
 * @throws Error when another process keeps the lock for longer than five minutes.
 */
export async function withSchemaLock<T>(database: Config['database'], fn: () => Promise<T>): Promise<T> {
  if (database.client === 'sqlite') {
    if (database.filename === ':memory:') return fn();
    const conn = openLockFile(database.filename);
    try {
      const until = Date.now() + SCHEMA_WAIT_MS;
      for (;;) {
        try {
          conn.exec('BEGIN IMMEDIATE');
          break;
        } catch (err) {
          if (!isBusy(err)) throw err;
          if (Date.now() > until) throw new Error(`another process has been migrating ${database.filename} for ${SCHEMA_WAIT_MS / 60_000} minutes; gave up waiting`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      return await fn();
    } finally {
      conn.close();
    }
  }
  const client = await pgConnection(database.url, 'schema');
  try {
    await client.query(`SET lock_timeout = ${SCHEMA_WAIT_MS}`);
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, SCHEMA]);
    return await fn();
  } finally {
    // Ending the session releases its advisory locks.
    await closeQuietly(client);
  }
}

/**
 * Takes the database exclusively for a restore.
 * @throws ConflictError DATABASE_IN_USE when any process holds the database (naming them on PostgreSQL),
 *   or another restore runs.
 */
export async function lockDatabaseForRestore(database: Config['database']): Promise<DatabaseLock> {
  const inUse = (who: string) =>
    new ConflictError(
      'DATABASE_IN_USE',
      `refusing to restore: ${describeDatabase(database)} is in use by ${who}. Stop the service (npm start, npm run api, npm run worker) and any other idesk command using it, then restore again. Nothing was changed.`,
    );
  if (database.client === 'sqlite') {
    if (database.filename === ':memory:') throw new ConflictError('DATABASE_IN_USE', 'an in-memory database cannot be restored');
    const conn = openLockFile(database.filename);
    try {
      conn.exec('BEGIN EXCLUSIVE');
    } catch (err) {
      conn.close();
      throw isBusy(err) ? inUse('a running idesk process') : err;
    }
    return {
      release: async () => {
        if (conn.open) conn.close();
      },
    };
  }
  const client = await pgConnection(database.url, 'restore');
  const { rows } = await client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_CLASS, IN_USE]);
  if (!rows[0].ok) {
    const holders = await client.query(
      `SELECT a.application_name AS name, a.client_addr AS addr, a.backend_start AS since
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 2 AND l.granted
        ORDER BY a.backend_start`,
      [LOCK_CLASS, IN_USE],
    );
    await closeQuietly(client);
    const list = holders.rows.map((r) => `${r.name || 'an unnamed connection'}${r.addr ? ` from ${r.addr}` : ''}${r.since ? ` since ${new Date(r.since).toISOString()}` : ''}`);
    throw inUse(list.length === 0 ? 'another process' : `${list.length === 1 ? 'one process' : `${list.length} processes`}: ${list.join('; ')}`);
  }
  return { release: () => closeQuietly(client) };
}
