/**
 * Builds (or resumes) the dossier set the list benchmark reads: N dossiers created through the domain
 * functions (counter intake, online submission, ASSIGN / VERIFY / STOP through fireDossierEvent) into a
 * SQLite file outside the repository, kept for the next run. Intakes are spread evenly over the 300 days
 * before the build started by an injected clock, so steps and appointments of the older open dossiers
 * have passed (overdue) while the newest are still running.
 *
 *   tsx bench/lists/build.ts --size=1000000 [--file=/work/bench-data/lists-1000000.sqlite]
 *
 * A sidecar `<file>.json` records the set-up (start instant, spacing, users' passwords) and how many
 * dossiers exist; an interrupted build resumes where it stopped. Which dossiers stay open is decided by
 * the dossier's index, so a resumed build is the same as an uninterrupted one.
 */
import fs from 'node:fs';
import type { Role } from '../../src/auth/principal.ts';
import { userActor } from '../../src/auth/actor.ts';
import { bootstrap } from '../../src/bootstrap.ts';
import { dossierDeps } from '../../src/api/deps.ts';
import { createDepartment } from '../../src/domain/accounts/departments.service.ts';
import { createUser, toPrincipal, rolesOf } from '../../src/domain/accounts/users.service.ts';
import { fireDossierEvent } from '../../src/domain/dossiers/dossier.service.ts';
import { receiveCounterDossier, submitOnlineDossier } from '../../src/domain/dossiers/dossier-intake.ts';
import { createProcedure } from '../../src/domain/procedures/procedures.service.ts';
import { createLogger } from '../../src/logger.ts';
import { benchConfig, benchFile, DEPARTMENTS, kindOf, option, passwordOf, SPAN_MS, type BenchMeta } from './setup.ts';

const SYSTEM = { kind: 'system' } as const;

async function main(): Promise<void> {
  const size = Number(option('size', '10000'));
  if (!Number.isInteger(size) || size < 100) throw new Error('--size must be an integer ≥ 100');
  // How many go through the domain functions; the rest are copies of those rows (see replicate()).
  const domain = Math.min(size, Number(option('domain', String(size))));
  if (!Number.isInteger(domain) || domain < 100) throw new Error('--domain must be an integer ≥ 100');
  const file = option('file', benchFile(size));
  const metaFile = `${file}.json`;
  let meta: BenchMeta | null = fs.existsSync(metaFile) ? (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as BenchMeta) : null;
  if (meta && (meta.size !== size || meta.domain !== domain)) throw new Error(`${file} was built for ${meta.size} dossiers (${meta.domain} through the domain), not ${size} (${domain})`);
  if (!meta && fs.existsSync(file)) throw new Error(`${file} exists without ${metaFile}: remove it`);
  const startMs = meta?.startMs ?? Date.now() - SPAN_MS;
  const intervalMs = SPAN_MS / domain;
  let simNow = new Date(startMs);
  const config = benchConfig(file);
  const deps = await bootstrap(config, createLogger(config.logLevel), { clock: () => simNow });
  const { db } = deps;
  // Bench data, not records: a crash means a rebuild, so no fsync per intake.
  await db.raw('PRAGMA synchronous = OFF');

  if (!meta) {
    const users: BenchMeta['users'] = [];
    const procedures: number[] = [];
    const user = async (username: string, roles: Role[], departmentId: number | null) => {
      const { user: view } = await createUser(
        db,
        SYSTEM,
        { username, fullName: `Cán bộ ${username}`, departmentId, roles: [...roles, 'staff'], password: passwordOf(username) },
        simNow,
        { scryptCost: config.scryptCost, mustChangePassword: false },
      );
      users.push({ username, id: view.id, roles, departmentId });
      return view.id;
    };
    await user('motcua', ['onestop'], null);
    await user('giamdoc', ['director'], null);
    for (const d of DEPARTMENTS) {
      const dept = await createDepartment(db, SYSTEM, { code: d.code, name: d.name }, simNow);
      await user(`truongphong-${d.code.toLowerCase()}`, ['dept_lead'], dept.id);
      for (let s = 1; s <= 3; s++) await user(`chuyenvien-${d.code.toLowerCase()}-${s}`, ['specialist'], dept.id);
      for (let p = 1; p <= 2; p++) {
        const proc = await createProcedure(
          db,
          SYSTEM,
          { code: `${d.code}.${p}`, name: `${d.name}: thủ tục ${p}`, departmentId: dept.id, workingDays: 10, hasFee: false, leadReview: true },
          simNow,
        );
        procedures.push(proc.id);
      }
    }
    meta = { size, domain, startMs, built: 0, users, procedures };
    fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  }

  const principal = async (username: string) => {
    const u = meta!.users.find((x) => x.username === username)!;
    const row = await db('users').where({ id: u.id }).first();
    return toPrincipal(row, await rolesOf(db, u.id), 'session');
  };
  const dd = dossierDeps(deps);
  const clerk = await principal('motcua');
  const leads = new Map<number, Awaited<ReturnType<typeof principal>>>();
  const specialists = new Map<number, number[]>();
  for (const u of meta.users) {
    if (u.roles.includes('dept_lead')) leads.set(u.departmentId as number, await principal(u.username));
    if (u.roles.includes('specialist')) specialists.set(u.departmentId as number, [...(specialists.get(u.departmentId as number) ?? []), u.id]);
  }
  const departmentOf = new Map<number, number>();
  for (const p of await db('procedures').select('id', 'department_id')) departmentOf.set(p.id, p.department_id);
  const specialistPrincipals = new Map<number, Awaited<ReturnType<typeof principal>>>();
  for (const u of meta.users) if (u.roles.includes('specialist')) specialistPrincipals.set(u.id, await principal(u.username));

  const started = performance.now();
  const from = meta.built;
  let lastReport = started;
  for (let i = from; i < domain; i++) {
    simNow = new Date(startMs + i * intervalMs);
    const procedureId = meta.procedures[i % meta.procedures.length] as number;
    const departmentId = departmentOf.get(procedureId) as number;
    const applicant = {
      name: `${APPLICANT_NAMES[i % APPLICANT_NAMES.length]} ${i}`,
      idNumber: String(4100000000 + i),
      phone: '0256 3822 123',
      email: null,
      address: 'Quy Nhơn, Bình Định',
    };
    const kind = kindOf(i);
    if (kind === 'online') {
      await submitOnlineDossier(dd, { procedureId, applicant, subject: 'Nộp trực tuyến' });
    } else {
      const { body } = await receiveCounterDossier(dd, clerk, { procedureId, applicant, subject: 'Tiếp nhận tại quầy' });
      let version = body.version;
      const specialistId = (specialists.get(departmentId) as number[])[Math.floor(i / 7) % 3] as number;
      const lead = leads.get(departmentId)!;
      if (kind === 'assigned' || kind === 'verified' || kind === 'assignedStopped') {
        version = (await fireDossierEvent(dd, userActor(lead), body.id, { type: 'ASSIGN', version, assigneeId: specialistId })).body.version;
      }
      if (kind === 'verified') {
        await fireDossierEvent(dd, userActor(specialistPrincipals.get(specialistId)!), body.id, { type: 'VERIFY', version });
      }
      if (kind === 'stopped' || kind === 'assignedStopped') {
        await fireDossierEvent(dd, userActor(clerk), body.id, { type: 'STOP', version, reason: 'Tổ chức đề nghị dừng' });
      }
    }
    if ((i + 1) % 5000 === 0 || i + 1 === domain) {
      meta.built = i + 1;
      fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
      const t = performance.now();
      if (t - lastReport > 10_000 || i + 1 === domain) {
        lastReport = t;
        process.stdout.write(`${new Date().toISOString()} ${i + 1}/${domain} dossiers, ${(((i + 1 - from) / (t - started)) * 1000).toFixed(0)}/s since start\n`);
      }
    }
  }
  if (meta.built < size) await replicate(db, meta, metaFile);
  await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.raw('ANALYZE');
  await db.destroy();
  process.stdout.write(`built ${size} dossiers in ${file}\n`);
}

