import type Koa from 'koa';
import type { Router } from '@koa/router';
import type { Static, TSchema } from '@sinclair/typebox';
import type { VNode } from 'preact';
import getRawBody from 'raw-body';
import { hasRole, type Principal, type Role } from '../auth/principal.ts';
import type { AppDeps } from '../api/deps.ts';
import { authenticate } from '../api/middlewares/auth.ts';
import { usePageHeaders } from '../api/middlewares/security-headers.ts';
import { validate } from '../api/validation.ts';
import { DomainError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors.ts';
import { CSRF_FIELD, csrfMatches, csrfToken } from './csrf.ts';
import { readDateFields } from './dates.ts';
import { ErrorPage } from './error-page.tsx';
import { KEPT_PARAM, keepView, keptOwner, keptViewUrl, takeKeptView } from '../domain/forms/kept-views.ts';
import type { PageContext } from './page-context.ts';
import { renderPage } from './render.ts';

type Maybe<T extends TSchema | undefined> = T extends TSchema ? Static<T> : undefined;

/**
 * What a page handler answers: a page to show (with its status), where to go next (303 See Other), or
 * `sent` when the handler answered itself (a file download streamed to `ctx`). A POST's page (a refused
 * form with its errors and typed values) is never sent as the POST's answer: the framework keeps it for
 * one view and redirects to the GET page that shows it (Post/Redirect/Get, see mountPage).
 */
export type PageResult = { view: VNode; status?: number } | { redirect: string } | { sent: true };

export interface PageInput<P extends TSchema | undefined, Auth> {
  params: Maybe<P>;
  /** The query string as text, first value of each name (a page validates its own filters to show errors beside them). */
  query: Record<string, string>;
  /**
   * A posted form's fields (first value of each), the anti-forgery token already checked and removed,
   * its date fields read into the API's forms (dates.ts).
   */
  form: Record<string, string>;
  /**
   * Whether a token sent with a multipart form is this request's anti-forgery token. A `multipart` page
   * reads its own body and must call it before it keeps any file (the other pages are checked for it).
   */
  csrfOk(sent: string | undefined): boolean;
  principal: Auth;
  page: PageContext;
  ctx: Koa.Context;
  deps: AppDeps;
  /** Which anti-forgery token this request's forms carry (a multipart page checks it with readMultipartForm). */
  csrfKind: 'session' | 'anonymous';
}

/**
 * A page route: as thin as an API route (authenticate → validate → the same domain call → render). GET
 * shows; POST acts and then redirects, or shows the form again with its errors. Every POST carries the
 * anti-forgery token (csrf.ts), checked before anything else is read or done.
 */
export interface PageDef<P extends TSchema | undefined = undefined, A extends 'public' | 'user' | readonly Role[] = 'user'> {
  method: 'get' | 'post';
  path: string;
  /** `public`: anyone (the principal, if logged in, is still known); `user`: any staff account; a list: any of these roles. */
  auth: A;
  /** Open while the account must still change its initial password. */
  beforePasswordChange?: boolean;
  /** Ends or changes credentials: cached principals are dropped (as on the API). */
  changesCredentials?: boolean;
  params?: P;
  /**
   * A form with files (multipart/form-data): the body is left unread for the handler, which reads it
   * with `readMultipartForm` (multipart-form.ts) — that checks the anti-forgery token before anything is
   * done with the form; the files read meanwhile wait in the store's tmp folder and are removed.
   * (Or the handler streams it itself and checks the anti-forgery field with `csrfOk` before it keeps a file.)
   */
  multipart?: boolean;
  handler(input: PageInput<P, A extends 'public' ? Principal | null : Principal>): Promise<PageResult>;
}

export type AnyPageDef = PageDef<TSchema | undefined, 'public' | 'user' | readonly Role[]>;

export function definePage<P extends TSchema | undefined = undefined, A extends 'public' | 'user' | readonly Role[] = 'user'>(def: PageDef<P, A>): AnyPageDef {
  return def as unknown as AnyPageDef;
}

/** Sends a rendered page with the page security headers. */
export function sendPage(ctx: Koa.Context, view: VNode, status = 200): void {
  usePageHeaders(ctx);
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderPage(view);
}

export function firstValues(entries: Iterable<[string, unknown]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    const v = Array.isArray(value) ? value[0] : value;
    if (typeof v === 'string' && !(key in out)) out[key] = v;
  }
  return out;
}

/**
 * Reads an HTML form (application/x-www-form-urlencoded) up to the body limit.
 * @throws UnsupportedMediaTypeError for another body; PayloadTooLargeError over the limit.
 */
async function readForm(ctx: Koa.Context, limit: number): Promise<Record<string, string>> {
  if (!ctx.request.get('content-length') && !ctx.request.get('transfer-encoding')) return {};
  if (!ctx.request.is('application/x-www-form-urlencoded')) {
    throw new UnsupportedMediaTypeError('UNSUPPORTED_MEDIA_TYPE', 'Send the form as application/x-www-form-urlencoded');
  }
  let text: string;
  try {
    text = await getRawBody(ctx.req, { length: ctx.request.length ?? undefined, limit, encoding: 'utf8' });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new PayloadTooLargeError('PAYLOAD_TOO_LARGE', `The form is larger than ${limit} bytes`, { limit });
    throw new ValidationError('MALFORMED_FORM', 'The form could not be read');
  }
  return readDateFields(firstValues(new URLSearchParams(text).entries()));
}

