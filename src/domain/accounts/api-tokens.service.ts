import type { Db, Executor } from '../../db/db.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { iso } from '../../lib/rows.ts';
import { ROLES, type Principal, type Role, type TokenScope } from '../../auth/principal.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { rolesOf, toPrincipal, type UserRow } from './users.service.ts';

export const API_TOKEN_PREFIX = 'idk_';

function userActor(id: number): ActorRef {
  return { kind: 'user', id };
}

/** Resolves an API token (`idk_…`) to the principal it stands for, or null. */
export async function authenticateApiToken(db: Executor, token: string, now: Date): Promise<Principal | null> {
  const at = now.toISOString();
  const row = await db('api_tokens').where({ token_hash: sha256Hex(token) }).first();
  if (!row || row.revoked_at !== null || (row.expires_at !== null && (iso(row.expires_at) as string) <= at)) return null;
  const user: UserRow | undefined = await db('users').where({ id: row.user_id }).first();
  if (!user || user.disabled === true || user.disabled === 1) return null;
  const scope: TokenScope = row.scope === 'metrics' ? 'metrics' : 'api';
  // A metrics token acts with no role at all: the only route that accepts it checks its scope instead.
  const granted = new Set(scope === 'metrics' ? [] : String(row.roles).split(','));
  const roles = (await rolesOf(db, user.id)).filter((role) => granted.has(role));
  if (row.last_used_at === null || Date.parse(iso(row.last_used_at) as string) < now.getTime() - 60_000) {
    await db('api_tokens').where({ id: row.id }).update({ last_used_at: at });
  }
  // An API client is a system integration: no interactive password change applies to it.
  return { ...toPrincipal(user, roles, 'token'), mustChangePassword: false, tokenId: row.id, scope, expiresAt: iso(row.expires_at) };
}

export interface ApiTokenView {
  id: number;
  name: string;
  userId: number;
  scope: TokenScope;
  /** The roles an `api` token acts with; empty for a `metrics` token. */
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
    scope: r.scope === 'metrics' ? 'metrics' : 'api',
    roles: String(r.roles).split(',').filter((role) => role !== '') as Role[],
    createdAt: iso(r.created_at) as string,
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}

export interface NewApiToken {
  name: string;
  userId: number;
  /** `api` (the default) acts with `roles`; `metrics` may only read /metrics and takes no roles. */
  scope?: TokenScope;
  roles?: Role[];
  expiresAt?: string | null;
}

/**
 * Creates a bearer token for an API client (another government system, the portal) or a Prometheus
 * scraper. An `api` token acts as the given user with at most the listed roles; a `metrics` token reads
 * /metrics and nothing else. The token is shown once.
 * @throws ValidationError when the user lacks a listed role, or roles do not fit the scope; NotFoundError for an unknown user.
 */
export async function createApiToken(db: Db, admin: Principal, input: NewApiToken, now: Date): Promise<{ token: string; apiToken: ApiTokenView }> {
  const at = now.toISOString();
  const scope = input.scope ?? 'api';
  const roles = [...new Set(input.roles ?? [])].sort();
  if (scope === 'api' && roles.length === 0) {
    throw new ValidationError('VALIDATION_FAILED', 'An api token needs the roles it acts with', { field: 'roles' });
  }
  if (scope === 'metrics' && roles.length > 0) {
    throw new ValidationError('VALIDATION_FAILED', 'A metrics token acts with no role: leave roles out', { field: 'roles' });
  }
  return db.transaction(async (trx) => {
    const user = await trx('users').where({ id: input.userId }).first('id');
    if (!user) throw new NotFoundError('NOT_FOUND', `User ${input.userId} does not exist`);
    const held = new Set(await rolesOf(trx, input.userId));
    const missing = roles.filter((role) => !held.has(role) || !ROLES.includes(role));
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
        roles: roles.join(','),
        scope,
        created_by: admin.userId,
        created_at: at,
        // Stored as UTC ISO: instants are compared as text on SQLite, so an expiry sent with an offset
        // (+07:00) would otherwise be compared by its local clock time and outlive its instant.
        expires_at: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      })
      .returning('id');
    const id = typeof inserted === 'object' ? inserted.id : inserted;
    await appendEvent(trx, { streamType: 'api_token', streamId: id, type: 'API_TOKEN_CREATED', actor: userActor(admin.userId), at, payload: { name: input.name, userId: input.userId, scope, roles } }, null);
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

