import type { Executor } from '../../db/db.ts';
import { toStoredEvent, type StoredEvent } from '../audit/event-log.ts';
import { ValidationError } from '../errors.ts';
import { pageNumber } from './users.service.ts';

/** Page bounds of the event log: deeper reads go by `beforeId`, not by offsets scanned over a million rows. */
export const MAX_EVENT_PAGE = 1_000;
export const MAX_EVENT_PAGE_SIZE = 100;

/** The event types an IT officer reads when looking into account security (Điều 14.3). */
export const SECURITY_EVENT_TYPES = [
  'LOGIN',
  'LOGIN_FAILED',
  'ACCOUNT_LOCKED',
  'LOGOUT',
  'SESSION_REVOKED',
  'PASSWORD_CHANGED',
  'PASSWORD_CHANGE_FAILED',
  'PASSWORD_RESET',
  'USER_CREATED',
  'USER_UPDATED',
  'API_TOKEN_CREATED',
  'API_TOKEN_REVOKED',
] as const;

export interface EventFilter {
  streamType?: string;
  streamId?: string;
  /** One type, or several separated by commas. */
  type?: string;
  /** `security`: the account and credential events only. */
  category?: 'security';
  actorId?: number;
  from?: string;
  to?: string;
  /** Keyset paging for deep reads: events older than this id. */
  beforeId?: number;
  page?: number;
  pageSize?: number;
}

/** An event as admins read it: everything but the chain's hashes. */
export type EventView = Omit<StoredEvent, 'prevHash' | 'hash'>;

export interface EventPage {
  items: EventView[];
  page: number;
  pageSize: number;
  /** Whether an older page exists; no total is counted (the log grows without end). */
  hasMore: boolean;
}

function instant(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ValidationError('VALIDATION_FAILED', `${field} is not an instant`, { field });
  return new Date(ms).toISOString();
}

/**
 * A page of the event log, newest first, read-only: security and audit events for the admins.
 * @throws ValidationError for an instant that does not parse or `from` after `to`.
 */
export async function listEvents(db: Executor, filter: EventFilter): Promise<EventPage> {
  const page = pageNumber(filter.page ?? 1, 'page', MAX_EVENT_PAGE);
  const pageSize = pageNumber(filter.pageSize ?? 50, 'pageSize', MAX_EVENT_PAGE_SIZE);
  const from = instant(filter.from, 'from');
  const to = instant(filter.to, 'to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new ValidationError('VALIDATION_FAILED', 'from must not be after to', { field: 'from' });
  }
  const query = db('events');
  if (filter.streamType !== undefined) query.where('stream_type', filter.streamType);
  if (filter.streamId !== undefined) query.where('stream_id', filter.streamId);
  if (filter.type !== undefined) query.whereIn('type', filter.type.split(','));
  if (filter.category === 'security') query.whereIn('type', SECURITY_EVENT_TYPES);
  if (filter.actorId !== undefined) query.where('actor_id', filter.actorId);
  if (from !== undefined) query.where('at', '>=', from);
  if (to !== undefined) query.where('at', '<=', to);
  if (filter.beforeId !== undefined) query.where('id', '<', filter.beforeId);
  // One row more than the page tells whether another page follows, without counting the log.
  const rows = await query.orderBy('id', 'desc').limit(pageSize + 1).offset((page - 1) * pageSize);
  const items = rows.slice(0, pageSize).map((row) => {
    const { prevHash: _prev, hash: _hash, ...event } = toStoredEvent(row);
    return event;
  });
  return { items, page, pageSize, hasMore: rows.length > pageSize };
}
