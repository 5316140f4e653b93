import { Type } from '@sinclair/typebox';
import { createApiToken, listApiTokens, revokeApiToken } from '../../../domain/accounts/sessions.service.ts';
import { defineRoute } from '../../route.ts';
import { Id, IdParams, Instant, Nullable, RoleSchema, Text } from '../../schemas/common.ts';

const ApiToken = Type.Object(
  {
    id: Id,
    name: Type.String(),
    userId: Id,
    roles: Type.Array(RoleSchema),
    createdAt: Instant,
    expiresAt: Nullable(Instant),
    revokedAt: Nullable(Instant),
    lastUsedAt: Nullable(Instant),
  },
  { additionalProperties: false, title: 'ApiToken' },
);

export const apiTokenRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/admin/api-tokens',
    tag: 'accounts',
    summary: 'Create a bearer token for an API client (admin)',
    description: 'The token acts as the given user, limited to the listed roles. It is shown once.',
    auth: ['admin'],
    body: Type.Object(
      {
        name: Text(100),
        userId: Id,
        roles: Type.Array(RoleSchema, { minItems: 1, uniqueItems: true }),
        expiresAt: Type.Optional(Nullable(Instant)),
      },
      { additionalProperties: false },
    ),
    response: { status: 201, schema: Type.Object({ token: Type.String(), apiToken: ApiToken }, { additionalProperties: false }), description: 'The token (shown once)' },
    errorCodes: { 400: ['ROLE_NOT_HELD'], 404: ['NOT_FOUND'] },
    errors: [400, 401, 403, 404],
    handler: ({ body, principal, deps }) => createApiToken(deps.db, principal, body, deps.clock()),
  }),
  defineRoute({
    method: 'get',
    path: '/api/admin/api-tokens',
    tag: 'accounts',
    summary: 'List API tokens (admin)',
    auth: ['admin'],
    response: { status: 200, schema: Type.Object({ items: Type.Array(ApiToken) }), description: 'Tokens, without their secret' },
    errors: [401, 403],
    handler: async ({ deps }) => ({ items: await listApiTokens(deps.db) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/admin/api-tokens/:id',
    changesCredentials: true,
    tag: 'accounts',
    summary: 'Revoke an API token (admin)',
    auth: ['admin'],
    params: IdParams,
    response: { status: 204, schema: null, description: 'Revoked' },
    errors: [400, 401, 403, 404],
    handler: ({ params, principal, deps }) => revokeApiToken(deps.db, principal, params.id, deps.clock()),
  }),
];
