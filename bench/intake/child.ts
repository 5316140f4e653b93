/**
 * Child process of bench/intake/run.ts. BENCH_MODE=prepare: the department, procedure and clerk on the
 * fresh database. Otherwise: counter intakes through `receiveCounterDossier` (what
 * `POST /api/dossiers` calls), `BENCH_CLIENTS` at once for `BENCH_SECONDS`, against the database the
 * parent prepared. The domain modules are loaded from `BENCH_TREE` (a checkout of the repository), so
 * the same loop measures the baseline commit in the same run. Prints one JSON line with the latencies.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const tree = process.env.BENCH_TREE as string;
const load = (file: string) => import(pathToFileURL(path.join(tree, file)).href);

async function main(): Promise<void> {
  const { loadConfig } = await load('src/config.ts');
  const { createLogger } = await load('src/logger.ts');
  const { bootstrap } = await load('src/bootstrap.ts');
  const { dossierDeps } = await load('src/deps.ts');
  const { login, authenticateToken } = await load('src/domain/accounts/sessions.service.ts');
  const { receiveCounterDossier } = await load('src/domain/dossiers/dossier-intake.ts');
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    DATA_DIR: process.env.BENCH_DATA_DIR,
    IDESK_ADMIN_PASSWORD: 'Quan-tri-bench-2026',
    IDESK_AGENCY_ID: 'H37.26',
  });
  const deps = await bootstrap(config, createLogger('silent'), {}, { holder: `bench-intake-${process.pid}` });
  if (process.env.BENCH_MODE === 'prepare') {
    const { createDepartment } = await load('src/domain/accounts/departments.service.ts');
    const { createUser } = await load('src/domain/accounts/users.service.ts');
    const { createProcedure } = await load('src/domain/procedures/procedures.service.ts');
    const system = { kind: 'system' };
    const now = new Date();
    const dept = await createDepartment(deps.db, system, { code: 'QLTM', name: 'Phòng Quản lý Thương mại' }, now);
    await createUser(deps.db, system, { username: 'motcua', fullName: 'Cán bộ một cửa', departmentId: null, roles: ['onestop', 'staff'], password: 'Quay-tiep-nhan-2026' }, now, {
      scryptCost: config.scryptCost,
      mustChangePassword: false,
    });
    const procedure = await createProcedure(deps.db, system, { code: '1.001234', name: 'Cấp giấy phép bán lẻ rượu', departmentId: dept.id, workingDays: 10, hasFee: false, leadReview: true }, now);
    await deps.db.destroy();
    process.stdout.write(`${JSON.stringify({ procedureId: procedure.id })}\n`);
    process.exit(0);
  }
  const policy = { ...config.login, sessionTtlHours: config.sessionTtlHours, scryptCost: config.scryptCost };
  const { token } = await login(deps.db, policy, { username: 'motcua', password: 'Quay-tiep-nhan-2026', ip: null, userAgent: 'bench' }, new Date());
  const clerk = await authenticateToken(deps.db, token, new Date());
  const dd = dossierDeps(deps);
  if (process.env.BENCH_MODE === 'statements') {
    // One intake with every statement recorded: how many run while the day's counter row is locked
    // (from the counter's upsert to COMMIT) — a count, so the machine's load does not blur it.
    const sql: string[] = [];
    deps.db.on('query', (q: { sql: string }) => sql.push(q.sql));
    await receiveCounterDossier(dd, clerk, { procedureId: Number(process.env.BENCH_PROCEDURE_ID), applicant: { name: 'Công ty TNHH Thương mại Một' } });
    const counter = sql.findIndex((s) => s.includes('dossier_code_counters'));
    const commit = sql.findIndex((s, i) => i > counter && /^commit/i.test(s.trim()));
    await deps.db.destroy();
    process.stdout.write(`${JSON.stringify({ total: sql.length, underLock: sql.slice(counter + 1, commit) })}\n`);
    process.exit(0);
  }
  const procedureId = Number(process.env.BENCH_PROCEDURE_ID);
  const clients = Number(process.env.BENCH_CLIENTS);
  const endAt = Date.now() + Number(process.env.BENCH_SECONDS) * 1000;
  const latencies: number[] = [];
  let failures = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; Date.now() < endAt; i++) {
        const t0 = performance.now();
        try {
          await receiveCounterDossier(dd, clerk, {
            procedureId,
            applicant: { name: `Công ty TNHH Thương mại ${process.pid}-${c}-${i}`, idNumber: '4100123456', phone: '0256 3822 123' },
            subject: 'Cấp giấy phép bán lẻ rượu',
          });
          latencies.push(performance.now() - t0);
        } catch (err) {
          failures++;
          if (failures <= 3) process.stderr.write(`intake failed: ${(err as Error).message}\n`);
        }
      }
    }),
  );
  await deps.db.destroy();
  process.stdout.write(`${JSON.stringify({ latencies, failures })}\n`);
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`bench intake child failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
