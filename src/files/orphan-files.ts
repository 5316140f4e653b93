import type { Executor } from '../db/db.ts';
import type { FileStore } from './file-store.ts';

/** How old an unreferenced file must be before it is collected: older than any upload still in flight. */
export const ORPHAN_AGE_MS = 60 * 60_000;

/**
 * Which of these digests a row references: the registry of stored files and the papers that name them
 * (the cabinet adds its own here when it stores files).
 */
export async function referencedDigests(db: Executor, digests: string[]): Promise<Set<string>> {
  if (digests.length === 0) return new Set();
  const [stored, papers, pending] = await Promise.all([
    db('stored_files').whereIn('sha256', digests).pluck('sha256'),
    db('dossier_papers').whereIn('sha256', digests).distinct().pluck('sha256'),
    // A refused form's files, kept for its next submission (src/web/pending-uploads.ts) until they expire.
    db('pending_uploads').whereIn('sha256', digests).distinct().pluck('sha256'),
  ]);
  return new Set<string>([...stored, ...papers, ...pending]);
}

/**
 * Removes the store's orphans older than an hour: files written for a transaction that rolled back (no
 * row references them), temporary files of uploads that never finished, and the files of expired
 * pending uploads (whose rows it removes first). A file some row references is
 * never removed, whatever its age.
 */
export async function collectOrphanFiles(db: Executor, store: FileStore, now: Date, olderThanMs = ORPHAN_AGE_MS) {
  // Expired pending uploads first: their files are then orphans like any other, unless a row took them.
  await db('pending_uploads').where('expires_at', '<=', now.toISOString()).delete();
  return store.collectOrphans((digests) => referencedDigests(db, digests), now, olderThanMs);
}
