import type Koa from 'koa';
import type { Metrics } from '../../ops/metrics.ts';

/** Label of requests no route matched (404, 405): one series, however many URLs are probed. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Times every request into the HTTP duration histogram, labelled with the route *pattern* it matched
 * (`/api/dossiers/:id`), never the raw URL, so the number of series stays bounded. A middleware that
 * answers outside the router names its own pattern in `ctx.state.metricsRoute`. Placed outside the
 * error middleware, it sees the status the client gets.
 */
export function requestMetrics(metrics: Metrics): Koa.Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = (ctx.state.metricsRoute as string | undefined) ?? (typeof matched === 'string' ? matched : UNMATCHED_ROUTE);
      metrics.observeRequest(ctx.method, route, ctx.status, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}
