import fs from 'node:fs';
import type { Executor } from '../../db/db.ts';
import type { FileStore, TempFile } from '../../files/file-store.ts';
import { randomToken } from '../../lib/crypto.ts';

/**
 * Files sent with a form that was refused for another reason (a field mistyped), kept so that the person
 * never chooses them again (issue 14 §5, one round of validation): the file goes into the store under its
 * digest and a `pending_uploads` row (migration 20261208000100_page_state) names it, bound to the browser
 * (the same owner as the kept views, kept-views.ts) and to the form, for an hour. The form carries the
 * rows' ids in a hidden field (src/web/components/pending-uploads.tsx); the next submission takes them back as
 * temporary copies the domain attaches like fresh uploads. Expired rows are removed by the orphan sweep
 * (src/files/orphan-files.ts), which then collects their files when nothing else references them.
 *
 * How a page uses it (the portal submission, the document registration; the counter intake the same way):
 * 1. `const pending = await takePendingUploads(db, owner, FORM, pendingIdsOf(fields), now)` before the checks;
 * 2. on a refusal: `kept = await keepPendingUploads(deps, store, owner, FORM, newFiles, now)` and show the
 *    form with `[...pending, ...kept]` (`<PendingUploads>`); the new files are the store's now, not the page's;
 * 3. on success: `await materialise(store, pending)` gives temporary files to attach with the new ones, and
 *    `releasePendingUploads(db, owner, FORM, ids)` ends the rows once attached.
 */
export const PENDING_UPLOAD_TTL_MS = 60 * 60_000;

/** The hidden field that lists a form's pending uploads, and the check box that drops one. */
export const PENDING_FIELD = 'pendingUploads';
export const DROP_PREFIX = 'bo-tep-';
const ID = /^[A-Za-z0-9_-]{22}$/;

export interface PendingUpload {
  id: string;
  /** The file input it was sent with (`file`, `giay-to-<kind>`). */
  field: string;
  name: string;
  mediaType: string;
  sha256: string;
  size: number;
}

/** The ids a posted form names, without those the person ticked to drop (`bo-tep-<id>`). */
export function pendingIdsOf(fields: Record<string, string>): string[] {
  const ids = (fields[PENDING_FIELD] ?? '').split(',').filter((id) => ID.test(id));
  return [...new Set(ids)].filter((id) => !fields[`${DROP_PREFIX}${id}`]).slice(0, 50);
}

/** The ids the person ticked to drop. */
export function droppedIdsOf(fields: Record<string, string>): string[] {
  return (fields[PENDING_FIELD] ?? '').split(',').filter((id) => ID.test(id) && fields[`${DROP_PREFIX}${id}`]);
}

/** This owner's live pending uploads of this form among `ids`, in the order given; others' ids are none. */
export async function takePendingUploads(db: Executor, owner: string, form: string, ids: string[], now: Date): Promise<PendingUpload[]> {
  if (ids.length === 0) return [];
  const rows = await db('pending_uploads').whereIn('id', ids).andWhere({ owner, form }).andWhere('expires_at', '>', now.toISOString()).select('id', 'field', 'name', 'media_type', 'sha256', 'size');
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids
    .map((id) => byId.get(id))
    .filter((r) => r !== undefined)
    .map((r) => ({ id: String(r.id), field: String(r.field), name: String(r.name), mediaType: String(r.media_type), sha256: String(r.sha256), size: Number(r.size) }));
}

/**
 * Keeps the files of a refused form as pending uploads: each is put in the store under its digest and
 * named by a row. The temporary files are consumed (moved into the store).
 */
export async function keepPendingUploads(
  deps: { db: Executor },
  store: FileStore,
  owner: string,
  form: string,
  files: Array<{ field: string; name: string; mediaType: string; temp: TempFile }>,
  now: Date,
): Promise<PendingUpload[]> {
  const kept: PendingUpload[] = [];
  for (const f of files) {
    await store.promote(f.temp);
    const row = { id: randomToken(16), owner, form, field: f.field.slice(0, 64), sha256: f.temp.sha256, name: f.name.slice(0, 255), media_type: f.mediaType.slice(0, 127), size: f.temp.size };
    await deps.db('pending_uploads').insert({ ...row, created_at: now.toISOString(), expires_at: new Date(now.getTime() + PENDING_UPLOAD_TTL_MS).toISOString() });
    kept.push({ id: row.id, field: row.field, name: row.name, mediaType: row.media_type, sha256: row.sha256, size: row.size });
  }
  return kept;
}

/** Temporary copies of pending uploads, to be attached (and consumed) like fresh uploads. @throws Error when a file is gone or changed. */
export async function materialise(store: FileStore, pending: PendingUpload[]): Promise<TempFile[]> {
  const temps: TempFile[] = [];
  try {
    for (const p of pending) {
      const temp = await store.writeTemp(fs.createReadStream(store.pathOf(p.sha256)), Number.MAX_SAFE_INTEGER);
      temps.push(temp);
      if (temp.sha256 !== p.sha256) throw new Error(`pending upload ${p.id} changed in the store`);
    }
  } catch (err) {
    await Promise.all(temps.map((t) => store.discard(t)));
    throw err;
  }
  return temps;
}

/** Ends this owner's pending uploads of this form (attached, or dropped by the person): their files are then the sweep's when nothing else references them. */
export async function releasePendingUploads(db: Executor, owner: string, form: string, ids: string[]): Promise<void> {
  if (ids.length > 0) await db('pending_uploads').whereIn('id', ids).andWhere({ owner, form }).delete();
}
