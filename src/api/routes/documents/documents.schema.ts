import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { INCOMING_DOCUMENT_STATES } from '../../../../machines/incoming-document/index.ts';
import { OUTGOING_DOCUMENT_STATES } from '../../../../machines/outgoing-document/index.ts';
import { URGENCIES } from '../../../domain/documents/document-presenter.ts';
import { DOCUMENT_FILE_KINDS } from '../../../domain/documents/document-files.ts';
import { SECRECY_LEVELS } from '../../../domain/documents/document.service.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { Id, Instant, LocalDate, Nullable, Text } from '../../schemas/common.ts';
import { eventBody, eventSchemas } from '../../schemas/event-body.ts';
import { validate } from '../../validation.ts';

const lit = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const DocumentTypeSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable ASCII code, sent as `typeCode`' }),
    name: Type.String({ description: 'As Decree 30/2020/NĐ-CP writes it' }),
    abbreviation: Nullable(Type.String({ description: 'In symbols (`QĐ`, `TTr`, `QyĐ`); null for Công văn and Thư công' })),
    use: Type.Union([Type.Literal('administrative'), Type.Literal('copy'), Type.Literal('incomingOnly'), Type.Literal('refused')], {
      description: 'administrative: Art. 7 types; copy: SY/TrS/SL; incomingOnly: normative documents a Sở receives but never issues; refused: complaint letters (Điều 4.2.b)',
    }),
  },
  { additionalProperties: false },
);

const Urgency = lit(URGENCIES);
const common = {
  typeCode: Type.String({ minLength: 1, maxLength: 16, description: 'A code of GET /api/document-types' }),
  summary: Text(2000),
  secrecy: Type.Union(SECRECY_LEVELS.map((s) => Type.Literal(s)), {
    description: 'Độ mật. Anything but `none` is refused with 422 SECRET_DOCUMENT_REFUSED (Điều 4.2.a): state secrets never enter the system',
  }),
  isComplaint: Type.Optional(Type.Boolean({ description: 'A complaint or denunciation letter: refused with 422 COMPLAINT_REFUSED (Điều 4.2.b)' })),
  urgency: Type.Optional(Type.Union(URGENCIES.map((u) => Type.Literal(u)), { description: 'Độ khẩn: normal (thường), urgent (khẩn), very_urgent (thượng khẩn), flash (hỏa tốc)' })),
  documentDate: Type.Optional(Nullable(LocalDate)),
  pageCount: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100000 }))),
  copies: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100000 }))),
  signerName: Type.Optional(Nullable(Text(100))),
  signerPosition: Type.Optional(Nullable(Text(100))),
  recipientsText: Type.Optional(Nullable(Text(1000))),
  note: Type.Optional(Nullable(Text(1000))),
};

export const NewIncomingBody = Type.Object(
  {
    direction: Type.Literal('incoming'),
    ...common,
    issuerName: Text(300),
    sourceSymbol: Text(60),
    arrivedAt: Type.Optional(Instant),
    replyRequired: Type.Optional(Type.Boolean()),
    dueAt: Type.Optional(Nullable(Instant)),
  },
  { additionalProperties: false, title: 'NewIncomingDocument' },
);

export const NewOutgoingBody = Type.Object(
  {
    direction: Type.Literal('outgoing'),
    ...common,
    recipients: Type.Optional(
      Type.Object(
        {
          internal: Type.Optional(Type.Array(Id, { maxItems: 100, description: 'Departments that receive it as an incoming document' })),
          external: Type.Optional(Type.Array(Type.Object({ name: Text(300), copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }), { maxItems: 100 })),
        },
        { additionalProperties: false },
      ),
    ),
    alreadySigned: Type.Optional(Type.Boolean({ description: 'The clerk registers a document signed outside the system (Điều 8): it waits for its number at once' })),
  },
  { additionalProperties: false, title: 'NewOutgoingDocument' },
);

export const NewDocumentBody = Type.Union([NewIncomingBody, NewOutgoingBody]);

/** Validates against the direction's own schema, so that errors name the real problem. */
export function validateNewDocument(value: unknown) {
  const direction = typeof value === 'object' && value !== null ? (value as { direction?: unknown }).direction : undefined;
  if (direction === 'incoming') return validate<typeof NewIncomingBody.static>(NewIncomingBody, value, 'body');
  if (direction === 'outgoing') return validate<typeof NewOutgoingBody.static>(NewOutgoingBody, value, 'body');
  throw new ValidationError('VALIDATION_FAILED', 'body/direction must be "incoming" or "outgoing"', { problems: [{ path: 'body/direction', message: 'must be "incoming" or "outgoing"' }] });
}

const note = { note: Type.Optional(Text(2000)) };
const DepartmentPart = Type.Object({ departmentId: Id, dueAt: Type.Optional(Instant), note: Type.Optional(Text(2000)) }, { additionalProperties: false });

/** Payload of each event staff send (the system's ROUTE_INTERNAL and DEADLINE_PASSED are not sent over HTTP). */
const PAYLOADS: Record<string, Record<string, TSchema>> = {
  DIRECT: {
    lead: DepartmentPart,
    coordinating: Type.Optional(Type.Array(DepartmentPart, { maxItems: 30 })),
    text: Text(4000),
    replyRequired: Type.Optional(Type.Boolean()),
  },
  DISTRIBUTE: note,
  FORWARD: { userId: Id, dueAt: Type.Optional(Instant), ...note },
  COMPLETE: note,
  ANSWER: { outgoingId: Id, ...note },
  SUBMIT: note,
  APPROVE: note,
  REJECT: { reason: Text(2000) },
  SIGN: { signerPosition: Type.Optional(Text(100)), ...note },
  REGISTER_SIGNED: { signerName: Text(100), signerPosition: Type.Optional(Text(100)), ...note },
  ISSUE: note,
};

