import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { verifyEventLog } from '../../src/domain/audit/event-log.ts';
import { restoreBackup } from '../../src/infrastructure/backups/backup.service.ts';
import { iso } from '../../src/lib/rows.ts';
import { createLogger } from '../../src/logger.ts';
import { APPLICANT, buildWorld, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_DB } from '../support/test-db.ts';
import { backupEnv, cleanupAll, freshTarget, tableRows } from './backup-support.ts';

/**
 * The Done-when: a backup taken while transitions are being written opens, passes its integrity
 * check, and restores to a database whose rows equal the source's at the backup instant.
 *
 * The backup runs as `npm run idesk -- backup` in its own process (as the worker does in production)
 * while four clients drive dossiers over HTTP. The backup instant is not known from outside, so the test
 * reconstructs it from what the source keeps, after the writers stop:
 * - events are append-only and immutable: every event in the backup must equal the source's event with
 *   the same id, and each record's events in the backup must be a prefix (seq 1…k) of its chain; on
 *   SQLite, where writers are serialised and ids follow commit order, the backup's events must be exactly
 *   the source's events with id ≤ the backup's largest id;
 * - each dossier in the backup must be at the version of its last event there, carry that event's hash
 *   as chain head, and equal what the API answered when that version was written (every answer of every
 *   writer is recorded); a dossier the writers did not touch afterwards must equal the source row exactly;
 * - every dossier the backup's events mention is there and no other; the day's code counter matches the
 *   dossiers received that day; the outbox rows equal the source's; tables nobody wrote equal the source.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const WRITERS = 4;
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp({ env: backupEnv() });
  w = await buildWorld(app);
});
afterAll(async () => {
  await app.close();
  await cleanupAll();
});

/** What the API answered for each dossier version: `${id}:${version}` → the dossier view. */
const answers = new Map<string, Record<string, any>>();

