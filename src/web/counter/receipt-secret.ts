import type Koa from 'koa';
import type { AppDeps } from '../../api/deps.ts';

/** How long the receipt printed right after intake can show the tracking secret. */
const TTL_MS = 15 * 60_000;
const COOKIE = 'idesk_receipt';

/** The dossier's slips: the receipt, or Mẫu 02 when the counter guided the applicant. */
function pathOf(dossierId: number): string {
  return `/dossiers/${dossierId}/forms/`;
}

/**
 * Hands the tracking secret of a dossier just received to its receipt page, which the browser is sent to
 * next: in a short-lived HttpOnly cookie scoped to that one page, never in the address (the secret is a
 * credential; addresses end up in logs and history). Only the secret's hash is stored, so a later reprint
 * cannot show it.
 */
export function rememberReceiptSecret(ctx: Koa.Context, deps: AppDeps, dossierId: number, secret: string): void {
  ctx.cookies.set(COOKIE, `${dossierId}.${secret}`, {
    httpOnly: true,
    sameSite: 'strict',
    secure: deps.config.secureCookies,
    path: pathOf(dossierId),
    maxAge: TTL_MS,
    overwrite: true,
  });
}

/** The secret handed over for this dossier's receipt, if any (the caller checks it against the stored hash). */
export function receiptSecretOf(ctx: Koa.Context, dossierId: number): string | null {
  const raw = ctx.cookies.get(COOKIE);
  if (!raw) return null;
  const dot = raw.indexOf('.');
  if (dot < 0 || raw.slice(0, dot) !== String(dossierId)) return null;
  const secret = raw.slice(dot + 1);
  return /^[A-Za-z0-9_-]{8,64}$/.test(secret) ? secret : null;
}
