import type { Actor } from '../../auth/actor.ts';
import type { Db, Executor } from '../../db/db.ts';
import type { ActorRef } from '../audit/event-log.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { withIdempotency, type IdempotentRequest, type StoredResponse } from '../idempotency/idempotency.ts';
import { machineOf, type EventPlanner, type MachineRow, type RecordType } from './record-type.ts';
import type { PendingEvents } from './pending-events.ts';
import { acceptedEventTypes, restoreSnapshot, runTransition, type StampedEvent, type TransitionResult } from './transition-loop.ts';

/** A transition that committed, told to the after-commit hooks (metrics; later the inbox fan-out). */
export interface TransitionNotice {
  /** The aggregate's stream type. */
  subject: string;
  type: string;
  /** Null for a record's creation. */
  from: string | null;
  to: string;
}

/** What firing needs besides the record type: the database, the clock, and the after-commit hooks. */
export interface WorkflowEnv {
  db: Db;
  clock: () => Date;
  onTransition?(notice: TransitionNotice): void;
}

/** An event as a client sends it: its type, the version the client last saw, and its payload. */
export type EventBody = { type: string; version: number } & Record<string, unknown>;

export function actorRef(actor: Actor): ActorRef {
  return actor.kind === 'user' ? { kind: 'user', id: actor.principal.userId } : { kind: actor.kind };
}

/** The events this actor may fire now: what the machine accepts and the policy lets them do. */
export function allowedEvents<R extends MachineRow>(type: RecordType<R>, row: R, actor: Actor, at: string): string[] {
  const snapshot = restoreSnapshot(machineOf(type, row), row.snapshot);
  return acceptedEventTypes(snapshot, at, type.eventOrder).filter((event) => type.mayFire(actor, event, row));
}

/**
 * Applies one event to a loaded record through the transition loop, in the caller's transaction
 * (`pending`: the record was created in this transaction with its events held; see PendingEvents).
 * @throws ConflictError STALE_VERSION, InvalidTransitionError, and whatever the plan refuses with.
 */
export async function applyEvent<R extends MachineRow>(
  trx: Executor,
  type: RecordType<R>,
  planner: EventPlanner<R>,
  row: R,
  actor: Actor,
  event: StampedEvent,
  expectedVersion: number,
  now: Date,
  pending?: PendingEvents,
): Promise<TransitionResult> {
  const { type: _type, at: _at, ...recordedPayload } = event as StampedEvent & Record<string, unknown>;
  const plan = await planner(trx, row, event, now, actor);
  return runTransition(trx, {
    table: type.aggregate.table,
    streamType: type.aggregate.streamType,
    row,
    expectedVersion,
    machine: machineOf(type, row),
    event,
    actor: actorRef(actor),
    recordedPayload,
    precheck: plan.precheck,
    enrich: plan.enrich,
    effects: plan.effects,
    mayFire: (event) => type.mayFire(actor, event, row),
    eventOrder: type.eventOrder,
    pending,
  });
}

export interface FireRequest<R extends MachineRow, T> {
  actor: Actor;
  body: EventBody;
  /** Loads the record; null when it does not exist or the actor may not see it (both answer 404). */
  find(db: Executor): Promise<R | null>;
  /** The answer, from the row as written. */
  present(trx: Executor, row: R, at: string): Promise<T> | T;
  idempotency?: IdempotentRequest;
  /** The 404 message. */
  notFound: string;
}

/**
 * Fires an event on any machine-driven record: idempotency check, one transaction (load, authorise,
 * transition, present, remember the answer), then the after-commit hooks.
 * @throws NotFoundError, ForbiddenError, ConflictError (STALE_VERSION, IDEMPOTENCY_KEY_REUSED),
 *   InvalidTransitionError, and the plan's own refusals.
 */
export async function fireEvent<R extends MachineRow, T>(env: WorkflowEnv, type: RecordType<R>, req: FireRequest<R, T>): Promise<StoredResponse<T>> {
  const now = env.clock();
  const at = now.toISOString();
  const planner = await type.planner();
  const { actor, body } = req;
  const refuse = () => new ForbiddenError('FORBIDDEN', `You may not ${body.type} this ${type.aggregate.streamType}`, { event: body.type });
  if (req.idempotency) {
    // A replayed answer is shown only to whoever may still see the record and fire the event.
    const row = await req.find(env.db);
    if (!row) throw new NotFoundError('NOT_FOUND', req.notFound);
    if (!type.mayFire(actor, body.type, row)) throw refuse();
  }
  let applied: TransitionNotice | undefined;
  const response = await withIdempotency(env.db, req.idempotency, () => at, async (remember) => {
    const committed = await env.db.transaction(async (trx) => {
      const row = await req.find(trx);
      if (!row) throw new NotFoundError('NOT_FOUND', req.notFound);
      const { version, ...payload } = body;
      if (!type.mayFire(actor, body.type, row)) throw refuse();
      const result = await applyEvent(trx, type, planner, row, actor, { ...payload, at } as StampedEvent, version, now);
      const answer = { status: 200, body: await req.present(trx, result.row as unknown as R, at) };
      await remember(trx, answer);
      return { answer, notice: { subject: type.aggregate.streamType, type: body.type, from: result.previousState, to: result.state } };
    });
    applied = committed.notice;
    return committed.answer;
  });
  // Only once committed: a replayed idempotent answer or a rolled-back attempt reports nothing.
  if (applied) env.onTransition?.(applied);
  return response;
}
