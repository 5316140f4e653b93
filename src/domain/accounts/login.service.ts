import type { Logger } from 'pino';
import type { Db, Executor } from '../../db/db.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { bool, iso } from '../../lib/rows.ts';
import { hashPassword, passwordProblems, unusableHash, verifyPassword } from '../../auth/passwords.ts';
import type { Principal } from '../../auth/principal.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { AuthenticationError, ValidationError } from '../errors.ts';
import {
  isKnownAddress,
  knownDevice,
  lockedError,
  recordDeviceFailure,
  recordFailure,
  releasePair,
  reserveDeviceAttempt,
  reservePairAttempt,
  throttleKeys,
  trustDevice,
  wideLockUntil,
  type FailureOutcome,
  type ThrottleKeys,
} from './login-throttle.ts';
import { rolesOf, toUserView, type UserRow, type UserView } from './users.service.ts';
import { revokeApiTokensOf } from './token-revocation.ts';

export const SESSION_PREFIX = 'ids_';

export interface LoginPolicy {
  maxFailures: number;
  lockMinutes: number;
  sessionTtlHours: number;
  scryptCost: number;
}

/** Where security events are logged: the request's child logger (it carries the request id). */
export type SecurityLog = Pick<Logger, 'info' | 'warn'>;

export interface LoginRequest {
  username: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  /** The device cookie this browser got at an earlier login, if any. */
  deviceToken?: string | null;
  /** Failures, locks and logins are logged here with the username and address (never the password). */
  log?: SecurityLog;
}

function userActor(id: number): ActorRef {
  return { kind: 'user', id };
}

const invalidCredentials = () => new AuthenticationError('INVALID_CREDENTIALS', 'Wrong username or password');

/**
 * A refused attempt: counted on the throttles (or on the known browser it came from) and, for an existing
 * account, audited on its stream (LOGIN_FAILED, and ACCOUNT_LOCKED when it locks), in one transaction;
 * then logged with the username, the address and the reason.
 */
async function settleFailure(
  db: Db,
  policy: Pick<LoginPolicy, 'maxFailures' | 'lockMinutes'>,
  keys: ThrottleKeys,
  user: UserRow | undefined,
  attempt: number,
  failure: {
    type: 'LOGIN_FAILED' | 'PASSWORD_CHANGE_FAILED';
    username: string;
    reason: string;
    context: Record<string, unknown>;
    deviceId?: string | null;
    log?: SecurityLog;
  },
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const outcome = await db.transaction(async (trx) => {
    if (user) {
      // The row lock orders the audit events of one account.
      await trx('users').where({ id: user.id }).update({ updated_at: at, failed_logins: trx.raw('failed_logins + 1') });
      await appendEvent(trx, { streamType: 'user', streamId: user.id, type: failure.type, actor: userActor(user.id), at, payload: { ...failure.context, failures: attempt } });
    }
    const result: FailureOutcome & { deviceLockedUntil: string | null } = failure.deviceId
      ? { pairLockedUntil: null, nameLockedUntil: null, addressLockedUntil: null, deviceLockedUntil: await recordDeviceFailure(trx, policy, failure.deviceId, attempt, now) }
      : { ...(await recordFailure(trx, policy, keys, attempt, now)), deviceLockedUntil: null };
    if (user) {
      const locks: Array<[string | null, Record<string, unknown>]> = [
        [result.pairLockedUntil, { scope: 'address', ip: keys.address || null }],
        [result.nameLockedUntil, { scope: 'account' }],
        [result.deviceLockedUntil, { scope: 'device', ip: keys.address || null }],
      ];
      for (const [until, detail] of locks) {
        if (!until) continue;
        // What an admin sees (GET /api/users/:id) and may clear; the throttles decide.
        await trx('users')
          .where({ id: user.id })
          .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<', until))
          .update({ locked_until: until, failed_logins: 0 });
        await appendEvent(trx, { streamType: 'user', streamId: user.id, type: 'ACCOUNT_LOCKED', actor: { kind: 'system' }, at, payload: { until, ...detail } });
      }
    }
    return result;
  });
  const fields = { username: failure.username, userId: user?.id ?? null, ip: keys.address || null };
  failure.log?.warn({ ...fields, event: failure.type, reason: failure.reason, failures: attempt, knownDevice: Boolean(failure.deviceId) }, 'authentication failed');
  if (outcome.pairLockedUntil) failure.log?.warn({ ...fields, event: 'ACCOUNT_LOCKED', scope: 'address', until: outcome.pairLockedUntil }, 'account locked for this address');
  if (outcome.nameLockedUntil) failure.log?.warn({ ...fields, event: 'ACCOUNT_LOCKED', scope: 'account', until: outcome.nameLockedUntil }, 'account locked for unknown addresses');
  if (outcome.addressLockedUntil) failure.log?.warn({ ...fields, event: 'ADDRESS_LOCKED', until: outcome.addressLockedUntil }, 'address locked for unknown accounts');
  if (outcome.deviceLockedUntil) failure.log?.warn({ ...fields, event: 'ACCOUNT_LOCKED', scope: 'device', until: outcome.deviceLockedUntil }, 'account locked for this browser');
}

