import { Type } from '@sinclair/typebox';
import type Koa from 'koa';
import { dossierDeps, type AppDeps } from '../../api/deps.ts';
import { ApplicantEventBody, NewDossierBody } from '../../api/routes/dossiers/dossiers.schema.ts';
import { CodeParams } from '../../api/routes/public/public.routes.ts';
import { Id, IdParams } from '../../api/schemas/common.ts';
import { validate } from '../../api/validation.ts';
import { fireApplicantEvent, getPublicDossier } from '../../domain/dossiers/applicant-access.ts';
import { submitOnlineDossier, type NewDossier } from '../../domain/dossiers/dossier-intake.ts';
import { derivedTrackingSecret, normaliseTrackingSecret } from '../../domain/dossiers/tracking-secret.ts';
import { trackingLink } from '../../domain/dossiers/applicant-notices.ts';
import { attachPapers, listPapers, openPaper, prepareAttach, type DossierPapers } from '../../domain/dossiers/dossier-papers.ts';
import type { PublicDossierView } from '../../domain/dossiers/dossier-presenter.ts';
import { ConflictError, DomainError, InvalidTransitionError, NotFoundError, RuleViolationError, ValidationError } from '../../domain/errors.ts';
import { requestHash, type IdempotentRequest } from '../../domain/idempotency/idempotency.ts';
import { templatesOf } from '../../domain/procedures/procedure-templates.ts';
import { getProcedure, type ProcedureView } from '../../domain/procedures/procedures.service.ts';
import { catalogueSearch } from '../procedure-search-page.ts';
import { contentDisposition } from '../../files/file-name.ts';
import { fileStoreAt, type TempFile } from '../../files/file-store.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { ANON_COOKIE } from '../csrf.ts';
import { formErrorsOf, vietnameseProblem } from '../form-errors.ts';
import { keptOwner } from '../../domain/forms/kept-views.ts';
import { droppedIdsOf, keepPendingUploads, materialise, pendingIdsOf, releasePendingUploads, takePendingUploads } from '../../domain/forms/pending-uploads.ts';
import { idNumberProblem, normalIdNumber } from '../identity.ts';
import { definePage, type PageResult } from '../page.ts';
import type { PageContext } from '../page-context.ts';
import { discardUploads, PAPER_INPUT_PREFIX, paperInputName, readPortalForm } from './portal-upload.ts';
import { ConfirmationView, ProcedureListView, ProcedurePageView, SlipView, SubmitFormView, TrackingFormView, TrackingView, type TrackingViewProps } from './portal.views.tsx';
import { slipsOf } from './slips.ts';
import { applicantTarget, endTracking, grantTracking, trackingFormPath, trackingPath, trackingSecret } from './tracking-access.ts';
import { checkSecretBudget, countApplicantChange, countSubmission, countWrongSecret } from '../../api/public-budget.ts';

const TrackParams = CodeParams;
const PaperParams = Type.Object({ code: CodeParams.properties.code, paperId: Id }, { additionalProperties: false });
const SlipParams = Type.Object({ code: CodeParams.properties.code, number: Type.Integer({ minimum: 1, maximum: 100000 }) }, { additionalProperties: false });
const CODE = new RegExp(CodeParams.properties.code.pattern as string);

/** Unknown code and wrong secret: one answer, so that codes cannot be probed (as the API, findByCodeAndSecret). */
const NOT_FOUND_TEXT = 'Không tìm thấy hồ sơ với mã hồ sơ và mã bảo mật tra cứu này. Hãy kiểm tra lại từng ký tự như in trên giấy tiếp nhận.';

/** A procedure the portal offers: active, as the public API's list. @throws NotFoundError otherwise. */
async function offeredProcedure(deps: AppDeps, id: number): Promise<ProcedureView> {
  const procedure = await getProcedure(deps.db, id, deps.clock());
  if (!procedure.active) throw new NotFoundError('NOT_FOUND', `Procedure ${id} is not offered`);
  return procedure;
}

