import type Koa from 'koa';
import type { Config } from '../config.ts';
import { login } from '../domain/accounts/login.service.ts';
import { DEVICE_DAYS } from '../domain/accounts/login-throttle.ts';
import { TooManyRequestsError } from '../domain/errors.ts';
import type { AppDeps } from './deps.ts';
import { SESSION_COOKIE } from './middlewares/auth.ts';

/** A browser that logged in to an account before (login-throttle.ts). */
export const DEVICE_COOKIE = 'idesk_device';

/**
 * The cookies a login hands a browser, for the API's login and the login page alike: the session
 * (HttpOnly, SameSite=Strict, Secure behind HTTPS, for the session's lifetime) and, the first time this
 * browser logs in to the account, the device cookie, scoped to the login's own path: only the login reads it.
 * Lifetimes are given as durations (`maxAge`, written out from the moment the answer leaves), not as the
 * session's own expiry instant: the server decides when a session ends; the cookie only has to outlive it,
 * and a duration does not depend on the service clock agreeing with the one the browser compares against.
 */
export function setLoginCookies(
  ctx: Koa.Context,
  config: Pick<Config, 'secureCookies'>,
  login: { token: string; expiresAt: string; deviceToken: string | null },
  devicePath: string,
  now: Date,
): void {
  ctx.cookies.set(SESSION_COOKIE, login.token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.secureCookies,
    maxAge: Math.max(0, Date.parse(login.expiresAt) - now.getTime()),
    overwrite: true,
  });
  if (login.deviceToken) {
    // A script without a cookie jar simply stays an unknown browser.
    ctx.cookies.set(DEVICE_COOKIE, login.deviceToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: config.secureCookies,
      path: devicePath,
      maxAge: DEVICE_DAYS * 24 * 3_600_000,
      overwrite: true,
    });
  }
}

/**
 * A login from an HTTP request, the same for the API and the login page: the per-address rate limit, the
 * domain login with its throttles (the device cookie read from `devicePath`), then the cookies.
 * @throws TooManyRequestsError TOO_MANY_REQUESTS past the per-address limit, ACCOUNT_LOCKED while locked;
 *   AuthenticationError INVALID_CREDENTIALS.
 */
export async function loginFromRequest(ctx: Koa.Context, deps: AppDeps, credentials: { username: string; password: string }, devicePath: string) {
  const log = ctx.state.logger ?? deps.logger;
  try {
    deps.limiters.login.hit(ctx.ip);
  } catch (err) {
    if (err instanceof TooManyRequestsError) log.warn({ username: credentials.username, ip: ctx.ip, event: 'LOGIN_THROTTLED' }, 'login refused: too many attempts from this address');
    throw err;
  }
  const { config } = deps;
  const result = await login(
    deps.db,
    { ...config.login, sessionTtlHours: config.sessionTtlHours, scryptCost: config.scryptCost },
    {
      username: credentials.username,
      password: credentials.password,
      ip: ctx.ip,
      userAgent: ctx.get('user-agent') || null,
      deviceToken: ctx.cookies.get(DEVICE_COOKIE) ?? null,
      log,
    },
    deps.clock(),
  );
  setLoginCookies(ctx, config, result, devicePath, deps.clock());
  return result;
}
