import { transition, type AnyMachineSnapshot, type AnyStateMachine, type EventObject, type StateValue } from 'xstate';
import type { Executor } from '../../db/db.ts';
import { toJson } from '../../lib/rows.ts';
import { buildEventRow, type ActorRef } from '../audit/event-log.ts';
import type { PendingEvents } from './pending-events.ts';
import { ConflictError, InvalidTransitionError } from '../errors.ts';
import { writeOutbox, type OutboxJob } from '../outbox/outbox.ts';
import { statePath } from '../../../machines/state-path.ts';

/** The columns every aggregate driven by a machine has. */
export interface AggregateRow {
  id: number;
  version: number;
  chain_head: string;
  snapshot: { value: StateValue; context: Record<string, unknown> };
}

export interface StampedEvent extends EventObject {
  at: string;
}

/** What a transition changes besides the snapshot, decided by the aggregate's own service. */
export interface TransitionEffects {
  /** Plain columns derived from the new snapshot, for queries. */
  columns: Record<string, unknown>;
  /** What the audit event records besides the event itself. */
  audit: Record<string, unknown>;
  jobs: OutboxJob[];
}

export interface TransitionRequest {
  table: string;
  streamType: string;
  row: AggregateRow;
  /** The version the client last saw: optimistic concurrency. */
  expectedVersion: number;
  machine: AnyStateMachine;
  event: StampedEvent;
  actor: ActorRef;
  /** The event as recorded in the audit log (the client's payload, without the service's additions). */
  recordedPayload: Record<string, unknown>;
  /**
   * Refuses an event whose type the state accepts but whose payload it cannot take, with a code that
   * names the real reason (rather than a bare "not allowed in this state").
   */
  precheck?(snapshot: AnyMachineSnapshot): void;
  /**
   * Adds what the service computes (deadlines) or checks against other records (an assignee) to the
   * event, once the version and the state are known to be right.
   */
  enrich?(snapshot: AnyMachineSnapshot): Promise<StampedEvent>;
  effects(next: AnyMachineSnapshot, previous: AnyMachineSnapshot, version: number): TransitionEffects | Promise<TransitionEffects>;
  /** Whether the actor may fire an event type: a refusal lists the events this actor could fire instead. */
  mayFire(type: string): boolean;
  /** Every event type of the machine in the order to list them. */
  eventOrder?: readonly string[];
  /**
   * The events of records created in this transaction (see PendingEvents): when the record's chain is
   * held there, the event joins it and is hashed and written at the end of the transaction.
   */
  pending?: PendingEvents;
}

export interface TransitionResult {
  snapshot: AnyMachineSnapshot;
  previousState: string;
  state: string;
  version: number;
  /** The row as written: what was read with the changes applied (no need to read it again). */
  row: AggregateRow & Record<string, unknown>;
}

/** Restores a stored snapshot under the definition it was written with. */
export function restoreSnapshot(machine: AnyStateMachine, stored: AggregateRow['snapshot']): AnyMachineSnapshot {
  return machine.resolveState({ value: stored.value, context: stored.context });
}

/**
 * The event types the machine would accept now (guards read only the context and `at`), in the order
 * given (the flow's order, for buttons and error messages) or else the machine's.
 */
export function acceptedEventTypes(snapshot: AnyMachineSnapshot, at: string, order?: readonly string[]): string[] {
  const types = order ?? ((snapshot.machine as AnyStateMachine).root.events as string[]);
  return types.filter((type) => !type.startsWith('xstate.') && snapshot.can({ type, at }));
}

/**
 * The one transition loop every machine-driven record goes through, inside the caller's DB transaction:
 * compare the version → restore the snapshot → ask the machine → write the snapshot with version + 1
 * (compare-and-set) → append the hash-chained audit event → write the outbox jobs.
 * @throws ConflictError when the version is stale or another writer got there first.
 * @throws InvalidTransitionError when the machine refuses the event in this state.
 */
export async function runTransition(trx: Executor, req: TransitionRequest): Promise<TransitionResult> {
  const { row, event } = req;
  if (row.version !== req.expectedVersion) {
    throw new ConflictError('STALE_VERSION', `The record is at version ${row.version}, not ${req.expectedVersion}; reload it and try again`, {
      currentVersion: row.version,
    });
  }
  const snapshot = restoreSnapshot(req.machine, row.snapshot);
  const previousState = statePath(snapshot.value as string | Record<string, unknown>);
  const refuse = () =>
    new InvalidTransitionError(`${event.type} is not allowed in state ${previousState}`, {
      state: previousState,
      event: event.type,
      allowedEvents: acceptedEventTypes(snapshot, event.at, req.eventOrder).filter((type) => req.mayFire(type)),
    });
  req.precheck?.(snapshot);
  if (!snapshot.can(event)) throw refuse();
  const enriched = req.enrich ? await req.enrich(snapshot) : event;
  const [next] = transition(req.machine, snapshot, enriched);
  if (next === snapshot) throw refuse();
  const state = statePath(next.value as string | Record<string, unknown>);
  const version = row.version + 1;
  const effects = await req.effects(next, snapshot, version);

  const aggregate = { table: req.table, streamType: req.streamType };
  const audited = {
    type: event.type,
    actor: req.actor,
    at: event.at,
    fromState: previousState,
    toState: state,
    payload: { ...req.recordedPayload, ...effects.audit },
  };
  // A record created in this transaction has its chain held in memory: its event is written last.
  const held = req.pending?.holds(aggregate, row.id) ?? false;
  const built = held ? null : buildEventRow({ ...audited, streamType: req.streamType, streamId: row.id }, { seq: row.version, hash: row.chain_head });
  if (held) (req.pending as PendingEvents).append(aggregate, row.id, audited);
  // Only the columns that changed: an unchanged column would still rewrite its index entries.
  const changes: Record<string, unknown> = {
    ...changedColumns(row as unknown as Record<string, unknown>, { ...effects.columns, state }),
    snapshot: toJson({ value: next.value, context: next.context }),
    version,
    ...(built ? { chain_head: built.link.hash } : {}),
    updated_at: event.at,
  };
  const updated = await trx(req.table).where({ id: row.id, version: row.version }).update(changes);
  if (updated !== 1) {
    throw new ConflictError('STALE_VERSION', 'Someone else changed the record at the same moment; reload it and try again', {
      currentVersion: null,
    });
  }
  if (built) await trx('events').insert(built.row);
  await writeOutbox(trx, effects.jobs, event.at);
  return { snapshot: next, previousState, state, version, row: { ...row, ...changes, snapshot: { value: next.value, context: next.context } } };
}

function comparable(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function changedColumns(row: Record<string, unknown>, columns: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(columns).filter(([key, value]) => comparable(row[key]) !== comparable(value)));
}
