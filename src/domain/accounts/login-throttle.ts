import type { Db, Executor } from '../../db/db.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { iso } from '../../lib/rows.ts';
import { TooManyRequestsError } from '../errors.ts';

/**
 * Throttling of password guesses (issue 6, §3.5 and §3.10). Three counters, all keyed by what the caller
 * *typed* — the username, whether or not such an account exists — so that no answer, header or timing
 * tells an existing username from a made-up one:
 *
 * - **(username, address) pair**: `maxFailures` wrong passwords in a row from one address lock that
 *   address out of that username for `lockMinutes` (even the right password is refused meanwhile).
 *   An attacker can lock only their own address out of a clerk's account, not the clerk at her desk.
 * - **username, across addresses**: `ACCOUNT_WIDE_FACTOR × maxFailures` failures within a day (a guess
 *   spread over many addresses) lock the username for every address the account has not logged in from
 *   in the last `KNOWN_ADDRESS_DAYS` days; each further lock lasts twice the one before (up to a day).
 * - **address, across usernames**: `ADDRESS_WIDE_FACTOR × maxFailures` failures within a day from one
 *   address (password spraying: one password tried on every username) lock that address the same way.
 *
 * During a username- or address-wide lock, a known address (the account logged in from it recently)
 * with the right password still gets in: a distributed attack cannot keep the staff out before a working
 * day. A per-process limit per address and minute (`LOGIN_PER_IP_PER_MINUTE`) comes first.
 *
 * A **known browser** (it carries the device cookie issued to this account at an earlier login) is
 * counted on its own instead: `maxFailures` wrong passwords lock that browser only. Someone sharing the
 * office's address can lock the address out of a clerk's account, but not the clerk's own browser.
 */
export interface ThrottlePolicy {
  maxFailures: number;
  lockMinutes: number;
}

export const ACCOUNT_WIDE_FACTOR = 10;
export const ADDRESS_WIDE_FACTOR = 20;
export const KNOWN_ADDRESS_DAYS = 30;
export const DEVICE_PREFIX = 'idd_';
/** How long a browser stays known after its last login. */
export const DEVICE_DAYS = 90;
const MAX_DEVICES_PER_USER = 20;
const WIDE_WINDOW_MS = 24 * 3_600_000;
const MAX_WIDE_LOCK_MS = 24 * 3_600_000;

export interface ThrottleKeys {
  nameHash: string;
  address: string;
  pair: string;
  name: string;
  addr: string;
}

/** The counters an attempt with this username from this address touches. */
export function throttleKeys(username: string, address: string | null): ThrottleKeys {
  const nameHash = sha256Hex(username.toLowerCase());
  const addr = (address ?? '').slice(0, 64);
  return { nameHash, address: addr, pair: `pair:${nameHash}:${addr}`, name: `name:${nameHash}`, addr: `addr:${addr}` };
}

/** 429 ACCOUNT_LOCKED with the instant the lock ends; the same answer whichever counter locked. */
export function lockedError(lockedUntil: string, now: Date): TooManyRequestsError {
  const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(lockedUntil) - now.getTime()) / 1000));
  return new TooManyRequestsError('ACCOUNT_LOCKED', 'Too many failed attempts; the account is locked for a while', { lockedUntil, retryAfterSeconds });
}

async function ensureRow(db: Executor, key: string, kind: 'pair' | 'name' | 'addr', keys: ThrottleKeys, at: string): Promise<void> {
  await db('login_throttles')
    .insert({
      key,
      kind,
      name_hash: kind === 'addr' ? null : keys.nameHash,
      address: kind === 'name' ? null : keys.address,
      failures: 0,
      window_started_at: at,
      locked_until: null,
      level: 0,
      updated_at: at,
    })
    .onConflict('key')
    .ignore();
}

/**
 * The end of a username- or address-wide lock in force for this attempt, or null. Read before the
 * password is checked, so that a locked-out guess costs no scrypt.
 */
export async function wideLockUntil(db: Executor, keys: ThrottleKeys, now: Date): Promise<string | null> {
  const at = now.toISOString();
  const rows = await db('login_throttles').whereIn('key', [keys.name, keys.addr]).andWhere('locked_until', '>', at).select('locked_until');
  const ends = rows.map((r) => iso(r.locked_until) as string).sort();
  return ends.at(-1) ?? null;
}

