import type { Db, Executor } from '../../db/db.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { iso } from '../../lib/rows.ts';
import { hashPassword, passwordProblems, unusableHash, verifyPassword } from '../../auth/passwords.ts';
import { ROLES, type Principal, type Role } from '../../auth/principal.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { AuthenticationError, NotFoundError, TooManyRequestsError, ValidationError } from '../errors.ts';
import { createUser, rolesOf, toPrincipal, toUserView, type UserRow, type UserView } from './users.service.ts';

const SESSION_PREFIX = 'ids_';
const API_TOKEN_PREFIX = 'idk_';

export interface LoginPolicy {
  maxFailures: number;
  lockMinutes: number;
  sessionTtlHours: number;
  scryptCost: number;
}

export interface LoginRequest {
  username: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

function userActor(id: number): ActorRef {
  return { kind: 'user', id };
}

function lockedError(lockedUntil: string, now: Date): TooManyRequestsError {
  const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(lockedUntil) - now.getTime()) / 1000));
  return new TooManyRequestsError('ACCOUNT_LOCKED', 'Too many failed attempts; the account is locked for a while', { lockedUntil, retryAfterSeconds });
}

/**
 * Counts an attempt before its password is checked, unless the account is locked or has as many attempts
 * in flight as it may fail: parallel guesses cannot outrun the lock (scrypt takes a while).
 * @returns the attempt's number, or the instant the lock ends (now, while attempts in flight settle).
 */
async function reserveAttempt(db: Db, policy: Pick<LoginPolicy, 'maxFailures'>, userId: number, now: Date): Promise<{ attempt: number } | { lockedUntil: string }> {
  const at = now.toISOString();
  const [reserved] = await db('users')
    .where({ id: userId })
    .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', at))
    .andWhere('failed_logins', '<', policy.maxFailures)
    .update({ failed_logins: db.raw('failed_logins + 1') })
    .returning('failed_logins');
  if (reserved !== undefined) return { attempt: typeof reserved === 'object' ? reserved.failed_logins : reserved };
  const row = await db('users').where({ id: userId }).first('locked_until');
  const until = iso(row?.locked_until);
  return { lockedUntil: until && until > at ? until : at };
}

/**
 * A wrong password: audited on the user's stream; the attempt that reaches the limit locks the account
 * (exactly one does, however many end together).
 */
async function settleFailure(
  db: Db,
  policy: Pick<LoginPolicy, 'maxFailures' | 'lockMinutes'>,
  userId: number,
  attempt: number,
  type: string,
  context: Record<string, unknown>,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db.transaction(async (trx) => {
    // The row lock orders the audit events of one account.
    await trx('users').where({ id: userId }).update({ updated_at: at });
    await appendEvent(trx, { streamType: 'user', streamId: userId, type, actor: userActor(userId), at, payload: { ...context, failures: attempt } });
    if (attempt >= policy.maxFailures) {
      const until = new Date(now.getTime() + policy.lockMinutes * 60_000).toISOString();
      await trx('users').where({ id: userId }).update({ locked_until: until, failed_logins: 0 });
      await appendEvent(trx, { streamType: 'user', streamId: userId, type: 'ACCOUNT_LOCKED', actor: { kind: 'system' }, at, payload: { until } });
    }
  });
}

/**
 * The right password: the attempt's count is undone, unless a failure ending at the same moment locked
 * the account (then the right password does not get in either).
 * @throws TooManyRequestsError when the account locked meanwhile.
 */
async function settleSuccess(trx: Executor, userId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  const cleared = await trx('users')
    .where({ id: userId })
    .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', at))
    .update({ failed_logins: 0, locked_until: null });
  if (cleared === 0) {
    const row = await trx('users').where({ id: userId }).first('locked_until');
    throw lockedError(iso(row.locked_until) as string, now);
  }
}

/**
 * Checks a username and password and opens a server-side session. Repeated failures lock the account
 * for a while; every login, failure and lock is audited on the user's stream (DESIGN §2, Điều 14.3).
 * @throws AuthenticationError for wrong credentials or a disabled account; TooManyRequestsError while locked.
 */
