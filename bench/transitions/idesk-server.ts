/**
 * Child process: the real idesk app (bootstrap + startServer) on a fresh SQLite file, with one
 * department, the four roles, a procedure without fee and with lead review, and BENCH_DOSSIERS dossiers
 * already received at the counter (state inDepartment.review, version 2). Reports a ReadyMessage over IPC.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import type { Role } from '../../src/auth/principal.ts';
import { bootstrap } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { dossierDeps } from '../../src/api/deps.ts';
import { createDepartment } from '../../src/domain/accounts/departments.service.ts';
import { authenticateToken, login } from '../../src/domain/accounts/sessions.service.ts';
import { createUser } from '../../src/domain/accounts/users.service.ts';
import { receiveCounterDossier } from '../../src/domain/dossiers/dossier-intake.ts';
import { createProcedure } from '../../src/domain/procedures/procedures.service.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, stopServer } from '../../src/server.ts';
import { flowPayloads, onControl, type ReadyMessage, type SqlStat } from './protocol.ts';

const SYSTEM = { kind: 'system' } as const;

/**
 * Times every better-sqlite3 statement (knex prepares through it) by SQL text: patched on the shared
 * Statement prototype, so it sees knex's statements too. Only when BENCH_SQL_STATS=1 (the profiled run).
 */
function collectSqlStats(): { reset(): void; report(): SqlStat[] } {
  const stats = new Map<string, SqlStat>();
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<'run' | 'all' | 'get', (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ['run', 'all', 'get'] as const) {
    const original = proto[method];
    proto[method] = function timed(this: { source: string }, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - t0;
        const stat = stats.get(this.source) ?? { sql: this.source, count: 0, ms: 0 };
        stat.count++;
        stat.ms += ms;
        stats.set(this.source, stat);
      }
    };
  }
  return { reset: () => stats.clear(), report: () => [...stats.values()].sort((a, b) => b.ms - a.ms) };
}
const ADMIN_PASSWORD = 'Quan-tri-bench-2026';

async function main(): Promise<void> {
  const started = performance.now();
  const sqlStats = process.env.BENCH_SQL_STATS === '1' ? collectSqlStats() : null;
  const count = Number(process.env.BENCH_DOSSIERS ?? 5000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-bench-'));
  // Removed however the process ends, a failed setup included.
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  // Production settings (no response validation, production scrypt cost), silent log.
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `sqlite:${path.join(dir, 'idesk.sqlite')}`,
    DATA_DIR: dir,
    IDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    IDESK_AGENCY_ID: 'H37.26',
  });
  const logger = createLogger(config.logLevel);
  const deps = await bootstrap(config, logger);
  const { db } = deps;
  const now = () => deps.clock();

  const dept = await createDepartment(db, SYSTEM, { code: 'QLTM', name: 'Phòng Quản lý Thương mại' }, now());
  const policy = { ...config.login, sessionTtlHours: config.sessionTtlHours, scryptCost: config.scryptCost };
  const user = async (username: string, roles: Role[], departmentId: number | null) => {
    const password = `Mat-khau-2026-${roles[0]}`;
    const { user: view } = await createUser(
      db,
      SYSTEM,
      { username, fullName: `Cán bộ ${username}`, departmentId, roles: [...roles, 'staff'], password },
      now(),
      { scryptCost: config.scryptCost, mustChangePassword: false },
    );
    const { token } = await login(db, policy, { username, password, ip: null, userAgent: 'bench' }, now());
    return { id: view.id, token };
  };
  const onestop = await user('motcua', ['onestop'], null);
  const lead = await user('truongphong', ['dept_lead'], dept.id);
  const specialist = await user('chuyenvien', ['specialist'], dept.id);
  const director = await user('giamdoc', ['director'], null);
  const procedure = await createProcedure(
    db,
    SYSTEM,
    { code: '1.001234', name: 'Cấp giấy phép bán lẻ rượu', departmentId: dept.id, workingDays: 10, hasFee: false, leadReview: true },
    now(),
  );

  // Counter intake through the domain function the POST /api/dossiers route calls.
  const clerk = await authenticateToken(db, onestop.token, now());
  if (!clerk) throw new Error('the one-stop session does not authenticate');
  const dd = dossierDeps(deps);
  const dossierIds: number[] = [];
  let startVersion = 0;
  for (let i = 0; i < count; i++) {
    const { body: dossier } = await receiveCounterDossier(dd, clerk, {
      procedureId: procedure.id,
      applicant: { name: `Công ty TNHH Rượu Bình Định ${i}`, idNumber: '4100123456', phone: '0256 3822 123', email: 'lienhe@ruoubd.vn', address: 'Quy Nhơn, Bình Định' },
      subject: 'Cấp giấy phép bán lẻ rượu',
    });
    if (dossier.state !== 'inDepartment.review') throw new Error(`a new dossier is at ${dossier.state}, not inDepartment.review`);
    dossierIds.push(dossier.id);
    startVersion = dossier.version;
  }
  // RETURN_RESULT of an approval needs the result document (giấy phép): its paper row is written here, so
  // that the measured phase times the transitions alone, not uploads.
  const licence = '0'.repeat(64);
  const at = now().toISOString();
  await db('stored_files').insert({ sha256: licence, size: 0, media_type: 'application/pdf', created_at: at });
  for (const id of dossierIds) {
    await db('dossier_papers').insert({ dossier_id: id, sha256: licence, kind: 'result', name: 'giay-phep.pdf', media_type: 'application/pdf', size: 0, attached_by_kind: 'user', attached_by: null, attached_at: at });
  }
  // Checkpoint the WAL the intake wrote, so that the measured phase starts from a small WAL.
  await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');

  const server = await startServer(deps, 0, '127.0.0.1');
  const tokens: Record<string, string> = { ASSIGN: lead.token, VERIFY: specialist.token, PROPOSE: lead.token, APPROVE: director.token, RETURN_RESULT: onestop.token };
  const ready: ReadyMessage = {
    kind: 'ready',
    port: (server.address() as AddressInfo).port,
    dossierIds,
    startVersion,
    flow: flowPayloads(specialist.id).map((s) => ({ ...s, token: tokens[s.type] as string })),
    eventPath: '/api/dossiers/:id/events',
    finalState: 'completed',
    setupMs: performance.now() - started,
  };
  onControl(
    async () => {
      await stopServer(server, deps, 2000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    sqlStats ? { mark: () => sqlStats.reset(), report: () => ({ sql: sqlStats.report() }) } : {},
  );
  process.send?.(ready);
}

main().catch((err) => {
  process.stderr.write(`idesk bench server failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
