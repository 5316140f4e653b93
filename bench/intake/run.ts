/**
 * Counter intake throughput on PostgreSQL (issue 6 §4: intakes queued on the day's code counter row).
 * For each tree (this checkout, and a baseline checkout given by --baseline) and each process count:
 * a fresh database, one department / procedure / clerk, then P processes × C concurrent intakes for
 * S seconds through `receiveCounterDossier`. Prints intakes per second and latency percentiles, and
 * checks that the day's codes came out 1..N with no gap and no duplicate.
 *
 *   npx tsx bench/intake/run.ts --baseline=/path/to/checkout [--processes=1,2] [--clients=16] [--seconds=15]
 *
 * The baseline checkout needs its own node_modules (or a symlink to this one's when the lock files
 * agree). Both trees run alternately, twice each, so that the machine's load falls on both alike.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knex from 'knex';

const here = path.dirname(fileURLToPath(import.meta.url));
const option = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const adminUrl = option('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const processes = option('processes', '1,2').split(',').map(Number);
const clients = Number(option('clients', '16'));
const seconds = Number(option('seconds', '15'));
const trees: Array<{ label: string; dir: string }> = [{ label: 'this tree', dir: path.resolve(here, '../..') }];
const baseline = option('baseline', '');
if (baseline) trees.unshift({ label: 'baseline', dir: path.resolve(baseline) });
const DB = 'idesk_bench_intake';
// --profile=<dir>: each child writes a V8 CPU profile there (summarise with bench/transitions/profile.ts).
const profileDir = option('profile', '');

/** A fresh database with the schema, one department, a procedure and the clerk (in a child: each tree its own modules). */
async function prepare(tree: string, dataDir: string): Promise<number> {
  const admin = knex({ client: 'pg', connection: adminUrl });
  await admin.raw(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.raw(`CREATE DATABASE ${DB}`);
  await admin.destroy();
  const { procedureId } = (await child(tree, 0, dataDir, 'prepare')) as unknown as { procedureId: number };
  return procedureId;
}

function dbUrl(): string {
  const url = new URL(adminUrl);
  url.pathname = `/${DB}`;
  return url.toString();
}

function child(tree: string, procedureId: number, dataDir: string, mode: 'prepare' | 'statements' | 'run' = 'run'): Promise<{ latencies: number[]; failures: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', path.join(here, 'child.ts')], {
      cwd: tree,
      env: {
        ...process.env,
        BENCH_TREE: tree,
        BENCH_MODE: mode,
        BENCH_DATABASE_URL: dbUrl(),
        BENCH_DATA_DIR: dataDir,
        BENCH_PROCEDURE_ID: String(procedureId),
        BENCH_CLIENTS: String(clients),
        BENCH_SECONDS: String(seconds),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string)) : reject(new Error(`child exited ${code}`))));
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function checkCodes(): Promise<string> {
  const db = knex({ client: 'pg', connection: dbUrl() });
  const rows = await db('dossiers').select('code');
  await db.destroy();
  const byDay = new Map<string, number[]>();
  for (const { code } of rows as Array<{ code: string }>) {
    const [, day, seq] = /-(\d{6})-(\d+)$/.exec(code) ?? [];
    byDay.set(day as string, [...(byDay.get(day as string) ?? []), Number(seq)]);
  }
  for (const [day, seqs] of byDay) {
    seqs.sort((a, b) => a - b);
    if (seqs.some((s, i) => s !== i + 1)) return `GAP OR DUPLICATE on ${day}`;
  }
  return `${rows.length} codes, 1..N per day`;
}

async function main(): Promise<void> {
  const results: string[] = [];
  for (const tree of trees) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-bench-intake-'));
    const procedureId = await prepare(tree.dir, dataDir);
    const { total, underLock } = (await child(tree.dir, procedureId, dataDir, 'statements')) as unknown as { total: number; underLock: string[] };
    fs.rmSync(dataDir, { recursive: true, force: true });
    console.log(`${tree.label}: one counter intake runs ${total} statements, ${underLock.length} of them between the counter's upsert and COMMIT:`);
    for (const sql of underLock) console.log(`    ${sql.slice(0, 110)}`);
  }
  for (const round of [1, 2]) {
    for (const p of processes) {
      for (const tree of trees) {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-bench-intake-'));
        const procedureId = await prepare(tree.dir, dataDir);
        const runs = await Promise.all(Array.from({ length: p }, () => child(tree.dir, procedureId, dataDir)));
        fs.rmSync(dataDir, { recursive: true, force: true });
        const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
        const failures = runs.reduce((n, r) => n + r.failures, 0);
        const line = `round ${round} | ${tree.label} | ${p} process(es) × ${clients} | ${(latencies.length / seconds).toFixed(0)} intakes/s | p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms | failures ${failures} | ${await checkCodes()}`;
        console.log(line);
        results.push(line);
      }
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