/** A local path to return to after logging in: never another site (`//evil.example`, `/\evil`). */
export function safeNext(value: string | undefined): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f]/.test(value)) return null;
  return value;
}

function pageContext(ctx: Koa.Context, deps: AppDeps, principal: Principal | null, csrf: string): PageContext {
  const sessionCsrf = principal ? csrfToken(ctx, deps.config.secureCookies, 'session') : '';
  return { principal, csrf, sessionCsrf, path: ctx.path, now: deps.clock(), requestId: ctx.state.requestId as string | undefined, serviceCentreName: deps.config.serviceCentreName };
}

/** A form whose anti-forgery token is missing or wrong: thrown before anything is done with it. */
export class ForgedFormError extends Error {
  constructor() {
    super('anti-forgery token missing or wrong');
  }
}

function refuseForgedForm(ctx: Koa.Context, deps: AppDeps, page: PageContext): void {
  (ctx.state.logger ?? deps.logger).warn({ event: 'CSRF_REFUSED', path: ctx.path, userId: page.principal?.userId ?? null }, 'form refused: anti-forgery token missing or wrong');
  sendPage(ctx, ErrorPage({ page, status: 403, detail: 'Biểu mẫu đã hết hiệu lực hoặc không được gửi từ trang của hệ thống. Hãy tải lại trang và thử lại.' }), 403);
}

/** Answers the Vietnamese error page outside a page definition (the queue board's door, src/web/admin). */
export function sendErrorPage(ctx: Koa.Context, deps: AppDeps, principal: Principal | null, status: number): void {
  const csrf = principal ? csrfToken(ctx, deps.config.secureCookies, 'session') : '';
  sendPage(ctx, ErrorPage({ page: pageContext(ctx, deps, principal, csrf), status }), status);
}

/** Answers a page request that failed: a Vietnamese error page, or the login page for a lost session. */
function answerError(ctx: Koa.Context, deps: AppDeps, page: PageContext, err: unknown): void {
  if (err instanceof ForgedFormError) {
    refuseForgedForm(ctx, deps, page);
    return;
  }
  if (err instanceof DomainError) {
    if (err.status === 401) {
      ctx.status = 303;
      ctx.redirect(ctx.method === 'GET' ? `/login?next=${encodeURIComponent(ctx.originalUrl)}` : '/login');
      return;
    }
    if (err.status === 429) {
      const retry = (err.details as { retryAfterSeconds?: number } | null)?.retryAfterSeconds;
      if (retry) ctx.set('Retry-After', String(retry));
    }
    sendPage(ctx, ErrorPage({ page, status: err.status }), err.status);
    return;
  }
  if (err instanceof URIError) {
    sendPage(ctx, ErrorPage({ page, status: 400 }), 400);
    return;
  }
  (ctx.state.logger ?? deps.logger).error({ err }, 'unhandled error on a page');
  sendPage(ctx, ErrorPage({ page, status: 500 }), 500);
}

/**
 * Which GET page shows what a POST to `path` answers: the page itself when it has a GET, else the nearest
 * page above it (`/dossiers/7/events` → `/dossiers/7`), else the home page.
 */