export async function login(db: Db, policy: LoginPolicy, req: LoginRequest, now: Date): Promise<{ token: string; user: UserView; expiresAt: string }> {
  const at = now.toISOString();
  const row: UserRow | undefined = await db('users').whereRaw('lower(username) = lower(?)', [req.username]).first();
  const invalid = () => new AuthenticationError('INVALID_CREDENTIALS', 'Wrong username or password');
  if (!row) {
    // Same work as for a real account (same cost), so response time does not reveal which usernames exist.
    await verifyPassword(req.password, unusableHash(policy.scryptCost));
    throw invalid();
  }
  const reserved = await reserveAttempt(db, policy, row.id, now);
  if ('lockedUntil' in reserved) throw lockedError(reserved.lockedUntil, now);
  const ok = await verifyPassword(req.password, row.password_hash);
  const context = { ip: req.ip, userAgent: req.userAgent };
  if (!ok || row.disabled) {
    await settleFailure(db, policy, row.id, reserved.attempt, 'LOGIN_FAILED', context, now);
    throw row.disabled && ok ? new AuthenticationError('ACCOUNT_DISABLED', 'This account is disabled') : invalid();
  }
  const token = `${SESSION_PREFIX}${randomToken(32)}`;
  const expiresAt = new Date(now.getTime() + policy.sessionTtlHours * 3_600_000).toISOString();
  await db.transaction(async (trx) => {
    await settleSuccess(trx, row.id, now);
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
  });
  return { token, user: toUserView({ ...row, failed_logins: 0, locked_until: null }, await rolesOf(db, row.id)), expiresAt };
}

/** Resolves a bearer token or session cookie to the principal it stands for, or null. */
export async function authenticateToken(db: Executor, token: string, now: Date): Promise<Principal | null> {
  const at = now.toISOString();
  if (token.startsWith(SESSION_PREFIX)) {
    const id = sha256Hex(token);
    const session = await db('sessions').where({ id }).first();
    if (!session || session.revoked_at !== null || (iso(session.expires_at) as string) <= at) return null;
    const user: UserRow | undefined = await db('users').where({ id: session.user_id }).first();
    if (!user || user.disabled === true || user.disabled === 1) return null;
    // Touch at most once a minute: the list of sessions shows when each was last used.
    if (Date.parse(iso(session.last_seen_at) as string) < now.getTime() - 60_000) {
      await db('sessions').where({ id }).update({ last_seen_at: at });
    }
    return { ...toPrincipal(user, await rolesOf(db, user.id), 'session'), sessionId: id, expiresAt: iso(session.expires_at) };
  }
  if (token.startsWith(API_TOKEN_PREFIX)) {
    const row = await db('api_tokens').where({ token_hash: sha256Hex(token) }).first();
    if (!row || row.revoked_at !== null || (row.expires_at !== null && (iso(row.expires_at) as string) <= at)) return null;
    const user: UserRow | undefined = await db('users').where({ id: row.user_id }).first();
    if (!user || user.disabled === true || user.disabled === 1) return null;
    const scope = new Set(String(row.roles).split(','));
    const roles = (await rolesOf(db, user.id)).filter((role) => scope.has(role));
    if (row.last_used_at === null || Date.parse(iso(row.last_used_at) as string) < now.getTime() - 60_000) {
      await db('api_tokens').where({ id: row.id }).update({ last_used_at: at });
    }
    // An API client is a system integration: no interactive password change applies to it.
    return { ...toPrincipal(user, roles, 'token'), mustChangePassword: false, tokenId: row.id, expiresAt: iso(row.expires_at) };
  }
  return null;
}

export async function logout(db: Db, principal: Principal, now: Date): Promise<void> {
  if (!principal.sessionId) return;
  await revokeSessionById(db, principal, principal.sessionId, now, 'LOGOUT');
}

/**
 * Changes the caller's password and ends their other sessions (a leaked password is contained, Điều 14.3).
 * @throws AuthenticationError when the current password is wrong (counted like a failed login);
 *   TooManyRequestsError while locked; ValidationError for a weak new one.
 */
