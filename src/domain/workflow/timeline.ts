import type { Executor } from '../../db/db.ts';
import { streamEvents } from '../audit/event-log.ts';

export interface TimelineEntry {
  seq: number;
  type: string;
  at: string;
  actor: { kind: string; id: number | null; name: string | null };
  fromState: string | null;
  toState: string | null;
  payload: Record<string, unknown>;
}

/** A record's history, oldest first, with the names of the staff who acted. */
export async function timelineOf(db: Executor, streamType: string, id: number): Promise<TimelineEntry[]> {
  const events = await streamEvents(db, streamType, id);
  const ids = [...new Set(events.map((e) => e.actorId).filter((actorId): actorId is number => actorId !== null))];
  const names = new Map<number, string>((await db('users').whereIn('id', ids).select('id', 'full_name')).map((u) => [u.id, u.full_name]));
  return events.map((e) => ({
    seq: e.seq,
    type: e.type,
    at: e.at,
    actor: { kind: e.actorKind, id: e.actorId, name: e.actorId === null ? null : (names.get(e.actorId) ?? null) },
    fromState: e.fromState,
    toState: e.toState,
    payload: e.payload,
  }));
}
