import { Type, type TSchema } from '@sinclair/typebox';
import { DOSSIER_EVENT_TYPES, DOSSIER_STATES, type DossierEventType } from '../../../../machines/dossier/index.ts';
import { Id, Instant, Nullable, Page, PageSize, Text } from '../../schemas/common.ts';
import { eventBody, eventSchemas } from '../../schemas/event-body.ts';

/**
 * The kinds of identity paper an applicant's number may be, and the number each has (checked by type):
 * - `cccd`: the citizen identity card's personal identification number, 12 digits (Luật Căn cước
 *   2023 Art. 12; Decree 70/2024/NĐ-CP Art. 13: province code, sex and century, year, 6 random digits);
 * - `taxCode`: an enterprise's or a taxpayer's code, 10 digits, or 13 written 10-3 for a branch or a
 *   dependent unit (Circular 105/2020/TT-BTC Art. 5; Luật Quản lý thuế 2019 Art. 30); the enterprise code
 *   is the tax code (Luật Doanh nghiệp 2020 Art. 29);
 * - `passport`: a Vietnamese passport, one letter and 7 digits (Luật Xuất cảnh, nhập cảnh của công dân
 *   Việt Nam 2019, the booklet's number as issued since 2011: B, C, N, P… then 7 digits);
 * - `foreignPassport`: a foreign passport, 6 to 9 letters or digits — the machine-readable zone of every
 *   ICAO Doc 9303 passport carries its number in a 9-character field (shorter ones padded), so 9 bounds
 *   it without refusing any state's format, and 6 keeps out typos that are not a passport at all.
 * Without a type the number is checked as before (6–20 letters or digits): older clients keep working.
 */
export const ID_TYPES = ['cccd', 'taxCode', 'passport', 'foreignPassport'] as const;
export type IdType = (typeof ID_TYPES)[number];
export const ID_NUMBER_PATTERNS: Record<IdType, string> = {
  cccd: '^[0-9]{12}$',
  taxCode: '^[0-9]{10}(-[0-9]{3})?$',
  passport: '^[A-Za-z][0-9]{7}$',
  foreignPassport: '^[A-Za-z0-9]{6,9}$',
};