export const STAFF_EVENTS = ['DIRECT', 'DISTRIBUTE', 'FORWARD', 'COMPLETE', 'ANSWER', 'SUBMIT', 'APPROVE', 'REJECT', 'SIGN', 'REGISTER_SIGNED', 'ISSUE'] as const;
export const DocumentEventBody = eventBody(eventSchemas(PAYLOADS) as Record<string, TObject>, STAFF_EVENTS);

const TimelineEntry = Type.Object(
  {
    seq: Type.Integer(),
    type: Type.String(),
    at: Instant,
    actor: Type.Object({ kind: Type.String(), id: Nullable(Type.Integer()), name: Nullable(Type.String()) }, { additionalProperties: false }),
    fromState: Nullable(Type.String()),
    toState: Nullable(Type.String()),
    payload: Type.Object({}, { additionalProperties: true, description: 'The event’s body besides type and version, and what the service recorded with it' }),
  },
  { additionalProperties: false },
);

export const DocumentFile = Type.Object(
  { id: Id, kind: lit(DOCUMENT_FILE_KINDS), name: Type.String(), mediaType: Type.String(), size: Type.Integer(), attachedAt: Instant },
  { additionalProperties: false },
);

export const DocumentSchema = Type.Object(
  {
    id: Id,
    direction: Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')]),
    state: lit([...INCOMING_DOCUMENT_STATES, ...OUTGOING_DOCUMENT_STATES]),
    version: Type.Integer({ minimum: 1 }),
    machine: Type.Object({ id: Type.String(), version: Type.Integer() }, { additionalProperties: false }),
    allowedEvents: Type.Array(Type.String(), { description: 'What the caller may fire now' }),
    typeCode: Type.String(),
    typeName: Type.String(),
    summary: Type.String(),
    urgency: Urgency,
    registerYear: Nullable(Type.Integer()),
    number: Nullable(Type.Integer({ description: 'Số đến (incoming) or số (outgoing) in the year’s register; null until an outgoing document is issued' })),
    symbol: Nullable(Type.String({ description: 'Our number and symbol once issued: 05/QĐ-SCT, 123/SCT-QLTM' })),
    sourceSymbol: Nullable(Type.String({ description: 'The issuer’s number and symbol (incoming)' })),
    issuerName: Nullable(Type.String()),
    documentDate: Nullable(LocalDate),
    arrivedAt: Nullable(Instant),
    registeredLate: Type.Boolean(),
    issuedAt: Nullable(Instant),
    signer: Type.Object({ name: Nullable(Type.String()), position: Nullable(Type.String()), userId: Nullable(Id), signedAt: Nullable(Instant) }, { additionalProperties: false }),
    pageCount: Nullable(Type.Integer()),
    copies: Nullable(Type.Integer()),
    recipientsText: Nullable(Type.String()),
    note: Nullable(Type.String()),
    draftingDepartmentId: Nullable(Id),
    drafterId: Nullable(Id),
    leadDepartmentId: Nullable(Id),
    directedBy: Nullable(Id),
    directedAt: Nullable(Instant),
    deliveredAt: Nullable(Instant),
    replyRequired: Type.Boolean(),
    dueAt: Nullable(Instant),
    overdueAt: Nullable(Instant),
    finishedAt: Nullable(Instant),
    sourceDocumentId: Nullable(Id),
    lastRejection: Nullable(Type.String()),
    assignments: Type.Array(
      Type.Object(
        {
          departmentId: Id,
          departmentName: Type.String(),
          role: Type.Union([Type.Literal('lead'), Type.Literal('coordinating'), Type.Literal('recipient')]),
          dueAt: Nullable(Instant),
          note: Nullable(Type.String()),
          deliveredAt: Nullable(Instant),
          forwards: Type.Array(
            Type.Object({ userId: Id, userName: Type.String(), dueAt: Nullable(Instant), note: Nullable(Type.String()), forwardedAt: Instant }, { additionalProperties: false }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    recipients: Type.Array(
      Type.Object(
        {
          kind: Type.Union([Type.Literal('internal'), Type.Literal('external')]),
          departmentId: Nullable(Id),
          name: Type.String(),
          copies: Nullable(Type.Integer()),
          sentAt: Nullable(Instant),
          incomingDocumentId: Nullable(Id),
        },
        { additionalProperties: false },
      ),
    ),
    replies: Type.Array(Id, { description: 'The outgoing replies of an incoming document, or the incoming documents an outgoing one answers (Điều 7)' }),
    files: Type.Array(DocumentFile),
    createdAt: Instant,
    updatedAt: Instant,
    timeline: Type.Optional(Type.Array(TimelineEntry)),
    warnings: Type.Optional(
      Type.Array(
        Type.Object({ code: Type.String({ description: 'POSSIBLE_DUPLICATE, REGISTERED_LATE' }), message: Type.String(), details: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false }),
      ),
    ),
  },
  { additionalProperties: false, title: 'Document' },
);
