import type { Db, Executor } from '../../db/db.ts';
import { bool, iso } from '../../lib/rows.ts';
import { generatePassword, hashPassword, passwordProblems } from '../../auth/passwords.ts';
import type { Principal, Role } from '../../auth/principal.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';

export interface UserView {
  id: number;
  username: string;
  fullName: string;
  email: string | null;
  departmentId: number | null;
  roles: Role[];
  mustChangePassword: boolean;
  disabled: boolean;
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

export async function listUsers(db: Executor, filter: { departmentId?: number; role?: Role }): Promise<UserView[]> {
  const query = db('users').orderBy('users.id').select('users.*');
  if (filter.departmentId !== undefined) query.where('users.department_id', filter.departmentId);
  if (filter.role !== undefined) query.whereExists(db('user_roles').whereRaw('user_roles.user_id = users.id').andWhere('role', filter.role));
  const rows: UserRow[] = await query;
  const roleRows = await db('user_roles').whereIn('user_id', rows.map((r) => r.id)).orderBy('role');
  const byUser = new Map<number, Role[]>();
  for (const r of roleRows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.role]);
  return rows.map((row) => toUserView(row, byUser.get(row.id) ?? []));
}

/**
 * Admin actions on an account: unlock after repeated failures, disable, enable.
 * @throws NotFoundError for an unknown user.
 */
export async function updateUserStatus(db: Db, actor: ActorRef, id: number, change: { disabled?: boolean; unlock?: boolean }, now: Date): Promise<UserView> {
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    const patch: Record<string, unknown> = { updated_at: at };
    if (change.disabled !== undefined) patch.disabled = change.disabled;
    if (change.unlock) Object.assign(patch, { locked_until: null, failed_logins: 0 });
    const updated = await trx('users').where({ id }).update(patch);
    if (updated === 0) throw new NotFoundError('NOT_FOUND', `User ${id} does not exist`);
    if (change.disabled) await trx('sessions').where({ user_id: id }).whereNull('revoked_at').update({ revoked_at: at });
    await appendEvent(trx, { streamType: 'user', streamId: id, type: 'USER_UPDATED', actor, at, payload: { ...change } });
    return getUser(trx, id);
  });
}
