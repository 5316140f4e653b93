import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { Actor } from '../../auth/actor.ts';
import type { Executor } from '../../db/db.ts';
import type { AggregateType } from './aggregate-type.ts';
import type { MachineRegistry } from './machine-registry.ts';
import type { AggregateRow, StampedEvent, TransitionEffects } from './transition-loop.ts';

/** A stored record of a machine-driven aggregate: its row with the definition it was created under. */
export interface MachineRow extends AggregateRow {
  state: string;
  machine_id: string;
  machine_version: number;
  machine_hash: string;
}

/** How one event is planned for one record: what the service checks, adds and changes around the machine. */
export interface EventPlan {
  /** Refuses an event the state accepts in general but not with this payload, with its own code. */
  precheck?(snapshot: AnyMachineSnapshot): void;
  /** Adds computed fields (deadlines) or checks against other records, once version and state are right. */
  enrich?(snapshot: AnyMachineSnapshot): Promise<StampedEvent>;
  /** Columns, audit details and outbox jobs that follow from the transition. */
  effects(next: AnyMachineSnapshot, previous: AnyMachineSnapshot, version: number): TransitionEffects | Promise<TransitionEffects>;
}

/**
 * Plans events inside a transaction; made before it, with what it needs already loaded. `actor` is who
 * fires the event (a service records who directed, signed… in its own columns).
 */
export type EventPlanner<R extends MachineRow> = (trx: Executor, row: R, event: StampedEvent, now: Date, actor: Actor) => EventPlan | Promise<EventPlan>;

/**
 * What the workflow kit needs to know of a record type: where it lives, its machines, who may fire
 * what, and how its service plans an event. A new record type supplies one of these, its machine, its
 * policy and its routes — never a copy of the loop.
 */
export interface RecordType<R extends MachineRow> {
  aggregate: AggregateType;
  machines: MachineRegistry;
  /** Event types in the order to list them (buttons, error messages); the machine's own order when absent. */
  eventOrder?: readonly string[];
  /** May the actor fire this event type on this record, whatever its state? (its policy) */
  mayFire(actor: Actor, type: string, row: R): boolean;
  /**
   * Loads what planning needs before the transaction — on SQLite the transaction holds the only
   * connection — and returns the planner.
   */
  planner(): Promise<EventPlanner<R>>;
}

/** The definition a stored record was created with. */
export function machineOf<R extends MachineRow>(type: RecordType<R>, row: R): AnyStateMachine {
  return type.machines.resolve(row.machine_id, row.machine_version, row.machine_hash).machine;
}
