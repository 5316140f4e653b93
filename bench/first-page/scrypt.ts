/**
 * The cost of a login's password check alone: `verifyPassword` (scrypt, src/auth/passwords.ts) at the
 * cost a production start uses (SCRYPT_COST, default 2^15 with r = 8, p = 1: 32 MiB of memory per
 * check), timed 20 times in this process after one untimed run.
 *
 *   npx tsx bench/first-page/scrypt.ts [--cost=32768]
 */
import { hashPassword, verifyPassword } from '../../src/auth/passwords.ts';

const cost = Number(process.argv.find((a) => a.startsWith('--cost='))?.slice(7) ?? 2 ** 15);
const stored = await hashPassword('Bench2026demo', cost);
await verifyPassword('Bench2026demo', stored);
const times: number[] = [];
for (let i = 0; i < 20; i++) {
  const started = performance.now();
  if (!(await verifyPassword('Bench2026demo', stored))) throw new Error('the password did not verify');
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(0);
console.log(`scrypt N=${cost} r=8 p=1 (${(128 * cost * 8) / 2 ** 20} MiB): min ${at(0)} ms, median ${at(0.5)} ms, max ${at(1)} ms over ${times.length} checks`);
