/**
 * Documents benchmark (issue 8, "Done when"): p50/p99 of the documents' search per kind of query over
 * 1M rows, against a same-run baseline (the first page of the plain list: an indexed read of the same
 * page size), and the registration throughput (`POST /api/documents`, incoming, by the clerk) alone and
 * with N clients at once, against a same-run baseline (`GET /api/documents/:id`). Over HTTP against the
 * real app in a child process, on the database build.ts made. Every measurement runs `--rounds` times
 * (default 2: the machine is shared) and the load average is printed before each round.
 *
 *   npm run bench:documents -- [--db=sqlite|postgres] [--size=1000000] [--requests=100] [--registrations=300] [--clients=8] [--rounds=2]
 * (build first: npx tsx bench/documents/build.ts --db=… --size=…; see bench/RESULTS.md.)
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocumentsReady } from './server.ts';
import { benchDb, metaFile, option } from './setup.ts';
import { closeClient, f, request, stats } from '../support/http-client.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const db = benchDb();
const size = Number(option('size', '1000000'));
const requests = Number(option('requests', '100'));
const registrations = Number(option('registrations', '300'));
const clients = Number(option('clients', '8'));
const rounds = Number(option('rounds', '2'));

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const out = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  if (!fs.existsSync(metaFile(db, size))) throw new Error(`${metaFile(db, size)} does not exist: build first with npx tsx bench/documents/build.ts --db=${db} --size=${size}`);
  const child = fork(path.join(HERE, 'server.ts'), [], { execArgv: process.execArgv, env: { ...process.env, BENCH_DB: db, BENCH_SIZE: String(size) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<DocumentsReady>((resolve, reject) => {
    child.on('message', (m: { kind: string }) => m.kind === 'ready' && resolve(m as DocumentsReady));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const { port, tokens } = ready;
  out(
    `documents (${db}): ${ready.documents} documents (${ready.meta.domain} through the domain, the rest copies); ${requests} requests per kind and round, ${rounds} rounds\n` +
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}; load at start ${load()}`,
  );
  const q = (s: string) => encodeURIComponent(s);
  const kinds: Array<{ name: string; path: string }> = [
    { name: 'baseline: list, first page (no filter)', path: '/api/documents?pageSize=20' },
    { name: 'common word `tỉnh`', path: `/api/documents?pageSize=20&q=${q('tỉnh')}` },
    { name: `rare word \`${ready.meta.rareWord}\` (${ready.meta.rareRows} rows)`, path: `/api/documents?pageSize=20&q=${q(ready.meta.rareWord)}` },
    { name: `symbol \`${ready.symbol}\``, path: `/api/documents?pageSize=20&q=${q(ready.symbol)}` },
    { name: 'no diacritics `an toan thuc pham`', path: `/api/documents?pageSize=20&q=${q('an toan thuc pham')}` },
    { name: '`thương mại` + direction, year, urgency', path: `/api/documents?pageSize=20&q=${q('thương mại')}&direction=incoming&year=2025&urgency=urgent` },
    { name: 'filters only: direction, year, urgency', path: '/api/documents?pageSize=20&direction=incoming&year=2024&urgency=very_urgent' },
    { name: 'deep page `page=500` (offset 9 980)', path: '/api/documents?pageSize=20&page=500' },
    { name: 'deep keyset page `after=<id half-way>`', path: `/api/documents?pageSize=20&after=${ready.deepAfter}` },
  ];
  const answers = new Map<string, string>();
  const results = new Map<string, Array<{ p50: number; p99: number }>>();
  for (let r = 1; r <= rounds; r++) {
    out(`\nround ${r} (search), load ${load()}`);
    for (const kind of kinds) {
      const first = await request(port, 'GET', kind.path, tokens.director);
      if (first.status !== 200) throw new Error(`${kind.path}: ${first.status} ${first.body.slice(0, 300)}`);
      const b = JSON.parse(first.body) as { items: unknown[]; total: number; totalIsLowerBound: boolean };
      answers.set(kind.name, `${b.items.length} items, total ${b.total}${b.totalIsLowerBound ? '+' : ''}`);
      for (let i = 0; i < 3; i++) await request(port, 'GET', kind.path, tokens.director);
      const ms: number[] = [];
      for (let i = 0; i < requests; i++) ms.push((await request(port, 'GET', kind.path, tokens.director)).ms);
      const s = stats(ms);
      results.set(kind.name, [...(results.get(kind.name) ?? []), s]);
      out(`  ${kind.name}: ${answers.get(kind.name)}; p50 ${f(s.p50)} ms, p99 ${f(s.p99)} ms`);
    }
  }

  // Registration throughput: the clerk registers incoming documents, one at a time and `clients` at once.
  let serial = 0;
  const register = async () => {
    const n = ++serial;
    const res = await request(port, 'POST', '/api/documents', tokens.clerk, {
      direction: 'incoming',
      typeCode: 'CV',
      summary: `Về việc báo cáo tình hình thị trường xăng dầu (bench ${n})`,
      secrecy: 'none',
      urgency: 'normal',
      issuerName: 'Ủy ban nhân dân tỉnh Bình Định',
      sourceSymbol: `${n}/UBND-BENCH`,
      documentDate: new Date().toISOString().slice(0, 10),
      pageCount: 1,
    });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${res.body.slice(0, 300)}`);
    return res.ms;
  };
  const read = async () => {
    const res = await request(port, 'GET', `/api/documents/${ready.someId}`, tokens.clerk);
    if (res.status !== 200) throw new Error(`GET: ${res.status} ${res.body.slice(0, 300)}`);
    return res.ms;
  };
  async function throughput(op: () => Promise<number>, total: number, concurrency: number) {
    const ms: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < total) ms.push(await op());
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { perSecond: total / seconds, ...stats(ms) };
  }
  const thr: Array<{ round: number; label: string; reg: Awaited<ReturnType<typeof throughput>>; get: Awaited<ReturnType<typeof throughput>> }> = [];
  for (let r = 1; r <= rounds; r++) {
    out(`\nround ${r} (registrations), load ${load()}`);
    for (const c of [1, clients]) {
      await read();
      const get = await throughput(read, registrations, c);
      const reg = await throughput(register, registrations, c);
      const label = c === 1 ? 'one at a time' : `${c} clients at once`;
      thr.push({ round: r, label, reg, get });
      out(`  ${label}: register ${reg.perSecond.toFixed(0)}/s (p50 ${f(reg.p50)}, p99 ${f(reg.p99)} ms); GET one ${get.perSecond.toFixed(0)}/s (p50 ${f(get.p50)}, p99 ${f(get.p99)} ms); ratio ${(reg.perSecond / get.perSecond).toFixed(3)}`);
    }
  }

  child.send({ kind: 'plans' });
  const { plans } = await new Promise<{ plans: Array<{ sql: string; plan: string[] }> }>((resolve) => child.on('message', (m: { kind: string }) => m.kind === 'plans' && resolve(m as never)));
  out(`\nquery plans of the document reads (${db === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'}):`);
  for (const p of plans) out(`- ${p.sql.slice(0, 300)}\n    ${p.plan.join('\n    ')}`);

  const base = results.get(kinds[0]!.name)!;
  out(`\n| query (${db}, ${ready.documents} documents) | answer | ${Array.from({ length: rounds }, (_, i) => `round ${i + 1}: p50 / p99 ms (× baseline)`).join(' | ')} |`);
  out(`|---|---|${'---|'.repeat(rounds)}`);
  for (const kind of kinds) {
    const rs = results.get(kind.name)!;
    out(`| ${kind.name} | ${answers.get(kind.name)} | ${rs.map((s, i) => `${f(s.p50)} / ${f(s.p99)} (×${(s.p50 / base[i]!.p50).toFixed(1)} / ×${(s.p99 / base[i]!.p99).toFixed(1)})`).join(' | ')} |`);
  }
  out(`\n| registrations (${db}) | round | register/s | p50 / p99 ms | GET one/s (baseline) | p50 / p99 ms | register / GET |\n|---|---|---:|---|---:|---|---:|`);
  for (const t of thr) out(`| ${t.label} | ${t.round} | ${t.reg.perSecond.toFixed(0)} | ${f(t.reg.p50)} / ${f(t.reg.p99)} | ${t.get.perSecond.toFixed(0)} | ${f(t.get.p50)} / ${f(t.get.p99)} | ${(t.reg.perSecond / t.get.perSecond).toFixed(3)} |`);
  out(`\nload at the end ${load()}`);
  child.send({ kind: 'stop' });
  closeClient();
}

main().catch((err) => {
  process.stderr.write(`bench/documents failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
