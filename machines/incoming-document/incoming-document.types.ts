/** Events of an incoming document (văn bản đến). Every event carries `at`, the instant it happened. */
export type IncomingDocumentEvent =
  /** A leader's direction (bút phê): lead and coordinating departments with their deadlines (Điều 6.2). */
  | { type: 'DIRECT'; at: string; replyRequired?: boolean }
  /** The clerk hands the document over to the departments of the direction (Ngày chuyển). */
  | { type: 'DISTRIBUTE'; at: string }
  /** An internal recipient's copy of an issued outgoing document arrives distributed already. */
  | { type: 'ROUTE_INTERNAL'; at: string }
  /** A department lead forwards it to a staff member with their own deadline (Điều 6.3); may repeat. */
  | { type: 'FORWARD'; at: string }
  /** Handled, when no reply is required. */
  | { type: 'COMPLETE'; at: string }
  /** Answered by an outgoing reply, linked to it (Điều 7). */
  | { type: 'ANSWER'; at: string }
  /** The deadline worker: the handling deadline passed. */
  | { type: 'DEADLINE_PASSED'; at: string };

export type IncomingDocumentEventType = IncomingDocumentEvent['type'];

export const INCOMING_DOCUMENT_EVENT_TYPES = ['DIRECT', 'DISTRIBUTE', 'ROUTE_INTERNAL', 'FORWARD', 'COMPLETE', 'ANSWER', 'DEADLINE_PASSED'] as const satisfies readonly IncomingDocumentEventType[];

export const INCOMING_DOCUMENT_STATES = ['registered', 'directed', 'distributed', 'inProgress', 'done', 'answered'] as const;
export type IncomingDocumentState = (typeof INCOMING_DOCUMENT_STATES)[number];

export interface IncomingDocumentContext {
  /** The document asks for an answer (Điều 7): it ends answered, not done. */
  replyRequired: boolean;
  /** The handling deadline passed while it was open (marked once). */
  overdue: boolean;
  forwards: number;
}

export interface IncomingDocumentInput {
  replyRequired?: boolean;
}
