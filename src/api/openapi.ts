import type { TSchema } from '@sinclair/typebox';
import { checksForgery, type AnyRouteDef } from './route.ts';
import { ErrorBody } from './schemas/common.ts';
import { withNumberBounds } from './validation.ts';

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request',
  401: 'Not logged in, or wrong credentials',
  403: 'Not allowed',
  404: 'No such record',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Body of the wrong media type',
  422: 'Not allowed in the current state',
  429: 'Too many attempts; see Retry-After',
};

/**
 * The codes an error response of this route can carry: those the route machinery raises for any route
 * with the same auth, parameters and body, plus the route's own `errorCodes`.
 */
export function errorCodesOf(route: AnyRouteDef, status: number): string[] {
  const codes: string[] = [];
  const authenticated = route.auth !== 'public';
  if (status === 400) {
    if (route.params || route.query || route.body) codes.push('VALIDATION_FAILED');
    if (/"format":"date(-time)?"/.test(JSON.stringify([route.params, route.query, route.body]))) codes.push('CALENDAR_OUT_OF_RANGE');
    if (route.body) codes.push('MALFORMED_JSON');
    if (route.params) codes.push('MALFORMED_URI');
    if (route.headers?.some((h) => h.name === 'Idempotency-Key')) codes.push('VALIDATION_FAILED');
  }
  if (status === 401 && authenticated) codes.push('UNAUTHENTICATED');
  if (status === 403 && authenticated) {
    if (!route.beforePasswordChange) codes.push('PASSWORD_CHANGE_REQUIRED');
    // A metrics-only token is refused everywhere but /metrics.
    codes.push('OUT_OF_SCOPE');
    if (route.auth !== 'user') codes.push('FORBIDDEN');
    // A change sent with the session cookie but without its anti-forgery token (route.ts).
    if (checksForgery(route)) codes.push('CSRF_REFUSED');
  }
  if (status === 404 && route.params) codes.push('NOT_FOUND');
  if (status === 409 && route.headers?.some((h) => h.name === 'Idempotency-Key')) codes.push('IDEMPOTENCY_KEY_REUSED');
  if (status === 413 && route.body) codes.push('PAYLOAD_TOO_LARGE');
  if (status === 415 && route.body) codes.push('UNSUPPORTED_MEDIA_TYPE');
  codes.push(...(route.errorCodes?.[status] ?? []));
  return [...new Set(codes)];
}

const REQUEST_ID_HEADER = {
  description: 'The id of this request in the service log (the one sent in X-Request-Id when it was 8–64 of A-Z a-z 0-9 . _ -, a new UUID otherwise): quote it to the IT officer',
  schema: { type: 'string' },
};

/** Path and query parameters from the route's schemas; one with a default (page, pageSize) is never required. */
function parameters(schema: TSchema | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const required = new Set((schema as { required?: string[] }).required ?? []);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (required.has(name) && s.default === undefined),
    schema: withNumberBounds(s),
    ...(s.description ? { description: s.description } : {}),
  }));
}

function errorResponse(route: AnyRouteDef, status: number) {
  const codes = errorCodesOf(route, status);
  return {
    description: `${ERROR_TEXT[status] ?? 'Error'}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`,
    'x-error-codes': codes,
    headers: {
      'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
      ...(status === 429 ? { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } } } : {}),
    },
    content: {
      'application/json': {
        schema: codes.length > 0 ? { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { error: { properties: { code: { enum: codes } } } } }] } : { $ref: '#/components/schemas/Error' },
      },
    },
  };
}

/** The OpenAPI 3.1 document, generated from the same route definitions and schemas that validate requests. */
export function buildOpenApi(routes: AnyRouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const idempotent = route.headers?.some((h) => h.name === 'Idempotency-Key') ?? false;
    const operation: Record<string, unknown> = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      security: route.auth === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
      ...(route.auth !== 'public' && route.auth !== 'user' ? { 'x-roles': route.auth } : {}),
      parameters: [
        ...parameters(route.params, 'path'),
        ...parameters(route.query, 'query'),
        ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } })),
        { $ref: '#/components/parameters/X-Request-Id' },
      ],
      ...(route.body || route.multipart
        ? {
            requestBody: {
              required: true,
              ...(route.multipart?.description ? { description: route.multipart.description } : {}),
              content: {
                ...(route.body ? { 'application/json': { schema: withNumberBounds(route.body) } } : {}),
                ...(route.multipart ? { 'multipart/form-data': { schema: route.multipart.schema, ...(route.multipart.encoding ? { encoding: route.multipart.encoding } : {}) } } : {}),
              },
            },
          }
        : {}),
      responses: {
        [route.response.status]: {
          description: route.response.description,
          headers: {
            'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
            ...(idempotent ? { 'Idempotent-Replayed': { $ref: '#/components/headers/Idempotent-Replayed' } } : {}),
            ...Object.fromEntries(Object.entries(route.response.binary?.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }])),
          },
          ...(route.response.schema ? { content: { 'application/json': { schema: route.response.schema } } } : {}),
          ...(route.response.binary ? { content: { '*/*': { schema: { type: 'string', format: 'binary' } } } } : {}),
        },
        ...Object.fromEntries(route.errors.map((status) => [status, errorResponse(route, status)])),
      },
    };
    paths[path] = { ...(paths[path] ?? {}), [route.method]: operation };
  }
  return JSON.parse(
    JSON.stringify({
      openapi: '3.1.0',
      info: {
        title: 'idesk API',
        version,
        description:
          'E-office and online public services of a provincial Department of Industry and Trade. Errors are `{ "error": { "code", "message", "details" } }`; ' +
          'each error response lists the codes it can carry in `x-error-codes`. Instants are ISO-8601 with an offset, in years 2000–2100; ' +
          'numbers in paths and queries are plain decimals (no sign but -, no leading zero, no exponent).',
      },
      servers: [{ url: '/' }],
      paths,
      components: {
        schemas: { Error: ErrorBody },
        parameters: {
          'X-Request-Id': { name: 'X-Request-Id', in: 'header', required: false, description: 'Your id for this request, echoed back and written in the log (8–64 of A-Z a-z 0-9 . _ -)', schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{8,64}$' } },
        },
        headers: {
          'X-Request-Id': REQUEST_ID_HEADER,
          'Idempotent-Replayed': { description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key: nothing was done again', schema: { type: 'string', enum: ['true'] } },
        },
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A session token from /api/auth/login or an API token' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'idesk_session' },
        },
      },
    }),
  );
}
