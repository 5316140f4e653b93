import { Type } from '@sinclair/typebox';
import { changePassword } from '../../../domain/accounts/login.service.ts';
import { listSessions, logout, revokeSession } from '../../../domain/accounts/sessions.service.ts';
import { getUser } from '../../../domain/accounts/users.service.ts';
import { SESSION_COOKIE } from '../../middlewares/auth.ts';
import { DEVICE_COOKIE, loginFromRequest } from '../../login-request.ts';
import { defineRoute } from '../../route.ts';
import { Ok } from '../../schemas/common.ts';
import { User } from '../users/users.schema.ts';
import { adminEventRoutes } from './admin-events.routes.ts';
import { LoginBody, LoginResponse, Me, PasswordBody, Session, SessionParams } from './auth.schema.ts';

export { DEVICE_COOKIE };

export const authRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Log in with username and password',
    description:
      'Opens a server-side session. Every refusal is the same for an existing and a made-up username, and for a disabled ' +
      'account: 401 INVALID_CREDENTIALS, or 429 ACCOUNT_LOCKED with Retry-After. Failures are counted per (username, address): ' +
      'LOGIN_MAX_FAILURES in a row lock that address out of that username for LOGIN_LOCK_MINUTES; ten times as many over a day, ' +
      'from any addresses, lock the username for addresses it has not logged in from in 30 days (doubling each time); twenty ' +
      'times as many from one address, over any usernames, lock that address the same way. 429 TOO_MANY_REQUESTS past ' +
      'LOGIN_PER_IP_PER_MINUTE attempts per address and minute. A browser that logged in to the account before carries an ' +
      'HttpOnly `idesk_device` cookie: its attempts are counted on that browser alone, so nobody sharing its address can lock it out.',
    auth: 'public',
    body: LoginBody,
    response: { status: 200, schema: LoginResponse, description: 'The session token and the user' },
    errorCodes: { 401: ['INVALID_CREDENTIALS'], 429: ['ACCOUNT_LOCKED', 'TOO_MANY_REQUESTS'] },
    errors: [400, 401, 429],
    handler: async ({ body, ctx, deps }) => {
      const { deviceToken: _device, ...answer } = await loginFromRequest(ctx, deps, body, '/api/auth');
      return answer;
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
    description: 'Required at first login. Ends your other sessions and revokes your API tokens (each audited as API_TOKEN_REVOKED).',
    auth: 'user',
    beforePasswordChange: true,
    body: PasswordBody,
    response: { status: 200, schema: User, description: 'The user' },
    errorCodes: { 400: ['WEAK_PASSWORD'], 401: ['INVALID_CREDENTIALS'], 429: ['ACCOUNT_LOCKED'] },
    errors: [400, 401, 429],
    handler: ({ body, principal, ctx, deps }) =>
      changePassword(deps.db, principal, body, deps.clock(), { ...deps.config.login, scryptCost: deps.config.scryptCost }, { ip: ctx.ip, log: ctx.state.logger ?? deps.logger }),
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
  // The admins' read of the audit trail, listed with the routes that write most of it.
  ...adminEventRoutes,
];
