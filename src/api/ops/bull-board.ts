import type Koa from 'koa';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import { ForbiddenError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../domain/errors.ts';
import { queueDescription } from '../../domain/notifications/email-transport.ts';
import { QUEUE_NAMES } from '../../queues/queues.ts';
import type { AppDeps } from '../deps.ts';
import { requireRole } from '../middlewares/require-role.ts';

/** Where the queue dashboard lives. */
export const BULL_BOARD_PATH = '/admin/queues';

/** Whether a path belongs to the board: exactly the test koa-mount applies when it hands a request to it. */
export function isBullBoardPath(path: string): boolean {
  return path === BULL_BOARD_PATH || path.startsWith(`${BULL_BOARD_PATH}/`);
}

/**
 * Bull Board over the three queues, for admins only: every path under `/admin/queues` (the page, its
 * static assets and its API, which can retry, remove or add jobs) first passes the same authentication
 * as the API — a session cookie (how the UI logs in; SameSite=Strict, so no cross-site request carries
 * it) or a bearer token — and answers 401/403 in the API's error shape otherwise. Null without queues.
 */
export function bullBoard(deps: AppDeps): Koa.Middleware | null {
  const queues = deps.queues;
  if (!queues) return null;
  const adapter = new KoaAdapter().setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    // A notices queue says why it stays empty when nothing is sent (no SMTP_URL; for the applicant's, no SMS gateway either).
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queues[name], { description: queueDescription(name, deps.config) })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'idesk' } },
  });
  // What the board's handlers throw (Redis away, a bad query it did not expect) is logged here and
  // answered as a bare key; `inOurShape` turns it into the generic 500, without the error's own message.
  adapter.setErrorHandler((err) => {
    // `?activeQueue=%E0%A4%A`: bad percent-encoding is the client's, not ours.
    if (err instanceof URIError) return { status: 400, body: { error: { key: 'ERRORS.MALFORMED_URI' } } };
    deps.logger.warn({ err: err.message }, 'bull board request failed');
    const status = (err as { statusCode?: number }).statusCode;
    return { status: (status && status >= 400 && status < 500 ? status : 500) as 500, body: { error: { key: 'ERRORS.INTERNAL_SERVER_ERROR' } } };
  });
  const board = adapter.registerPlugin();
  return async (ctx, next) => {
    if (!isBullBoardPath(ctx.path)) return next();
    ctx.state.metricsRoute = `${BULL_BOARD_PATH}/*`;
    await requireRole(ctx, deps, ['admin']);
    if (!SAFE_METHODS.has(ctx.method) && !ctx.get('authorization') && crossSite(ctx)) {
      // The board's actions (retry, remove, pause) ride on the session cookie when an admin's browser
      // opens it: SameSite=Strict keeps other sites out, and this keeps out sibling origins of the same site.
      throw new ForbiddenError('CROSS_SITE', 'The queue board acts only on requests from its own pages');
    }
    if (deps.redis && deps.redis.status !== 'ready' && ctx.path.startsWith(`${BULL_BOARD_PATH}/api/`)) {
      // The connection would hold the board's commands until Redis returns: say so instead of hanging.
      ctx.status = 503;
      ctx.body = { error: { code: 'REDIS_UNAVAILABLE', message: 'Redis is not answering; the queues cannot be read now', details: null } };
      return;
    }
    try {
      await board(ctx, next);
    } catch (err) {
      throw bodyParserError(err);
    }
    inOurShape(ctx);
    // The page is a React application: its own scripts, styles (inline ones included) and images, and
    // its API on the same origin. Not the Google Fonts it links: the console works offline, in the Sở's
    // network, and tells no third party when an admin opens it. The link goes from the page (the policy
    // would only block it, with an error in the console); its stylesheet falls back to the system fonts.
    if (ctx.response.is('html')) {
      ctx.set('Content-Security-Policy', BOARD_CSP);
      if (typeof ctx.body === 'string') ctx.body = withoutOutsideLinks(ctx.body);
    }
  };
}

/**
 * The board's page without the `<link>`s it has to other origins (Google Fonts: IBM Plex). Its CSS
 * names the fonts with `system-ui, …, sans-serif` and `ui-monospace, …, monospace` after them.
 */
export function withoutOutsideLinks(html: string): string {
  return html.replace(/<link\b[^>]*\bhref="(?:https?:)?\/\/[^"]*"[^>]*>\s*/gi, '');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the browser says the request comes from another origin (the Fetch metadata, or else its Origin). */
function crossSite(ctx: Koa.Context): boolean {
  const site = ctx.get('sec-fetch-site');
  if (site) return site !== 'same-origin';
  const origin = ctx.get('origin');
  // Not `ctx.origin`: Koa 3 answers the request's Origin header there, which would always agree.
  return Boolean(origin) && origin !== `${ctx.protocol}://${ctx.host}`;
}

/** The Content-Security-Policy of the board's pages (everything else keeps the API's `default-src 'none'`). */
export const BOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
  "manifest-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/** The board's body parser fails with plain errors (a body of `{`): turn them into ours, or they would answer 500. */
function bodyParserError(err: unknown): unknown {
  const e = err as { status?: number; type?: string };
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return err;
  if (e.status === 413) return new PayloadTooLargeError('PAYLOAD_TOO_LARGE', 'The body is too large');
  if (e.status === 415) return new UnsupportedMediaTypeError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  return new ValidationError('MALFORMED_JSON', 'The body is not valid JSON');
}

const BOARD_MESSAGES: Record<string, string> = {
  QUEUE_NOT_FOUND: 'No such queue',
  JOB_NOT_FOUND: 'No such job',
  INVALID_QUERY_PARAM: 'A query parameter is invalid',
  MALFORMED_URI: 'The address is not valid percent-encoded UTF-8',
};

/**
 * Bull Board answers errors as `{ error: { key: 'ERRORS.X', options }, … }`: rewritten to the documented
 * `{ error: { code, message, details } }`. A 5xx becomes the generic INTERNAL answer: whatever the board
 * would say about its insides is for the log, not the client.
 */
function inOurShape(ctx: Koa.Context): void {
  const body = ctx.body as { error?: { key?: unknown; options?: unknown } } | undefined;
  if (ctx.status < 400 || typeof body?.error?.key !== 'string') return;
  const code = body.error.key.replace(/^ERRORS\./, '');
  if (ctx.status >= 500) {
    ctx.body = { error: { code: 'INTERNAL', message: `Something went wrong on our side; quote request id ${ctx.state.requestId ?? '-'} to the IT officer`, details: null } };
    return;
  }
  const details = body.error.options ?? null;
  ctx.body = { error: { code, message: BOARD_MESSAGES[code] ?? code.toLowerCase().replace(/_/g, ' '), details } };
}
