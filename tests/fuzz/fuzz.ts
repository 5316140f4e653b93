/**
 * The full-size fuzz run, by hand: `npm run fuzz` (FUZZ_RUNS requests, 50 000 by default; FUZZ_SEED to
 * replay a run; IDESK_TEST_DB=postgres for PostgreSQL). Prints the seed first and every finding with a
 * request that reproduces it; exits 1 when anything was found.
 */
import { runFuzz } from './fuzz-runner.ts';

process.env.NODE_ENV = 'test';
const runs = Number(process.env.FUZZ_RUNS ?? 50_000);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
console.log(`fuzz: ${runs} requests, seed ${seed} (replay with FUZZ_SEED=${seed}), database ${process.env.IDESK_TEST_DB ?? 'sqlite'}`);
const result = await runFuzz({ runs, seed, log: (line) => console.log(line) });
console.log(`\n${result.requests} requests in ${Math.round(result.ms / 1000)} s; answers by status: ${JSON.stringify(result.byStatus)}`);
for (const f of result.findings) console.log(`\n[${f.kind}] ${f.operation} → ${f.status} (${f.count}×)\n  ${f.example}`);
console.log(result.findings.length === 0 ? '\nno findings' : `\n${result.findings.length} findings (seed ${seed})`);
process.exit(result.findings.length === 0 ? 0 : 1);
