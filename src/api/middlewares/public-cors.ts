import type Koa from 'koa';
import { ForbiddenError } from '../../domain/errors.ts';

/** Where the citizen-facing API lives: the only part another site (the provincial portal) may call from a browser. */
export const PUBLIC_API_PREFIX = '/api/public/';

const ALLOWED_METHODS = 'GET, POST';
const ALLOWED_HEADERS = 'Content-Type, Idempotency-Key, X-Tracking-Secret, X-Request-Id';
const EXPOSED_HEADERS = 'X-Request-Id, Idempotent-Replayed, Retry-After';

/**
 * CORS for `/api/public/*` from the configured origins (CORS_ORIGINS), preflight included. Never with
 * credentials: the public API takes none (the tracking secret is a header), and staff sessions must never
 * be usable from another site. Other paths get no CORS headers at all, so browsers keep them same-origin.
 * @throws ForbiddenError CORS_ORIGIN_NOT_ALLOWED for a preflight from an origin not in the list.
 */
export function publicCors(origins: readonly string[]): Koa.Middleware {
  const allowed = new Set(origins);
  return async (ctx, next) => {
    if (!ctx.path.startsWith(PUBLIC_API_PREFIX)) return next();
    const origin = ctx.get('origin');
    ctx.vary('Origin');
    const permitted = origin !== '' && allowed.has(origin);
    if (ctx.method === 'OPTIONS' && origin !== '' && ctx.get('access-control-request-method') !== '') {
      if (!permitted) throw new ForbiddenError('CORS_ORIGIN_NOT_ALLOWED', `The origin ${origin} may not call this API from a browser`, { origin });
      ctx.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
      });
      ctx.status = 204;
      return;
    }
    if (permitted) ctx.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS });
    await next();
  };
}
