import { isPostgres, type Db, type Executor } from '../../db/db.ts';
import { bool, iso } from '../../lib/rows.ts';
import { generatePassword, hashPassword, passwordProblems } from '../../auth/passwords.ts';
import type { Principal, Role } from '../../auth/principal.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { clearThrottles } from './login-throttle.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { revokeApiTokensOf } from './token-revocation.ts';

export interface UserView {
  id: number;
  username: string;
  fullName: string;
  email: string | null;
  departmentId: number | null;
  roles: Role[];
  mustChangePassword: boolean;
  disabled: boolean;
  /**
   * When the latest lock against this account ends (one address's, or every unknown address's), for an
   * admin to see and clear; the counters in login-throttle.ts decide who may try.
   */
  lockedUntil: string | null;
  createdAt: string;
}

export interface NewUser {
  username: string;
  fullName: string;
  email?: string | null;
  departmentId?: number | null;
  roles: Role[];
  /** The initial password (Điều 3.2); generated when absent. Must be changed at first login. */
  password?: string;
}

export interface UserRow {
  id: number;
  username: string;
  full_name: string;
  email: string | null;
  department_id: number | null;
  password_hash: string;
  must_change_password: unknown;
  failed_logins: number;
  locked_until: unknown;
  disabled: unknown;
  created_at: unknown;
}

export async function rolesOf(db: Executor, userId: number): Promise<Role[]> {
  const rows = await db('user_roles').where({ user_id: userId }).orderBy('role').select('role');
  return rows.map((r) => r.role as Role);
}

export function toUserView(row: UserRow, roles: Role[]): UserView {
  return {
    id: row.id,
    username: row.username,
    fullName: row.full_name,
    email: row.email ?? null,
    departmentId: row.department_id ?? null,
    roles,
    mustChangePassword: bool(row.must_change_password),
    disabled: bool(row.disabled),
    lockedUntil: iso(row.locked_until),
    createdAt: iso(row.created_at) as string,
  };
}

/** The principal a session or token of this user presents. */
export function toPrincipal(row: UserRow, roles: Role[], via: Principal['via']): Principal {
  return {
    userId: row.id,
    username: row.username,
    fullName: row.full_name,
    departmentId: row.department_id ?? null,
    roles,
    mustChangePassword: bool(row.must_change_password),
    via,
    expiresAt: null,
  };
}

/**
 * Creates a staff account; there is no self sign-up (DESIGN §2). The initial password is returned once
 * when it was generated, never stored in clear or logged.
 * @throws ConflictError when the username is taken; ValidationError for an unknown department or a weak password.
 */
