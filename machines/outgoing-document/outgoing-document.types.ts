/** Events of an outgoing document (văn bản đi). Every event carries `at`, the instant it happened. */
export type OutgoingDocumentEvent =
  /** The drafter sends the draft to their department's lead. */
  | { type: 'SUBMIT'; at: string }
  /** The department lead checks the content and passes it on for signature. */
  | { type: 'APPROVE'; at: string }
  /** Back to the drafter with a reason (the lead, or the director at signature). */
  | { type: 'REJECT'; at: string; reason: string }
  /** The director (or a deputy) signs it. */
  | { type: 'SIGN'; at: string }
  /** The clerk registers a document that arrived signed already (Điều 8). */
  | { type: 'REGISTER_SIGNED'; at: string }
  /** The clerk numbers it in the outgoing register, attaches the signed scan and sends it. */
  | { type: 'ISSUE'; at: string };

export type OutgoingDocumentEventType = OutgoingDocumentEvent['type'];

export const OUTGOING_DOCUMENT_EVENT_TYPES = ['SUBMIT', 'APPROVE', 'REJECT', 'SIGN', 'REGISTER_SIGNED', 'ISSUE'] as const satisfies readonly OutgoingDocumentEventType[];

export const OUTGOING_DOCUMENT_STATES = ['draft', 'underReview', 'awaitingSignature', 'awaitingIssue', 'issued'] as const;
export type OutgoingDocumentState = (typeof OUTGOING_DOCUMENT_STATES)[number];

export interface OutgoingDocumentContext {
  rejections: number;
  lastRejection: string | null;
}
