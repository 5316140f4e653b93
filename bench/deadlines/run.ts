/**
 * Deadline precision benchmark: how late does a BullMQ worker start jobs at their due instant when
 * 100 000 other delayed jobs are pending in the same queue, against the same queue without them?
 *
 * Each run: (backlog runs only, once) fill the queue with `backlog` jobs delayed 1–60 days; start a
 * worker process (bench/deadlines/worker.ts, built like workers/deadlines.worker.ts); add `due` jobs
 * whose due instants are spread evenly over `window` seconds, starting `lead` seconds later; the
 * worker records Date.now() − due instant when each starts. Baseline and backlog runs alternate
 * (ABBA…), `rounds` of each, on the local Redis under random prefixes deleted at the end.
 *
 *   npm run bench:deadlines -- [--backlog=100000] [--due=2000] [--window=40] [--lead=2]
 *                              [--rounds=2] [--concurrency=5] [--redis=redis://127.0.0.1:6379]
 * (or BENCH_BACKLOG, BENCH_DUE, BENCH_WINDOW, BENCH_LEAD, BENCH_ROUNDS, BENCH_CONCURRENCY, BENCH_REDIS.)
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, KEEP_FINISHED } from '../../src/queues/queues.ts';
import type { BenchJobData, WorkerDone, WorkerMessage } from './protocol.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DAY = 24 * 3600 * 1000;

function option(name: string, fallback: string): string {
  const flag = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (flag) return flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : '1';
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
}

function numberOption(name: string, fallback: number): number {
  const value = Number(option(name, String(fallback)));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

const backlog = numberOption('backlog', 100_000);
const due = Math.max(1, numberOption('due', 2_000));
const windowMs = numberOption('window', 40) * 1000;
const leadMs = numberOption('lead', 2) * 1000;
const rounds = Math.max(1, numberOption('rounds', 2));
const concurrency = Math.max(1, numberOption('concurrency', 5));
const redisUrl = option('redis', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

type Kind = 'baseline' | 'backlog';

interface RunResult {
  kind: Kind;
  round: number;
  /** Delayed jobs in the queue when the due jobs had been added (backlog + due). */
  delayedAtStart: number;
  lateness: number[];
  strays: number;
}

/** The same options the outbox relay gives a deadline job (workers/outbox-relay.ts). */
const JOB_OPTIONS = { attempts: 8, backoff: { type: 'exponential', delay: 1_000 }, ...KEEP_FINISHED } as const;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

