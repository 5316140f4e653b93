import { timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { SESSION_COOKIE } from '../api/middlewares/auth.ts';
import { randomToken, sha256Hex } from '../lib/crypto.ts';

/** The browser's own random value for the forms it fills in before logging in (the login form). */
export const ANON_COOKIE = 'idesk_form';
export const CSRF_FIELD = '_csrf';

/**
 * The anti-forgery token of a request's forms: derived from the session token itself (per session,
 * nothing stored, the same on every API process) once logged in, or from a random HttpOnly cookie before.
 * Another site can neither read the cookie nor the page that carries the token, so it cannot fill the
 * hidden field of a form it makes the browser post; SameSite=Strict on both cookies is the second wall.
 */
export function csrfToken(ctx: Koa.Context, secure: boolean, kind: 'session' | 'anonymous'): string {
  if (kind === 'session') {
    const session = ctx.cookies.get(SESSION_COOKIE);
    if (session) return sessionCsrfToken(session);
  }
  let anon = ctx.cookies.get(ANON_COOKIE);
  if (!anon || !/^[A-Za-z0-9_-]{32,64}$/.test(anon)) {
    anon = randomToken(24);
    ctx.cookies.set(ANON_COOKIE, anon, { httpOnly: true, sameSite: 'strict', secure, overwrite: true });
  }
  return sha256Hex(`csrf:anonymous:${anon}`);
}

/** The anti-forgery token of a session: its forms' `_csrf` value, and the `X-CSRF-Token` of a change sent to the API with its cookie. */
export function sessionCsrfToken(session: string): string {
  return sha256Hex(`csrf:session:${session}`);
}

/** Whether the token a form sent is the one this request's cookies stand for. */
export function csrfMatches(ctx: Koa.Context, kind: 'session' | 'anonymous', sent: string | undefined): boolean {
  if (!sent) return false;
  const cookie = ctx.cookies.get(kind === 'session' ? SESSION_COOKIE : ANON_COOKIE);
  if (!cookie) return false;
  const expected = Buffer.from(sha256Hex(`csrf:${kind}:${cookie}`));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