/** The submission form's text as the API's body: empty fields left out, for the API's schema to judge. */
function newDossierFrom(procedureId: number, f: Record<string, string>): NewDossier {
  const text = (name: string) => {
    const v = (f[name] ?? '').trim();
    return v === '' ? undefined : v;
  };
  const idType = text('idType');
  const idNumber = text('idNumber');
  const applicant: Record<string, string | undefined> = {
    name: (f.name ?? '').trim(),
    idType,
    idNumber: idNumber === undefined ? undefined : normalIdNumber(idType, idNumber),
    phone: text('phone'),
    email: text('email'),
    address: text('address'),
  };
  for (const k of Object.keys(applicant)) if (applicant[k] === undefined) delete applicant[k];
  const body: Record<string, unknown> = { procedureId, applicant };
  if (text('subject')) body.subject = text('subject');
  if (text('note')) body.note = text('note');
  return body as unknown as NewDossier;
}

/** The API validator's problems beside the form's fields (`body/applicant/name` → `name`). */
function submissionErrors(err: ValidationError, idType: string | undefined): Record<string, string> {
  const problems = (err.details as { problems?: Array<{ path: string; message: string }> } | null)?.problems ?? [];
  const out: Record<string, string> = {};
  for (const p of problems) {
    const parts = p.path.split('/');
    const name = parts[1] === 'applicant' ? (parts[2] ?? 'name') : (parts[1] ?? 'form');
    if (name in out) continue;
    if (name === 'email') out[name] = 'Địa chỉ thư điện tử không hợp lệ.';
    else if (name === 'phone') out[name] = 'Số điện thoại chỉ gồm chữ số (6–20 ký tự), có thể có dấu cách, dấu chấm, gạch nối.';
    else if (name === 'idNumber') out[name] = idNumberProblem(idType);
    else if (name === 'idType') out[name] = 'Hãy chọn loại giấy tờ trong danh sách.';
    else if (name === 'name' && /required|fewer than 1|pattern "\\S"/.test(p.message)) out[name] = 'Bắt buộc nhập.';
    else out[name] = vietnameseProblem(p.message);
  }
  return out;
}

/**
 * The dossier this browser has access to (tracking-access.ts), with its papers. A missing, expired or
 * wrong access sends back to the tracking form; a wrong secret in the cookie counts against the same
 * budget as the form (per address and code), so the cookie is no way around the throttle.
 */
async function tracked(ctx: Koa.Context, deps: AppDeps, code: string): Promise<{ dossier: PublicDossierView; papers: DossierPapers; secret: string } | { redirect: string }> {
  const secret = trackingSecret(ctx);
  if (!secret) return { redirect: `${trackingFormPath(code)}&het-han=1` };
  // Any cookie can be sent: a code whose wrong-secret budget this address spent is refused untried.
  checkSecretBudget(deps, ctx.ip, code);
  try {
    const dd = dossierDeps(deps);
    const dossier = await getPublicDossier(dd, code, secret);
    const papers = await listPapers(dd, applicantTarget(code, secret));
    // Each page viewed renews the access for another half hour.
    grantTracking(ctx, deps, code, secret);
    return { dossier, papers, secret };
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    countWrongSecret(deps, ctx.ip, code);
    endTracking(ctx, deps, code);
    return { redirect: `${trackingFormPath(code)}&het-han=1` };
  }
}

/** The kinds the applicant may upload now; none when the dossier takes no papers from them. */
async function uploadKinds(deps: AppDeps, code: string, secret: string): Promise<string[]> {
  try {
    return (await prepareAttach(dossierDeps(deps), applicantTarget(code, secret))).kinds;
  } catch (err) {
    if (err instanceof RuleViolationError || (err instanceof DomainError && err.status === 403)) return [];
    throw err;
  }
}

