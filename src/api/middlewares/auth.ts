import type Koa from 'koa';
import type { Principal } from '../../auth/principal.ts';
import { authenticateToken } from '../../domain/accounts/sessions.service.ts';
import { ForbiddenError } from '../../domain/errors.ts';
import type { AppDeps } from '../deps.ts';

export const SESSION_COOKIE = 'idesk_session';

/** Route patterns a `metrics` API token may call: only the Prometheus scrape. */
export const METRICS_SCOPE_ROUTES: ReadonlySet<string> = new Set(['/metrics']);

/** The bearer token or session cookie of a request, if any. */
export function credentialOf(ctx: Koa.Context): string | null {
  const header = ctx.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? (match[1] as string) : null;
  }
  return ctx.cookies.get(SESSION_COOKIE) ?? null;
}

/**
 * Resolves the caller once per request; null when anonymous or the credential is invalid.
 * @throws ForbiddenError OUT_OF_SCOPE for a `metrics` token anywhere but /metrics: it holds no role, and
 *   routes open to any staff account (`auth: 'user'`) must not be open to a scrape token.
 */
export async function authenticate(ctx: Koa.Context, deps: AppDeps): Promise<Principal | null> {
  let principal: Principal | null;
  if (ctx.state.principal !== undefined) {
    principal = ctx.state.principal as Principal | null;
  } else {
    const token = credentialOf(ctx);
    principal = null;
    if (token) {
      const cached = deps.principals.get(token);
      principal = cached === undefined ? await authenticateToken(deps.db, token, deps.clock()) : cached;
      if (cached === undefined) deps.principals.set(token, principal);
    }
    ctx.state.principal = principal;
    if (principal) ctx.state.userId = principal.userId;
  }
  // The router names the pattern it matched (request-metrics.ts reads the same); the ops console has none.
  const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  if (principal?.scope === 'metrics' && !(typeof route === 'string' && METRICS_SCOPE_ROUTES.has(route))) {
    throw new ForbiddenError('OUT_OF_SCOPE', 'This API token may only read /metrics', { scope: 'metrics' });
  }
  return principal;
}