/** Whether the account logged in from this address within the last `KNOWN_ADDRESS_DAYS` days. */
export async function isKnownAddress(db: Executor, userId: number, address: string | null, now: Date): Promise<boolean> {
  if (!address) return false;
  const since = new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 24 * 3_600_000).toISOString();
  const row = await db('sessions').where({ user_id: userId, ip: address.slice(0, 64) }).andWhere('created_at', '>=', since).first('id');
  return row !== undefined;
}

/**
 * Counts an attempt on its (username, address) pair before its password is checked, unless the pair is
 * locked or has as many attempts in flight as it may fail: parallel guesses cannot outrun the lock
 * (scrypt takes a while).
 * @returns the attempt's number, or the instant the lock ends (now, while attempts in flight settle).
 */
export async function reservePairAttempt(db: Db, policy: ThrottlePolicy, keys: ThrottleKeys, now: Date): Promise<{ attempt: number } | { lockedUntil: string }> {
  const at = now.toISOString();
  // A right password elsewhere (another API process, the same account and address) deletes the row
  // (releasePair) between this attempt's insert and its reservation: the row is then made again, a few
  // times at most, instead of answering "locked" to a right password (seen with two processes logging
  // the same clerk in at once).
  for (let tries = 0; tries < 3; tries++) {
    await ensureRow(db, keys.pair, 'pair', keys, at);
    const [reserved] = await db('login_throttles')
      .where({ key: keys.pair })
      .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', at))
      .andWhere('failures', '<', policy.maxFailures)
      .update({ failures: db.raw('failures + 1'), locked_until: null, updated_at: at })
      .returning('failures');
    if (reserved !== undefined) return { attempt: typeof reserved === 'object' ? reserved.failures : reserved };
    const row = await db('login_throttles').where({ key: keys.pair }).first('locked_until');
    if (!row) continue;
    const until = iso(row.locked_until);
    return { lockedUntil: until && until > at ? until : at };
  }
  return { lockedUntil: at };
}

/** The right password: the pair's count starts again. The account- and address-wide counts do not (an attack may be going on). */
export async function releasePair(db: Executor, keys: ThrottleKeys): Promise<void> {
  await db('login_throttles').where({ key: keys.pair }).delete();
}

export interface FailureOutcome {
  /** When the attempt locked its pair: the instant the lock ends. */
  pairLockedUntil: string | null;
  /** When it locked the username across addresses. */
  nameLockedUntil: string | null;
  /** When it locked the address across usernames. */
  addressLockedUntil: string | null;
}

async function bumpWide(db: Executor, key: string, kind: 'name' | 'addr', keys: ThrottleKeys, bound: number, policy: ThrottlePolicy, now: Date): Promise<string | null> {
  const at = now.toISOString();
  await ensureRow(db, key, kind, keys, at);
  // A quiet day (no lock in force, the window over) forgets the failures and the back-off.
  const windowStart = new Date(now.getTime() - WIDE_WINDOW_MS).toISOString();
  await db('login_throttles')
    .where({ key })
    .andWhere('window_started_at', '<=', windowStart)
    .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', at))
    .update({ failures: 0, level: 0, window_started_at: at });
  await db('login_throttles').where({ key }).update({ failures: db.raw('failures + 1'), updated_at: at });
  const row = await db('login_throttles').where({ key }).first('failures', 'level');
  if (row.failures < bound) return null;
  const lockMs = Math.min(MAX_WIDE_LOCK_MS, policy.lockMinutes * 60_000 * 2 ** Math.min(row.level, 16));
  const until = new Date(now.getTime() + lockMs).toISOString();
  // Only the attempt that still sees the count at the bound locks (exactly one, however many end together).
  const locked = await db('login_throttles')
    .where({ key })
    .andWhere('failures', '>=', bound)
    .update({ failures: 0, level: db.raw('level + 1'), locked_until: until, window_started_at: at, updated_at: at });
  return locked > 0 ? until : null;
}

/**
 * A wrong password (or a refused account): counts on the three counters, in the caller's transaction.
 * The attempt that reaches a bound sets its lock.
 */