async function writer(stop: { done: boolean }, errors: string[]): Promise<number> {
  let transitions = 0;
  const steps: Array<[TestUser, string, Record<string, unknown>]> = [
    [w.lead, 'ASSIGN', { assigneeId: w.specialist.id }],
    [w.specialist, 'VERIFY', {}],
    [w.lead, 'SEND_BACK', { reason: 'Làm rõ ý kiến thẩm định' }],
    [w.specialist, 'VERIFY', {}],
    [w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện cấp phép', proposedResult: 'grant' }],
    [w.director, 'APPROVE', {}],
  ];
  while (!stop.done) {
    const created = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
    if (created.status !== 201) {
      errors.push(`create: ${created.status} ${JSON.stringify(created.body)}`);
      return transitions;
    }
    answers.set(`${created.body.id}:${created.body.version}`, created.body);
    let version = created.body.version as number;
    for (const [user, type, extra] of steps) {
      if (stop.done) break;
      const res = await w.http.post(`/api/dossiers/${created.body.id}/events`, { type, version, ...extra }, { token: user.token });
      if (res.status !== 200) {
        errors.push(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
        return transitions;
      }
      answers.set(`${res.body.id}:${res.body.version}`, res.body);
      version = res.body.version;
      transitions++;
    }
  }
  return transitions;
}

async function maxEventId(db: Db): Promise<number> {
  return Number((await db('events').max('id as id').first())?.id ?? 0);
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `npm run idesk -- backup` against the app's database, in a process of its own. */
function runCliBackup(): Promise<{ code: number | null; output: string }> {
  const { config } = app.deps;
  const databaseUrl = config.database.client === 'pg' ? config.database.url : `sqlite:${config.database.filename}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/idesk.ts', 'backup'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: config.dataDir, BACKUP_DIR: config.backup.dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

const byId = (rows: Array<Record<string, any>>) => new Map(rows.map((r) => [Number(r.id), r]));

describe('a backup while transitions are being written', () => {
  it('opens, passes its integrity check, and restores to the rows the source had at the backup instant', async () => {
    const source = app.deps.db;
    const untouched = ['departments', 'users', 'user_roles', 'sessions', 'api_tokens', 'procedures', 'procedure_rules', 'calendar_overrides', 'audit_checkpoints', 'notifications', 'idempotency_keys', 'knex_migrations', 'knex_migrations_lock'];
    const untouchedBefore = Object.fromEntries(await Promise.all(untouched.map(async (t) => [t, await tableRows(source, t)] as const)));

    const stop = { done: false };
    const errors: string[] = [];
    const startId = await maxEventId(source);
    const writers = Array.from({ length: WRITERS }, () => writer(stop, errors));
    await waitFor('the writers to get going', async () => (await maxEventId(source)) > startId + 20);
    const atSpawn = await maxEventId(source);
    const cli = await runCliBackup();
    const atExit = await maxEventId(source);
    // Writing goes on after the backup, so the source moves past the backup instant.
    await waitFor('writes after the backup', async () => (await maxEventId(source)) > atExit + 20);
    stop.done = true;
    const transitions = (await Promise.all(writers)).reduce((a, b) => a + b, 0);
    expect(errors).toEqual([]);
    expect(cli.code, cli.output).toBe(0);
    expect(atExit).toBeGreaterThan(atSpawn);

    // The backup opened and passed its integrity check.
    const row = await source('backups').where({ kind: 'cli' }).first();
    expect(row).toMatchObject({ status: 'succeeded', error: null });
    expect([true, 1]).toContain(row.verified);
    expect(row.verification).toMatch(TEST_DB === 'sqlite' ? /integrity_check ok; foreign keys ok/ : /pg_restore --list ok.*row counts equal to the dump's snapshot/);

    const target = await freshTarget(app.deps.config.backup.dir);
    await restoreBackup(target.config, row.name, createLogger('silent'));
    const restored = target.open();
    expect((await verifyEventLog(restored)).ok).toBe(true);

    // Tables no one wrote meanwhile: equal.
    for (const table of untouched) {
      expect(await tableRows(restored, table), table).toEqual(untouchedBefore[table]);
      expect(await tableRows(source, table), table).toEqual(untouchedBefore[table]);
    }

    // Events: each equals the source's; each stream is a prefix of the source's chain.
    const sourceEvents = byId(await source('events').select('*'));
    const restoredEvents = await restored('events').orderBy('id').select('*');
    const backupMaxId = Number(restoredEvents.at(-1)!.id);
    // The backup instant lies inside the writing: after the backup process started, before writing stopped.
    expect(backupMaxId).toBeGreaterThan(atSpawn);
    expect(await maxEventId(source)).toBeGreaterThan(backupMaxId);
    for (const e of restoredEvents) expect(e, `event ${e.id}`).toEqual(sourceEvents.get(Number(e.id)));
    const streams = new Map<string, Array<Record<string, any>>>();
    for (const e of restoredEvents) {
      const key = `${e.stream_type}:${e.stream_id}`;
      streams.set(key, [...(streams.get(key) ?? []), e]);
    }
    for (const [key, events] of streams) {
      expect(events.map((e) => e.seq).sort((a, b) => a - b), key).toEqual(events.map((_, i) => i + 1));
    }
    if (TEST_DB === 'sqlite') {
      const expectedIds = [...sourceEvents.keys()].filter((id) => id <= backupMaxId).sort((a, b) => a - b);
      expect(restoredEvents.map((e) => Number(e.id))).toEqual(expectedIds);
    }

    // Dossiers: consistent with their own chain, and equal to the API's answer for that version.
    const sourceDossiers = byId(await source('dossiers').select('*'));
    const restoredDossiers = await restored('dossiers').orderBy('id').select('*');
    const dossierStreams = [...streams.keys()].filter((k) => k.startsWith('dossier:')).map((k) => Number(k.slice('dossier:'.length)));
    expect(restoredDossiers.map((d) => Number(d.id)).sort((a, b) => a - b)).toEqual(dossierStreams.sort((a, b) => a - b));
    let unchanged = 0;
    for (const d of restoredDossiers) {
      const chain = streams.get(`dossier:${d.id}`)!;
      const last = chain.at(-1)!;
      expect(d.version, `dossier ${d.id}`).toBe(last.seq);
      expect(d.chain_head, `dossier ${d.id}`).toBe(last.hash);
      if (last.to_state !== null) expect(d.state, `dossier ${d.id}`).toBe(last.to_state);
      const answer = answers.get(`${d.id}:${d.version}`);
      expect(answer, `the API answered dossier ${d.id} version ${d.version}`).toBeDefined();
      expect(
        {
          state: d.state,
          version: d.version,
          assigneeId: d.assignee_id,
          step: d.step,
          stepDueAt: iso(d.step_due_at),
          originalDueAt: iso(d.due_at),
          result: d.result,
          outcome: d.outcome,
          finishedAt: iso(d.finished_at),
          updatedAt: iso(d.updated_at),
          code: d.code,
        },
        `dossier ${d.id} version ${d.version}`,
      ).toEqual({
        state: answer!.state,
        version: answer!.version,
        assigneeId: answer!.assigneeId,
        step: answer!.step,
        stepDueAt: answer!.stepDueAt,
        originalDueAt: answer!.originalDueAt,
        result: answer!.result,
        outcome: answer!.outcome,
        finishedAt: answer!.finishedAt,
        updatedAt: answer!.updatedAt,
        code: answer!.code,
      });
      const now = sourceDossiers.get(Number(d.id))!;
      if (now.version === d.version) {
        expect(d, `dossier ${d.id}`).toEqual(now);
        unchanged++;
      }
    }
    // Both kinds were seen: dossiers the writers moved on after the backup, and dossiers they did not.
    expect(unchanged).toBeGreaterThan(0);
    expect(unchanged).toBeLessThan(restoredDossiers.length);

    // The code counter moved with the dossiers it numbered (same transaction).
    for (const counter of await restored('dossier_code_counters').select('*')) {
      expect(restoredDossiers.filter((d) => String(d.code).split('-')[1] === counter.day)).toHaveLength(counter.last_sequence);
    }

    // The outbox: the source's rows, and on SQLite exactly those up to the backup's last.
    const sourceOutbox = byId(await source('outbox').select('*'));
    const restoredOutbox = await restored('outbox').orderBy('id').select('*');
    for (const o of restoredOutbox) expect(o, `outbox ${o.id}`).toEqual(sourceOutbox.get(Number(o.id)));
    if (TEST_DB === 'sqlite') {
      const last = Number(restoredOutbox.at(-1)!.id);
      expect(restoredOutbox.map((o) => Number(o.id))).toEqual([...sourceOutbox.keys()].filter((id) => id <= last).sort((a, b) => a - b));
    }

    // The catalog: the backup's own row, as it was while the copy was taken.
    const [catalog] = await restored('backups').select('*');
    expect(await restored('backups').count({ n: '*' }).first().then((r) => Number(r?.n))).toBe(1);
    expect(catalog).toEqual({ ...row, status: 'running', size_bytes: null, sha256: null, verified: null, verification: null, finished_at: null });

    expect(transitions).toBeGreaterThan(50);
  });
});
