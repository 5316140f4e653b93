import { describe, expect, it } from 'vitest';
import { runFuzz } from '../fuzz/fuzz-runner.ts';

/**
 * The CI-sized run of the fuzzer over every operation of /openapi.json (tests/fuzz/fuzz-runner.ts says
 * what it generates and checks; `npm run fuzz` is the full-size run). Bounded in count and in time; the
 * seed changes every run and is printed with any finding (FUZZ_SEED replays it).
 */
const RUNS = Number(process.env.FUZZ_CI_RUNS ?? 2_500);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

describe('fuzzing every operation of /openapi.json', () => {
  it(`${RUNS} requests: no 5xx, every refusal in the error shape and changing nothing, /healthz answering`, { timeout: 120_000 }, async () => {
    const result = await runFuzz({ runs: RUNS, seed: SEED, maxMs: 50_000 });
    const report = result.findings.map((f) => `[${f.kind}] ${f.operation} → ${f.status} (${f.count}×)\n  ${f.example}`).join('\n');
    expect(report, `seed ${SEED} (replay with FUZZ_SEED=${SEED})`).toBe('');
    // The run really exercised the service: refusals of every kind and successes.
    expect(result.requests).toBeGreaterThan(Math.min(RUNS, 1_000));
    for (const status of ['200', '400', '401', '403', '404']) expect(result.byStatus[status] ?? 0, `answers ${status}: ${JSON.stringify(result.byStatus)}`).toBeGreaterThan(0);
  });
});
