import type { Executor } from '../../db/db.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';

/**
 * The pages' Post/Redirect/Get store (src/web/page.ts): plain functions on the database, like the other
 * repositories, so that no page queries a table itself.
 */

/** How long a form's answer waits for the GET it was redirected to: the next request, in practice. */
export const KEPT_VIEW_TTL_MS = 10 * 60_000;

/** The query parameter that names a kept view (“giữ”: kept). */
export const KEPT_PARAM = 'giu';
const KEPT_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Who may see a kept view: a hash of the anti-forgery token of the request that kept it, which stands
 * for the session (or, before logging in, the browser's anonymous form cookie) and nothing else.
 */
export function keptOwner(csrf: string): string {
  return sha256Hex(`kept-view:${csrf}`);
}

/**
 * Keeps a rendered answer for one view of `path` by this owner (Post/Redirect/Get, migration
 * 20261208000100_page_state) and returns its id; expired answers of anyone are removed on the way.
 */
export async function keepView(db: Executor, input: { owner: string; path: string; status: number; html: string; retryAfterSeconds?: number | null }, now: Date): Promise<string> {
  const id = randomToken(16);
  await db('kept_views').where('expires_at', '<=', now.toISOString()).delete();
  await db('kept_views').insert({
    id,
    owner: input.owner,
    path: input.path,
    status: input.status,
    html: input.html,
    retry_after_seconds: input.retryAfterSeconds ?? null,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + KEPT_VIEW_TTL_MS).toISOString(),
  });
  return id;
}

/**
 * The kept answer `id` of this owner for this path, deleted as it is read: a second read (Reload, Back,
 * another process racing for it) finds nothing and the page is shown afresh. Another owner's id, an
 * expired one or one for another page is as good as none.
 */
export async function takeKeptView(db: Executor, id: string, owner: string, path: string, now: Date): Promise<{ status: number; html: string; retryAfterSeconds: number | null } | null> {
  if (!KEPT_ID.test(id)) return null;
  const row = await db('kept_views').where({ id, owner, path }).andWhere('expires_at', '>', now.toISOString()).first('status', 'html', 'retry_after_seconds');
  if (!row) return null;
  // Only the request that deletes the row shows it: once, even with several API processes.
  const deleted = await db('kept_views').where({ id }).delete();
  return deleted === 1 ? { status: Number(row.status), html: String(row.html), retryAfterSeconds: row.retry_after_seconds == null ? null : Number(row.retry_after_seconds) } : null;
}

/** The address of the GET that shows a kept answer: the page's own, with the kept view's id. */
export function keptViewUrl(path: string, id: string): string {
  return `${path}?${KEPT_PARAM}=${id}`;
}
