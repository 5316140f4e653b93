import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import knex from 'knex';
import type { Db, Executor } from '../../db/db.ts';

/**
 * How pg_dump and pg_restore reach the database: the URL without its password on the command line
 * (every user of the machine can read a process's arguments) and the password in PGPASSWORD.
 */
export function libpqTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password || parsed.searchParams.get('password') || '');
  parsed.password = '';
  parsed.searchParams.delete('password');
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  return { dbname: parsed.toString(), env };
}

/** Removes a connection URL's password from a text (an error message, a tool's output) before it is stored or logged. */
export function redactSecrets(text: string, url: string | null): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
  if (url) {
    try {
      const parsed = new URL(url);
      const password = decodeURIComponent(parsed.password || parsed.searchParams.get('password') || '');
      if (password.length >= 3) out = out.split(password).join('***');
    } catch {
      // not a URL: nothing to hide
    }
  }
  return out;
}

/** Runs a PostgreSQL client tool without a shell. @throws naming the tool, its exit code and the end of its stderr. */
function runTool(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(new Error(e.code === 'ENOENT' ? `${command} is not installed or not on the PATH` : `${command}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-600) || 'no message'}`));
    });
  });
}

async function tablesOf(db: Executor): Promise<string[]> {
  const rows = await db('information_schema.tables')
    .whereRaw('table_schema = current_schema()')
    .andWhere('table_type', 'BASE TABLE')
    .orderBy('table_name')
    .select('table_name');
  return rows.map((r) => r.table_name as string);
}

async function countRows(db: Executor): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tablesOf(db)) {
    const row = await db(table).count({ n: '*' }).first();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

/**
 * `pg_dump --format=custom` of the database, at a snapshot this function exports from a REPEATABLE READ
 * transaction and holds open while pg_dump runs (`--snapshot`): the row counts recorded for verification
 * are those of exactly the data in the dump, however many transitions commit meanwhile.
 * @returns the row count of every table in the dump.
 */
export async function dumpPostgres(db: Db, url: string, destFile: string): Promise<Record<string, number>> {
  const { dbname, env } = libpqTarget(url);
  return db.transaction(async (trx) => {
    await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const exported = await trx.raw('SELECT pg_export_snapshot() AS snapshot');
    const snapshot = exported.rows[0].snapshot as string;
    const counts = await countRows(trx);
    await runTool('pg_dump', ['--format=custom', '--no-password', `--snapshot=${snapshot}`, `--file=${destFile}`, `--dbname=${dbname}`], env);
    return counts;
  });
}

/** `pg_restore --list`: the archive is readable and holds the data of the tables that matter. */
export async function listPostgresArchive(file: string): Promise<{ ok: boolean; text: string }> {
  let stdout: string;
  try {
    ({ stdout } = await runTool('pg_restore', ['--list', file], process.env));
  } catch (err) {
    return { ok: false, text: (err as Error).message };
  }
  const entries = stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';'));
  const missing = ['knex_migrations', 'dossiers', 'events'].filter((t) => !new RegExp(`TABLE DATA \\S+ ${t} `).test(stdout));
  if (missing.length > 0) return { ok: false, text: `pg_restore --list: no data for ${missing.join(', ')}` };
  return { ok: true, text: `pg_restore --list ok (${entries.length} entries)` };
}

/**
 * Restores the archive into a scratch database created for the purpose and dropped afterwards, then
 * compares every table's row count with the counts taken at the dump's snapshot.
 * A server that refuses to create the scratch database (no CREATEDB right) is reported, not failed.
 */
export async function restoreIntoScratch(db: Db, url: string, file: string, expectedCounts: Record<string, number>): Promise<{ ok: boolean; text: string }> {
  const name = `idesk_verify_${randomBytes(6).toString('hex')}`;
  try {
    await db.raw(`CREATE DATABASE ${name}`);
  } catch (err) {
    return { ok: true, text: `scratch restore skipped: cannot create a database (${redactSecrets((err as Error).message, url)})` };
  }
  const scratchUrl = new URL(url);
  scratchUrl.pathname = `/${name}`;
  const scratch = knex({ client: 'pg', connection: { connectionString: scratchUrl.toString() }, pool: { min: 0, max: 1 } });
  try {
    const { dbname, env } = libpqTarget(scratchUrl.toString());
    await runTool('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', '--no-password', `--dbname=${dbname}`, file], env);
    const counts = await countRows(scratch);
    const problems = Object.entries(expectedCounts)
      .filter(([table, n]) => counts[table] !== n)
      .map(([table, n]) => `${table}: ${counts[table] ?? 'missing'} rows restored, ${n} at the snapshot`);
    if (problems.length > 0) return { ok: false, text: `scratch restore: ${problems.join('; ')}` };
    return { ok: true, text: `restored into a scratch database: ${Object.keys(counts).length} tables, row counts equal to the dump's snapshot` };
  } catch (err) {
    return { ok: false, text: `scratch restore failed: ${redactSecrets((err as Error).message, url)}` };
  } finally {
    await scratch.destroy();
    await db.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  }
}

/**
 * Replaces the configured database's schema with the archive's, all or nothing: the schema is dropped
 * and created again and the archive's SQL (`pg_restore --file=-`) applied, in one psql transaction.
 * `pg_restore --clean` alone would leave (and trip over) tables that later migrations added since the dump.
 */
export async function restorePostgres(url: string, file: string): Promise<void> {
  const { dbname, env } = libpqTarget(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const dump = spawn('pg_restore', ['--no-owner', '--file=-', file], { env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
      const psql = spawn('psql', ['--no-psqlrc', '--quiet', '--single-transaction', '--set=ON_ERROR_STOP=1', '--no-password', `--dbname=${dbname}`], {
        env,
        stdio: ['pipe', 'ignore', 'pipe'],
        shell: false,
      });
      const errors: string[] = [];
      dump.stderr.on('data', (c: Buffer) => errors.push(`pg_restore: ${c.toString('utf8')}`));
      psql.stderr.on('data', (c: Buffer) => errors.push(`psql: ${c.toString('utf8')}`));
      for (const child of [dump, psql]) {
        child.once('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'ENOENT' ? `${child.spawnfile} is not installed or not on the PATH` : e.message)));
      }
      psql.stdin.write('DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n');
      dump.stdout.pipe(psql.stdin);
      const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.once('close', (code) => r(code)));
      void Promise.all([exited(dump), exited(psql)]).then(([dumpCode, psqlCode]) => {
        if (dumpCode === 0 && psqlCode === 0) resolve();
        else reject(new Error(`restore failed (pg_restore exit ${dumpCode}, psql exit ${psqlCode}): ${errors.join('').trim().slice(-600) || 'no message'}`));
      });
    });
  } catch (err) {
    throw new Error(redactSecrets((err as Error).message, url));
  }
}

/** The catalog's sha256 for a backup, read from the live database; null when it cannot be read there. */
export async function postgresCatalogSha256(url: string, name: string): Promise<string | null> {
  const db = knex({ client: 'pg', connection: { connectionString: url }, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 5_000 });
  try {
    const row = await db('backups').where({ name }).first('sha256');
    return (row?.sha256 as string | undefined) ?? null;
  } catch {
    return null;
  } finally {
    await db.destroy();
  }
}
