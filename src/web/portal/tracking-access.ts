import type Koa from 'koa';
import type { AppDeps } from '../../api/deps.ts';
import type { PaperTarget } from '../../domain/dossiers/dossier-papers.ts';
import { looksLikeTrackingSecret } from '../../domain/dossiers/tracking-secret.ts';

/**
 * The citizen's access to one dossier after they typed its code and tracking secret: a short-lived cookie
 * holding the secret, HttpOnly (no script reads it), SameSite=Strict (no other site's link or form sends
 * it) and scoped to that dossier's pages (`/tra-cuu/<code>`), so the secret never goes in a URL, a
 * browser history or a server log, and a phone shared later forgets it on its own. Re-posting the
 * secret with every link would put it in every page's HTML; a server-side session would be a second
 * credential store for no gain — the secret is already the applicant's credential, checked by the
 * domain (findByCodeAndSecret) on every request exactly as the API checks its header.
 */
export const TRACKING_COOKIE = 'idesk_tra_cuu';

/** Thirty minutes of quiet ends the access; every page viewed renews it. */
export const TRACKING_TTL_MS = 30 * 60 * 1000;

/** The tracking page of a dossier (codes are `[A-Z0-9.-]`: nothing to escape). */
export function trackingPath(code: string): string {
  return `/tra-cuu/${code}`;
}

/** The tracking form prefilled with a code: what the counter's QR code and the confirmation link to. */
export function trackingFormPath(code?: string): string {
  return code ? `/tra-cuu?ma=${encodeURIComponent(code)}` : '/tra-cuu';
}

/** Opens (or renews) the browser's access to this dossier's pages. */
export function grantTracking(ctx: Koa.Context, deps: AppDeps, code: string, secret: string): void {
  ctx.cookies.set(TRACKING_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'strict',
    secure: deps.config.secureCookies,
    path: trackingPath(code),
    maxAge: TRACKING_TTL_MS,
    overwrite: true,
  });
}

/** Ends the browser's access to this dossier's pages. */
export function endTracking(ctx: Koa.Context, deps: AppDeps, code: string): void {
  ctx.cookies.set(TRACKING_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: deps.config.secureCookies, path: trackingPath(code), maxAge: 0, overwrite: true });
}

/** The secret this browser holds for the dossier of the page it asks for; null when it holds none. */
export function trackingSecret(ctx: Koa.Context): string | null {
  const value = ctx.cookies.get(TRACKING_COOKIE);
  return value && looksLikeTrackingSecret(value) ? value : null;
}

export function applicantTarget(code: string, secret: string): PaperTarget {
  return { kind: 'applicant', code, secret };
}
