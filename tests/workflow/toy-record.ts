import { assign, setup } from 'xstate';
import type { Actor } from '../../src/auth/actor.ts';
import type { Db, Executor } from '../../src/db/db.ts';
import { json } from '../../src/lib/rows.ts';
import { diffJobs, jobIdStamp, type AddJob } from '../../src/domain/outbox/outbox.ts';
import type { AggregateType } from '../../src/domain/workflow/aggregate-type.ts';
import { MachineRegistry } from '../../src/domain/workflow/machine-registry.ts';
import type { MachineRow, RecordType } from '../../src/domain/workflow/record-type.ts';
import { RuleViolationError } from '../../src/domain/errors.ts';

/**
 * A record type that is not the dossier, defined here only, to prove the workflow kit carries a new
 * record type with nothing copied: a repair ticket that is opened, worked on with notes, and finished
 * (only once it has a note) or cancelled. Its stream type is longer than 16 characters on purpose.
 */
type TicketEvent =
  | { type: 'START'; at: string }
  | { type: 'NOTE'; at: string; text: string }
  | { type: 'FINISH'; at: string }
  | { type: 'CANCEL'; at: string; reason: string };

export const ticketMachine = setup({
  types: { context: {} as { notes: number }, events: {} as TicketEvent },
  guards: { hasNote: ({ context }) => context.notes > 0 },
  actions: { countNote: assign(({ context }) => ({ notes: context.notes + 1 })) },
}).createMachine({
  id: 'contract-ticket',
  initial: 'open',
  context: { notes: 0 },
  states: {
    open: { on: { START: 'working', CANCEL: 'cancelled' } },
    working: {
      tags: ['actionable'],
      on: { NOTE: { actions: 'countNote' }, FINISH: { guard: 'hasNote', target: 'done' }, CANCEL: 'cancelled' },
    },
    done: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export const TICKET_AGGREGATE: AggregateType = { streamType: 'contract_test_ticket', table: 'contract_tickets' };

export interface TicketRow extends MachineRow {
  owner_id: number;
  title: string;
  due_at: unknown;
}

export async function createTicketTable(db: Db): Promise<void> {
  await db.schema.createTable('contract_tickets', (t) => {
    t.increments('id');
    t.string('title', 200).notNullable();
    t.integer('owner_id').notNullable();
    t.string('state', 40).notNullable();
    t.string('machine_id', 40).notNullable();
    t.integer('machine_version').notNullable();
    t.string('machine_hash', 64).notNullable();
    t.jsonb('snapshot').notNullable();
    t.integer('version').notNullable();
    t.string('chain_head', 64).notNullable();
    t.timestamp('due_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function findTicket(db: Executor, id: number): Promise<TicketRow | null> {
  const row = await db('contract_tickets').where({ id }).first();
  return row ? { ...row, snapshot: json(row.snapshot) } : null;
}

/** The job a working ticket waits on: due one hour after it was started. */
function dueJob(id: number, dueAt: string): AddJob {
  return { action: 'add', queue: 'deadlines', name: 'ticket-due', jobId: `ticket-${id}-due-${jobIdStamp(dueAt)}`, payload: { subject: TICKET_AGGREGATE.streamType, id, dueAt }, runAt: dueAt };
}

export function ticketRecordType(): RecordType<TicketRow> {
  return {
    aggregate: TICKET_AGGREGATE,
    machines: new MachineRegistry([{ id: 'contract-ticket', version: 1, machine: ticketMachine }]),
    eventOrder: ['START', 'NOTE', 'FINISH', 'CANCEL'],
    // Only its owner works on a ticket; the system may cancel it.
    mayFire: (actor: Actor, type: string, row: TicketRow) =>
      (actor.kind === 'user' && actor.principal.userId === row.owner_id) || (actor.kind === 'system' && type === 'CANCEL'),
    planner: async () => (_trx, row, event) => ({
      precheck: () => {
        if (event.type === 'NOTE' && String((event as { text?: string }).text).trim() === '') throw new RuleViolationError('EMPTY_NOTE', 'A note says something');
      },
      effects: (next) => {
        const state = String(next.value);
        const dueAt = state === 'working' ? (row.state === 'working' ? (row.due_at as string) : new Date(Date.parse(event.at) + 3_600_000).toISOString()) : null;
        const before = row.state === 'working' && row.due_at ? [dueJob(row.id, new Date(row.due_at as string).toISOString())] : [];
        const after = dueAt ? [dueJob(row.id, new Date(dueAt).toISOString())] : [];
        return { columns: { due_at: dueAt }, audit: { notes: (next.context as { notes: number }).notes }, jobs: diffJobs(before, after) };
      },
    }),
  };
}
