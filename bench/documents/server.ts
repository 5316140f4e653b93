/**
 * Child process: the real idesk app (bootstrap + startServer, production settings) on the database built
 * by build.ts. Logs in the director and the clerk, reports a ready message over IPC; on `{ kind: 'plans' }`
 * answers the plans of the document reads it has run (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { bootstrap } from '../../src/bootstrap.ts';
import { login } from '../../src/domain/accounts/sessions.service.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, stopServer } from '../../src/server.ts';
import { benchConfig, benchDb, metaFile, option, PASSWORD, type BenchMeta } from './setup.ts';

export interface DocumentsReady {
  kind: 'ready';
  port: number;
  documents: number;
  tokens: Record<'director' | 'clerk', string>;
  /** An id about half-way down the newest-first list: where a deep keyset page starts. */
  deepAfter: number;
  /** A document the GET baseline reads. */
  someId: number;
  /** The number and symbol of an issued decision (`NN/QĐ-SCT`) the symbol query looks for. */
  symbol: string;
  meta: BenchMeta;
}

async function main(): Promise<void> {
  const db = benchDb();
  const size = Number(option('size', '1000000'));
  const meta = JSON.parse(fs.readFileSync(metaFile(db, size), 'utf8')) as BenchMeta;
  const config = benchConfig(db, size);
  const deps = await bootstrap(config, createLogger('silent'));
  const knex = deps.db;
  const captured = new Map<string, unknown[]>();
  knex.on('query', (q: { sql: string; bindings?: unknown[] }) => {
    if (/from [`"]documents[`"] as [`"]d[`"]/i.test(q.sql) && !captured.has(q.sql)) captured.set(q.sql, q.bindings ?? []);
  });
  const policy = { ...config.login, sessionTtlHours: config.sessionTtlHours, scryptCost: config.scryptCost };
  const tokenOf = async (username: string) => (await login(knex, policy, { username, password: PASSWORD, ip: null, userAgent: 'bench' }, new Date())).token;
  const tokens = { director: await tokenOf(meta.users.director.username), clerk: await tokenOf(meta.users.clerk.username) };
  const documents = Number((await knex('documents').count('* as n').first())?.n);
  const deep = await knex('documents').orderBy('id', 'desc').offset(Math.floor(documents / 2)).first('id');
  const some = await knex('documents').where({ direction: 'incoming' }).orderBy('id').offset(Math.floor(meta.domain / 2)).first('id');
  const decision = await knex('documents').where('symbol', 'like', '%/QĐ-SCT').andWhere({ register_year: 2026 }).orderBy('id').offset(20).first('symbol');
  if (db === 'sqlite') await knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  const server = await startServer(deps, 0, '127.0.0.1');
  captured.clear();
  process.on('message', async (m: { kind: string }) => {
    if (m.kind === 'plans') {
      const plans: Array<{ sql: string; plan: string[] }> = [];
      for (const [sql, bindings] of captured) {
        if (/^\s*(insert|update|delete)/i.test(sql)) continue;
        if (db === 'postgres') {
          // The captured SQL is the driver's ($1, $2 …): run it on a connection of the pool, not through knex.raw.
          const conn = (await knex.client.acquireConnection()) as { query(text: string, values: unknown[]): Promise<{ rows: Array<Record<string, string>> }> };
          try {
            const res = await conn.query(`EXPLAIN ${sql}`, bindings as unknown[]);
            plans.push({ sql, plan: res.rows.map((r) => r['QUERY PLAN'] as string) });
          } finally {
            await knex.client.releaseConnection(conn);
          }
        } else {
          const raw = (await knex.client.acquireConnection()) as { prepare(sql: string): { all(...args: unknown[]): Array<{ detail: string }> } };
          try {
            const rows = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(bindings as unknown[]).map((b) => (typeof b === 'boolean' ? Number(b) : b)));
            plans.push({ sql, plan: rows.map((r) => r.detail) });
          } finally {
            await knex.client.releaseConnection(raw);
          }
        }
      }
      process.send?.({ kind: 'plans', plans });
    }
    if (m.kind === 'stop') {
      await stopServer(server, deps, 2000);
      process.exit(0);
    }
  });
  const ready: DocumentsReady = { kind: 'ready', port: (server.address() as AddressInfo).port, documents, tokens, deepAfter: deep.id as number, someId: some.id as number, symbol: decision.symbol as string, meta };
  process.send?.(ready);
}

main().catch((err) => {
  process.stderr.write(`bench/documents server failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
