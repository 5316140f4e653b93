import { Type } from '@sinclair/typebox';
import { fireDossierEvent, getDossier } from '../../../domain/dossiers/dossier.service.ts';
import { readDossierList } from '../../list-threads/read-dossier-list.ts';
import { receiveCounterDossier } from '../../../domain/dossiers/dossier-intake.ts';
import { ALLOWED_MEDIA_TYPES } from '../../../files/content-type.ts';
import { receiveCounterDossierFromMultipart } from '../../../files/counter-intake-upload.ts';
import { fileStoreAt } from '../../../files/file-store.ts';
import { validate } from '../../validation.ts';
import { userActor } from '../../../auth/actor.ts';
import { DOSSIER_FORMS, dossierForm, logBook, type DossierFormName } from '../../../domain/dossiers/dossier-forms.ts';
import { DOSSIER_ROLES } from '../../../auth/policies/dossier.policy.ts';
import { dossierDeps } from '../../deps.ts';
import { defineRoute } from '../../route.ts';
import { Id, IdParams, Instant, LocalDate, Nullable, Page, PageSize } from '../../schemas/common.ts';
import { ApplicantView, CounterDossierBody, Dossier, DossierEventBody, DossierPage, DossierQuery, ProxyView } from './dossiers.schema.ts';

