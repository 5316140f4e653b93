import type Koa from 'koa';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { errorHandler } from '@bull-board/api/dist/handlers/error.js';
import { KoaAdapter } from '@bull-board/koa';
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
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queues[name])),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'idesk' } },
  });
  // The board answers its own errors (Redis away, mostly); keep a trace of them in our log too.
  adapter.setErrorHandler((err) => {
    deps.logger.warn({ err: err.message }, 'bull board request failed');
    return errorHandler(err);
  });
  const board = adapter.registerPlugin();
  return async (ctx, next) => {
    if (!isBullBoardPath(ctx.path)) return next();
    ctx.state.metricsRoute = `${BULL_BOARD_PATH}/*`;
    await requireRole(ctx, deps, ['admin']);
    if (deps.redis && deps.redis.status !== 'ready' && ctx.path.startsWith(`${BULL_BOARD_PATH}/api/`)) {
      // The connection would hold the board's commands until Redis returns: say so instead of hanging.
      ctx.status = 503;
      ctx.body = { error: { code: 'REDIS_UNAVAILABLE', message: 'Redis is not answering; the queues cannot be read now', details: null } };
      return;
    }
    return board(ctx, next);
  };
}
