import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { DOSSIER_EVENT_TYPES, DOSSIER_STATES, type DossierEventType } from '../../../../machines/dossier/index.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { Id, Instant, Nullable, Page, PageSize, Text } from '../../schemas/common.ts';
import { validate } from '../../validation.ts';

export const ApplicantSchema = Type.Object(
  {
    name: Text(200),
    idNumber: Type.Optional(Nullable(Type.String({ pattern: '^[0-9A-Za-z]{6,20}$', description: 'Personal or organisation identification number (số định danh)' }))),
    phone: Type.Optional(Nullable(Type.String({ pattern: '^\\+?[0-9 .-]{6,20}$' }))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
    address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);

export const NewDossierBody = Type.Object(
  {
    procedureId: Id,
    applicant: ApplicantSchema,
    subject: Type.Optional(Nullable(Type.String({ maxLength: 1000, description: 'What is requested, in the applicant’s words' }))),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);

const reason = { reason: Text(2000) };
const note = { note: Type.Optional(Text(2000)) };
const Result = Type.Union([Type.Literal('grant'), Type.Literal('refuse')]);

/** Payload of each event, as API clients send it (DESIGN §3). `version` is the version the client last saw. */
const PAYLOADS: Record<DossierEventType, Record<string, TSchema>> = {
  RECEIVE: note,
  REQUEST_SUPPLEMENT: { guidance: Text(4000) },
  SUPPLEMENT: note,
  SUPPLEMENT_EXPIRED: {},
  REFUSE: reason,
  ASSIGN: { assigneeId: Id },
  REASSIGN: { assigneeId: Id },
  VERIFY: { ...note, opinion: Type.Optional(Text(4000)), proposedResult: Type.Optional(Result) },
  INVALID: reason,
  INSPECT: { report: Text(4000) },
  PROPOSE: { opinion: Text(4000), proposedResult: Result },
  SEND_BACK: reason,
  APPROVE: note,
  DISAGREE: reason,
  PAYMENT_RECEIVED: { receiptNumber: Text(64) },
  RETURN_RESULT: { method: Type.Optional(Type.Union([Type.Literal('counter'), Type.Literal('post'), Type.Literal('electronic')])), ...note },
  WITHDRAW: reason,
  STOP: reason,
  ISSUE_APOLOGY: { ...reason, newDueAt: Instant },
  STEP_OVERDUE: { step: Type.String({ maxLength: 40 }), dueAt: Instant },
  APPOINTMENT_PASSED: { dueAt: Instant },
};

export const EVENT_SCHEMAS = Object.fromEntries(
  DOSSIER_EVENT_TYPES.map((type) => [
    type,
    Type.Object({ type: Type.Literal(type), version: Type.Integer({ minimum: 1 }), ...PAYLOADS[type] }, { additionalProperties: false, title: type }),
  ]),
) as unknown as Record<DossierEventType, TObject>;

export type EventBody = { type: DossierEventType; version: number } & Record<string, unknown>;

export const DossierEventBody = Type.Unsafe<EventBody>(Type.Union(Object.values(EVENT_SCHEMAS), { description: 'An event and the version the client last saw' }));
export const ApplicantEventBody = Type.Unsafe<EventBody>(Type.Union([EVENT_SCHEMAS.SUPPLEMENT, EVENT_SCHEMAS.WITHDRAW]));

/**
 * Checks an event body against the schema of its own type, so that an unknown event and a bad payload
 * get distinct, precise errors.
 * @throws ValidationError UNKNOWN_EVENT or VALIDATION_FAILED.
 */
export function validateEventBody(value: unknown): EventBody {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(DOSSIER_EVENT_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError('UNKNOWN_EVENT', `Unknown event type ${JSON.stringify(type ?? null)}`, { knownEvents: DOSSIER_EVENT_TYPES });
  }
  return validate<EventBody>(EVENT_SCHEMAS[type as DossierEventType], value, 'body');
}

/** The applicant as answers show them. */
export const ApplicantView = Type.Object(
  { name: Type.String(), idNumber: Nullable(Type.String()), phone: Nullable(Type.String()), email: Nullable(Type.String()), address: Nullable(Type.String()) },
  { additionalProperties: false },
);

const StateSchema = Type.Union(DOSSIER_STATES.map((s) => Type.Literal(s)));

/** A state or a parent state (`inDepartment` for its three steps): an unknown one is a 400, not an empty page. */
const StateFilter = Type.Union(
  [...new Set(DOSSIER_STATES.flatMap((s) => s.split('.').map((_part, i, parts) => parts.slice(0, i + 1).join('.'))))].map((s) => Type.Literal(s)),
  { description: 'A state or a parent state (inDepartment)' },
);

const TimelineEntry = Type.Object(
  {
    seq: Type.Integer(),
    type: Type.String(),
    at: Instant,
    actor: Type.Object({ kind: Type.String(), id: Nullable(Type.Integer()), name: Nullable(Type.String()) }, { additionalProperties: false }),
    fromState: Nullable(Type.String()),
    toState: Nullable(Type.String()),
    payload: Type.Object(
      {},
      {
        additionalProperties: true,
        description:
          'What the event carried, by event type: the fields its body had besides `type` and `version` (reason, note, guidance, assigneeId, opinion, proposedResult, report, receiptNumber, method, newDueAt, step, dueAt), ' +
          'plus what the service recorded with it (the intake: code, channel, procedureId, procedureRuleId, applicant, subject; a change of step: handover with fromStep, toStep, stepDueAt, stepOutcome)',
        examples: [{ reason: 'Thiếu bản sao giấy chứng nhận đăng ký doanh nghiệp' }, { assigneeId: 12 }],
      },
    ),
  },
  { additionalProperties: false },
);

const dossierFields = {
  id: Id,
  code: Type.String({ description: '<agency identifier>-<YYMMDD>-<system code><sequence of the day>' }),
  procedure: Type.Object({ id: Id, code: Type.String(), name: Type.String() }, { additionalProperties: false }),
  departmentId: Id,
  channel: Type.Union([Type.Literal('counter'), Type.Literal('online'), Type.Literal('post')]),
  state: StateSchema,
  nationalStatus: Type.Integer({ description: 'Status code of the national public-service portal' }),
  version: Type.Integer({ minimum: 1 }),
  applicant: ApplicantView,
  subject: Nullable(Type.String()),
  assigneeId: Nullable(Id),
  submittedAt: Instant,
  receivedAt: Nullable(Instant),
  dueAt: Nullable(Instant),
  originalDueAt: Nullable(Instant),
  apologyBy: Nullable(Instant),
  step: Nullable(Type.String()),
  stepStartedAt: Nullable(Instant),
  stepDueAt: Nullable(Instant),
  stepOverdueAt: Nullable(Instant),
  lateAt: Nullable(Instant),
  result: Nullable(Result),
  outcome: Nullable(Type.Union([Type.Literal('early'), Type.Literal('onTime'), Type.Literal('late')])),
  finishedAt: Nullable(Instant),
  createdAt: Instant,
  updatedAt: Instant,
  machine: Type.Object({ id: Type.String(), version: Type.Integer() }, { additionalProperties: false }),
  allowedEvents: Type.Array(Type.String(), { description: 'Events the caller may fire now' }),
};

export const Dossier = Type.Object({ ...dossierFields, timeline: Type.Optional(Type.Array(TimelineEntry)) }, { additionalProperties: false, title: 'Dossier' });

export const DossierPage = Type.Object(
  { items: Type.Array(Dossier), page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer() },
  { additionalProperties: false },
);

export const DossierQuery = Type.Object(
  {
    state: Type.Optional(StateFilter),
    procedureId: Type.Optional(Id),
    departmentId: Type.Optional(Id),
    assigneeId: Type.Optional(Type.Union([Id, Type.Literal('me')])),
    overdue: Type.Optional(Type.Boolean()),
    code: Type.Optional(Type.String({ maxLength: 64 })),
    page: Page,
    pageSize: PageSize,
  },
  { additionalProperties: false },
);

export const PublicDossier = Type.Object(
  {
    id: Id,
    code: Type.String(),
    procedure: Type.Object({ code: Type.String(), name: Type.String() }, { additionalProperties: false }),
    state: StateSchema,
    nationalStatus: Type.Integer(),
    version: Type.Integer(),
    submittedAt: Instant,
    receivedAt: Nullable(Instant),
    dueAt: Nullable(Instant),
    result: Nullable(Result),
    allowedEvents: Type.Array(Type.String()),
    timeline: Type.Array(
      Type.Object({ type: Type.String(), at: Instant, state: Nullable(Type.String()), details: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false, title: 'PublicDossier' },
);

export const IdempotencyHeader = {
  name: 'Idempotency-Key',
  description: 'Makes a retry safe: the same key replayed returns the first answer and changes nothing (1–200 visible ASCII characters)',
};
