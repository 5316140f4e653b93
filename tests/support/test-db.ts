import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { createDb, type Db } from '../../src/db/db.ts';
import type { Config } from '../../src/config.ts';

/** Which database the suite runs against: SQLite by default, PostgreSQL with IDESK_TEST_DB=postgres. */
export const TEST_DB = process.env.IDESK_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
const PG_ADMIN_URL = process.env.IDESK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  database: Config['database'];
  db: Db;
  drop(): Promise<void>;
}

/** A fresh, empty database of its own for one test file (a temp SQLite file, or a new PostgreSQL database). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `idesk_t_${randomBytes(6).toString('hex')}`;
  if (TEST_DB === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-test-'));
    const database = { client: 'sqlite' as const, filename: path.join(dir, `${name}.sqlite`) };
    const db = createDb(database);
    return {
      database,
      db,
      drop: async () => {
        await db.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = knex({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const database = { client: 'pg' as const, url: url.toString() };
  const db = createDb(database);
  return {
    database,
    db,
    drop: async () => {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

/** Every table of the schema. */
export const TABLES = [
  'departments',
  'users',
  'user_roles',
  'sessions',
  'api_tokens',
  'procedures',
  'procedure_rules',
  'procedure_templates',
  'dossiers',
  'dossier_code_counters',
  'events',
  'outbox',
  'idempotency_keys',
  'calendar_overrides',
  'audit_checkpoints',
  'notifications',
  'backups',
  'login_throttles',
  'login_devices',
  'stored_files',
  'dossier_papers',
  'documents',
  'document_assignments',
  'document_forwards',
  'document_replies',
  'document_recipients',
  'document_files',
  'document_register_counters',
];

/**
 * Every row of every table, in a stable order: compared before and after a refused request to prove
 * that it changed nothing.
 */
export async function fingerprint(db: Db): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const rows = await db(table).select('*');
    result[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return result;
}
