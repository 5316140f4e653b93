import type { TSchema } from '@sinclair/typebox';
import type { AnyRouteDef } from './route.ts';
import { ErrorBody } from './schemas/common.ts';

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request (VALIDATION_FAILED, MALFORMED_JSON, UNKNOWN_EVENT, …)',
  401: 'Not logged in (UNAUTHENTICATED) or wrong credentials',
  403: 'Not allowed (FORBIDDEN, PASSWORD_CHANGE_REQUIRED)',
  404: 'No such record (NOT_FOUND)',
  409: 'Conflict (STALE_VERSION, DUPLICATE, IDEMPOTENCY_KEY_REUSED)',
  413: 'Body too large (PAYLOAD_TOO_LARGE)',
  415: 'Body is not JSON (UNSUPPORTED_MEDIA_TYPE)',
  422: 'Not allowed in the current state (INVALID_TRANSITION, with the allowed events)',
  429: 'Too many attempts (TOO_MANY_REQUESTS, ACCOUNT_LOCKED)',
};

/** Strips TypeBox's symbol keys (JSON does not carry them anyway) and turns path params into OpenAPI parameters. */
function parameters(schema: TSchema | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const required = new Set((schema as { required?: string[] }).required ?? []);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: s,
    ...(s.description ? { description: s.description } : {}),
  }));
}

/** The OpenAPI 3.1 document, generated from the same route definitions and schemas that validate requests. */
export function buildOpenApi(routes: AnyRouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
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
      ],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      responses: {
        [route.response.status]: {
          description: route.response.description,
          ...(route.response.schema ? { content: { 'application/json': { schema: route.response.schema } } } : {}),
        },
        ...Object.fromEntries(
          route.errors.map((status) => [status, { description: ERROR_TEXT[status] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
        ),
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
          'E-office and online public services of a provincial Department of Industry and Trade. Errors are `{ "error": { "code", "message", "details" } }`.',
      },
      servers: [{ url: '/' }],
      paths,
      components: {
        schemas: { Error: ErrorBody },
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A session token from /api/auth/login or an API token' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'idesk_session' },
        },
      },
    }),
  );
}