/**
 * The right password: the pair's count starts again, unless a failure ending at the same moment locked
 * the pair (then the right password does not get in either).
 * @throws TooManyRequestsError when the pair locked meanwhile.
 */
async function settleSuccess(trx: Executor, keys: ThrottleKeys, userId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  const locked = await trx('login_throttles').where({ key: keys.pair }).andWhere('locked_until', '>', at).first('locked_until');
  if (locked) throw lockedError(iso(locked.locked_until) as string, now);
  await releasePair(trx, keys);
  await trx('users').where({ id: userId }).update({ failed_logins: 0, locked_until: null });
}

/**
 * Checks a username and password and opens a server-side session. Guesses are throttled per (username,
 * address), per username and per address, or per browser for one this account logged in from before
 * (see login-throttle.ts); every answer is the same for an existing username and a made-up one, and for
 * a disabled account whatever its password. Every login, failure and lock is audited on the user's
 * stream (DESIGN §2, Điều 14.3) and logged with the username and address.
 * @returns the session, and a device cookie's value when this browser was not known yet.
 * @throws AuthenticationError INVALID_CREDENTIALS; TooManyRequestsError ACCOUNT_LOCKED while locked.
 */
export async function login(
  db: Db,
  policy: LoginPolicy,
  req: LoginRequest,
  now: Date,
): Promise<{ token: string; user: UserView; expiresAt: string; deviceToken: string | null }> {
  const at = now.toISOString();
  const keys = throttleKeys(req.username, req.ip);
  const row: UserRow | undefined = await db('users').whereRaw('lower(username) = lower(?)', [req.username]).first();
  const logFields = { username: req.username, userId: row?.id ?? null, ip: req.ip };
  // A cookie issued to this very account: a made-up username (or someone else's) never has one.
  const deviceId = row ? await knownDevice(db, row.id, req.deviceToken, now) : null;
  let wide: string | null = null;
  let reserved: { attempt: number } | { lockedUntil: string };
  if (deviceId) {
    reserved = await reserveDeviceAttempt(db, policy, deviceId, now);
  } else {
    wide = await wideLockUntil(db, keys, now);
    // During an account- or address-wide lock only an address the account has logged in from recently
    // may still try (and gets in only with the right password); a made-up username has no such address.
    if (wide !== null && !(row && (await isKnownAddress(db, row.id, req.ip, now)))) {
      req.log?.warn({ ...logFields, event: 'LOGIN_REFUSED', until: wide }, 'login refused: locked');
      throw lockedError(wide, now);
    }
    reserved = await reservePairAttempt(db, policy, keys, now);
  }
  if ('lockedUntil' in reserved) {
    req.log?.warn({ ...logFields, event: 'LOGIN_REFUSED', until: reserved.lockedUntil }, 'login refused: locked');
    throw lockedError(reserved.lockedUntil, now);
  }
  // Same work for a made-up username (same cost), so response time does not reveal which usernames exist.
  const ok = await verifyPassword(req.password, row?.password_hash ?? unusableHash(policy.scryptCost));
  const context = { ip: req.ip, userAgent: req.userAgent };
  if (!row || !ok || bool(row.disabled)) {
    // A disabled account answers like a wrong password: it must not confirm that the password is right.
    const reason = !row ? 'unknown-user' : !ok ? 'wrong-password' : 'disabled';
    const recorded = { ...context, ...(reason === 'disabled' ? { reason } : {}), ...(deviceId ? { knownDevice: true } : {}) };
    await settleFailure(db, policy, keys, row, reserved.attempt, { type: 'LOGIN_FAILED', username: req.username, reason, context: recorded, deviceId, log: req.log }, now);
    // A wrong password during a wide lock tells a known address no more than a locked one would.
    if (wide !== null) throw lockedError(wide, now);
    throw invalidCredentials();
  }
  const token = `${SESSION_PREFIX}${randomToken(32)}`;
  const expiresAt = new Date(now.getTime() + policy.sessionTtlHours * 3_600_000).toISOString();
  const deviceToken = await db.transaction(async (trx) => {
    if (deviceId) await trx('users').where({ id: row.id }).update({ failed_logins: 0 });
    else await settleSuccess(trx, keys, row.id, now);
    const issued = await trustDevice(trx, row.id, deviceId, now);
    await trx('sessions').insert({
      id: sha256Hex(token),
      user_id: row.id,
      created_at: at,
      last_seen_at: at,
      expires_at: expiresAt,
      ip: req.ip?.slice(0, 64) ?? null,
      user_agent: req.userAgent?.slice(0, 300) ?? null,
    });
    await appendEvent(trx, { streamType: 'user', streamId: row.id, type: 'LOGIN', actor: userActor(row.id), at, payload: context });
    return issued;
  });
  req.log?.info({ ...logFields, event: 'LOGIN', knownDevice: Boolean(deviceId) }, 'logged in');
  return { token, user: toUserView({ ...row, failed_logins: 0, locked_until: null }, await rolesOf(db, row.id)), expiresAt, deviceToken };
}