export async function createUser(
  db: Db,
  actor: ActorRef,
  input: NewUser,
  now: Date,
  options: { scryptCost: number; mustChangePassword?: boolean },
): Promise<{ user: UserView; initialPassword: string | null }> {
  const generated = input.password === undefined ? generatePassword() : null;
  const password = input.password ?? (generated as string);
  const problems = passwordProblems(password, input.username);
  if (problems.length > 0) throw new ValidationError('WEAK_PASSWORD', `The password is too weak: ${problems.join('; ')}`, { problems });
  const passwordHash = await hashPassword(password, options.scryptCost);
  const at = now.toISOString();
  const user = await db.transaction(async (trx) => {
    const duplicate = () => new ConflictError('DUPLICATE', `The username ${input.username} is taken`, { field: 'username' });
    if (await trx('users').whereRaw('lower(username) = lower(?)', [input.username]).first('id')) throw duplicate();
    if (input.departmentId != null && !(await trx('departments').where({ id: input.departmentId }).first('id'))) {
      throw new ValidationError('UNKNOWN_REFERENCE', `Department ${input.departmentId} does not exist`, { field: 'departmentId' });
    }
    const [inserted] = await trx('users')
      .insert({
        username: input.username,
        full_name: input.fullName,
        email: input.email ?? null,
        department_id: input.departmentId ?? null,
        password_hash: passwordHash,
        must_change_password: options.mustChangePassword ?? true,
        failed_logins: 0,
        disabled: false,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .catch((err: unknown) => {
        // A concurrent request took the username between the check above and this insert.
        if (isUniqueViolation(err)) throw duplicate();
        throw err;
      });
    const id: number = typeof inserted === 'object' ? inserted.id : inserted;
    const roles = [...new Set(input.roles)].sort();
    await trx('user_roles').insert(roles.map((role) => ({ user_id: id, role })));
    const { password: _omit, ...recorded } = input;
    await appendEvent(trx, { streamType: 'user', streamId: id, type: 'USER_CREATED', actor, at, payload: { ...recorded, roles } }, null);
    return toUserView(await trx('users').where({ id }).first(), roles);
  });
  return { user, initialPassword: generated };
}

export async function getUser(db: Executor, id: number): Promise<UserView> {
  const row = await db('users').where({ id }).first();
  if (!row) throw new NotFoundError('NOT_FOUND', `User ${id} does not exist`);
  return toUserView(row, await rolesOf(db, id));
}

export interface UserFilter {
  departmentId?: number;
  role?: Role;
  disabled?: boolean;
  /** Part of the username, full name or e-mail (case-insensitive for unaccented letters). */
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface UserPage {
  items: UserView[];
  /** Matching accounts in all (a Sở has hundreds of staff: counting them is cheap). */
  total: number;
  page: number;
  pageSize: number;
}

export const DEFAULT_USER_PAGE_SIZE = 50;
export const MAX_USER_PAGE = 10_000;
export const MAX_USER_PAGE_SIZE = 100;

/**
 * A page number or size within its bounds. The query schema says the same, but its text coercion lets
 * `Infinity` through, and an unbounded offset must never reach the database.
 * @throws ValidationError VALIDATION_FAILED.
 */
export function pageNumber(value: number, field: string, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new ValidationError('VALIDATION_FAILED', `${field} must be an integer from 1 to ${max}`, { field });
  }
  return value;
}

/** A page of accounts matching the filter, by id. */
export async function listUsers(db: Executor, filter: UserFilter): Promise<UserPage> {
  const page = pageNumber(filter.page ?? 1, 'page', MAX_USER_PAGE);
  const pageSize = pageNumber(filter.pageSize ?? DEFAULT_USER_PAGE_SIZE, 'pageSize', MAX_USER_PAGE_SIZE);
  const query = db('users');
  if (filter.departmentId !== undefined) query.where('users.department_id', filter.departmentId);
  if (filter.role !== undefined) query.whereExists(db('user_roles').whereRaw('user_roles.user_id = users.id').andWhere('role', filter.role));
  if (filter.disabled !== undefined) query.where('users.disabled', filter.disabled);
  if (filter.q !== undefined && filter.q !== '') {
    const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query.where((q) =>
      q
        .whereRaw("lower(users.username) like ? escape '\\'", [pattern])
        .orWhereRaw("lower(users.full_name) like ? escape '\\'", [pattern])
        .orWhereRaw("lower(coalesce(users.email, '')) like ? escape '\\'", [pattern]),
    );
  }
  const counted = await query.clone().count({ n: '*' }).first();
  const rows: UserRow[] = await query.orderBy('users.id').select('users.*').limit(pageSize).offset((page - 1) * pageSize);
  const roleRows = await db('user_roles').whereIn('user_id', rows.map((r) => r.id)).orderBy('role');
  const byUser = new Map<number, Role[]>();
  for (const r of roleRows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.role]);
  return { items: rows.map((row) => toUserView(row, byUser.get(row.id) ?? [])), total: Number(counted?.n ?? 0), page, pageSize };
}

export interface UserChange {
  disabled?: boolean;
  unlock?: true;
  roles?: Role[];
  departmentId?: number | null;
}

/**
 * Refuses a change that would leave no active administrator: nobody could then manage accounts, reset
 * a password or read the audit trail. On PostgreSQL the administrators' rows are locked first, so that two
 * admins demoting each other at the same moment cannot both pass (SQLite serialises writers already).
 * @throws ConflictError LAST_ADMIN.
 */
async function assertAnotherActiveAdmin(trx: Executor, userId: number): Promise<void> {
  if (isPostgres(trx)) {
    const adminIds = (await trx('user_roles').where({ role: 'admin' }).select('user_id')).map((r) => r.user_id as number);
    await trx('users').whereIn('id', adminIds).orderBy('id').forUpdate().select('id');
  }
  const other = await trx('users')
    .join('user_roles', 'user_roles.user_id', 'users.id')
    .where('user_roles.role', 'admin')
    .andWhere('users.disabled', false)
    .andWhereNot('users.id', userId)
    .first('users.id');
  if (!other) {
    throw new ConflictError('LAST_ADMIN', 'This is the last active administrator: it cannot be disabled nor lose the admin role', { userId });
  }
}

/**
 * Admin changes to an account: disable or enable, unlock after repeated failed logins, replace the roles,
 * move to another department. Disabling ends the account's sessions and API tokens. Audited as USER_UPDATED with the
 * values before, in the same transaction.
 * @throws NotFoundError for an unknown user; ValidationError UNKNOWN_REFERENCE for an unknown department;
 *   ConflictError LAST_ADMIN when no active administrator would be left.
 */
export async function updateUser(db: Db, actor: ActorRef, id: number, change: UserChange, now: Date): Promise<UserView> {
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    const row: UserRow | undefined = await trx('users').where({ id }).first();
    if (!row) throw new NotFoundError('NOT_FOUND', `User ${id} does not exist`);
    const roles = await rolesOf(trx, id);
    const newRoles = change.roles === undefined ? undefined : [...new Set(change.roles)].sort();
    const isAdmin = roles.includes('admin') && !bool(row.disabled);
    const staysAdmin = (newRoles ?? roles).includes('admin') && !(change.disabled ?? bool(row.disabled));
    if (isAdmin && !staysAdmin) await assertAnotherActiveAdmin(trx, id);
    if (change.departmentId != null && !(await trx('departments').where({ id: change.departmentId }).first('id'))) {
      throw new ValidationError('UNKNOWN_REFERENCE', `Department ${change.departmentId} does not exist`, { field: 'departmentId' });
    }
    const patch: Record<string, unknown> = { updated_at: at };
    const previous: Record<string, unknown> = {};
    if (change.disabled !== undefined) {
      patch.disabled = change.disabled;
      previous.disabled = bool(row.disabled);
    }
    if (change.departmentId !== undefined) {
      patch.department_id = change.departmentId;
      previous.departmentId = row.department_id ?? null;
    }
    if (change.unlock) {
      Object.assign(patch, { locked_until: null, failed_logins: 0 });
      await clearThrottles(trx, row);
    }
    await trx('users').where({ id }).update(patch);
    if (newRoles !== undefined) {
      previous.roles = roles;
      await trx('user_roles').where({ user_id: id }).delete();
      await trx('user_roles').insert(newRoles.map((role) => ({ user_id: id, role })));
    }
    let apiTokensEnded = 0;
    if (change.disabled) {
      await trx('sessions').where({ user_id: id }).whereNull('revoked_at').update({ revoked_at: at });
      apiTokensEnded = await revokeApiTokensOf(trx, actor, id, 'disabled', at);
    }
    const recorded = { ...change, ...(newRoles === undefined ? {} : { roles: newRoles }), ...(apiTokensEnded > 0 ? { apiTokensEnded } : {}) };
    await appendEvent(trx, { streamType: 'user', streamId: id, type: 'USER_UPDATED', actor, at, payload: { ...recorded, previous } });
    return getUser(trx, id);
  });
}

