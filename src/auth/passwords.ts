import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const KEY_LENGTH = 32;

/**
 * Hashes a password with scrypt (memory-hard, DESIGN §2). The result carries its parameters:
 * `scrypt$<N>$<r>$<p>$<salt>$<key>`, so the cost can be raised later without breaking old hashes.
 */
export async function hashPassword(password: string, cost = 2 ** 15): Promise<string> {
  const salt = randomBytes(16);
  const r = 8;
  const p = 1;
  const key = await scrypt(password, salt, KEY_LENGTH, { N: cost, r, p, maxmem: 256 * cost * r });
  return ['scrypt', cost, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const N = Number(n);
  const R = Number(r);
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N, r: R, p: Number(p), maxmem: 256 * N * R });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash no password matches, compared against when the user does not exist (equal timing). It must use
 * the configured cost: at a fixed 2^15 an unknown username answered far slower (or faster) than a known
 * one whenever SCRYPT_COST was set otherwise, which told an attacker which usernames exist.
 */
export function unusableHash(cost = 2 ** 15): string {
  return `scrypt$${cost}$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`;
}

/** The unusable hash at the default cost. */
export const UNUSABLE_HASH = unusableHash();

/** Password policy: at least 10 characters, with letters and digits, not the username. */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  if (password.length < 10) problems.push('it must have at least 10 characters');
  if (!/[A-Za-zÀ-ỹ]/.test(password) || !/[0-9]/.test(password)) problems.push('it must mix letters and digits');
  if (password.toLowerCase().includes(username.toLowerCase())) problems.push('it must not contain the username');
  return problems;
}

/** A random initial password that meets the policy. */
export function generatePassword(): string {
  return `${randomBytes(12).toString('base64url')}7a`;
}
