import type Koa from 'koa';
import { hasRole, type Principal, type Role } from '../../auth/principal.ts';
import { AuthenticationError, ForbiddenError } from '../../domain/errors.ts';
import type { AppDeps } from '../deps.ts';
import { authenticate } from './auth.ts';

/**
 * The caller, who must hold one of `roles`: the same rule as a route's `auth: [...]`, for what is not a
 * route definition (a mounted sub-application).
 * @throws AuthenticationError without a valid session or token; ForbiddenError for another role or an
 *   initial password not yet changed.
 */
export async function requireRole(ctx: Koa.Context, deps: AppDeps, roles: readonly Role[]): Promise<Principal> {
  const principal = await authenticate(ctx, deps);
  if (!principal) throw new AuthenticationError('UNAUTHENTICATED', 'Log in or send a valid bearer token');
  if (principal.mustChangePassword) throw new ForbiddenError('PASSWORD_CHANGE_REQUIRED', 'Change your initial password first (POST /api/auth/password)');
  if (!hasRole(principal, ...roles)) throw new ForbiddenError('FORBIDDEN', `This needs one of the roles: ${roles.join(', ')}`, { roles });
  return principal;
}
