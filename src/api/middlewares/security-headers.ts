import type Koa from 'koa';

/**
 * Headers every answer carries, including the ones Node's parser writes itself (see server.ts). The API
 * answers JSON and nothing it serves may run script, load anything, be framed or leak the address it was
 * read from (tracking secrets may travel in a query string).
 */
export const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
} as const;

/** A year, as the HSTS preload list asks; subdomains included: the Sở's other services should be HTTPS too. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every answer, and Strict-Transport-Security only when the service is reached over
 * HTTPS: on the request itself (`ctx.secure`, which honours X-Forwarded-Proto when TRUST_PROXY=1) or
 * when SECURE_COOKIES=1 says that the deployment is HTTPS-only. Sent over plain HTTP from a service that
 * is not, it would lock browsers out of it for a year.
 */
export function securityHeaders(options: { httpsOnly: boolean }): Koa.Middleware {
  return async (ctx, next) => {
    ctx.set(SECURITY_HEADERS);
    // Nothing in the API may be cached by a shared proxy.
    ctx.set('Cache-Control', 'no-store');
    if (options.httpsOnly || ctx.secure) ctx.set('Strict-Transport-Security', HSTS);
    await next();
  };
}
