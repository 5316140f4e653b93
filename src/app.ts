import Koa from 'koa';
import { Router } from '@koa/router';
import type { AppDeps } from './api/deps.ts';
import { errorMiddleware } from './api/middlewares/errors.ts';
import { requestLog } from './api/middlewares/request-log.ts';
import { publicCors } from './api/middlewares/public-cors.ts';
import { requestMetrics } from './api/middlewares/request-metrics.ts';
import { httpsOnlyCookies, securityHeaders } from './api/middlewares/security-headers.ts';
import { buildOpenApi } from './api/openapi.ts';
import { createAppMetrics } from './api/ops/app-metrics.ts';
import { bullBoard } from './api/ops/bull-board.ts';
import { mountRoute } from './api/route.ts';
import { routes } from './api/routes/index.ts';
import { queueBoardDoor } from './web/admin/queue-board-door.ts';
import { pageNotFound } from './web/page.ts';
import { mountWeb } from './web/pages.ts';

export const API_VERSION = '0.1.0';

/**
 * Builds the Koa application (no listen): middlewares, every route, the OpenAPI document, and the ops
 * console (metrics; Bull Board when the process has queues). Gives `deps` its metrics when it has none:
 * the routes hand the same `deps` object to the domain, which reports transitions through it.
 */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: deps.config.trustProxy });
  app.silent = true;
  deps.metrics ??= createAppMetrics(deps);
  // First, so that every answer carries them, errors and the ops console included.
  app.use(securityHeaders({ httpsOnly: deps.config.secureCookies }));
  if (deps.config.secureCookies) app.use(httpsOnlyCookies());
  app.use(requestLog(deps.logger));
  app.use(requestMetrics(deps.metrics));
  app.use(errorMiddleware());
  app.use(publicCors(deps.config.corsOrigins));
  const board = bullBoard(deps);
  if (board) {
    // Browsers opening the board's page: login, the password form or the 403 page instead of JSON.
    app.use(queueBoardDoor(deps));
    app.use(board);
  }
  const router = new Router();
  for (const route of routes) mountRoute(router, deps, route);
  // The pages (src/web): the same chain as the API, answering HTML with their own headers and error pages.
  mountWeb(router, deps);
  const openapi = buildOpenApi(routes, API_VERSION);
  router.get('/openapi.json', (ctx) => {
    ctx.body = openapi;
  });
  app.use(pageNotFound(deps));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}