function stats(lateness: number[]) {
  const sorted = [...lateness].sort((a, b) => a - b);
  return { n: sorted.length, min: sorted[0] ?? NaN, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Fills the queue with `count` jobs due 1–60 days from now, in pipelined batches; returns jobs/s. */
async function addBacklog(queue: Queue, count: number): Promise<number> {
  const started = Date.now();
  const batch = 1_000;
  for (let i = 0; i < count; i += batch) {
    const jobs = [];
    for (let j = i; j < Math.min(count, i + batch); j++) {
      const delay = DAY + Math.floor(Math.random() * 59 * DAY);
      jobs.push({
        name: 'backlog',
        data: { dueAt: Date.now() + delay, dossierId: j + 1, step: 'review' } satisfies BenchJobData,
        opts: { jobId: `backlog-${j}`, delay, ...JOB_OPTIONS },
      });
    }
    await queue.addBulk(jobs);
    if ((i / batch) % 20 === 19) process.stdout.write(`  backlog: ${i + batch} jobs\n`);
  }
  return count / ((Date.now() - started) / 1000);
}

async function runOnce(kind: Kind, round: number, queue: Queue, prefix: string): Promise<RunResult> {
  const child = fork(path.join(HERE, 'worker.ts'), [], {
    execArgv: process.execArgv,
    env: { ...process.env, BENCH_REDIS_URL: redisUrl, BENCH_PREFIX: prefix, BENCH_CONCURRENCY: String(concurrency), BENCH_EXPECTED: String(due) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const message = (kind: WorkerMessage['kind']) =>
    new Promise<WorkerMessage>((resolve, reject) => {
      child.on('message', (m: WorkerMessage) => m.kind === kind && resolve(m));
      void exited.then((code) => reject(new Error(`the worker exited with ${code} before '${kind}'`)));
    });
  try {
    await message('ready');
    const done = message('done') as Promise<WorkerDone>;
    // Due instants evenly spread over the window, each job added as the relay would (delay from now).
    const first = Date.now() + leadMs;
    const step = windowMs / due;
    const jobs = [];
    for (let i = 0; i < due; i++) {
      const dueAt = Math.round(first + i * step);
      jobs.push({ name: 'due', data: { dueAt, dossierId: i + 1, step: 'review' } satisfies BenchJobData, opts: { jobId: `due-${kind}-${round}-${i}`, delay: Math.max(0, dueAt - Date.now()), ...JOB_OPTIONS } });
    }
    for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
    if (Date.now() > first) throw new Error('adding the due jobs took longer than --lead; raise it');
    const delayedAtStart = await queue.getDelayedCount();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the due jobs did not all run within window + 60 s')), leadMs + windowMs + 60_000).unref());
    const result = await Promise.race([done, timeout]);
    return { kind, round, delayedAtStart, lateness: result.lateness, strays: result.strays };
  } finally {
    if (child.connected) child.send({ kind: 'stop' });
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }
}

/** Deletes every key under the prefix (UNLINK, in SCAN batches). */
async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function main(): Promise<void> {
  const redis = createRedis(redisUrl);
  const info = await redis.info('server');
  const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  const cpu = os.cpus()[0]?.model ?? '?';
  process.stdout.write(
    `deadline precision: backlog ${backlog} delayed jobs, ${due} due jobs over ${windowMs / 1000} s, worker concurrency ${concurrency}, ${rounds} round(s)\n` +
      `machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, Redis ${redisVersion} at ${redisUrl}\n`,
  );
  const prefixes: Record<Kind, string> = { baseline: `bench-dl-base-${randomBytes(4).toString('hex')}`, backlog: `bench-dl-backlog-${randomBytes(4).toString('hex')}` };
  const queues: Record<Kind, Queue> = {
    baseline: new Queue('deadlines', { connection: redis as ConnectionOptions, prefix: prefixes.baseline }),
    backlog: new Queue('deadlines', { connection: redis as ConnectionOptions, prefix: prefixes.backlog }),
  };
  const results: RunResult[] = [];
  let backlogFilled = false;
  let insertRate = NaN;
  let memory = '';
  try {
    // ABBA…: baseline and backlog alternate so drift on the machine hits both alike.
    const order: Kind[] = [];
    for (let r = 0; r < rounds; r++) order.push(...((r % 2 === 0 ? ['baseline', 'backlog'] : ['backlog', 'baseline']) as Kind[]));
    const roundOf: Record<Kind, number> = { baseline: 0, backlog: 0 };
    for (const kind of order) {
      if (kind === 'backlog' && !backlogFilled) {
        process.stdout.write(`filling the backlog (${backlog} jobs delayed 1–60 days)…\n`);
        const usedBefore = await usedMemory(redis);
        insertRate = await addBacklog(queues.backlog, backlog);
        backlogFilled = true;
        const usedAfter = await usedMemory(redis);
        memory = `${fmt((usedAfter - usedBefore) / 2 ** 20, 1)} MiB more (${fmt((usedAfter - usedBefore) / backlog, 0)} bytes per job; the server's other data may move too)`;
        process.stdout.write(`  ${fmt(insertRate, 0)} jobs/s; Redis used_memory ${memory}\n`);
      }
      const round = ++roundOf[kind];
      process.stdout.write(`${kind} round ${round}: ${due} due jobs over ${windowMs / 1000} s…\n`);
      const result = await runOnce(kind, round, queues[kind], prefixes[kind]);
      const s = stats(result.lateness);
      process.stdout.write(
        `  delayed at start ${result.delayedAtStart}; lateness ms: p50 ${fmt(s.p50, 0)}  p90 ${fmt(s.p90, 0)}  p99 ${fmt(s.p99, 0)}  max ${fmt(s.max, 0)}  min ${fmt(s.min, 0)}  (n ${s.n}, strays ${result.strays})\n`,
      );
      results.push(result);
    }
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    let deleted = 0;
    for (const prefix of Object.values(prefixes)) deleted += await deletePrefix(redis, prefix);
    process.stdout.write(`cleaned up: ${deleted} keys deleted under ${Object.values(prefixes).join(', ')}\n`);
    redis.disconnect();
  }

  const rows = results.map((r) => ({ ...r, ...stats(r.lateness) }));
  const byKind = (k: Kind) => rows.filter((r) => r.kind === k);
  const med = (k: Kind, f: 'p50' | 'p90' | 'p99' | 'max') => median(byKind(k).map((r) => r[f]));
  const all = (k: Kind) => stats(byKind(k).flatMap((r) => r.lateness));
  process.stdout.write('\n| run | round | delayed at start | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.kind} | ${r.round} | ${r.delayedAtStart} | ${fmt(r.p50, 0)} | ${fmt(r.p90, 0)} | ${fmt(r.p99, 0)} | ${fmt(r.max, 0)} |\n`);
  process.stdout.write('\nMedian over rounds (all jobs pooled in brackets):\n\n| | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n');
  for (const k of ['baseline', 'backlog'] as Kind[]) {
    const pooled = all(k);
    process.stdout.write(`| ${k} | ${fmt(med(k, 'p50'), 0)} (${fmt(pooled.p50, 0)}) | ${fmt(med(k, 'p90'), 0)} (${fmt(pooled.p90, 0)}) | ${fmt(med(k, 'p99'), 0)} (${fmt(pooled.p99, 0)}) | ${fmt(med(k, 'max'), 0)} (${fmt(pooled.max, 0)}) |\n`);
  }
  const delta = (f: 'p50' | 'p90' | 'p99' | 'max') => `${fmt(med('backlog', f) - med('baseline', f), 0)} ms (×${fmt(med('backlog', f) / med('baseline', f), 2)})`;
  process.stdout.write(`| backlog − baseline | ${delta('p50')} | ${delta('p90')} | ${delta('p99')} | ${delta('max')} |\n`);
  if (backlogFilled) process.stdout.write(`\nbacklog insertion: ${fmt(insertRate, 0)} jobs/s (addBulk, 1 000 per call); Redis used_memory for the backlog: ${memory}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:deadlines failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
