/** What the documents benchmark's build and run share: where the data live, the settings, the people. */
import knex from 'knex';
import { loadConfig } from '../../src/config.ts';

export const ADMIN_PASSWORD = 'Quan-tri-bench-2026';
export const PASSWORD = 'Mat-khau-bench-2026!';
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type BenchDb = 'sqlite' | 'postgres';

export function option(name: string, fallback: string): string {
  const flag = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (flag) return flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : '1';
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
}

export function benchDb(): BenchDb {
  const db = option('db', 'sqlite');
  if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--db=sqlite|postgres, not ${db}`);
  return db;
}

/** The data stay outside the repository (a 1M SQLite file is ≈ 1 GB). */
export const DATA_ROOT = '/work/bench-data';
export const sqliteFile = (size: number) => `${DATA_ROOT}/documents-${size}.sqlite`;
export const pgName = (size: number) => `idesk_bench_documents_${size}`;
export function pgUrl(size: number): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${pgName(size)}`;
  return url.toString();
}
export const metaFile = (db: BenchDb, size: number) => `${DATA_ROOT}/documents-${db}-${size}.json`;

export function databaseUrl(db: BenchDb, size: number): string {
  return db === 'sqlite' ? `sqlite:${sqliteFile(size)}` : pgUrl(size);
}

/** A fresh PostgreSQL database for the build (dropped first if it exists). */
export async function recreatePgDatabase(size: number): Promise<void> {
  const admin = knex({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${pgName(size)} WITH (FORCE)`);
    await admin.raw(`CREATE DATABASE ${pgName(size)}`);
  } finally {
    await admin.destroy();
  }
}

/** The settings the builder and the measured server share: production, quiet. */
export function benchConfig(db: BenchDb, size: number) {
  return loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl(db, size),
    DATA_DIR: `${DATA_ROOT}/documents-${db}-${size}.d`,
    IDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    IDESK_AGENCY_ID: 'H37.26',
    LOGIN_PER_IP_PER_MINUTE: '10000',
  });
}

export interface BenchMeta {
  db: BenchDb;
  size: number;
  /** Documents created through the domain functions; the rest are copies of their rows. */
  domain: number;
  users: Record<'clerk' | 'director' | 'lead' | 'specialist', { id: number; username: string }>;
  /** The rare word: in `rareRows` documents only, spread over the whole id range. */
  rareWord: string;
  rareRows: number;
  buildSeconds: { domain: number; copies: number; index: number };
}
