import type { Db, Executor } from '../../db/db.ts';
import { sha256Hex } from '../../lib/crypto.ts';
import { iso } from '../../lib/rows.ts';
import type { Principal } from '../../auth/principal.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { NotFoundError } from '../errors.ts';
import { API_TOKEN_PREFIX, authenticateApiToken } from './api-tokens.service.ts';
import { SESSION_PREFIX } from './login.service.ts';
import { rolesOf, toPrincipal, type UserRow } from './users.service.ts';

// tests/support/factories.ts and src/bootstrap.ts (outside this change's files) still import these from
// here; new code imports them from login.service.ts and users.service.ts.
export { login } from './login.service.ts';
export { ensureAdmin } from './users.service.ts';

function userActor(id: number): ActorRef {
  return { kind: 'user', id };
}

/** Resolves a bearer token or session cookie to the principal it stands for, or null. */
export async function authenticateToken(db: Executor, token: string, now: Date): Promise<Principal | null> {
  const at = now.toISOString();
  if (token.startsWith(API_TOKEN_PREFIX)) return authenticateApiToken(db, token, now);
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
  return null;
}

export async function logout(db: Db, principal: Principal, now: Date): Promise<void> {
  if (!principal.sessionId) return;
  await revokeSessionById(db, principal, principal.sessionId, now, 'LOGOUT');
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