/**
 * Fills the set up to `size` with copies of the dossiers built through the domain functions, in rounds
 * of `domain` rows (same procedures, states, instants and snapshots; the code and the applicant's name
 * get a `-r<round>` suffix, the tracking secret is dropped). Only `dossiers` grows: the copies have no
 * events of their own, which lists never read. Used when the machine cannot create a million dossiers
 * one by one in the time at hand; RESULTS.md says how many went through the domain.
 */
async function replicate(db: import('knex').Knex, meta: BenchMeta, metaFile: string): Promise<void> {
  const columns = ((await db.raw('PRAGMA table_info(dossiers)')) as Array<{ name: string }>).map((c) => c.name).filter((c) => c !== 'id');
  const maxOriginal = (await db('dossiers').orderBy('id').offset(meta.domain - 1).first('id')).id as number;
  while (meta.built < meta.size) {
    const round = Math.floor(meta.built / meta.domain);
    const take = Math.min(meta.domain, meta.size - meta.built);
    const select = columns.map((c) =>
      c === 'code' || c === 'applicant_name' ? `${c} || '-r${round}'` : c === 'tracking_secret_hash' ? 'NULL' : c,
    );
    const t0 = performance.now();
    await db.raw(`INSERT INTO dossiers (${columns.join(', ')}) SELECT ${select.join(', ')} FROM dossiers WHERE id <= ? ORDER BY id LIMIT ?`, [maxOriginal, take]);
    meta.built += take;
    fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
    process.stdout.write(`${new Date().toISOString()} ${meta.built}/${meta.size} dossiers (round ${round} of copies, ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
}

const APPLICANT_NAMES = ['Công ty TNHH Rượu Bình Định', 'Nguyễn Văn An', 'Trần Thị Bình', 'Công ty CP Hóa chất Miền Trung', 'Hộ kinh doanh Lê Minh', 'Doanh nghiệp tư nhân Phạm Gia'];

main().catch((err) => {
  process.stderr.write(`bench/lists build failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
