import type Koa from 'koa';
import { DomainError } from '../../domain/errors.ts';

function send(ctx: Koa.Context, status: number, code: string, message: string, details: unknown = null): void {
  ctx.status = status;
  ctx.body = { error: { code, message, details } };
}

/**
 * Maps the closed set of domain errors to their status and `{ error: { code, message, details } }`.
 * Anything else is logged with the request id and answered as a generic 500: no stack trace or
 * internal message reaches the client (koa's `expose` contract).
 */
export function errorMiddleware(): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) send(ctx, 404, 'NOT_FOUND', `No route ${ctx.method} ${ctx.path}`);
    } catch (err) {
      if (err instanceof DomainError) {
        if (err.status === 429) {
          const retry = (err.details as { retryAfterSeconds?: number } | null)?.retryAfterSeconds;
          if (retry) ctx.set('Retry-After', String(retry));
        }
        send(ctx, err.status, err.code, err.message, err.details);
        return;
      }
      // Only decoding a client's address (a path parameter like `%E0%A4%A`) throws URIError.
      if (err instanceof URIError) {
        send(ctx, 400, 'MALFORMED_URI', 'The address is not valid percent-encoded UTF-8');
        return;
      }
      const e = err as { status?: number; expose?: boolean; message?: string };
      if (e.expose && e.status && e.status >= 400 && e.status < 500) {
        send(ctx, e.status, e.status === 405 ? 'METHOD_NOT_ALLOWED' : 'BAD_REQUEST', e.message ?? 'Bad request');
        return;
      }
      ctx.state.logger?.error({ err }, 'unhandled error');
      send(ctx, 500, 'INTERNAL', `Something went wrong on our side; quote request id ${ctx.state.requestId ?? '-'} to the IT officer`);
    }
  };
}
