/**
 * Child process: the real idesk app (bootstrap + startServer, production settings) on a list-benchmark
 * database built by build.ts. Logs in the people the requests act as, receives a few fresh dossiers for
 * the transition probe, and reports a ready message over IPC. On `{ kind: 'plans' }` it answers the
 * SQLite query plans of the dossier reads it has run since start (EXPLAIN QUERY PLAN).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { bootstrap } from '../../src/bootstrap.ts';
import { dossierDeps } from '../../src/api/deps.ts';
import { login } from '../../src/domain/accounts/sessions.service.ts';
import { toPrincipal, rolesOf } from '../../src/domain/accounts/users.service.ts';
import { receiveCounterDossier } from '../../src/domain/dossiers/dossier-intake.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, stopServer } from '../../src/server.ts';
import { ADMIN_PASSWORD, benchConfig, passwordOf, type BenchMeta } from './setup.ts';

export interface ListsReady {
  kind: 'ready';
  port: number;
  dossiers: number;
  migrateMs: number;
  tokens: Record<'director' | 'specialist' | 'lead' | 'onestop' | 'admin' | 'deptStaff', string>;
  /** An id about half-way down the newest-first list: where a deep keyset page starts. */
  deepAfter: number;
  /** Fresh dossiers at inDepartment.review (version 2) for the transition probe, and who to assign. */
  fresh: number[];
  assigneeId: number;
}

async function main(): Promise<void> {
  const file = process.env.BENCH_FILE as string;
  const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as BenchMeta;
  const config = benchConfig(file);
  const t0 = performance.now();
  const deps = await bootstrap(config, createLogger(config.logLevel));
  const migrateMs = performance.now() - t0;
  const { db } = deps;
  const captured = new Map<string, unknown[]>();
  db.on('query', (q: { sql: string; bindings?: unknown[] }) => {
    if (/from [`"]dossiers[`"]/i.test(q.sql) && !captured.has(q.sql)) captured.set(q.sql, q.bindings ?? []);
  });
  const policy = { ...config.login, sessionTtlHours: config.sessionTtlHours, scryptCost: config.scryptCost };
  const tokenOf = async (username: string, password = passwordOf(username)) =>
    (await login(db, policy, { username, password, ip: null, userAgent: 'bench' }, new Date())).token;
  const specialist = meta.users.find((u) => u.username === 'chuyenvien-qltm-1')!;
  const lead = meta.users.find((u) => u.username === 'truongphong-qltm')!;
  const tokens = {
    director: await tokenOf('giamdoc'),
    specialist: await tokenOf(specialist.username),
    lead: await tokenOf(lead.username),
    onestop: await tokenOf('motcua'),
    admin: await tokenOf('admin', ADMIN_PASSWORD),
    deptStaff: await tokenOf('chuyenvien-qltm-2'),
  };
  const dossiers = Number((await db('dossiers').count('* as n').first())?.n);
  const deep = await db('dossiers').orderBy('id', 'desc').offset(Math.floor(dossiers / 2)).first('id');
  // Fresh dossiers for the transition probe, received now through the domain.
  const clerkRow = await db('users').where({ username: 'motcua' }).first();
  const clerk = toPrincipal(clerkRow, await rolesOf(db, clerkRow.id), 'session');
  const procedureId = (await db('procedures').where({ department_id: lead.departmentId }).first('id')).id as number;
  const fresh: number[] = [];
  for (let i = 0; i < 700; i++) {
    const { body } = await receiveCounterDossier(dossierDeps(deps), clerk, { procedureId, applicant: { name: `Bench probe ${i}`, idNumber: null, phone: null, email: null, address: null } });
    fresh.push(body.id);
  }
  await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  const server = await startServer(deps, 0, '127.0.0.1');
  captured.clear();
  process.on('message', async (m: { kind: string }) => {
    if (m.kind === 'plans') {
      const plans: Array<{ sql: string; plan: string[] }> = [];
      const raw = (await db.client.acquireConnection()) as { prepare(sql: string): { all(...args: unknown[]): Array<{ detail: string }> } };
      try {
        for (const [sql, bindings] of captured) {
          if (/^\s*(insert|update|delete)/i.test(sql)) continue;
          const rows = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(bindings as unknown[]).map((b) => (typeof b === 'boolean' ? Number(b) : b)));
          plans.push({ sql, plan: rows.map((r) => r.detail) });
        }
      } finally {
        await db.client.releaseConnection(raw);
      }
      process.send?.({ kind: 'plans', plans });
    }
    if (m.kind === 'stop') {
      await stopServer(server, deps, 2000);
      process.exit(0);
    }
  });
  const ready: ListsReady = {
    kind: 'ready',
    port: (server.address() as AddressInfo).port,
    dossiers,
    migrateMs,
    tokens,
    deepAfter: deep.id as number,
    fresh,
    assigneeId: specialist.id,
  };
  process.send?.(ready);
}

main().catch((err) => {
  process.stderr.write(`bench/lists server failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
