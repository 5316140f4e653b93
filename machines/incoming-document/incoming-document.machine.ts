import { assign, setup } from 'xstate';
import type { IncomingDocumentContext, IncomingDocumentEvent, IncomingDocumentInput } from './incoming-document.types.ts';

/**
 * An incoming document (văn bản đến, Điều 6 and 7 of Quy chế 80/QĐ-SCT; Decree 30/2020/NĐ-CP Art. 20–24).
 *
 * Registered by the clerk (the record is created here, numbered in the year's incoming register) →
 * a leader directs it (bút phê) → the clerk distributes it to the departments → the lead department's
 * lead forwards it to staff (Điều 6.3) → done, or answered by an outgoing reply (Điều 7; a document that
 * requires a reply cannot simply be closed). An internal recipient's copy of an issued outgoing document
 * arrives distributed. Pure: no I/O, no clock; who may fire what is the policy's, the departments and
 * deadlines are the service's.
 */
export const INCOMING_DOCUMENT_MACHINE_ID = 'incoming-document';

/** Bump when the definition changes (tests/domain/machine-versions.test.ts pins the hash). 1: issue 8. */
export const INCOMING_DOCUMENT_MACHINE_VERSION = 1;

/**
 * State tags: `handling` — a handling deadline runs (reminders, overdue marks); `awaitingDirection` —
 * waits for a leader; `finished` — nothing more to do.
 */
export const INCOMING_DOCUMENT_TAGS = ['handling', 'awaitingDirection', 'finished'] as const;

export const incomingDocumentMachine = setup({
  types: {
    context: {} as IncomingDocumentContext,
    events: {} as IncomingDocumentEvent,
    input: {} as IncomingDocumentInput | undefined,
  },
  guards: {
    replyNotRequired: ({ context }) => !context.replyRequired,
    notYetOverdue: ({ context }) => !context.overdue,
  },
  actions: {
    recordDirection: assign(({ context, event }) => ({
      replyRequired: (event as Extract<IncomingDocumentEvent, { type: 'DIRECT' }>).replyRequired ?? context.replyRequired,
    })),
    countForward: assign(({ context }) => ({ forwards: context.forwards + 1 })),
    markOverdue: assign({ overdue: true }),
  },
}).createMachine({
  id: INCOMING_DOCUMENT_MACHINE_ID,
  initial: 'registered',
  context: ({ input }) => ({ replyRequired: input?.replyRequired ?? false, overdue: false, forwards: 0 }),
  states: {
    registered: {
      tags: ['awaitingDirection'],
      on: {
        DIRECT: { target: 'directed', actions: 'recordDirection' },
        ROUTE_INTERNAL: { target: 'distributed' },
      },
    },
    directed: {
      tags: ['handling'],
      on: {
        DISTRIBUTE: { target: 'distributed' },
        DEADLINE_PASSED: { guard: 'notYetOverdue', actions: 'markOverdue' },
      },
    },
    distributed: {
      tags: ['handling'],
      on: {
        FORWARD: { target: 'inProgress', actions: 'countForward' },
        COMPLETE: { guard: 'replyNotRequired', target: 'done' },
        ANSWER: { target: 'answered' },
        DEADLINE_PASSED: { guard: 'notYetOverdue', actions: 'markOverdue' },
      },
    },
    inProgress: {
      tags: ['handling'],
      on: {
        FORWARD: { actions: 'countForward' },
        COMPLETE: { guard: 'replyNotRequired', target: 'done' },
        ANSWER: { target: 'answered' },
        DEADLINE_PASSED: { guard: 'notYetOverdue', actions: 'markOverdue' },
      },
    },
    done: { type: 'final', tags: ['finished'] },
    answered: { type: 'final', tags: ['finished'] },
  },
});