export const dossierRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/dossiers',
    tag: 'dossiers',
    summary: 'A dossier handed in at the counter (one-stop): received, guided or refused',
    description:
      'A complete dossier (`decision` receive, the default) is received at once: it gets its code, its appointment (hẹn trả) and its first step. A dossier lacking a required paper is never received (Decree 118/2025/NĐ-CP): 422 PAPERS_INCOMPLETE lists the missing papers and nothing is stored; send `decision: guide` (Mẫu 02, the dossier waits for the supplement, no appointment) or `decision: refuse` with a `reason` (Mẫu 03). A guided dossier takes the papers later (POST /api/dossiers/:id/papers), then SUPPLEMENT and RECEIVE.',
    auth: ['onestop'],
    body: CounterDossierBody,
    multipart: {
      schema: {
        type: 'object',
        required: ['dossier'],
        properties: {
          dossier: { type: 'string', description: 'The dossier as the JSON body would carry it (with its `decision`)' },
          kind: { type: 'array', items: { type: 'string' }, description: 'One per file, in the same order: a required paper’s code (the procedure’s requiredPapers) or `other`' },
          file: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'The scans of the papers handed in, each after its `kind`' },
        },
      },
      encoding: { file: { contentType: Object.keys(ALLOWED_MEDIA_TYPES).join(', ') } },
      description:
        'application/json, or multipart/form-data with the dossier as JSON in the `dossier` field, then `kind` and `file` for each scan (curl: `-F dossier=@dossier.json -F kind=don-de-nghi -F file=@don.pdf`): a receipt is judged against the papers sent with it. A refusal stores nothing, not even the files.',
    },
    response: { status: 201, schema: Dossier, description: 'The dossier, received, awaiting the supplement, or refused' },
    errorCodes: {
      400: ['UNKNOWN_REFERENCE', 'PROCEDURE_NOT_IN_FORCE', 'CALENDAR_NO_WORKING_TIME', 'UNKNOWN_PAPER_KIND', 'GUIDANCE_REQUIRED', 'REASON_REQUIRED', 'MALFORMED_MULTIPART', 'INVALID_FILE_NAME', 'MALFORMED_JSON', 'NO_FILES'],
      413: ['PAYLOAD_TOO_LARGE', 'TOO_MANY_FILES', 'TOO_MANY_FIELDS'],
      415: ['UNSUPPORTED_MEDIA_TYPE'],
      422: ['PAPERS_INCOMPLETE', 'UNSUPPORTED_FILE_TYPE'],
    },
    errors: [400, 401, 403, 413, 415, 422],
    idempotent: true,
    handler: ({ body, principal, deps, idempotency, idempotencyOfStreamed, ctx }) =>
      ctx.request.is('multipart/form-data') === 'multipart/form-data'
        ? receiveCounterDossierFromMultipart(dossierDeps(deps), fileStoreAt(deps.config.filesDir), deps.config.upload, principal, (json) => validate(CounterDossierBody, json, 'body'), { stream: ctx.req, headers: ctx.req.headers }, idempotencyOfStreamed)
        : receiveCounterDossier(dossierDeps(deps), principal, body, idempotency),
  }),
  defineRoute({
    method: 'get',
    path: '/api/dossiers',
    tag: 'dossiers',
    summary: 'List dossiers',
    description: 'Department staff see their department’s dossiers; the one-stop unit, the director and admins see all.',
    auth: DOSSIER_ROLES,
    query: DossierQuery,
    response: { status: 200, schema: DossierPage, description: 'A page of dossiers, newest first' },
    errors: [400, 401, 403],
    errorCodes: { 400: ['INVALID_CURSOR', 'PAGE_TOO_DEEP', 'UNKNOWN_STATE', 'INVALID_RANGE'] },
    handler: ({ query, principal, deps }) =>
      readDossierList(deps, principal, { ...query, assigneeId: query.assigneeId === 'me' ? principal.userId : query.assigneeId }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/dossiers/:id',
    tag: 'dossiers',
    summary: 'A dossier with its timeline, its papers against the procedure’s checklist, and the events you may fire',
    auth: DOSSIER_ROLES,
    params: IdParams,
    response: { status: 200, schema: Dossier, description: 'The dossier' },
    errors: [400, 401, 403, 404],
    handler: ({ params, principal, deps }) => getDossier(dossierDeps(deps), principal, params.id),
  }),
  defineRoute({
    method: 'post',
    path: '/api/dossiers/:id/events',
    tag: 'dossiers',
    summary: 'Fire an event on a dossier',
    description:
      '200 with the new state, version and allowed events; 409 STALE_VERSION when `version` is not the current one; 422 INVALID_TRANSITION when the state does not allow the event (the answer lists the allowed ones); 403 when it is not yours to do; 400 for a malformed body or an unknown event.',
    auth: DOSSIER_ROLES,
    params: IdParams,
    body: DossierEventBody.schema,
    bodyValidator: DossierEventBody.validate,
    response: { status: 200, schema: Dossier, description: 'The dossier after the event' },
    errorCodes: {
      400: ['UNKNOWN_EVENT', 'INVALID_ASSIGNEE', 'CALENDAR_NO_WORKING_TIME', 'UNKNOWN_PAPER_KIND'],
      409: ['STALE_VERSION', 'IDEMPOTENCY_KEY_REUSED'],
      422: ['INVALID_TRANSITION', 'APOLOGY_DATE_NOT_LATER', 'APOLOGY_DATE_TOO_LATE', 'RESULT_DOCUMENT_MISSING', 'PAPERS_INCOMPLETE'],
    },
    errors: [400, 401, 403, 404, 409, 413, 415, 422],
    idempotent: true,
    handler: ({ params, body, principal, deps, idempotency }) => fireDossierEvent(dossierDeps(deps), userActor(principal), params.id, body, idempotency),
  }),
  defineRoute({
    method: 'get',
    path: '/api/dossiers/:id/forms/:form',
    tag: 'dossiers',
    summary: 'A one-stop form produced from the dossier (receipt, supplement request, refusal, apology, stop notice, tracking sheet)',
    description: 'Circular 03/2025/TT-VPCP, Appendix I. 404 FORM_NOT_AVAILABLE when what the form records has not happened.',
    auth: DOSSIER_ROLES,
    params: Type.Object(
      { id: Id, form: Type.Union(Object.keys(DOSSIER_FORMS).map((f) => Type.Literal(f))) },
      { additionalProperties: false },
    ),
    response: {
      status: 200,
      schema: Type.Object(
        {
          form: Type.String(),
          template: Type.String(),
          title: Type.String(),
          agency: Type.String({ description: 'The Sở on whose behalf the form is issued (IDESK_AGENCY_NAME)' }),
          receivingUnit: Type.String({ description: 'The unit that receives and returns dossiers: the province’s Public Administration Service Centre' }),
          province: Nullable(Type.String()),
          header: Type.Object(
            {
              issuer: Type.Union([Type.Literal('centre'), Type.Literal('agency')], { description: 'centre: the Public Administration Service Centre issues the form; agency: the Sở does' }),
              governingBody: Type.String({ description: 'The first line: the Centre’s governing body (IDESK_GOVERNING_BODY_NAME), or the Sở (IDESK_AGENCY_NAME)' }),
              unit: Type.String({ description: 'The second line: the Centre (IDESK_SERVICE_CENTRE_NAME), or the Sở’s unit handling the dossier' }),
            },
            { additionalProperties: false, description: 'The two lines at the top left of the form (Decree 30/2020/NĐ-CP, Appendix I): the governing body over the issuing unit' },
          ),
          dossierCode: Type.String(),
          issuedAt: Instant,
          applicant: ApplicantView,
          proxy: Nullable(ProxyView),
          procedure: Type.Object({ id: Id, code: Type.String(), name: Type.String() }),
          fields: Type.Object(
            {},
            {
              additionalProperties: true,
              description:
                'What the form states, by form: receipt → subject, request (Nội dung yêu cầu giải quyết: the subject, else what the procedure grants, asked for), channel, workingDays, receivedAt, appointmentAt, resultPlace, logBookSequence, receivedBy, papers (the procedure’s required papers, each received or not, then any other paper handed in: code, name, copies, copyType (original, copy, certifiedCopy), received, files); ' +
                'supplement-request → items (one line each), afterReceipt, guide; refusal → reason, refusedBy; apology → receivedAt, originalAppointmentAt, reason, newAppointmentAt, issuedBy; ' +
                'stop-notice → grounds (applicant-request, agency-decision, supplement-not-received), reason, requestedBy, stateWhenStopped; tracking-sheet → handovers (at, event, givingUnit, givenBy, receivingUnit, receivedBy — the applicant, or their proxy, when the result is handed back —, stepDueAt, stepResult), returnMethod, …',
            },
          ),
        },
        { additionalProperties: false },
      ),
      description: 'The form',
    },
    errorCodes: { 404: ['FORM_NOT_AVAILABLE'] },
    errors: [400, 401, 403, 404],
    handler: ({ params, principal, deps }) => dossierForm(dossierDeps(deps), principal, params.id, params.form as DossierFormName),
  }),
  defineRoute({
    method: 'get',
    path: '/api/log-book',
    tag: 'dossiers',
    summary: 'Sổ theo dõi hồ sơ (Mẫu số 07): dossiers received between two dates',
    auth: ['onestop', 'director', 'admin'],
    query: Type.Object({ from: LocalDate, to: LocalDate, procedureId: Type.Optional(Id), page: Page, pageSize: PageSize }, { additionalProperties: false }),
    response: {
      status: 200,
      schema: Type.Object({
        items: Type.Array(
          Type.Object(
            {
              sequence: Type.Integer(),
              dossierId: Id,
              dossierCode: Type.String(),
              procedure: Type.String(),
              applicant: Type.String(),
              contact: Nullable(Type.String()),
              processingUnit: Type.String(),
              receivedAt: Instant,
              appointmentAt: Nullable(Instant),
              returnedAt: Nullable(Instant),
              returnMethod: Nullable(Type.String()),
            },
            { additionalProperties: false },
          ),
        ),
        hasMore: Type.Boolean({ description: 'Another page follows; `sequence` goes on across pages' }),
      }),
      description: 'The book, in order of receipt, a page at a time',
    },
    errors: [400, 401, 403],
    handler: ({ query, principal, deps }) => logBook(dossierDeps(deps), principal, query),
  }),
];
