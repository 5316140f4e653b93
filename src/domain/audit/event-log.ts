import { canonicalJson } from '../../lib/canonical-json.ts';
import { sha256Hex } from '../../lib/crypto.ts';
import { iso, json, toJson } from '../../lib/rows.ts';
import { isPostgres, type Db, type Executor } from '../../db/db.ts';
import { AGGREGATE_TYPES } from '../aggregates.ts';
import type { AggregateType } from '../workflow/aggregate-type.ts';

/** Who did something: a staff user, the applicant (holder of the tracking secret), or the system. */
export type ActorRef = { kind: 'user'; id: number } | { kind: 'applicant'; id?: null } | { kind: 'system'; id?: null };

/**
 * What a chain of events is about: each aggregate type (see src/domain/aggregates.ts) and each kind of
 * administered data (`user`, `department`, `procedure`, `calendar`, `api_token`).
 */
export type StreamType = string;

export interface NewEvent {
  streamType: StreamType;
  streamId: string | number;
  type: string;
  actor: ActorRef;
  at: string;
  fromState?: string | null;
  toState?: string | null;
  payload: Record<string, unknown>;
}

export interface ChainLink {
  seq: number;
  hash: string;
}

export interface StoredEvent {
  id: number;
  streamType: string;
  streamId: string;
  seq: number;
  type: string;
  actorKind: 'user' | 'applicant' | 'system';
  actorId: number | null;
  at: string;
  fromState: string | null;
  toState: string | null;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of an event: its fields in canonical JSON, chained to the previous event of its stream. */
export function hashEvent(prevHash: string, e: Omit<StoredEvent, 'id' | 'prevHash' | 'hash'>): string {
  const body = canonicalJson({
    streamType: e.streamType,
    streamId: e.streamId,
    seq: e.seq,
    type: e.type,
    actorKind: e.actorKind,
    actorId: e.actorId,
    at: e.at,
    fromState: e.fromState,
    toState: e.toState,
    payload: e.payload,
  });
  return sha256Hex(`${prevHash}\n${body}`);
}

/** The last link of a stream's chain, or null for a stream without events. */
export async function streamHead(db: Executor, streamType: StreamType, streamId: string | number): Promise<ChainLink | null> {
  const row = await db('events')
    .where({ stream_type: streamType, stream_id: String(streamId) })
    .orderBy('seq', 'desc')
    .first('seq', 'hash');
  return row ? { seq: row.seq, hash: row.hash } : null;
}

/** An event row ready to insert, with the link it makes; lets a caller learn the new head before writing. */
export function buildEventRow(event: NewEvent, head: ChainLink | null): { row: Record<string, unknown>; link: ChainLink } {
  const stored: Omit<StoredEvent, 'id' | 'prevHash' | 'hash'> = {
    streamType: event.streamType,
    streamId: String(event.streamId),
    seq: (head?.seq ?? 0) + 1,
    type: event.type,
    actorKind: event.actor.kind,
    actorId: event.actor.kind === 'user' ? event.actor.id : null,
    at: event.at,
    fromState: event.fromState ?? null,
    toState: event.toState ?? null,
    payload: event.payload,
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = hashEvent(prevHash, stored);
  return {
    row: {
      stream_type: stored.streamType,
      stream_id: stored.streamId,
      seq: stored.seq,
      type: stored.type,
      actor_kind: stored.actorKind,
      actor_id: stored.actorId,
      at: stored.at,
      from_state: stored.fromState,
      to_state: stored.toState,
      payload: toJson(stored.payload),
      prev_hash: prevHash,
      hash,
    },
    link: { seq: stored.seq, hash },
  };
}

/**
 * Appends an event to its stream's hash chain, in the caller's transaction. Pass `prev` when the
 * caller already holds the stream head under a lock (the record's row); otherwise it is read here and
 * the unique (stream, seq) constraint refuses a concurrent fork.
 */
export async function appendEvent(db: Executor, event: NewEvent, prev?: ChainLink | null): Promise<ChainLink> {
  const head = prev === undefined ? await streamHead(db, event.streamType, event.streamId) : prev;
  const { row, link } = buildEventRow(event, head);
  await db('events').insert(row);
  return link;
}

export function toStoredEvent(row: Record<string, unknown>): StoredEvent {
  return {
    id: row.id as number,
    streamType: row.stream_type as string,
    streamId: row.stream_id as string,
    seq: row.seq as number,
    type: row.type as string,
    actorKind: row.actor_kind as StoredEvent['actorKind'],
    actorId: (row.actor_id as number | null) ?? null,
    at: iso(row.at) as string,
    fromState: (row.from_state as string | null) ?? null,
    toState: (row.to_state as string | null) ?? null,
    payload: json<Record<string, unknown>>(row.payload),
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

/** Events of one stream, oldest first. */
export async function streamEvents(db: Executor, streamType: StreamType, streamId: string | number): Promise<StoredEvent[]> {
  const rows = await db('events').where({ stream_type: streamType, stream_id: String(streamId) }).orderBy('seq');
  return rows.map(toStoredEvent);
}

export interface BrokenLink {
  problem: 'hash-mismatch' | 'prev-hash-mismatch' | 'missing-event' | 'missing-tail' | 'checkpoint-mismatch';
  message: string;
  eventId?: number;
  streamType?: string;
  streamId?: string;
  seq?: number;
  checkpointId?: number;
}

export interface VerifyReport {
  ok: boolean;
  eventsChecked: number;
  streamsChecked: number;
  checkpointsChecked: number;
  firstBroken: BrokenLink | null;
}

const BATCH = 2000;

/**
 * Walks every stream's chain, then the heads of every aggregate type's records, then the checkpoints,
 * and reports the first broken link: an altered event (its hash no longer matches), a deleted one (a
 * gap in the sequence or a record whose version is ahead of its history), or a deleted stream (a
 * checkpoint's digest no longer matches).
 */
export async function verifyEventLog(db: Db, aggregates: readonly AggregateType[] = AGGREGATE_TYPES): Promise<VerifyReport> {
  let eventsChecked = 0;
  let streamsChecked = 0;
  let cursor: [string, string, number] = ['', '', 0];
  let current: { type: string; id: string; seq: number; hash: string } | null = null;
  const report = (firstBroken: BrokenLink, checkpointsChecked = 0): VerifyReport => ({
    ok: false,
    eventsChecked,
    streamsChecked,
    checkpointsChecked,
    firstBroken,
  });

  for (;;) {
    const rows = await db('events')
      .whereRaw('(stream_type, stream_id, seq) > (?, ?, ?)', cursor)
      .orderBy([{ column: 'stream_type' }, { column: 'stream_id' }, { column: 'seq' }])
      .limit(BATCH);
    if (rows.length === 0) break;
    for (const row of rows) {
      const e = toStoredEvent(row);
      eventsChecked++;
      if (current === null || current.type !== e.streamType || current.id !== e.streamId) {
        streamsChecked++;
        current = { type: e.streamType, id: e.streamId, seq: 0, hash: GENESIS_HASH };
      }
      const where = { eventId: e.id, streamType: e.streamType, streamId: e.streamId, seq: e.seq };
      if (e.seq !== current.seq + 1) {
        return report({ problem: 'missing-event', message: `${e.streamType} ${e.streamId}: event ${current.seq + 1} is missing`, ...where });
      }
      if (e.prevHash !== current.hash) {
        return report({ problem: 'prev-hash-mismatch', message: `${e.streamType} ${e.streamId} event ${e.seq} does not link to the event before it`, ...where });
      }
      if (hashEvent(e.prevHash, e) !== e.hash) {
        return report({ problem: 'hash-mismatch', message: `${e.streamType} ${e.streamId} event ${e.seq} was altered`, ...where });
      }
      current = { type: e.streamType, id: e.streamId, seq: e.seq, hash: e.hash };
    }
    const last = toStoredEvent(rows[rows.length - 1]);
    cursor = [last.streamType, last.streamId, last.seq];
  }

  // A record's row holds the version and hash of its last event: a deleted tail shows up here.
  for (const aggregate of aggregates) {
    const heads = await db(`${aggregate.table} as r`)
      .leftJoin('events as e', function join() {
        this.on('e.stream_id', '=', db.raw('CAST(?? AS VARCHAR(64))', ['r.id'])).andOn('e.seq', '=', 'r.version').andOnVal('e.stream_type', '=', aggregate.streamType);
      })
      .select('r.id', 'r.version', 'r.chain_head', 'e.hash')
      .where(function mismatch() {
        this.whereNull('e.hash').orWhereRaw('?? <> ??', ['e.hash', 'r.chain_head']);
      })
      .orderBy('r.id')
      .limit(1);
    if (heads.length > 0) {
      const h = heads[0];
      return report({
        problem: 'missing-tail',
        message: `${aggregate.streamType} ${h.id} is at version ${h.version} but its history does not end there`,
        streamType: aggregate.streamType,
        streamId: String(h.id),
        seq: h.version,
      });
    }
  }

  const checkpoints = await db('audit_checkpoints').orderBy('id');
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (const cp of checkpoints) {
    const digest = await digestEvents(db, cp.first_event_id, cp.last_event_id);
    const expected = checkpointHash(prevHash, { ...digest, at: iso(cp.at) as string, firstEventId: cp.first_event_id, lastEventId: cp.last_event_id });
    if (cp.prev_hash !== prevHash || cp.events_digest !== digest.digest || cp.event_count !== digest.count || cp.hash !== expected) {
      return report(
        { problem: 'checkpoint-mismatch', message: `checkpoint ${cp.id} no longer matches events ${cp.first_event_id}–${cp.last_event_id}: events were deleted or altered`, checkpointId: cp.id },
        checked,
      );
    }
    prevHash = cp.hash;
    checked++;
  }
  return { ok: true, eventsChecked, streamsChecked, checkpointsChecked: checked, firstBroken: null };
}

async function digestEvents(db: Executor, firstId: number, lastId: number): Promise<{ digest: string; count: number }> {
  let acc = GENESIS_HASH;
  let count = 0;
  let after = firstId - 1;
  for (;;) {
    const rows = await db('events').where('id', '>', after).andWhere('id', '<=', lastId).orderBy('id').limit(BATCH).select('id', 'hash');
    if (rows.length === 0) break;
    for (const r of rows) {
      acc = sha256Hex(`${acc}\n${r.id}:${r.hash}`);
      count++;
    }
    after = rows[rows.length - 1].id;
  }
  return { digest: acc, count };
}

function checkpointHash(prevHash: string, c: { digest: string; count: number; at: string; firstEventId: number; lastEventId: number }): string {
  return sha256Hex(`${prevHash}\n${canonicalJson(c)}`);
}

/**
 * The highest event id below which every event has committed. On PostgreSQL an id is taken before its
 * transaction commits, so a smaller id may still be in flight: a SHARE lock on the table waits for the
 * writers in flight to finish (and ids taken after it are larger). SQLite writers are serialised.
 */
async function settledMaxEventId(db: Db): Promise<number | null> {
  const read = async (q: Executor) => ((await q('events').max('id as id').first())?.id as number | null | undefined) ?? null;
  if (!isPostgres(db)) return read(db);
  return db.transaction(async (trx) => {
    await trx.raw('LOCK TABLE events IN SHARE MODE');
    return read(trx);
  });
}

/**
 * Chains every event written since the last checkpoint into a new checkpoint. The digest is computed
 * outside any write transaction (writers are not held up while it reads); the checkpoint is written
 * only if no other checkpoint was written meanwhile.
 * @returns the checkpoint written, or null when there was nothing new (or another process just wrote one).
 */
export async function createCheckpoint(db: Db, now: Date): Promise<{ id: number; lastEventId: number; eventCount: number } | null> {
  const last = await db('audit_checkpoints').orderBy('id', 'desc').first();
  const firstEventId = (last?.last_event_id ?? 0) + 1;
  const lastEventId = await settledMaxEventId(db);
  if (lastEventId === null || lastEventId < firstEventId) return null;
  const digest = await digestEvents(db, firstEventId, lastEventId);
  const at = now.toISOString();
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = checkpointHash(prevHash, { ...digest, at, firstEventId, lastEventId });
  return db.transaction(async (trx) => {
    const current = await trx('audit_checkpoints').orderBy('id', 'desc').first('id');
    if ((current?.id ?? null) !== (last?.id ?? null)) return null;
    const [row] = await trx('audit_checkpoints')
      .insert({ at, first_event_id: firstEventId, last_event_id: lastEventId, event_count: digest.count, events_digest: digest.digest, prev_hash: prevHash, hash })
      .returning('id');
    return { id: typeof row === 'object' ? row.id : row, lastEventId, eventCount: digest.count };
  });
}
