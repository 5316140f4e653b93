import { Type } from '@sinclair/typebox';
import { changePassword, listSessions, login, logout, revokeSession } from '../../../domain/accounts/sessions.service.ts';
import { getUser } from '../../../domain/accounts/users.service.ts';
import { SESSION_COOKIE } from '../../middlewares/auth.ts';
import { defineRoute } from '../../route.ts';
import { Ok } from '../../schemas/common.ts';
import { User } from '../users/users.schema.ts';
import { LoginBody, LoginResponse, Me, PasswordBody, Session, SessionParams } from './auth.schema.ts';

export const authRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Log in with username and password',
    description: 'Opens a server-side session. Failures are throttled per address and lock the account after repeated attempts.',
    auth: 'public',
    body: LoginBody,
    response: { status: 200, schema: LoginResponse, description: 'The session token and the user' },
    errorCodes: { 401: ['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED'], 429: ['ACCOUNT_LOCKED', 'TOO_MANY_REQUESTS'] },
    errors: [400, 401, 429],
    handler: async ({ body, ctx, deps }) => {
      deps.limiters.login.hit(ctx.ip);
      const { config } = deps;
      const result = await login(
        deps.db,
        { ...config.login, sessionTtlHours: config.sessionTtlHours, scryptCost: config.scryptCost },
        { username: body.username, password: body.password, ip: ctx.ip, userAgent: ctx.get('user-agent') || null },
        deps.clock(),
      );
      ctx.cookies.set(SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: config.secureCookies,
        expires: new Date(result.expiresAt),
        overwrite: true,
      });
      return result;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/logout',
    changesCredentials: true,
    tag: 'auth',
    summary: 'End the current session',
    auth: 'user',
    beforePasswordChange: true,
    response: { status: 200, schema: Ok, description: 'Logged out' },
    errors: [401],
    handler: async ({ principal, ctx, deps }) => {
      await logout(deps.db, principal, deps.clock());
      ctx.cookies.set(SESSION_COOKIE, null);
      return { ok: true as const };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/password',
    changesCredentials: true,
    tag: 'auth',
    summary: 'Change your password',
    description: 'Required at first login. Ends your other sessions.',
    auth: 'user',
    beforePasswordChange: true,
    body: PasswordBody,
    response: { status: 200, schema: User, description: 'The user' },
    errorCodes: { 400: ['WEAK_PASSWORD'], 401: ['INVALID_CREDENTIALS'], 429: ['ACCOUNT_LOCKED'] },
    errors: [400, 401, 429],
    handler: ({ body, principal, deps }) =>
      changePassword(deps.db, principal, body, deps.clock(), { ...deps.config.login, scryptCost: deps.config.scryptCost }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/me',
    tag: 'auth',
    summary: 'Who am I',
    auth: 'user',
    beforePasswordChange: true,
    response: { status: 200, schema: Me, description: 'The caller' },
    errors: [401],
    handler: async ({ principal, deps }) => ({ user: await getUser(deps.db, principal.userId), via: principal.via, effectiveRoles: principal.roles }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/me/sessions',
    tag: 'auth',
    summary: 'Your open sessions',
    description: 'A leaked password must be containable (Điều 14.3): see where you are logged in and end sessions you do not recognise.',
    auth: 'user',
    beforePasswordChange: true,
    response: { status: 200, schema: Type.Object({ items: Type.Array(Session) }), description: 'Open sessions' },
    errors: [401],
    handler: async ({ principal, deps }) => ({ items: await listSessions(deps.db, principal, deps.clock()) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/me/sessions/:id',
    changesCredentials: true,
    tag: 'auth',
    summary: 'End one of your sessions',
    auth: 'user',
    beforePasswordChange: true,
    params: SessionParams,
    response: { status: 204, schema: null, description: 'Ended' },
    errors: [400, 401, 404],
    handler: ({ params, principal, deps }) => revokeSession(deps.db, principal, params.id, deps.clock()),
  }),
];