/**
 * Changes the caller's password and ends their other sessions and their API tokens (a leaked password
 * is contained, Điều 14.3).
 * @throws AuthenticationError when the current password is wrong (counted like a failed login);
 *   TooManyRequestsError while locked; ValidationError for a weak new one.
 */
export async function changePassword(
  db: Db,
  principal: Principal,
  input: { currentPassword: string; newPassword: string },
  now: Date,
  policy: Pick<LoginPolicy, 'maxFailures' | 'lockMinutes' | 'scryptCost'>,
  request: { ip?: string | null; log?: SecurityLog } = {},
): Promise<UserView> {
  const row: UserRow = await db('users').where({ id: principal.userId }).first();
  const keys = throttleKeys(row.username, request.ip ?? null);
  // Whoever holds a stolen session must not be able to guess the password without limit.
  const reserved = await reservePairAttempt(db, policy, keys, now);
  if ('lockedUntil' in reserved) throw lockedError(reserved.lockedUntil, now);
  if (!(await verifyPassword(input.currentPassword, row.password_hash))) {
    await settleFailure(db, policy, keys, row, reserved.attempt, { type: 'PASSWORD_CHANGE_FAILED', username: row.username, reason: 'wrong-password', context: {}, log: request.log }, now);
    throw new AuthenticationError('INVALID_CREDENTIALS', 'The current password is wrong');
  }
  const problems = passwordProblems(input.newPassword, row.username);
  if (input.newPassword === input.currentPassword) problems.push('it must differ from the current password');
  if (problems.length > 0) {
    // The right current password: the attempt does not count against the account.
    await db.transaction((trx) => settleSuccess(trx, keys, row.id, now));
    throw new ValidationError('WEAK_PASSWORD', `The new password is too weak: ${problems.join('; ')}`, { problems });
  }
  const hash = await hashPassword(input.newPassword, policy.scryptCost);
  const at = now.toISOString();
  await db.transaction(async (trx) => {
    await settleSuccess(trx, keys, row.id, now);
    await trx('users').where({ id: row.id }).update({ password_hash: hash, must_change_password: false, password_changed_at: at, updated_at: at });
    const others = trx('sessions').where({ user_id: row.id }).whereNull('revoked_at');
    if (principal.sessionId) others.whereNot({ id: principal.sessionId });
    await others.update({ revoked_at: at });
    const tokensEnded = await revokeApiTokensOf(trx, userActor(row.id), row.id, 'password-changed', at);
    await appendEvent(trx, { streamType: 'user', streamId: row.id, type: 'PASSWORD_CHANGED', actor: userActor(row.id), at, payload: tokensEnded > 0 ? { apiTokensEnded: tokensEnded } : {} });
  });
  request.log?.info({ username: row.username, userId: row.id, ip: request.ip ?? null, event: 'PASSWORD_CHANGED' }, 'password changed');
  return toUserView({ ...row, must_change_password: false }, await rolesOf(db, row.id));
}
