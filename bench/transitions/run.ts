/**
 * Transition throughput benchmark: idesk's POST /api/dossiers/:id/events against a raw Koa 3 +
 * better-sqlite3 baseline doing one compare-and-set UPDATE and one INSERT per request.
 *
 * Each server runs in its own child process (fork) on a fresh SQLite file in a temp dir; the load
 * generator runs in this process, so server and client each get one of the two cores. The two targets
 * run alternately, `rounds` times each, and the ratio idesk/raw is reported per round and overall.
 *
 *   npm run bench:transitions -- [--concurrency=32] [--duration=20] [--warmup=5] [--rounds=3]
 *                                [--dossiers=N] [--raw-dossiers=N] [--profile] [--only=idesk|raw]
 * (or the same as BENCH_CONCURRENCY, BENCH_DURATION, BENCH_WARMUP, BENCH_ROUNDS, BENCH_DOSSIERS,
 * BENCH_RAW_DOSSIERS, BENCH_PROFILE=1, BENCH_ONLY.)
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadResult } from './client.ts';
import { formatSummary, summariseProfile } from './profile.ts';
import type { ControlMessage, ReadyMessage, SqlStat, StoppedMessage } from './protocol.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
type Target = 'idesk' | 'raw';

function option(name: string, fallback: string): string {
  const flag = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (flag) return flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : '1';
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
}

function intOption(name: string, fallback: number): number {
  const value = Number(option(name, String(fallback)));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

const concurrency = intOption('concurrency', 32);
const durationMs = intOption('duration', 20) * 1000;
const warmupMs = intOption('warmup', 5) * 1000;
const rounds = Math.max(1, intOption('rounds', 3));
const profile = option('profile', '0') === '1';
const only = option('only', '') as Target | '';
// Pre-created dossiers: enough for the whole run with headroom over the throughput seen on a 2-core
// machine (idesk ~200 dossiers/s, raw ~1,100 dossiers/s); a run that runs out says so and is cut short.
const seconds = (warmupMs + durationMs) / 1000;
const ideskDossiers = intOption('dossiers', Math.ceil(seconds * 320));
const rawDossiers = intOption('raw-dossiers', Math.ceil(seconds * 2500));

interface RunResult extends LoadResult {
  target: Target;
  serverCpu: number;
  setupMs: number;
  sql?: SqlStat[];
}

function send(child: ChildProcess, message: ControlMessage): void {
  if (child.connected) child.send(message);
}

async function runOnce(target: Target, profileDir?: string): Promise<RunResult> {
  const script = path.join(HERE, target === 'idesk' ? 'idesk-server.ts' : 'raw-server.ts');
  const child = fork(script, [], {
    execArgv: process.execArgv,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      BENCH_DOSSIERS: String(target === 'idesk' ? ideskDossiers : rawDossiers),
      ...(profileDir ? { BENCH_CPU_PROF_DIR: profileDir, BENCH_SQL_STATS: '1' } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    child.once('message', (m: ReadyMessage) => (m.kind === 'ready' ? resolve(m) : reject(new Error(`unexpected message ${JSON.stringify(m)}`))));
    void exited.then((code) => reject(new Error(`${target} server exited with ${code} before it was ready`)));
  });
  const stopped = new Promise<StoppedMessage>((resolve) => child.on('message', (m: StoppedMessage) => m.kind === 'stopped' && resolve(m)));
  const load = await runLoad(ready, { concurrency, warmupMs, durationMs, onMeasureStart: () => send(child, { kind: 'mark' }) });
  send(child, { kind: 'stop' });
  const [server, code] = await Promise.all([stopped, exited]);
  if (code !== 0) throw new Error(`${target} server exited with ${code}`);
  // The server's CPU is counted from the end of warm-up until the stop message, a little after the window.
  return { ...load, target, serverCpu: server.cpuMs / server.wallMs, setupMs: ready.setupMs, ...(server.sql ? { sql: server.sql } : {}) };
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function line(r: RunResult): string {
  return (
    `${r.target.padEnd(5)}  ${fmt(r.perSecond, 0).padStart(6)} tx/s  p50 ${fmt(r.p50, 2).padStart(6)} ms  p90 ${fmt(r.p90, 2).padStart(6)} ms  ` +
    `p99 ${fmt(r.p99, 2).padStart(6)} ms  max ${fmt(r.max, 1).padStart(6)} ms  n=${r.transitions}  dossiers=${r.dossiersCompleted}  ` +
    `errors=${r.errors}  cpu server ${fmt(r.serverCpu * 100, 0)}% client ${fmt(r.clientCpu * 100, 0)}%  (setup ${fmt(r.setupMs / 1000, 1)} s)` +
    (r.ranOut ? `  RAN OUT of dossiers after ${fmt(r.windowMs / 1000, 1)} s` : '')
  );
}

/**
 * SQL statements per transition and their time, against the server's wall time per transition (the
 * server is one thread: 1 / throughput) and its CPU time per transition.
 */