export function pageShowing(getPaths: readonly string[]): (path: string) => string {
  const patterns = getPaths.map((p) => new RegExp('^' + p.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'))).join('/') + '$'));
  return (path) => {
    for (let at = path; at.length > 0; at = at.slice(0, Math.max(0, at.lastIndexOf('/')))) {
      if (patterns.some((re) => re.test(at))) return at;
    }
    return '/';
  };
}

/**
 * Post/Redirect/Get (DESIGN §3 “Forms post and always redirect”): what a POST answers with a page — a
 * refused form, or an error page — is rendered now, kept in the database for one view by this browser
 * (src/domain/forms/kept-views.ts: several API processes share it) and the browser is sent with 303 to the GET page that
 * shows it once, with the status the POST would have had (a refused form still reads 400 to a test).
 * Back and Reload then repeat a GET, never the POST: no “Confirm Form Resubmission”.
 */
async function redirectToKept(ctx: Koa.Context, deps: AppDeps, page: PageContext, showAt: (path: string) => string, html: string, status: number): Promise<void> {
  const path = showAt(ctx.path);
  const retry = Number(ctx.response.get('Retry-After'));
  const id = await keepView(deps.db, { owner: keptOwner(page.csrf), path, status, html, retryAfterSeconds: Number.isInteger(retry) && retry > 0 ? retry : null }, deps.clock());
  ctx.remove('Retry-After');
  ctx.status = 303;
  ctx.redirect(keptViewUrl(path, id));
}

/** Registers a page on the router: authentication, the anti-forgery check, parameters, errors as pages. */
export function mountPage(router: Router, deps: AppDeps, def: AnyPageDef, showAt: (path: string) => string = (p) => p): void {
  router[def.method](def.path, async (ctx) => {
    const secure = deps.config.secureCookies;
    let page = pageContext(ctx, deps, null, '');
    try {
      const principal = await authenticate(ctx, deps);
      const kind = def.auth === 'public' || !principal ? 'anonymous' : 'session';
      page = pageContext(ctx, deps, principal, csrfToken(ctx, secure, kind));
      if (def.auth !== 'public') {
        if (!principal) {
          ctx.status = 303;
          ctx.redirect(def.method === 'get' ? `/login?next=${encodeURIComponent(ctx.originalUrl)}` : '/login');
          return;
        }
        if (principal.mustChangePassword && !def.beforePasswordChange) {
          ctx.status = 303;
          ctx.redirect('/password');
          return;
        }
        if (def.auth !== 'user' && !hasRole(principal, ...def.auth)) {
          sendPage(ctx, ErrorPage({ page, status: 403 }), 403);
          return;
        }
      }
      if (def.method === 'get' && typeof ctx.query[KEPT_PARAM] === 'string') {
        const kept = await takeKeptView(deps.db, ctx.query[KEPT_PARAM], keptOwner(page.csrf), ctx.path, deps.clock());
        if (kept) {
          usePageHeaders(ctx);
          if (kept.retryAfterSeconds) ctx.set('Retry-After', String(kept.retryAfterSeconds));
          ctx.status = kept.status;
          ctx.type = 'text/html; charset=utf-8';
          ctx.body = kept.html;
          return;
        }
      }
      let form: Record<string, string> = {};
      if (def.method === 'post' && !def.multipart) {
        form = await readForm(ctx, deps.config.bodyLimitBytes);
        // Before anything else is read or done: a forged or stale form changes nothing.
        if (!csrfMatches(ctx, kind, form[CSRF_FIELD])) {
          refuseForgedForm(ctx, deps, page);
          return;
        }
        delete form[CSRF_FIELD];
      }
      let params: unknown;
      if (def.params) {
        try {
          params = validate(def.params, { ...ctx.params }, 'params');
        } catch (err) {
          // A malformed id names no record.
          if (err instanceof ValidationError) {
            sendPage(ctx, ErrorPage({ page, status: 404 }), 404);
            return;
          }
          throw err;
        }
      }
      const result = await def.handler({
        params: params as Maybe<TSchema>,
        query: readDateFields(firstValues(Object.entries(ctx.query).filter(([k]) => k !== KEPT_PARAM))),
        form,
        csrfOk: (sent) => {
          const ok = csrfMatches(ctx, kind, sent);
          if (!ok) (ctx.state.logger ?? deps.logger).warn({ event: 'CSRF_REFUSED', path: ctx.path, userId: principal?.userId ?? null }, 'form refused: anti-forgery token missing or wrong');
          return ok;
        },
        principal: principal as Principal,
        page,
        ctx,
        deps,
        csrfKind: kind,
      });
      if (def.changesCredentials) deps.principals.clear();
      if ('sent' in result) return;
      if ('redirect' in result) {
        ctx.status = 303;
        ctx.redirect(result.redirect);
        return;
      }
      if (def.method === 'post') {
        await redirectToKept(ctx, deps, page, showAt, renderPage(result.view), result.status ?? 200);
        return;
      }
      sendPage(ctx, result.view, result.status ?? 200);
    } catch (err) {
      // A POST refused by the domain (not found, conflict, wrong state…) redirects to its error page too;
      // a lost session and an unexpected failure answer at once.
      if (def.method === 'post' && err instanceof DomainError && err.status !== 401) {
        try {
          const retry = err.status === 429 ? (err.details as { retryAfterSeconds?: number } | null)?.retryAfterSeconds : undefined;
          if (retry) ctx.set('Retry-After', String(retry));
          await redirectToKept(ctx, deps, page, showAt, renderPage(ErrorPage({ page, status: err.status })), err.status);
          return;
        } catch (keepErr) {
          (ctx.state.logger ?? deps.logger).error({ err: keepErr }, 'a refused form could not be kept');
        }
      }
      answerError(ctx, deps, page, err);
    }
  });
}

/**
 * The last middleware: a browser asking for an address nothing answers gets the Vietnamese 404 page;
 * API clients (and anything under the API's paths) keep the JSON error.
 */
export function pageNotFound(deps: AppDeps): Koa.Middleware {
  const API = /^\/(api|admin\/queues|openapi\.json|metrics|healthz|readyz)(\/|$)/;
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined || ctx.method !== 'GET' || API.test(ctx.path)) return;
    if (ctx.accepts('json', 'html') !== 'html') return;
    let principal: Principal | null = null;
    try {
      principal = await authenticate(ctx, deps);
    } catch {
      principal = null;
    }
    sendPage(ctx, ErrorPage({ page: pageContext(ctx, deps, principal, principal ? csrfToken(ctx, deps.config.secureCookies, 'session') : ''), status: 404 }), 404);
  };
}
