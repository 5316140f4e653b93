import type { Db, Executor } from '../../db/db.ts';
import { iso } from '../../lib/rows.ts';
import type { Principal } from '../../auth/principal.ts';
import { NotFoundError } from '../errors.ts';
import { jobIdStamp, writeOutbox, type AddJob } from '../outbox/outbox.ts';

export interface NewNotification {
  kind: string;
  /** The stream type of the record it is about. */
  subjectType: string;
  subjectId: number | string;
  title: string;
  body: string;
  dueAt?: string | null;
  /** Unique per recipient: a job that runs again after a crash does not notify twice. */
  dedupeKey: string;
}

export interface NotificationView {
  id: number;
  kind: string;
  subject: { type: string; id: string };
  title: string;
  body: string;
  dueAt: string | null;
  createdAt: string;
  readAt: string | null;
}

/**
 * Stores a notification for each recipient in the caller's transaction, once per dedupe key, and when
 * e-mail is on, the jobs that send it (relayed after commit).
 * @returns the ids of the notifications created now (not those that existed already).
 */
export async function notify(trx: Executor, recipientIds: number[], n: NewNotification, at: string, options: { email: boolean }): Promise<number[]> {
  const recipients = [...new Set(recipientIds)];
  if (recipients.length === 0) return [];
  const rows = recipients.map((recipient) => ({
    recipient_id: recipient,
    kind: n.kind,
    subject_type: n.subjectType,
    subject_id: String(n.subjectId),
    title: n.title.slice(0, 300),
    body: n.body.slice(0, 2000),
    due_at: n.dueAt ?? null,
    dedupe_key: n.dedupeKey,
    created_at: at,
  }));
  const inserted: Array<{ id: number; recipient_id: number }> = await trx('notifications')
    .insert(rows)
    .onConflict(['recipient_id', 'dedupe_key'])
    .ignore()
    .returning(['id', 'recipient_id']);
  if (options.email && inserted.length > 0) {
    // Only those who have an address get a mail job.
    const withEmail = new Set(
      (await trx('users').whereIn('id', inserted.map((r) => r.recipient_id)).whereNotNull('email').select('id')).map((u) => u.id as number),
    );
    const jobs = inserted
      .filter((r) => withEmail.has(r.recipient_id))
      .map((r): AddJob => ({ action: 'add', queue: 'notifications', name: 'send-email', jobId: `email-${r.id}-${jobIdStamp(at)}`, payload: { notificationId: r.id }, runAt: null }));
    await writeOutbox(trx, jobs, at);
  }
  return inserted.map((r) => r.id);
}

function toView(row: Record<string, unknown>): NotificationView {
  return {
    id: row.id as number,
    kind: row.kind as string,
    subject: { type: row.subject_type as string, id: row.subject_id as string },
    title: row.title as string,
    body: row.body as string,
    dueAt: iso(row.due_at),
    createdAt: iso(row.created_at) as string,
    readAt: iso(row.read_at),
  };
}

/** The caller's notifications: unread first, then newest first. */
export async function listNotifications(db: Executor, principal: Principal, filter: { unreadOnly?: boolean; page: number; pageSize: number }) {
  const query = db('notifications').where({ recipient_id: principal.userId });
  if (filter.unreadOnly) query.whereNull('read_at');
  const total = await query.clone().count<{ n: number }[]>('id as n').first();
  const unread = await db('notifications').where({ recipient_id: principal.userId }).whereNull('read_at').count<{ n: number }[]>('id as n').first();
  const rows = await query
    .orderByRaw('CASE WHEN read_at IS NULL THEN 0 ELSE 1 END')
    .orderBy('id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize);
  return { items: rows.map(toView), unread: Number(unread?.n ?? 0), total: Number(total?.n ?? 0), page: filter.page, pageSize: filter.pageSize };
}

/**
 * Marks one of the caller's notifications read.
 * @throws NotFoundError when it is not theirs.
 */
export async function markRead(db: Db, principal: Principal, id: number, now: Date): Promise<NotificationView> {
  const row = await db('notifications').where({ id, recipient_id: principal.userId }).first();
  if (!row) throw new NotFoundError('NOT_FOUND', `No notification ${id}`);
  if (!row.read_at) await db('notifications').where({ id }).update({ read_at: now.toISOString() });
  return toView(await db('notifications').where({ id }).first());
}

export async function markAllRead(db: Db, principal: Principal, now: Date): Promise<number> {
  return db('notifications').where({ recipient_id: principal.userId }).whereNull('read_at').update({ read_at: now.toISOString() });
}
