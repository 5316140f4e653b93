import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { hashPassword } from '../../src/auth/passwords.ts';

/**
 * The README says how long a login takes and why (issue 14 §5): the scrypt parameters it states are
 * the ones a production start hashes with, so that a change of cost cannot leave the README behind.
 */
describe('the login cost the README states', () => {
  it('is the cost of the default configuration and of passwords.ts', async () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const stated = /scrypt at\s+N = 2\^(\d+), r = (\d+), p = (\d+)/.exec(readme);
    expect(stated, 'README: "scrypt at N = 2^…, r = …, p = …"').not.toBeNull();
    const [, exponent, r, p] = stated!.map(Number);
    const cost = loadConfig({ NODE_ENV: 'production', IDESK_AGENCY_ID: 'H37.26' }).scryptCost;
    expect(cost).toBe(2 ** exponent!);
    const hash = await hashPassword('Mot2026matkhau', cost);
    expect(hash.split('$').slice(0, 4)).toEqual(['scrypt', String(2 ** exponent!), String(r), String(p)]);
    // The memory it states: 128 · N · r bytes.
    expect(readme).toContain(`${(128 * cost * r!) / 2 ** 20} MiB of memory`);
    expect(readme).toMatch(new RegExp(`\\| \`SCRYPT_COST\` \\| \`${cost}\``));
  });
});
