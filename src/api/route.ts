import type Koa from 'koa';
import type { Router } from '@koa/router';
import type { Static, TSchema } from '@sinclair/typebox';
import getRawBody from 'raw-body';
import { hasRole, type Principal, type Role } from '../auth/principal.ts';
import { AuthenticationError, ForbiddenError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors.ts';
import type { AppDeps } from './deps.ts';
import { requestHash, type IdempotentRequest, type StoredResponse } from '../domain/idempotency/idempotency.ts';
import { IDEMPOTENCY_HEADER, idempotencyOf } from './idempotency-key.ts';
import { authenticate } from './middlewares/auth.ts';
import { csrfMatches } from '../web/csrf.ts';
import { compile, validate } from './validation.ts';

type Maybe<T extends TSchema | undefined> = T extends TSchema ? Static<T> : undefined;

export interface HandlerInput<B extends TSchema | undefined, Q extends TSchema | undefined, P extends TSchema | undefined> {
  body: Maybe<B>;
  query: Maybe<Q>;
  params: Maybe<P>;
  /** Present on every route but the public ones. */
  principal: Principal;
  ctx: Koa.Context;
  deps: AppDeps;
  /** On an `idempotent` route, the request's Idempotency-Key scoped to its caller (absent without the header). */
  idempotency?: IdempotentRequest;
  /**
   * On an `idempotent` route sent as multipart/form-data (absent without the header): the key with the hash
   * of what the handler read from the streamed body (its fields and its files' digests), known only once read.
   */
  idempotencyOfStreamed?(content: unknown): IdempotentRequest;
}

/**
 * One API route: its contract (schemas, who may call it, what it answers) and a thin handler that calls
 * the domain. The same definition registers the route, validates requests and responses and produces
 * the OpenAPI document.
 */
export interface RouteDef<B extends TSchema | undefined = undefined, Q extends TSchema | undefined = undefined, P extends TSchema | undefined = undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa path, e.g. /api/users/:id */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** `public`: no login; `user`: any staff account; a list: any of these roles. */
  auth: 'public' | 'user' | readonly Role[];
  /** Usable while the account must still change its initial password. */
  beforePasswordChange?: boolean;
  /** Ends or changes credentials (logout, revocation, password, disabled account): cached principals are dropped. */
  changesCredentials?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Replaces the schema check of the body when it needs more precise errors (a discriminated union). */
  bodyValidator?: (value: unknown) => Maybe<B>;
  headers?: Array<{ name: string; description: string; required?: boolean }>;
  /**
   * A multipart/form-data body the handler reads itself (streamed uploads), described for the OpenAPI
   * document: the form's fields, and how each part is encoded.
   */
  multipart?: { schema: Record<string, unknown>; encoding?: Record<string, unknown>; description?: string };
  /**
   * `binary`: the handler answers bytes (a download) with these response headers, not JSON; `schema` is
   * then null.
   */
  response: { status: number; schema: TSchema | null; description: string; binary?: { headers: Record<string, string> } };
  /** Error statuses this route may answer, for the OpenAPI document. */
  errors: number[];
  /**
   * Honours `Idempotency-Key`: the handler gets `idempotency` and answers a StoredResponse (status and
   * body, replayed or not). Keys are scoped to the user, or for public routes to `scope` (the address
   * when absent), so one caller can never replay another's answer.
   */
  idempotent?: true | { scope(input: HandlerInput<B, Q, P>): string };
  /**
   * The codes of its own this route may answer, by status, for the OpenAPI document (`x-error-codes`).
   * The codes every route of its kind can answer (VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, …) are
   * added by the document itself from the route's auth, params and body.
   */
  errorCodes?: Partial<Record<number, string[]>>;
  handler(input: HandlerInput<B, Q, P>): Promise<unknown>;
}

export type AnyRouteDef = RouteDef<TSchema | undefined, TSchema | undefined, TSchema | undefined>;

