import type { Executor } from '../../db/db.ts';
import { buildEventRow, type ChainLink, type NewEvent } from '../audit/event-log.ts';
import type { AggregateType } from './aggregate-type.ts';

interface PendingStream {
  aggregate: AggregateType;
  id: number;
  events: NewEvent[];
}

/**
 * The events of records created in the current transaction, kept in memory, then hashed and written
 * last in one statement. This lets a creation event carry a value that is taken at the very end of
 * the transaction. A dossier's code comes from the day's counter row, which stays locked until commit
 * so that the sequence has no gap: the later the number is taken, the shorter every other intake
 * waits for it (issue 6 §4).
 *
 * Only streams that start in this transaction go here, so each chain starts at the genesis hash and
 * nothing outside the transaction has seen the record before {@link write}.
 */
export class PendingEvents {
  private readonly streams = new Map<string, PendingStream>();

  private static key(aggregate: AggregateType, id: number): string {
    return `${aggregate.streamType}:${id}`;
  }

  /** Starts the chain of a record created in this transaction with its creation event. */
  start(aggregate: AggregateType, id: number, event: Omit<NewEvent, 'streamType' | 'streamId'>): void {
    const key = PendingEvents.key(aggregate, id);
    if (this.streams.has(key)) throw new Error(`the chain of ${key} was already started`);
    this.streams.set(key, { aggregate, id, events: [{ ...event, streamType: aggregate.streamType, streamId: id }] });
  }

  /** Whether the record's chain started in this transaction (and so is held here). */
  holds(aggregate: AggregateType, id: number): boolean {
    return this.streams.has(PendingEvents.key(aggregate, id));
  }

  /** Appends the next event of a chain started here; returns its sequence number. */
  append(aggregate: AggregateType, id: number, event: Omit<NewEvent, 'streamType' | 'streamId'>): number {
    const stream = this.streams.get(PendingEvents.key(aggregate, id));
    if (!stream) throw new Error(`the chain of ${aggregate.streamType}:${id} did not start in this transaction`);
    stream.events.push({ ...event, streamType: aggregate.streamType, streamId: id });
    return stream.events.length;
  }

  /**
   * Hashes every held chain, merging `late.payload` into each creation event's payload, writes all the
   * events in one statement, then each record's chain head with `late.columns`. Call it once, last in
   * the transaction.
   * @returns the head of each record's chain, by id.
   */
  async write(trx: Executor, late: { payload?: Record<string, unknown>; columns?: Record<string, unknown> } = {}): Promise<Map<number, ChainLink>> {
    const creationPayload = late.payload ?? {};
    const rows: Record<string, unknown>[] = [];
    const heads = new Map<number, ChainLink>();
    for (const stream of this.streams.values()) {
      let head: ChainLink | null = null;
      for (const [i, event] of stream.events.entries()) {
        const built = buildEventRow(i === 0 ? { ...event, payload: { ...event.payload, ...creationPayload } } : event, head);
        rows.push(built.row);
        head = built.link;
      }
      if (head) heads.set(stream.id, head);
    }
    if (rows.length > 0) await trx('events').insert(rows);
    for (const stream of this.streams.values()) {
      await trx(stream.aggregate.table).where({ id: stream.id }).update({ ...late.columns, chain_head: (heads.get(stream.id) as ChainLink).hash });
    }
    this.streams.clear();
    return heads;
  }
}
