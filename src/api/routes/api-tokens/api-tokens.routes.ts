import { Type } from '@sinclair/typebox';
import { createApiToken, listApiTokens, revokeApiToken } from '../../../domain/accounts/api-tokens.service.ts';
import { idempotentTransaction } from '../../../domain/idempotency/idempotency.ts';
import { defineRoute } from '../../route.ts';
import { TOKEN_SCOPES } from '../../../auth/principal.ts';
import { Id, IdParams, Instant, Nullable, RoleSchema, Text } from '../../schemas/common.ts';

const TokenScopeSchema = Type.Union(
  TOKEN_SCOPES.map((scope) => Type.Literal(scope)),
  { description: '`api`: acts through the API with its roles; `metrics`: reads /metrics and nothing else (for Prometheus)' },
);

const ApiToken = Type.Object(
  {
    id: Id,
    name: Type.String(),
    userId: Id,
    scope: TokenScopeSchema,
    roles: Type.Array(RoleSchema, { description: 'The roles an `api` token acts with; empty for a `metrics` token' }),
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
    description:
      'An `api` token (the default) acts as the given user, limited to the listed roles. A `metrics` token (no roles) ' +
      'reads /metrics and is refused everywhere else with 403 OUT_OF_SCOPE: give that one to Prometheus. The token is shown once.',
    auth: ['admin'],
    body: Type.Object(
      {
        name: Text(100),
        userId: Id,
        scope: Type.Optional(TokenScopeSchema),
        roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, uniqueItems: true, description: 'Required for an `api` token; absent for a `metrics` one' })),
        expiresAt: Type.Optional(Nullable(Instant)),
      },
      { additionalProperties: false },
    ),
    response: {
      status: 201,
      schema: Type.Object(
        { token: Nullable(Type.String({ description: 'Shown once; null on an idempotent replay (it is stored only hashed)' })), apiToken: ApiToken },
        { additionalProperties: false },
      ),
      description: 'The token (shown once)',
    },
    errorCodes: { 400: ['ROLE_NOT_HELD'], 404: ['NOT_FOUND'] },
    errors: [400, 401, 403, 404],
    idempotent: true,
    handler: ({ body, principal, deps, idempotency }) =>
      idempotentTransaction(deps.db, idempotency, deps.clock().toISOString(), 201, (trx) => createApiToken(trx, principal, body, deps.clock()), (answer) => ({ ...answer, token: null })),
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