export function defineRoute<B extends TSchema | undefined = undefined, Q extends TSchema | undefined = undefined, P extends TSchema | undefined = undefined>(
  def: RouteDef<B, Q, P>,
): AnyRouteDef {
  // An idempotent route documents the header itself (and the 409 a reused key answers).
  let documented: RouteDef<B, Q, P> = def.idempotent
    ? { ...def, headers: [...(def.headers ?? []), IDEMPOTENCY_HEADER], errors: [...new Set([...def.errors, 409])].sort() }
    : def;
  // A change made with the session cookie may be refused as forged (CSRF_REFUSED, see mountRoute).
  if (checksForgery(documented)) documented = { ...documented, errors: [...new Set([...documented.errors, 403])].sort() };
  return documented as unknown as AnyRouteDef;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the route changes something for a logged-in caller: then a cookie alone does not vouch for the request. */
export function checksForgery(def: { method: string; auth: unknown }): boolean {
  return def.auth !== 'public' && !SAFE_METHODS.has(def.method.toUpperCase());
}

/**
 * The pages' anti-forgery rule, applied to the API: a change authenticated by the session cookie alone
 * (no Authorization header) must carry the session's form token in `X-CSRF-Token`. A browser sends the
 * cookie with whatever another site makes it post, a multipart form included (no preflight), and
 * SameSite=Strict does not cover a sibling origin of the same site; the token it cannot read. API
 * clients send `Authorization: Bearer`, which no other site can make a browser add.
 * @throws ForbiddenError CSRF_REFUSED.
 */
function refuseForgedCookieRequest(ctx: Koa.Context, deps: AppDeps, principal: Principal): void {
  if (ctx.get('authorization') || SAFE_METHODS.has(ctx.method)) return;
  if (csrfMatches(ctx, 'session', ctx.get('x-csrf-token') || undefined)) return;
  (ctx.state.logger ?? deps.logger).warn({ event: 'CSRF_REFUSED', path: ctx.path, userId: principal.userId }, 'API change refused: session cookie without its anti-forgery token');
  throw new ForbiddenError('CSRF_REFUSED', 'A change sent with the session cookie needs its anti-forgery token in X-CSRF-Token; API clients send Authorization: Bearer');
}

function idempotencyScope(def: AnyRouteDef, input: HandlerInput<TSchema | undefined, TSchema | undefined, TSchema | undefined>): string {
  if (typeof def.idempotent === 'object') return def.idempotent.scope(input);
  return input.principal ? `user:${input.principal.userId}` : `public:${input.ctx.ip}`;
}

async function readJsonBody(ctx: Koa.Context, limit: number): Promise<unknown> {
  const length = ctx.request.length;
  if (length === 0 || (!ctx.request.get('content-length') && !ctx.request.get('transfer-encoding'))) {
    throw new ValidationError('MALFORMED_JSON', 'The request needs a JSON body');
  }
  // JSON only: an HTML form cannot post JSON across sites, which keeps cookie sessions safe from CSRF.
  if (!ctx.request.is('application/json')) {
    throw new UnsupportedMediaTypeError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  }
  let text: string;
  try {
    text = await getRawBody(ctx.req, { length: length ?? undefined, limit, encoding: 'utf8' });
  } catch (err) {
    const e = err as { type?: string };
    if (e.type === 'entity.too.large') throw new PayloadTooLargeError('PAYLOAD_TOO_LARGE', `The body is larger than ${limit} bytes`, { limit });
    throw new ValidationError('MALFORMED_JSON', 'The body could not be read');
  }
  let nul = false;
  let parsed: unknown;
  try {
    // PostgreSQL cannot store U+0000 in text or jsonb: refuse it here as bad input, not later as a 500.
    parsed = JSON.parse(text, (_key, value: unknown) => {
      if (typeof value === 'string' && value.includes('\u0000')) nul = true;
      return value;
    });
  } catch {
    throw new ValidationError('MALFORMED_JSON', 'The body is not valid JSON');
  }
  if (nul) throw new ValidationError('VALIDATION_FAILED', 'Text may not contain the NUL character (U+0000)');
  return parsed;
}

/** Registers a route on the router with authentication, validation and response checking. */
export function mountRoute(router: Router, deps: AppDeps, def: AnyRouteDef): void {
  const responseValidator = deps.config.validateResponses && def.response.schema ? compile(def.response.schema, 'body') : null;
  router[def.method](def.path, async (ctx) => {
    let principal: Principal | null = null;
    if (def.auth !== 'public') {
      principal = await authenticate(ctx, deps);
      if (!principal) throw new AuthenticationError('UNAUTHENTICATED', 'Log in or send a valid bearer token');
      if (principal.mustChangePassword && !def.beforePasswordChange) {
        throw new ForbiddenError('PASSWORD_CHANGE_REQUIRED', 'Change your initial password first (POST /api/auth/password)');
      }
      if (def.auth !== 'user' && !hasRole(principal, ...def.auth)) {
        throw new ForbiddenError('FORBIDDEN', `This needs one of the roles: ${def.auth.join(', ')}`, { roles: def.auth });
      }
      // Before the body is read: a forged upload streams nothing into the file store.
      refuseForgedCookieRequest(ctx, deps, principal);
    }
    const params = def.params ? validate(def.params, { ...ctx.params }, 'params') : undefined;
    const query = def.query ? validate(def.query, { ...ctx.query }, 'query') : undefined;
    let body: unknown;
    // A route that takes JSON or, with files, multipart/form-data: the handler streams the multipart body itself.
    const multipart = def.multipart !== undefined && def.body !== undefined && ctx.request.is('multipart/form-data') === 'multipart/form-data';
    if (def.body && !multipart) {
      const raw = await readJsonBody(ctx, deps.config.bodyLimitBytes);
      body = def.bodyValidator ? def.bodyValidator(raw) : validate(def.body, raw, 'body');
    }
    const input: HandlerInput<TSchema | undefined, TSchema | undefined, TSchema | undefined> = { body: body as Maybe<TSchema>, query, params, principal: principal as Principal, ctx, deps };
    if (def.idempotent && !multipart) input.idempotency = idempotencyOf(ctx, idempotencyScope(def, input), body);
    if (def.idempotent && multipart) {
      // A streamed body is hashed by the handler once read; a malformed key is refused before any byte is read.
      const key = idempotencyOf(ctx, idempotencyScope(def, input), null);
      if (key) input.idempotencyOfStreamed = (content) => ({ ...key, requestHash: requestHash(ctx.method, ctx.path, content) });
    }
    let result = await def.handler(input);
    if (def.changesCredentials) deps.principals.clear();
    // A handler may choose another status; an idempotent one answers with the status it remembered.
    ctx.status = (ctx.state.status as number | undefined) ?? def.response.status;
    if (def.idempotent) {
      const answer = result as StoredResponse;
      ctx.status = answer.status;
      if (answer.replayed) ctx.set('Idempotent-Replayed', 'true');
      result = answer.body;
    }
    if (def.response.schema === null) return;
    if (responseValidator && !responseValidator(result)) {
      throw new Error(`Response of ${def.method.toUpperCase()} ${def.path} does not match its schema: ${JSON.stringify(responseValidator.errors)}`);
    }
    ctx.body = result;
  });
}