export async function changePassword(
  db: Db,
  principal: Principal,
  input: { currentPassword: string; newPassword: string },
  now: Date,
  policy: Pick<LoginPolicy, 'maxFailures' | 'lockMinutes' | 'scryptCost'>,
): Promise<UserView> {
  const row: UserRow = await db('users').where({ id: principal.userId }).first();
  // Whoever holds a stolen session must not be able to guess the password without limit.
  const reserved = await reserveAttempt(db, policy, row.id, now);
  if ('lockedUntil' in reserved) throw lockedError(reserved.lockedUntil, now);
  if (!(await verifyPassword(input.currentPassword, row.password_hash))) {
    await settleFailure(db, policy, row.id, reserved.attempt, 'PASSWORD_CHANGE_FAILED', {}, now);
    throw new AuthenticationError('INVALID_CREDENTIALS', 'The current password is wrong');
  }
  const problems = passwordProblems(input.newPassword, row.username);
  if (input.newPassword === input.currentPassword) problems.push('it must differ from the current password');
  if (problems.length > 0) {
    // The right current password: the attempt does not count against the account.
    await db.transaction((trx) => settleSuccess(trx, row.id, now));
    throw new ValidationError('WEAK_PASSWORD', `The new password is too weak: ${problems.join('; ')}`, { problems });
  }
  const hash = await hashPassword(input.newPassword, policy.scryptCost);
  const at = now.toISOString();
  await db.transaction(async (trx) => {
    await settleSuccess(trx, row.id, now);
    await trx('users').where({ id: row.id }).update({ password_hash: hash, must_change_password: false, password_changed_at: at, updated_at: at });
    const others = trx('sessions').where({ user_id: row.id }).whereNull('revoked_at');
    if (principal.sessionId) others.whereNot({ id: principal.sessionId });
    await others.update({ revoked_at: at });
    await appendEvent(trx, { streamType: 'user', streamId: row.id, type: 'PASSWORD_CHANGED', actor: userActor(row.id), at, payload: {} });
  });
  return toUserView({ ...row, must_change_password: false }, await rolesOf(db, row.id));
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** The caller's open sessions, newest first. The id shown is a prefix of the session's hash, never the token. */
export async function listSessions(db: Executor, principal: Principal, now: Date): Promise<SessionView[]> {
  const rows = await db('sessions')
    .where({ user_id: principal.userId })
    .whereNull('revoked_at')
    .andWhere('expires_at', '>', now.toISOString())
    .orderBy('created_at', 'desc');
  return rows.map((r) => ({
    id: String(r.id).slice(0, 16),
    createdAt: iso(r.created_at) as string,
    lastSeenAt: iso(r.last_seen_at) as string,
    expiresAt: iso(r.expires_at) as string,
    ip: r.ip ?? null,
    userAgent: r.user_agent ?? null,
    current: r.id === principal.sessionId,
  }));
}

/**
 * Revokes one of the caller's sessions by the id `listSessions` shows.
 * @throws NotFoundError when the caller has no such open session.
 */
export async function revokeSession(db: Db, principal: Principal, shownId: string, now: Date): Promise<void> {
  const row = await db('sessions').where({ user_id: principal.userId }).whereNull('revoked_at').andWhere('id', 'like', `${shownId.replace(/[^0-9a-f]/g, '')}%`).first('id');
  if (!row || shownId.length !== 16) throw new NotFoundError('NOT_FOUND', 'No such open session');
  await revokeSessionById(db, principal, row.id, now, 'SESSION_REVOKED');
}

async function revokeSessionById(db: Db, principal: Principal, id: string, now: Date, type: string): Promise<void> {
  const at = now.toISOString();
  await db.transaction(async (trx) => {
    await trx('users').where({ id: principal.userId }).update({ updated_at: at });
    await trx('sessions').where({ id, user_id: principal.userId }).update({ revoked_at: at });
    await appendEvent(trx, { streamType: 'user', streamId: principal.userId, type, actor: userActor(principal.userId), at, payload: { session: id.slice(0, 16) } });
  });
}

export interface ApiTokenView {
  id: number;
  name: string;
  userId: number;
  roles: Role[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function toTokenView(r: Record<string, unknown>): ApiTokenView {
  return {
    id: r.id as number,
    name: r.name as string,
    userId: r.user_id as number,
    roles: String(r.roles).split(',') as Role[],
    createdAt: iso(r.created_at) as string,
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}

/**
 * Creates a bearer token for an API client (another government system, the portal). It acts as the
 * given user with at most the listed roles. The token is shown once.
 * @throws ValidationError when the user lacks a listed role; NotFoundError for an unknown user.
 */
export async function createApiToken(db: Db, admin: Principal, input: { name: string; userId: number; roles: Role[]; expiresAt?: string | null }, now: Date): Promise<{ token: string; apiToken: ApiTokenView }> {
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    const user = await trx('users').where({ id: input.userId }).first('id');
    if (!user) throw new NotFoundError('NOT_FOUND', `User ${input.userId} does not exist`);
    const held = new Set(await rolesOf(trx, input.userId));
    const missing = input.roles.filter((role) => !held.has(role) || !ROLES.includes(role));
    if (missing.length > 0) throw new ValidationError('ROLE_NOT_HELD', `User ${input.userId} does not hold ${missing.join(', ')}`, { roles: missing });
    if (input.expiresAt && Date.parse(input.expiresAt) <= now.getTime()) {
      throw new ValidationError('VALIDATION_FAILED', 'expiresAt must be in the future', { field: 'expiresAt' });
    }
    const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
    const [inserted] = await trx('api_tokens')
      .insert({
        name: input.name,
        token_hash: sha256Hex(token),
        user_id: input.userId,
        roles: [...new Set(input.roles)].sort().join(','),
        created_by: admin.userId,
        created_at: at,
        // Stored as UTC ISO: instants are compared as text on SQLite, so an expiry sent with an offset
        // (+07:00) would otherwise be compared by its local clock time and outlive its instant.
        expires_at: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      })
      .returning('id');
    const id = typeof inserted === 'object' ? inserted.id : inserted;
    await appendEvent(trx, { streamType: 'api_token', streamId: id, type: 'API_TOKEN_CREATED', actor: userActor(admin.userId), at, payload: { name: input.name, userId: input.userId, roles: input.roles } }, null);
    return { token, apiToken: toTokenView(await trx('api_tokens').where({ id }).first()) };
  });
}

export async function listApiTokens(db: Executor): Promise<ApiTokenView[]> {
  return (await db('api_tokens').orderBy('id')).map(toTokenView);
}

/** @throws NotFoundError for an unknown token. */
export async function revokeApiToken(db: Db, admin: Principal, id: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.transaction(async (trx) => {
    const updated = await trx('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: at });
    if (updated === 0) throw new NotFoundError('NOT_FOUND', `No open API token ${id}`);
    await appendEvent(trx, { streamType: 'api_token', streamId: id, type: 'API_TOKEN_REVOKED', actor: userActor(admin.userId), at, payload: {} });
  });
}

/**
 * Creates the `admin` account on first start, when the database has no administrator.
 * @returns the password when one was generated (to print once), otherwise null; undefined when an admin exists.
 */
export async function ensureAdmin(db: Db, password: string | undefined, now: Date, scryptCost: number): Promise<string | null | undefined> {
  // Any administrator will do (demo data may have been loaded before the first start).
  const existing = await db('user_roles').where({ role: 'admin' }).first('user_id');
  if (existing || (await db('users').whereRaw('lower(username) = ?', ['admin']).first('id'))) return undefined;
  const { initialPassword } = await createUser(
    db,
    { kind: 'system' },
    { username: 'admin', fullName: 'Quản trị hệ thống', roles: ['admin', 'staff'], ...(password ? { password } : {}) },
    now,
    // A password the operator chose in the environment is theirs already; a generated one must be changed.
    { scryptCost, mustChangePassword: password === undefined },
  );
  return initialPassword;
}
