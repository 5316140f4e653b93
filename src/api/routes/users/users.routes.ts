import { createUser, getUser, listUsers, resetPassword, updateUser } from '../../../domain/accounts/users.service.ts';
import { idempotentTransaction } from '../../../domain/idempotency/idempotency.ts';
import { defineRoute } from '../../route.ts';
import { IdParams } from '../../schemas/common.ts';
import { NewUserBody, NewUserResponse, PasswordResetBody, User, UserChangeBody, UserPage, UserQuery } from './users.schema.ts';

export const userRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/users',
    tag: 'accounts',
    summary: 'Create a staff account (admin)',
    description: 'There is no self sign-up. The user must change the initial password at first login.',
    auth: ['admin'],
    body: NewUserBody,
    response: { status: 201, schema: NewUserResponse, description: 'The account, and the generated password if none was given' },
    errorCodes: { 400: ['WEAK_PASSWORD', 'UNKNOWN_REFERENCE'], 409: ['DUPLICATE'] },
    errors: [400, 401, 403, 409],
    idempotent: true,
    // A replay answers without the generated password: it is shown once and never stored in clear.
    handler: ({ body, principal, deps, idempotency }) =>
      idempotentTransaction(
        deps.db,
        idempotency,
        deps.clock().toISOString(),
        201,
        (trx) => createUser(trx, { kind: 'user', id: principal.userId }, body, deps.clock(), { scryptCost: deps.config.scryptCost }),
        (answer) => ({ ...answer, initialPassword: null }),
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/api/users',
    tag: 'accounts',
    summary: 'List staff accounts, a page at a time',
    description:
      'Leads list their colleagues to assign work; the one-stop unit and the director see everyone. Filters: department, ' +
      'role, disabled, and `q` (part of the username, full name or e-mail). Ordered by id; at most 100 a page.',
    auth: ['admin', 'dept_lead', 'director', 'onestop'],
    query: UserQuery,
    response: { status: 200, schema: UserPage, description: 'A page of accounts and how many match in all' },
    errors: [400, 401, 403],
    handler: ({ query, deps }) => listUsers(deps.db, query),
  }),
  defineRoute({
    method: 'get',
    path: '/api/users/:id',
    tag: 'accounts',
    summary: 'One staff account (admin)',
    auth: ['admin'],
    params: IdParams,
    response: { status: 200, schema: User, description: 'The account' },
    errors: [400, 401, 403, 404],
    handler: ({ params, deps }) => getUser(deps.db, params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/users/:id',
    changesCredentials: true,
    tag: 'accounts',
    summary: 'Disable, enable, unlock an account, change its roles or department (admin)',
    description:
      'Disabling ends the account’s sessions and revokes its API tokens (each audited as API_TOKEN_REVOKED). The last active administrator can neither be disabled nor lose the admin role ' +
      '(409 LAST_ADMIN), not even by themselves. Audited as USER_UPDATED with the previous values.',
    auth: ['admin'],
    params: IdParams,
    body: UserChangeBody,
    response: { status: 200, schema: User, description: 'The account' },
    errors: [400, 401, 403, 404, 409],
    errorCodes: { 409: ['LAST_ADMIN'] },
    handler: ({ params, body, principal, deps }) => updateUser(deps.db, { kind: 'user', id: principal.userId }, params.id, body, deps.clock()),
  }),
  defineRoute({
    method: 'post',
    path: '/api/users/:id/password',
    changesCredentials: true,
    tag: 'accounts',
    summary: 'Reset an account’s password to a new initial one (admin)',
    description:
      'For a user who forgot the password (Điều 3.2): the new password must be changed at the next login, every session of ' +
      'the account ends, its API tokens are revoked (each audited as API_TOKEN_REVOKED) and any lock-out is cleared. The generated password is shown once. Not for your own account ' +
      '(403 OWN_ACCOUNT: use POST /api/auth/password). Audited as PASSWORD_RESET, without the password.',
    auth: ['admin'],
    params: IdParams,
    body: PasswordResetBody,
    response: { status: 200, schema: NewUserResponse, description: 'The account, and the generated password if none was given' },
    errors: [400, 401, 403, 404],
    errorCodes: { 403: ['OWN_ACCOUNT'] },
    handler: ({ params, body, principal, deps }) =>
      resetPassword(deps.db, { kind: 'user', id: principal.userId }, params.id, body, deps.clock(), { scryptCost: deps.config.scryptCost }),
  }),
];