export const ApplicantSchema = Type.Object(
  {
    name: Text(200),
    idType: Type.Optional(Type.Union([...ID_TYPES.map((t) => Type.Literal(t)), Type.Null()], { description: 'What the number is: cccd (12 digits), taxCode (10, or 10-3 digits), passport (Vietnamese: a letter and 7 digits), foreignPassport (6–9 letters or digits)' })),
    idNumber: Type.Optional(
      Nullable(Type.String({ pattern: '^([0-9A-Za-z]{6,20}|[0-9]{10}-[0-9]{3})$', description: 'Personal or organisation identification number (số định danh), checked by idType when it is given' })),
    ),
    phone: Type.Optional(Nullable(Type.String({ pattern: '^\\+?[0-9 .-]{6,20}$' }))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
    address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  {
    additionalProperties: false,
    // The number by its type: a refusal names `applicant/idNumber` with the type's pattern.
    allOf: ID_TYPES.map((t) => ({
      if: { properties: { idType: { const: t }, idNumber: { type: 'string' } }, required: ['idType', 'idNumber'] },
      then: { properties: { idNumber: { type: 'string', pattern: ID_NUMBER_PATTERNS[t] } } },
    })),
  },
);

/** The person acting for the applicant (người được ủy quyền): who they are and the paper that authorises them. */
export const ProxySchema = Type.Object(
  {
    name: Text(200),
    idNumber: Type.String({ pattern: '^[0-9A-Za-z]{6,20}$', description: 'The proxy’s identity number (số định danh cá nhân, CCCD or passport), checked against the paper they show' }),
    authorisation: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S', description: 'The authorisation paper shown: its kind, number and date (Giấy ủy quyền số 12/GUQ ngày 01/12/2026)' }),
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
    proxy: Type.Optional(ProxySchema),
    subject: Type.Optional(Nullable(Type.String({ maxLength: 1000, description: 'What is requested, in the applicant’s words' }))),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);

/** Counter intake: the dossier with the clerk's decision (Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP Mẫu 01–03). */
export const CounterDossierBody = Type.Object(
  {
    ...NewDossierBody.properties,
    decision: Type.Optional(
      Type.Union([Type.Literal('receive'), Type.Literal('guide'), Type.Literal('refuse')], {
        description:
          '`receive` (default): every required paper is received — the receipt (Mẫu 01) with its appointment; refused with 422 PAPERS_INCOMPLETE otherwise, changing nothing. `guide`: the applicant is guided once (Mẫu 02: the missing papers and `guidance`), the dossier is kept as not received, with no appointment. `refuse`: not received, with `reason` (Mẫu 03).',
      }),
    ),
    guidance: Type.Optional(Text(4000)),
    reason: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);

const reason = { reason: Text(2000) };
const note = { note: Type.Optional(Text(2000)) };
const Result = Type.Union([Type.Literal('grant'), Type.Literal('refuse')]);

/** Payload of each event, as API clients send it (DESIGN §3). `version` is the version the client last saw. */
const PAYLOADS: Record<DossierEventType, Record<string, TSchema>> = {
  RECEIVE: note,
  REQUEST_SUPPLEMENT: {
    guidance: Text(4000),
    missingPapers: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }), { maxItems: 50, uniqueItems: true, description: 'Codes of the required papers found missing (the procedure’s requiredPapers), printed by name on Mẫu 02' }),
    ),
  },
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

export const EVENT_SCHEMAS = eventSchemas(PAYLOADS);

/** Every event staff (and API clients acting for them) may send. */
export const DossierEventBody = eventBody(EVENT_SCHEMAS, DOSSIER_EVENT_TYPES);
/** What the applicant may send with the tracking secret (Decree 118/2025 Art. 21.2: withdraw online). */
export const ApplicantEventBody = eventBody(EVENT_SCHEMAS, ['SUPPLEMENT', 'WITHDRAW'] as const);

/** The applicant as answers show them. */
export const ApplicantView = Type.Object(
  { name: Type.String(), idNumber: Nullable(Type.String()), phone: Nullable(Type.String()), email: Nullable(Type.String()), address: Nullable(Type.String()) },
  { additionalProperties: false },
);

/** The proxy as answers show them; null when the applicant acted in person. */
export const ProxyView = Type.Object(
  { name: Type.String(), idNumber: Type.String(), authorisation: Type.String(), phone: Nullable(Type.String()), email: Nullable(Type.String()), address: Nullable(Type.String()) },
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
  code: Type.String({ description: '<agency identifier>-<YYMMDD>-<sequence of the day, ≥ 4 digits> (a configured system code goes before the sequence)' }),
  procedure: Type.Object({ id: Id, code: Type.String(), name: Type.String() }, { additionalProperties: false }),
  departmentId: Id,
  channel: Type.Union([Type.Literal('counter'), Type.Literal('online'), Type.Literal('post')]),
  state: StateSchema,
  nationalStatus: Type.Integer({ description: 'Status code of the national public-service portal' }),
  version: Type.Integer({ minimum: 1 }),
  applicant: ApplicantView,
  proxy: Nullable(ProxyView),
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

/** A paper of a dossier (thành phần hồ sơ, or the result document). */
export const Paper = Type.Object(
  {
    id: Id,
    kind: Type.String({ description: 'A required paper’s code (see the procedure’s requiredPapers), `other`, or `result` (the giấy phép handed back)' }),
    name: Type.String({ description: 'The filename given at upload, cleaned (NFC, no control characters or path)' }),
    mediaType: Type.String({ description: 'Sniffed from the content at upload' }),
    size: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    attachedAt: Instant,
    attachedBy: Type.Object(
      { kind: Type.Union([Type.Literal('user'), Type.Literal('applicant')]), id: Nullable(Id), name: Nullable(Type.String()) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: 'Paper' },
);

/** One required paper of the procedure, received or not. */
export const ChecklistItem = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    copies: Type.Optional(Type.Integer()),
    copyType: Type.Optional(Type.Union([Type.Literal('original'), Type.Literal('copy'), Type.Literal('certifiedCopy')], { description: 'bản chính / bản sao / bản sao chứng thực' })),
    original: Type.Optional(Type.Boolean()),
    received: Type.Boolean(),
    paperIds: Type.Array(Id),
  },
  { additionalProperties: false },
);

export const DossierPapers = Type.Object(
  {
    items: Type.Array(Paper),
    checklist: Type.Array(ChecklistItem, { description: 'The procedure’s required papers (the rules the dossier was received under), each marked received or not' }),
  },
  { additionalProperties: false },
);

export const Dossier = Type.Object(
  {
    ...dossierFields,
    timeline: Type.Optional(Type.Array(TimelineEntry)),
    papers: Type.Optional(Type.Array(Paper, { description: 'On the single dossier: its papers' })),
    checklist: Type.Optional(Type.Array(ChecklistItem, { description: 'On the single dossier: the procedure’s required papers, received or not' })),
  },
  { additionalProperties: false, title: 'Dossier' },
);

export const DossierPage = Type.Object(
  {
    items: Type.Array(Dossier),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    total: Type.Integer({ description: 'Dossiers matching the filter, counted up to 1000 (then totalIsLowerBound is true)' }),
    totalIsLowerBound: Type.Boolean({ description: 'true when more than `total` (1000) dossiers match: lists never count a million rows' }),
    nextAfter: Type.Union([Id, Type.Null()], { description: 'Pass as `after` for the next page (keyset paging, any depth); null on the last page' }),
  },
  { additionalProperties: false },
);

/** Search, date range, sorting and keyset paging of the dossier list (issue 6 §3, §4). */
const listFilters = {
  codePrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The code starts with this' })),
  applicantName: Type.Optional(Type.String({ minLength: 2, maxLength: 200, description: "The applicant's name starts with this (as written, accents and case included)" })),
  applicantIdNumber: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{6,20}$', description: "The applicant's identification number (số định danh), exactly" })),
  channel: Type.Optional(Type.Union([Type.Literal('counter'), Type.Literal('online'), Type.Literal('post')])),
  receivedFrom: Type.Optional({ ...Instant, description: 'Received at or after this instant' }),
  receivedTo: Type.Optional({ ...Instant, description: 'Received at or before this instant (not before receivedFrom: 400 INVALID_RANGE)' }),
  sort: Type.Optional(
    Type.Union([Type.Literal('newest'), Type.Literal('oldest'), Type.Literal('due')], {
      description: 'newest first (default), oldest first, or by the appointment in force, soonest first (dossiers without one last)',
      default: 'newest',
    }),
  ),
  after: Type.Optional({ ...Id, description: 'Keyset paging: the `nextAfter` of the previous page (with `page` left at 1)' }),
};

export const DossierQuery = Type.Object(
  {
    state: Type.Optional(StateFilter),
    procedureId: Type.Optional(Id),
    departmentId: Type.Optional(Id),
    assigneeId: Type.Optional(Type.Union([Id, Type.Literal('me')])),
    overdue: Type.Optional(Type.Boolean()),
    code: Type.Optional(Type.String({ maxLength: 64 })),
    ...listFilters,
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
    supplementDueAt: Nullable(Instant),
    result: Nullable(Result),
    allowedEvents: Type.Array(Type.String()),
    timeline: Type.Array(
      Type.Object({ type: Type.String(), at: Instant, state: Nullable(Type.String()), details: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false, title: 'PublicDossier' },
);
