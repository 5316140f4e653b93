import type Koa from 'koa';
import type { AppDeps } from '../../api/deps.ts';
import { authenticate } from '../../api/middlewares/auth.ts';
import { BULL_BOARD_PATH, isBullBoardPath } from '../../api/ops/bull-board.ts';
import { hasRole, type Principal } from '../../auth/principal.ts';
import { DomainError } from '../../domain/errors.ts';
import { sendErrorPage } from '../page.ts';

/**
 * The browser's door to Bull Board: an admin's page session opens it (the board itself checks the session
 * cookie like the API). A browser that opens the board's page without a session is sent to the login
 * page and back, one with the initial password still to change to that form, and anyone but an admin
 * gets the Vietnamese 403 page — where the board alone would answer them JSON. The board's API and
 * assets (and every client that does not ask for HTML) keep the API's error shape.
 */
export function queueBoardDoor(deps: AppDeps): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !isBullBoardPath(ctx.path)) return next();
    if (ctx.path.startsWith(`${BULL_BOARD_PATH}/api/`) || ctx.path.startsWith(`${BULL_BOARD_PATH}/static/`)) return next();
    if (ctx.accepts('json', 'html') !== 'html') return next();
    ctx.state.metricsRoute = `${BULL_BOARD_PATH}/*`;
    let principal: Principal | null;
    try {
      principal = await authenticate(ctx, deps);
    } catch (err) {
      // A token scoped to /metrics only.
      if (!(err instanceof DomainError) || err.status !== 403) throw err;
      sendErrorPage(ctx, deps, null, 403);
      return;
    }
    if (!principal) {
      ctx.status = 303;
      ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`);
      return;
    }
    if (principal.mustChangePassword) {
      ctx.status = 303;
      ctx.redirect('/password');
      return;
    }
    if (!hasRole(principal, 'admin')) {
      sendErrorPage(ctx, deps, principal, 403);
      return;
    }
    return next();
  };
}
