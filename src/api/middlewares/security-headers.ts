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

/**
 * What a page (src/web) may do: load its own stylesheet and images and post its forms to its own origin,
 * nothing else. No `unsafe-inline`: a page carries no `<script>`, no `<style>` and no `style=`, so even
 * markup injected past the escaping could not run or restyle anything.
 */
export const PAGE_CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/**
 * Gives a page answer the page policy instead of the API's. Pages carry personal data: they stay
 * `no-store` like the API (a shared computer at the counter must not show the last clerk's dossier
 * from its cache after logout).
 */
export function usePageHeaders(ctx: Koa.Context): void {
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('Cache-Control', 'no-store');
}

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

/**
 * With SECURE_COOKIES=1 every cookie the service sets is Secure because the configuration says the
 * deployment is HTTPS-only, not because this request looks encrypted: behind a TLS proxy the request
 * arrives over plain HTTP, and without TRUST_PROXY=1 (or without the proxy's X-Forwarded-Proto) Koa's
 * cookie jar refused every Secure cookie with an error, so every login and page answered 500.
 */
export function httpsOnlyCookies(): Koa.Middleware {
  return async (ctx, next) => {
    ctx.cookies.secure = true;
    await next();
  };
}