/** Whether the applicant uploaded papers since the last supplement request: SUPPLEMENT may then go without a new file. */
function suppliedSinceRequest(dossier: PublicDossierView, papers: DossierPapers): boolean {
  const request = [...dossier.timeline].reverse().find((e) => e.type === 'REQUEST_SUPPLEMENT');
  return Boolean(request) && papers.items.some((p) => p.attachedBy.kind === 'applicant' && p.attachedAt > (request as { at: string }).at);
}

async function trackingView(
  deps: AppDeps,
  page: PageContext,
  access: { dossier: PublicDossierView; papers: DossierPapers; secret: string },
  extra: Pick<TrackingViewProps, 'notice' | 'upload' | 'values' | 'errors'> = {},
) {
  const { dossier, papers, secret } = access;
  return TrackingView({
    page,
    dossier,
    papers,
    slips: slipsOf(dossier),
    uploadKinds: await uploadKinds(deps, dossier.code, secret),
    supplementReady: suppliedSinceRequest(dossier, papers),
    ...extra,
  });
}

/** How long after a submission its answer page may show the secret again. */
const CONFIRMATION_TTL_MS = 15 * 60_000;

const SUBMISSION_KEY = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * What makes a submission happen once. A citizen presses the button twice, or reloads the answer: the
 * browser shows the answer to the last request, so a replay must show the same dossier and the same
 * secret — but only the secret's hash is stored. The secret is therefore derived from what only this
 * browser holds: its random HttpOnly form cookie (the anti-forgery check has just required it) and the
 * form's random key. Another browser, or another form, gets another secret and another dossier.
 */
function submissionOf(ctx: Koa.Context, key: string, hash: string): { idempotency: IdempotentRequest; secret: string } {
  const browser = ctx.cookies.get(ANON_COOKIE) ?? randomToken(24);
  const secret = derivedTrackingSecret(`portal-tracking-secret:${browser}:${key}`);
  return { idempotency: { scope: `public:portal:${sha256Hex(browser).slice(0, 32)}`, key, requestHash: hash }, secret };
}

const DONE_NOTICES: Record<string, { title: string; text: string }> = {
  'bo-sung': { title: 'Đã gửi bổ sung hồ sơ', text: 'Phần bổ sung đã được nhận; hồ sơ sẽ tiếp tục được giải quyết.' },
  'tai-len': { title: 'Đã tải lên giấy tờ', text: 'Các giấy tờ đã được thêm vào hồ sơ.' },
  rut: { title: 'Đã rút hồ sơ', text: 'Yêu cầu rút hồ sơ đã được ghi nhận; cơ quan dừng giải quyết hồ sơ.' },
};

