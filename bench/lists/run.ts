/**
 * List benchmark (issue 6 §4): p50/p99 of the dossier lists, filters, a /metrics scrape, /healthz during
 * a scrape, and a transition's latency while lists are read, over HTTP against the real app (a child
 * process) on a database built by build.ts — first one request at a time, then 8 at once.
 *
 *   npm run bench:lists -- --size=10000|1000000 [--requests=300] [--file=…]
 * (build first: npx tsx bench/lists/build.ts --size=N; see bench/RESULTS.md.)
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ListsReady } from './server.ts';
import { benchFile, option } from './setup.ts';
import { closeClient, f, request, stats } from '../support/http-client.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const size = Number(option('size', '10000'));
const file = option('file', benchFile(size));
const requests = Number(option('requests', '300'));
const CONCURRENCY = 8;


async function main(): Promise<void> {
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: build it with npx tsx bench/lists/build.ts --size=${size}`);
  const child = fork(path.join(HERE, 'server.ts'), [], { execArgv: process.execArgv, env: { ...process.env, BENCH_FILE: file }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<ListsReady>((resolve, reject) => {
    child.on('message', (m: { kind: string }) => m.kind === 'ready' && resolve(m as ListsReady));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const { port, tokens } = ready;
  process.stdout.write(
    `lists: ${ready.dossiers} dossiers in ${file} (migrations at start ${f(ready.migrateMs)} ms); ${requests} requests per kind\n` +
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}\n`,
  );
  const kinds: Array<{ name: string; path: string; token: string }> = [
    { name: '`GET /api/dossiers` (director, first page)', path: '/api/dossiers', token: tokens.director },
    { name: 'department specialist, first page', path: '/api/dossiers', token: tokens.deptStaff },
    { name: '`?state=inDepartment`', path: '/api/dossiers?state=inDepartment', token: tokens.director },
    { name: '`?assigneeId=me` (specialist)', path: '/api/dossiers?assigneeId=me', token: tokens.specialist },
    { name: '`?overdue=true`', path: '/api/dossiers?overdue=true', token: tokens.director },
    { name: '`?after=<id half-way>` (deep keyset page)', path: `/api/dossiers?after=${ready.deepAfter}`, token: tokens.director },
    { name: '`?page=50` (deepest offset page)', path: '/api/dossiers?page=50&pageSize=20', token: tokens.director },
    { name: '`?applicantName=Nguyễn Văn An 12`', path: `/api/dossiers?applicantName=${encodeURIComponent('Nguyễn Văn An 12')}`, token: tokens.director },
    { name: '`?applicantIdNumber=…`', path: '/api/dossiers?applicantIdNumber=4100004321', token: tokens.director },
    { name: '`?channel=online`', path: '/api/dossiers?channel=online', token: tokens.director },
    { name: '`?receivedFrom…&receivedTo…` (one day)', path: `/api/dossiers?receivedFrom=${new Date(Date.now() - 20 * 86_400_000).toISOString()}&receivedTo=${new Date(Date.now() - 19 * 86_400_000).toISOString()}`, token: tokens.director },
    { name: '`?codePrefix=H37.26-26`', path: '/api/dossiers?codePrefix=H37.26-26', token: tokens.director },
    { name: '`?sort=due`', path: '/api/dossiers?sort=due', token: tokens.director },
    { name: '`?sort=oldest&state=inDepartment.leadReview`', path: '/api/dossiers?sort=oldest&state=inDepartment.leadReview', token: tokens.director },
    { name: '`GET /metrics` (one scrape)', path: '/metrics', token: tokens.admin },
  ];
  const rows: string[] = [];
  for (const kind of kinds) {
    const first = await request(port, 'GET', kind.path, kind.token);
    if (first.status !== 200) throw new Error(`${kind.path}: ${first.status} ${first.body.slice(0, 200)}`);
    const summary = kind.path.startsWith('/metrics') ? '' : (() => {
      const b = JSON.parse(first.body) as { items: unknown[]; total: number; totalIsLowerBound: boolean };
      return `${b.items.length} items, total ${b.total}${b.totalIsLowerBound ? '+' : ''}`;
    })();
    const alone: number[] = [];
    for (let i = 0; i < requests; i++) alone.push((await request(port, 'GET', kind.path, kind.token)).ms);
    const together: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < requests) together.push((await request(port, 'GET', kind.path, kind.token)).ms);
      }),
    );
    const a = stats(alone);
    const t = stats(together);
    const row = `| ${kind.name} | ${summary} | ${f(a.p50)} / ${f(a.p99)} | ${f(t.p50)} / ${f(t.p99)} (max ${f(t.max)}) |`;
    rows.push(row);
    process.stdout.write(`${row}\n`);
  }
  // /healthz while a scrape runs.
  const healthz: number[] = [];
  for (let i = 0; i < 100; i++) {
    const scrape = request(port, 'GET', '/metrics', tokens.admin);
    healthz.push((await request(port, 'GET', '/healthz', tokens.admin)).ms);
    await scrape;
  }
  const h = stats(healthz);
  rows.push(`| \`/healthz\` sent with a scrape in flight | | ${f(h.p50)} / ${f(h.p99)} | |`);
  process.stdout.write(`${rows[rows.length - 1]}\n`);
  // A transition (ASSIGN by the lead) alone, then while 8 clients read lists.
  const assign = async (id: number) => {
    const res = await request(port, 'POST', `/api/dossiers/${id}/events`, tokens.lead, { type: 'ASSIGN', version: 2, assigneeId: ready.assigneeId });
    if (res.status !== 200) throw new Error(`ASSIGN ${id}: ${res.status} ${res.body.slice(0, 200)}`);
    return res.ms;
  };
  const half = Math.floor(ready.fresh.length / 2);
  const transitionsAlone: number[] = [];
  for (const id of ready.fresh.slice(0, half)) transitionsAlone.push(await assign(id));
  let reading = true;
  const listKinds = kinds.filter((k) => !k.path.startsWith('/metrics'));
  let listReads = 0;
  const readers = Array.from({ length: CONCURRENCY }, async (_, c) => {
    for (let i = c; reading; i++) {
      const k = listKinds[i % listKinds.length]!;
      await request(port, 'GET', k.path, k.token);
      listReads++;
    }
  });
  const transitionsBusy: number[] = [];
  for (const id of ready.fresh.slice(half)) transitionsBusy.push(await assign(id));
  reading = false;
  await Promise.all(readers);
  const ta = stats(transitionsAlone);
  const tb = stats(transitionsBusy);
  rows.push(`| transition (ASSIGN), alone / while 8 clients read lists (${listReads} reads) | | ${f(ta.p50)} / ${f(ta.p99)} | ${f(tb.p50)} / ${f(tb.p99)} (max ${f(tb.max)}) |`);
  process.stdout.write(`${rows[rows.length - 1]}\n`);

  child.send({ kind: 'plans' });
  const { plans } = await new Promise<{ plans: Array<{ sql: string; plan: string[] }> }>((resolve) => child.on('message', (m: { kind: string }) => m.kind === 'plans' && resolve(m as never)));
  process.stdout.write('\nquery plans (EXPLAIN QUERY PLAN) of the dossier reads:\n');
  for (const p of plans) process.stdout.write(`- ${p.sql.slice(0, 400)}\n    ${p.plan.join('\n    ')}\n`);
  process.stdout.write(`\n| request (${ready.dossiers} dossiers) | answer | p50 / p99 alone (ms) | p50 / p99 with 8 at once (ms) |\n|---|---|---|---|\n${rows.join('\n')}\n`);
  child.send({ kind: 'stop' });
  closeClient();
}

main().catch((err) => {
  process.stderr.write(`bench/lists failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
