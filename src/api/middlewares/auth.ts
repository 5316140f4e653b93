import type Koa from 'koa';
import type { Principal } from '../../auth/principal.ts';
import { authenticateToken } from '../../domain/accounts/sessions.service.ts';
import type { AppDeps } from '../deps.ts';

export const SESSION_COOKIE = 'idesk_session';

/** The bearer token or session cookie of a request, if any. */
export function credentialOf(ctx: Koa.Context): string | null {
  const header = ctx.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? (match[1] as string) : null;
  }
  return ctx.cookies.get(SESSION_COOKIE) ?? null;
}

/** Resolves the caller once per request; null when anonymous or the credential is invalid. */
export async function authenticate(ctx: Koa.Context, deps: AppDeps): Promise<Principal | null> {
  if (ctx.state.principal !== undefined) return ctx.state.principal as Principal | null;
  const token = credentialOf(ctx);
  let principal: Principal | null = null;
  if (token) {
    const cached = deps.principals.get(token);
    principal = cached === undefined ? await authenticateToken(deps.db, token, deps.clock()) : cached;
    if (cached === undefined) deps.principals.set(token, principal);
  }
  ctx.state.principal = principal;
  if (principal) ctx.state.userId = principal.userId;
  return principal;
}