function formatSql(r: RunResult): string {
  const sql = r.sql ?? [];
  const { transitions } = r;
  const serverCpuMs = r.serverCpu * r.windowMs;
  const per = (x: number) => x / transitions;
  const totalMs = sql.reduce((a, s) => a + s.ms, 0);
  const statements = sql.reduce((a, s) => a + s.count, 0);
  const lines = [
    `SQL during the measured window (≈ per transition; better-sqlite3 run/all/get, COMMIT includes the fsync):`,
    `  ${fmt(per(statements), 1)} statements, ${fmt(per(totalMs) * 1000, 0)} µs in SQLite per transition, of ${fmt(per(r.windowMs) * 1000, 0)} µs server wall time ` +
      `(${fmt(per(serverCpuMs) * 1000, 0)} µs CPU) per transition`,
    ...sql.slice(0, 20).map((s) => `  ${fmt(per(s.count), 2).padStart(5)} ×  ${fmt(per(s.ms) * 1000, 0).padStart(4)} µs  ${s.sql.replace(/\s+/g, ' ').slice(0, 150)}`),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const targets: Target[] = only ? [only] : ['idesk', 'raw'];
  process.stdout.write(
    `transitions bench: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, ` +
      `concurrency ${concurrency}, warm-up ${warmupMs / 1000} s, measure ${durationMs / 1000} s, ${rounds} round(s), ` +
      `servers in child processes, load generator in the orchestrator process (http.Agent keep-alive)\n`,
  );
  const results: RunResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Alternate the order so that neither target always runs first on a warming or cooling machine.
    const order = round % 2 === 1 ? targets : [...targets].reverse();
    for (const target of order) {
      const r = await runOnce(target);
      results.push(r);
      process.stdout.write(`round ${round}  ${line(r)}\n`);
      for (const [kind, n] of Object.entries(r.errorKinds).slice(0, 5)) process.stdout.write(`    ${n} × ${kind}\n`);
      if (r.sql) process.stdout.write(`${formatSql(r)}\n`);
    }
  }

  const of = (t: Target) => results.filter((r) => r.target === t);
  process.stdout.write('\nsummary (median over rounds):\n');
  for (const t of targets) {
    const rs = of(t);
    if (rs.length === 0) continue;
    process.stdout.write(
      `  ${t.padEnd(5)}  ${fmt(median(rs.map((r) => r.perSecond)), 0).padStart(6)} tx/s  p50 ${fmt(median(rs.map((r) => r.p50)), 2)} ms  ` +
        `p99 ${fmt(median(rs.map((r) => r.p99)), 2)} ms  (server CPU ${fmt(median(rs.map((r) => r.serverCpu)) * 100, 0)}%, client CPU ${fmt(median(rs.map((r) => r.clientCpu)) * 100, 0)}%)\n`,
    );
  }
  if (targets.length === 2) {
    const ratios = Array.from({ length: rounds }, (_, i) => {
      const idesk = of('idesk')[i] as RunResult;
      const raw = of('raw')[i] as RunResult;
      return idesk.perSecond / raw.perSecond;
    });
    process.stdout.write(
      `  ratio idesk/raw (tx/s): ${ratios.map((x) => fmt(x, 3)).join(', ')}  → median ${fmt(median(ratios), 3)}  (target ≥ 0.6)\n`,
    );
  }

  if (profile) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-bench-prof-'));
    process.stdout.write(`\nprofiling the idesk server (V8 CPU profile of the measured window, via node:inspector; not part of the figures above) into ${dir}\n`);
    const r = await runOnce('idesk', dir);
    process.stdout.write(`profiled run  ${line(r)}\n`);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile was written');
    process.stdout.write(`\n${formatSummary(summariseProfile(path.join(dir, file), 25))}\n(profile kept at ${path.join(dir, file)})\n`);
    if (r.sql) process.stdout.write(`\n${formatSql(r)}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
