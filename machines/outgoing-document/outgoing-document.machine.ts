import { assign, setup } from 'xstate';
import type { OutgoingDocumentContext, OutgoingDocumentEvent } from './outgoing-document.types.ts';

/**
 * An outgoing document (văn bản đi, Điều 8 of Quy chế 80/QĐ-SCT; Decree 30/2020/NĐ-CP Art. 10–19).
 *
 * draft → underReview (the drafting department's lead checks the content) → awaitingSignature (the
 * director or a deputy signs) → awaitingIssue → issued (the clerk numbers it in the year's outgoing
 * register, attaches the signed scan and sends it, the same day as signing or the next working day,
 * Art. 16). A rejection returns it to draft with a reason. A document signed on paper outside the system
 * is registered by the clerk straight to awaitingIssue (Điều 8). Pure: no I/O, no clock.
 */
export const OUTGOING_DOCUMENT_MACHINE_ID = 'outgoing-document';

/** Bump when the definition changes (tests/domain/machine-versions.test.ts pins the hash). 1: issue 8. */
export const OUTGOING_DOCUMENT_MACHINE_VERSION = 1;

/** State tags: `drafting` — with the drafter; `inApproval` — with a leader; `finished`. */
export const OUTGOING_DOCUMENT_TAGS = ['drafting', 'inApproval', 'finished'] as const;

export const outgoingDocumentMachine = setup({
  types: {
    context: {} as OutgoingDocumentContext,
    events: {} as OutgoingDocumentEvent,
  },
  actions: {
    recordRejection: assign(({ context, event }) => ({
      rejections: context.rejections + 1,
      lastRejection: (event as Extract<OutgoingDocumentEvent, { type: 'REJECT' }>).reason ?? null,
    })),
  },
}).createMachine({
  id: OUTGOING_DOCUMENT_MACHINE_ID,
  initial: 'draft',
  context: { rejections: 0, lastRejection: null },
  states: {
    draft: {
      tags: ['drafting'],
      on: { SUBMIT: { target: 'underReview' }, REGISTER_SIGNED: { target: 'awaitingIssue' } },
    },
    underReview: {
      tags: ['inApproval'],
      on: { APPROVE: { target: 'awaitingSignature' }, REJECT: { target: 'draft', actions: 'recordRejection' } },
    },
    awaitingSignature: {
      tags: ['inApproval'],
      on: { SIGN: { target: 'awaitingIssue' }, REJECT: { target: 'draft', actions: 'recordRejection' } },
    },
    awaitingIssue: {
      tags: ['inApproval'],
      on: { ISSUE: { target: 'issued' } },
    },
    issued: { type: 'final', tags: ['finished'] },
  },
});