export async function recordFailure(db: Executor, policy: ThrottlePolicy, keys: ThrottleKeys, attempt: number, now: Date): Promise<FailureOutcome> {
  const at = now.toISOString();
  let pairLockedUntil: string | null = null;
  if (attempt >= policy.maxFailures) {
    pairLockedUntil = new Date(now.getTime() + policy.lockMinutes * 60_000).toISOString();
    await db('login_throttles').where({ key: keys.pair }).update({ locked_until: pairLockedUntil, failures: 0, updated_at: at });
  }
  const nameLockedUntil = await bumpWide(db, keys.name, 'name', keys, policy.maxFailures * ACCOUNT_WIDE_FACTOR, policy, now);
  const addressLockedUntil = await bumpWide(db, keys.addr, 'addr', keys, policy.maxFailures * ADDRESS_WIDE_FACTOR, policy, now);
  if (pairLockedUntil || nameLockedUntil || addressLockedUntil) {
    // Counters of addresses and made-up usernames would otherwise pile up; a lock is rare enough to sweep on.
    const stale = new Date(now.getTime() - 2 * WIDE_WINDOW_MS).toISOString();
    await db('login_throttles').where('updated_at', '<', stale).andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<', at)).delete();
  }
  return { pairLockedUntil, nameLockedUntil, addressLockedUntil };
}

/** An admin's unlock: every counter of this account (its pairs, the username-wide one, its browsers) starts again. */
export async function clearThrottles(db: Executor, user: { id: number; username: string }): Promise<void> {
  await db('login_throttles').where({ name_hash: sha256Hex(user.username.toLowerCase()) }).delete();
  await db('login_devices').where({ user_id: user.id }).update({ failures: 0, locked_until: null });
}

/** The id of the browser this device cookie stands for, when it was issued to this account and is still valid. */
export async function knownDevice(db: Executor, userId: number, deviceToken: string | null | undefined, now: Date): Promise<string | null> {
  if (!deviceToken?.startsWith(DEVICE_PREFIX)) return null;
  const id = sha256Hex(deviceToken);
  const row = await db('login_devices').where({ id, user_id: userId }).andWhere('expires_at', '>', now.toISOString()).first('id');
  return row ? id : null;
}

/** Like reservePairAttempt, on a known browser's own counter. */
export async function reserveDeviceAttempt(db: Db, policy: ThrottlePolicy, deviceId: string, now: Date): Promise<{ attempt: number } | { lockedUntil: string }> {
  const at = now.toISOString();
  const [reserved] = await db('login_devices')
    .where({ id: deviceId })
    .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', at))
    .andWhere('failures', '<', policy.maxFailures)
    .update({ failures: db.raw('failures + 1'), locked_until: null })
    .returning('failures');
  if (reserved !== undefined) return { attempt: typeof reserved === 'object' ? reserved.failures : reserved };
  const row = await db('login_devices').where({ id: deviceId }).first('locked_until');
  const until = iso(row?.locked_until);
  return { lockedUntil: until && until > at ? until : at };
}

/** A wrong password from a known browser: the attempt that reaches the limit locks that browser. */
export async function recordDeviceFailure(db: Executor, policy: ThrottlePolicy, deviceId: string, attempt: number, now: Date): Promise<string | null> {
  if (attempt < policy.maxFailures) return null;
  const until = new Date(now.getTime() + policy.lockMinutes * 60_000).toISOString();
  await db('login_devices').where({ id: deviceId }).update({ locked_until: until, failures: 0 });
  return until;
}

/**
 * The right password: a known browser's count starts again and it stays known for `DEVICE_DAYS` more;
 * another browser becomes known.
 * @returns the new device cookie's value, or null when the browser was known already.
 * @throws TooManyRequestsError when a failure ending at the same moment locked the browser.
 */
export async function trustDevice(db: Executor, userId: number, deviceId: string | null, now: Date): Promise<string | null> {
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + DEVICE_DAYS * 24 * 3_600_000).toISOString();
  if (deviceId) {
    const locked = await db('login_devices').where({ id: deviceId }).andWhere('locked_until', '>', at).first('locked_until');
    if (locked) throw lockedError(iso(locked.locked_until) as string, now);
    await db('login_devices').where({ id: deviceId }).update({ failures: 0, locked_until: null, last_used_at: at, expires_at: expiresAt });
    return null;
  }
  const token = `${DEVICE_PREFIX}${randomToken(32)}`;
  const id = sha256Hex(token);
  await db('login_devices').insert({ id, user_id: userId, created_at: at, last_used_at: at, expires_at: expiresAt, failures: 0, locked_until: null });
  // A script that logs in without a cookie jar gets a new "browser" every time: keep the account's most
  // recent ones only (and none that expired).
  const kept = db('login_devices').where({ user_id: userId }).andWhere('expires_at', '>', at).orderBy('last_used_at', 'desc').limit(MAX_DEVICES_PER_USER).select('id');
  await db('login_devices').where({ user_id: userId }).whereNotIn('id', kept).whereNot({ id }).delete();
  return token;
}
