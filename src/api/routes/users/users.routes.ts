import { Type } from '@sinclair/typebox';
import { createUser, getUser, listUsers, updateUserStatus } from '../../../domain/accounts/users.service.ts';
import { defineRoute } from '../../route.ts';
import { IdParams } from '../../schemas/common.ts';
import { NewUserBody, NewUserResponse, User, UserQuery, UserStatusBody } from './users.schema.ts';

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
    handler: ({ body, principal, deps }) =>
      createUser(deps.db, { kind: 'user', id: principal.userId }, body, deps.clock(), { scryptCost: deps.config.scryptCost }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/users',
    tag: 'accounts',
    summary: 'List staff accounts',
    description: 'Leads list their colleagues to assign work; the one-stop unit and the director see everyone.',
    auth: ['admin', 'dept_lead', 'director', 'onestop'],
    query: UserQuery,
    response: { status: 200, schema: Type.Object({ items: Type.Array(User) }), description: 'Accounts' },
    errors: [400, 401, 403],
    handler: async ({ query, deps }) => ({ items: await listUsers(deps.db, query) }),
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
    summary: 'Disable, enable or unlock an account (admin)',
    auth: ['admin'],
    params: IdParams,
    body: UserStatusBody,
    response: { status: 200, schema: User, description: 'The account' },
    errors: [400, 401, 403, 404],
    handler: ({ params, body, principal, deps }) => updateUserStatus(deps.db, { kind: 'user', id: principal.userId }, params.id, body, deps.clock()),
  }),
];