/**
 * Gives an account a new initial password (Điều 3.2): the user must change it at the next login, every
 * session and API token of theirs ends and any lock-out is cleared. The password is returned once when generated, never
 * stored in clear, logged or audited. An admin changes their own password with POST /api/auth/password,
 * which asks for the current one.
 * @throws NotFoundError for an unknown user; ForbiddenError OWN_ACCOUNT for the caller's own account;
 *   ValidationError WEAK_PASSWORD.
 */
export async function resetPassword(
  db: Db,
  actor: { kind: 'user'; id: number },
  id: number,
  input: { password?: string },
  now: Date,
  options: { scryptCost: number },
): Promise<{ user: UserView; initialPassword: string | null }> {
  if (actor.id === id) throw new ForbiddenError('OWN_ACCOUNT', 'Change your own password with POST /api/auth/password');
  const row: UserRow | undefined = await db('users').where({ id }).first();
  if (!row) throw new NotFoundError('NOT_FOUND', `User ${id} does not exist`);
  const generated = input.password === undefined ? generatePassword() : null;
  const password = input.password ?? (generated as string);
  const problems = passwordProblems(password, row.username);
  if (problems.length > 0) throw new ValidationError('WEAK_PASSWORD', `The password is too weak: ${problems.join('; ')}`, { problems });
  const hash = await hashPassword(password, options.scryptCost);
  const at = now.toISOString();
  const user = await db.transaction(async (trx) => {
    const updated = await trx('users')
      .where({ id })
      .update({ password_hash: hash, must_change_password: true, password_changed_at: at, failed_logins: 0, locked_until: null, updated_at: at });
    if (updated === 0) throw new NotFoundError('NOT_FOUND', `User ${id} does not exist`);
    await clearThrottles(trx, row);
    const ended = await trx('sessions').where({ user_id: id }).whereNull('revoked_at').update({ revoked_at: at });
    const apiTokensEnded = await revokeApiTokensOf(trx, actor, id, 'password-reset', at);
    await appendEvent(trx, { streamType: 'user', streamId: id, type: 'PASSWORD_RESET', actor, at, payload: { sessionsEnded: ended, apiTokensEnded } });
    return getUser(trx, id);
  });
  return { user, initialPassword: generated };
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