export const portalPages = [
  definePage({
    method: 'get',
    path: '/thu-tuc',
    auth: 'public',
    handler: async ({ page, query, deps }) => {
      const found = await catalogueSearch(deps.db, query, deps.clock());
      return { view: ProcedureListView({ page, ...found }), status: found.error ? 400 : 200 };
    },
  }),
  definePage({
    method: 'get',
    path: '/thu-tuc/:id',
    auth: 'public',
    params: IdParams,
    handler: async ({ params, page, deps }) => {
      const procedure = await offeredProcedure(deps, params.id);
      return { view: ProcedurePageView({ page, procedure, templates: await templatesOf(deps.db, procedure) }) };
    },
  }),
  definePage({
    method: 'get',
    path: '/thu-tuc/:id/nop-ho-so',
    auth: 'public',
    params: IdParams,
    handler: async ({ params, page, deps }) => ({ view: SubmitFormView({ page, procedure: await offeredProcedure(deps, params.id), submissionKey: randomToken(16) }) }),
  }),
  definePage({
    method: 'post',
    path: '/thu-tuc/:id/nop-ho-so',
    auth: 'public',
    params: IdParams,
    multipart: true,
    /**
     * All or nothing for what the citizen can fix: every file is received and sniffed and every field
     * checked before the dossier is made, so a refused upload or a mistyped field makes nothing and
     * the form comes back filled in with the reason beside its field — a citizen expects a form that was
     * refused not to have been half sent, and to fix it and send it again. Only once everything is
     * acceptable is the dossier submitted and the papers attached, through the public API's own domain
     * functions. Should the attachment still fail then (the store full, the database gone), the dossier
     * exists: the page shows its code and secret anyway, and which papers to upload from the tracking page.
     */
    handler: async ({ params, page, ctx, deps, csrfOk }): Promise<PageResult> => {
      const procedure = await offeredProcedure(deps, params.id);
      // The public API's budget for submissions (the minute and the day), before a byte of the body is read.
      countSubmission(deps, ctx.ip);
      const kinds = [...procedure.rules.requiredPapers.map((p) => p.code), 'other'];
      const read = await readPortalForm(ctx, deps, csrfOk, kinds);
      const keyOf = (fields: Record<string, string>) => (SUBMISSION_KEY.test(fields.submissionKey ?? '') ? (fields.submissionKey as string) : randomToken(16));
      // The files a refused submission of this browser already sent (pending-uploads.ts): kept, never chosen again.
      const owner = keptOwner(page.csrf);
      const pendingForm = `portal:${procedure.id}`;
      await releasePendingUploads(deps.db, owner, pendingForm, droppedIdsOf(read.fields));
      const pending = (await takePendingUploads(deps.db, owner, pendingForm, pendingIdsOf(read.fields), deps.clock())).filter((p) => kinds.includes(p.field.slice(PAPER_INPUT_PREFIX.length)));
      if (!read.ok) return { view: SubmitFormView({ page, procedure, values: read.fields, upload: read.error, submissionKey: keyOf(read.fields), pending }), status: read.error.status };
      const { fields } = read;
      let uploads = read.uploads;
      const submissionKey = keyOf(fields);
      const store = fileStoreAt(deps.config.filesDir);
      let handedOver = false;
      try {
        const input = newDossierFrom(procedure.id, fields);
        let errors: Record<string, string> = {};
        try {
          validate(NewDossierBody, input, 'body');
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          errors = submissionErrors(err, fields.idType);
        }
        // The number is checked by its type: the form asks which it is (the API still takes a number alone).
        if (fields.idNumber?.trim() && !fields.idType?.trim()) errors.idType ??= 'Hãy chọn loại giấy tờ của số đã nhập.';
        if (procedure.rules.requiredPapers.length > 0 && uploads.length + pending.length === 0) errors.papers = 'Hãy đính kèm các giấy tờ trong thành phần hồ sơ.';
        if (Object.keys(errors).length > 0) {
          // One round: the files sent with the refused fields are kept for the next submission.
          const kept = await keepPendingUploads(deps, store, owner, pendingForm, uploads.map((u) => ({ field: paperInputName(u.kind), name: u.name, mediaType: u.mediaType, temp: u.temp })), deps.clock());
          handedOver = true;
          return { view: SubmitFormView({ page, procedure, values: fields, errors, submissionKey, pending: [...pending, ...kept] }), status: 400 };
        }
        if (pending.length > 0) {
          const temps = await materialise(store, pending);
          uploads = [...uploads, ...pending.map((p, i) => ({ kind: p.field.slice(PAPER_INPUT_PREFIX.length), name: p.name, mediaType: p.mediaType, temp: temps[i] as TempFile }))];
        }

        const dd = dossierDeps(deps);
        const { idempotency, secret } = submissionOf(ctx, submissionKey, requestHash('POST', `/thu-tuc/${procedure.id}/nop-ho-so`, input));
        let answer;
        try {
          answer = await submitOnlineDossier(dd, input, idempotency, secret);
        } catch (err) {
          if (!(err instanceof ConflictError && err.code === 'IDEMPOTENCY_KEY_REUSED')) throw err;
          // The same form sent again with other details (edited after going back): not the same dossier.
          const form = 'Biểu mẫu này đã được dùng để nộp một hồ sơ khác. Hãy kiểm tra lại thông tin rồi bấm “Nộp hồ sơ” để nộp hồ sơ mới.';
          return { view: SubmitFormView({ page, procedure, values: fields, upload: { input: null, message: form, status: 409 }, submissionKey: randomToken(16) }), status: 409 };
        }
        const dossier = answer.body;
        const target = applicantTarget(dossier.code, secret);
        let attachFailed = false;
        // A replay (the button pressed twice, the answer reloaded) attaches nothing more: the first did.
        if (uploads.length > 0 && !answer.replayed) {
          handedOver = true;
          try {
            await attachPapers(dd, target, uploads);
          } catch (err) {
            (ctx.state.logger ?? deps.logger).error({ err, code: dossier.code }, 'papers of an online submission could not be attached');
            attachFailed = true;
          }
        }
        await releasePendingUploads(deps.db, owner, pendingForm, pending.map((p) => p.id));
        grantTracking(ctx, deps, dossier.code, secret);
        // Post/Redirect/Get: the answer is a page of its own, read from the access just granted, so that
        // Reload shows the code and the secret again instead of sending the form once more.
        return { redirect: `${trackingPath(dossier.code)}/da-nop${attachFailed ? '?tep=loi' : ''}` };
      } finally {
        if (!handedOver) await discardUploads(deps, uploads);
      }
    },
  }),
  definePage({
    method: 'get',
    path: '/tra-cuu/:code/da-nop',
    auth: 'public',
    params: TrackParams,
    /**
     * The answer to a submission: the code and the secret of this browser's access (tracking-access.ts).
     * Reload shows them again while the submission is fresh (as the counter's receipt, receipt-secret.ts);
     * later the address leads to the tracking page, which never shows the secret.
     */
    handler: async ({ params, page, query, ctx, deps }): Promise<PageResult> => {
      const access = await tracked(ctx, deps, params.code);
      if ('redirect' in access) return access;
      if (deps.clock().getTime() - Date.parse(access.dossier.submittedAt) > CONFIRMATION_TTL_MS) return { redirect: trackingPath(params.code) };
      return { view: ConfirmationView({ page, dossier: access.dossier, secret: access.secret, trackingUrl: trackingLink(deps.config.publicUrl, access.dossier.code), papers: access.papers, attachFailed: query.tep === 'loi' }) };
    },
  }),
  definePage({
    method: 'get',
    path: '/tra-cuu',
    auth: 'public',
    handler: async ({ page, query }) => {
      // The counter's QR code links here with the code; never with the secret.
      const code = CODE.test(query.ma ?? '') ? (query.ma as string) : '';
      return { view: TrackingFormView({ page, code, status: query['het-han'] ? 'expired' : undefined }) };
    },
  }),
  definePage({
    method: 'post',
    path: '/tra-cuu',
    auth: 'public',
    handler: async ({ page, form, ctx, deps }) => {
      const code = (form.code ?? '').trim().toUpperCase();
      // Typed from paper: case, spaces and dashes do not matter (tracking-secret.ts); the cookie keeps it as issued.
      const secret = normaliseTrackingSecret(form.secret ?? '');
      if (!code || !secret) return { view: TrackingFormView({ page, code, error: 'Hãy nhập cả mã hồ sơ và mã bảo mật tra cứu.' }), status: 400 };
      // The public API's budget of wrong secrets, per address and code: only refused secrets count, so
      // someone guessing on the same Wi-Fi never locks out a citizen typing the right one for their own code.
      checkSecretBudget(deps, ctx.ip, code);
      try {
        if (!CODE.test(code)) throw new NotFoundError('NOT_FOUND', 'malformed code');
        await getPublicDossier(dossierDeps(deps), code, secret);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        countWrongSecret(deps, ctx.ip, code);
        return { view: TrackingFormView({ page, code, error: NOT_FOUND_TEXT }), status: 404 };
      }
      grantTracking(ctx, deps, code, secret);
      return { redirect: trackingPath(code) };
    },
  }),
  definePage({
    method: 'get',
    path: '/tra-cuu/:code',
    auth: 'public',
    params: TrackParams,
    handler: async ({ params, page, query, ctx, deps }) => {
      const access = await tracked(ctx, deps, params.code);
      if ('redirect' in access) return access;
      const done = DONE_NOTICES[query.msg ?? ''];
      return { view: await trackingView(deps, page, access, done ? { notice: { kind: 'ok', ...done } } : {}) };
    },
  }),
  definePage({
    method: 'post',
    path: '/tra-cuu/:code/giay-to',
    auth: 'public',
    params: TrackParams,
    multipart: true,
    /**
     * The applicant uploads papers (while the submission is checked) or answers a supplement request:
     * the papers are attached, then SUPPLEMENT is sent, both through the public API's domain functions.
     * A refused upload attaches nothing and sends nothing; the page says why beside the file.
     */
    handler: async ({ params, page, ctx, deps, csrfOk }): Promise<PageResult> => {
      const access = await tracked(ctx, deps, params.code);
      if ('redirect' in access) return access;
      countApplicantChange(deps, ctx.ip, params.code);
      const { dossier, papers, secret } = access;
      const target = applicantTarget(dossier.code, secret);
      const kinds = await uploadKinds(deps, dossier.code, secret);
      const read = await readPortalForm(ctx, deps, csrfOk, kinds);
      if (!read.ok) return { view: await trackingView(deps, page, access, { upload: read.error, values: read.fields }), status: read.error.status };
      const { fields, uploads } = read;
      const supplement = fields.action === 'supplement';
      const dd = dossierDeps(deps);
      let handedOver = false;
      try {
        const errors: Record<string, string> = {};
        if (uploads.length === 0 && !(supplement && suppliedSinceRequest(dossier, papers))) errors.papers = 'Hãy chọn ít nhất một tệp giấy tờ.';
        let body: ReturnType<typeof ApplicantEventBody.validate> | null = null;
        if (supplement) {
          try {
            const version = /^[1-9][0-9]{0,9}$/.test(fields.version ?? '') ? Number(fields.version) : fields.version;
            body = ApplicantEventBody.validate({ type: 'SUPPLEMENT', version, ...(fields.note?.trim() ? { note: fields.note.trim() } : {}) });
          } catch (err) {
            if (!(err instanceof ValidationError)) throw err;
            Object.assign(errors, formErrorsOf(err, 'body').fields);
          }
        }
        if (Object.keys(errors).length > 0) return { view: await trackingView(deps, page, access, { errors, values: fields }), status: 400 };
        if (uploads.length > 0) {
          handedOver = true;
          await attachPapers(dd, target, uploads);
        }
        if (body) await fireApplicantEvent(dd, dossier.code, secret, body);
        return { redirect: `${trackingPath(dossier.code)}?msg=${supplement ? 'bo-sung' : 'tai-len'}` };
      } catch (err) {
        const moved = err instanceof ConflictError || err instanceof InvalidTransitionError || (err instanceof RuleViolationError && err.code === 'PAPERS_NOT_ACCEPTED');
        if (!moved) throw err;
        // The dossier moved on meanwhile (the clerk acted): say so and show it as it is now.
        const now = await tracked(ctx, deps, params.code);
        if ('redirect' in now) return now;
        const notice = {
          kind: 'error' as const,
          title: 'Hồ sơ vừa được cập nhật',
          text: handedOver && supplement ? 'Giấy tờ đã được lưu nhưng chưa gửi được bổ sung vì hồ sơ vừa thay đổi. Hãy xem lại tình trạng hồ sơ bên dưới.' : 'Chưa thực hiện được vì hồ sơ vừa thay đổi. Hãy xem lại tình trạng hồ sơ bên dưới.',
        };
        return { view: await trackingView(deps, page, now, { notice }), status: err instanceof DomainError ? err.status : 409 };
      } finally {
        if (!handedOver) await discardUploads(deps, uploads);
      }
    },
  }),
  definePage({
    method: 'get',
    path: '/tra-cuu/:code/giay-to/:paperId',
    auth: 'public',
    params: PaperParams,
    handler: async ({ params, ctx, deps }): Promise<PageResult> => {
      const access = await tracked(ctx, deps, params.code);
      if ('redirect' in access) return access;
      // The applicant access of the papers service: the result only once handed back.
      const paper = await openPaper(dossierDeps(deps), applicantTarget(params.code, access.secret), params.paperId);
      ctx.set('Content-Disposition', contentDisposition(paper.name));
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Cache-Control', 'private, no-store');
      ctx.type = paper.mediaType;
      ctx.length = paper.size;
      ctx.body = paper.stream;
      return { sent: true };
    },
  }),
  definePage({
    method: 'get',
    path: '/tra-cuu/:code/phieu/:number',
    auth: 'public',
    params: SlipParams,
    handler: async ({ params, page, ctx, deps }): Promise<PageResult> => {
      const access = await tracked(ctx, deps, params.code);
      if ('redirect' in access) return access;
      const slip = slipsOf(access.dossier).find((s) => s.number === params.number);
      if (!slip) throw new NotFoundError('NOT_FOUND', `No slip ${params.number}`);
      return { view: SlipView({ page, dossier: access.dossier, slip, agencyName: deps.config.agencyName }) };
    },
  }),
  definePage({
    method: 'post',
    path: '/tra-cuu/:code/rut-ho-so',
    auth: 'public',
    params: TrackParams,
    /**
     * The applicant asks to stop their dossier (Decree 118/2025/NĐ-CP Art. 21.2, online: DOMAIN §1.3):
     * WITHDRAW through the public API's domain function, with the reason they give. Offered only while the
     * machine allows it (no decision yet); a dossier that moved on meanwhile is shown as it is now.
     */
    handler: async ({ params, page, form, ctx, deps }): Promise<PageResult> => {
      const access = await tracked(ctx, deps, params.code);
      if ('redirect' in access) return access;
      countApplicantChange(deps, ctx.ip, params.code);
      const { dossier, secret } = access;
      let body: ReturnType<typeof ApplicantEventBody.validate>;
      try {
        const version = /^[1-9][0-9]{0,9}$/.test(form.version ?? '') ? Number(form.version) : form.version;
        body = ApplicantEventBody.validate({ type: 'WITHDRAW', version, reason: (form.reason ?? '').trim() });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const fields = formErrorsOf(err, 'body').fields;
        const reason = form.reason?.trim() ? (fields.reason ?? vietnameseProblem(err.message)) : 'Hãy ghi lý do rút hồ sơ.';
        const errors = { withdrawReason: reason };
        return { view: await trackingView(deps, page, access, { errors, values: { withdrawReason: form.reason ?? '' } }), status: 400 };
      }
      try {
        await fireApplicantEvent(dossierDeps(deps), dossier.code, secret, body);
      } catch (err) {
        if (!(err instanceof ConflictError || err instanceof InvalidTransitionError)) throw err;
        const now = await tracked(ctx, deps, params.code);
        if ('redirect' in now) return now;
        const notice = { kind: 'error' as const, title: 'Hồ sơ vừa được cập nhật', text: 'Chưa rút được hồ sơ vì hồ sơ vừa thay đổi. Hãy xem lại tình trạng hồ sơ bên dưới.' };
        return { view: await trackingView(deps, page, now, { notice }), status: err.status };
      }
      return { redirect: `${trackingPath(dossier.code)}?msg=rut` };
    },
  }),
  definePage({
    method: 'post',
    path: '/tra-cuu/:code/thoat',
    auth: 'public',
    params: TrackParams,
    handler: async ({ params, ctx, deps }) => {
      endTracking(ctx, deps, params.code);
      return { redirect: '/tra-cuu' };
    },
  }),
];
