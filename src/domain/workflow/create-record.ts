import { initialTransition } from 'xstate';
import { statePath } from '../../../machines/state-path.ts';
import type { Executor } from '../../db/db.ts';
import { toJson } from '../../lib/rows.ts';
import { buildEventRow, type ActorRef } from '../audit/event-log.ts';
import type { AggregateType } from './aggregate-type.ts';
import type { PendingEvents } from './pending-events.ts';
import type { RegisteredMachine } from './machine-registry.ts';
import type { AggregateRow } from './transition-loop.ts';

export interface NewRecord {
  /** The current definition of the record's machine (new records are created with it). */
  machine: RegisteredMachine;
  /** The machine's input (the rules of the procedure a record follows…). */
  input?: unknown;
  /** The record's own columns, given the initial state's dotted path. */
  columns(state: string): Record<string, unknown>;
  /** The first event of its history (`SUBMIT`, `REGISTER`…), which starts the hash chain. */
  event: { type: string; actor: ActorRef; at: string; payload: Record<string, unknown> };
}

/**
 * Creates a machine-driven record at its machine's initial state, version 1, with its first chained
 * event, in the caller's transaction. With `pending`, the creation event is held there and written by
 * `pending.write()` at the end of the transaction, which sets the row's chain head.
 * @returns the new row's id, its state and its chain head ('' while its events are pending).
 */
export async function createRecord(
  trx: Executor,
  aggregate: AggregateType,
  record: NewRecord,
  pending?: PendingEvents,
): Promise<{ id: number; state: string; row: AggregateRow }> {
  const [snapshot] = initialTransition(record.machine.machine, record.input);
  const state = statePath(snapshot.value as string | Record<string, unknown>);
  const stored = { value: snapshot.value, context: snapshot.context as Record<string, unknown> };
  const [inserted] = await trx(aggregate.table)
    .insert({
      ...record.columns(state),
      state,
      machine_id: record.machine.id,
      machine_version: record.machine.version,
      machine_hash: record.machine.hash,
      snapshot: toJson(stored),
      version: 1,
      // Replaced below once the creation event (which needs the id) is hashed.
      chain_head: '',
    })
    .returning('id');
  const id: number = typeof inserted === 'object' ? inserted.id : inserted;
  if (pending) {
    pending.start(aggregate, id, { type: record.event.type, actor: record.event.actor, at: record.event.at, fromState: null, toState: state, payload: record.event.payload });
    return { id, state, row: { id, version: 1, chain_head: '', snapshot: stored } };
  }
  const { row: eventRow, link } = buildEventRow(
    { streamType: aggregate.streamType, streamId: id, type: record.event.type, actor: record.event.actor, at: record.event.at, fromState: null, toState: state, payload: record.event.payload },
    null,
  );
  await trx('events').insert(eventRow);
  await trx(aggregate.table).where({ id }).update({ chain_head: link.hash });
  return { id, state, row: { id, version: 1, chain_head: link.hash, snapshot: stored } };
}
