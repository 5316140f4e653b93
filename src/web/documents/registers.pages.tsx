import { documentDeps } from '../../api/deps.ts';
import { DocumentSearchQuery } from '../../api/routes/documents/search.routes.ts';
import { validateNewDocument } from '../../api/routes/documents/documents.schema.ts';
import { isLocalDate, validate } from '../../api/validation.ts';
import { userActor } from '../../auth/actor.ts';
import { can } from '../../auth/authorize.ts';
import { hasRole, type Principal } from '../../auth/principal.ts';
import { listDepartments } from '../../domain/accounts/departments.service.ts';
import type { DocumentUpload } from '../../domain/documents/document-files.ts';
import { registerYear } from '../../domain/documents/document-register.ts';
import { searchDocuments, type DocumentSearchFilter, type DocumentSearchPage } from '../../domain/documents/document-search.ts';
import { DOCUMENT_TYPES, issuable } from '../../domain/documents/document-types.ts';
import { SEES_ALL_DOCUMENTS } from '../../domain/documents/document-visibility.ts';
import { createDocument, getDocument, refuseForbiddenContent, type NewDocument } from '../../domain/documents/document.service.ts';
import { ConflictError, DomainError, NotFoundError, RefusedContentError, RuleViolationError, ValidationError } from '../../domain/errors.ts';
import { requestHash } from '../../domain/idempotency/idempotency.ts';
import type { TempFile } from '../../files/file-store.ts';
import type { UploadedFile } from '../../files/multipart-upload.ts';
import { randomToken } from '../../lib/crypto.ts';
import { uploadRefusal } from '../counter/upload-refusal.ts';
import { DATE_PROBLEM, formErrorsOf, type FormErrors } from '../form-errors.ts';
import { endOfLocalDay, fromLocalInput } from '../format.ts';
import { keptOwner } from '../../domain/forms/kept-views.ts';
import { droppedIdsOf, keepPendingUploads, materialise, pendingIdsOf, releasePendingUploads, takePendingUploads, type PendingUpload } from '../../domain/forms/pending-uploads.ts';
import { discardFiles, readMultipartForm } from '../multipart-form.ts';
import { searchTooLong } from '../search-limits.ts';
import { definePage, type AnyPageDef, type PageInput, type PageResult } from '../page.ts';
import { IncomingFormView, OutgoingFormView, replySummary, type ReplyTarget } from './document-forms.views.tsx';
import { DOCUMENT_ROLES } from './document-roles.ts';
import { registeredPath } from './registration-notice.ts';
import { REGISTER_FILTERS, REGISTERS, RegisterView, type Direction, type RegisterFilterText } from './registers.views.tsx';

const PAGE_SIZE = 20;
const FILE_FIELD = 'file';


/** May create a document of this direction (the policy's `create`, as createDocument will check it). */
function mayCreate(principal: Principal, direction: Direction): boolean {
  return can(userActor(principal), 'create', { kind: 'document', direction, state: null, draftingDepartmentId: principal.departmentId, drafterId: principal.userId, leadDepartmentId: null, departmentIds: [], forwardedTo: [] });
}

function registerPage(direction: Direction): AnyPageDef {
  const reg = REGISTERS[direction];
  return definePage({
    method: 'get',
    path: reg.path,
    auth: DOCUMENT_ROLES,
    handler: async ({ principal, page, query, deps }) => {
      const filters: RegisterFilterText = {};
      for (const name of REGISTER_FILTERS) if (query[name]?.trim()) filters[name] = query[name].trim();
      const errors: FormErrors = { fields: {} };
      const text: Record<string, unknown> = { ...filters, direction, pageSize: String(PAGE_SIZE) };
      if (query.page) text.page = query.page;
      if (query.after && !filters.q) text.after = query.after;
      let result: DocumentSearchPage | null = null;
      let pageNo = 1;
      Object.assign(errors.fields, searchTooLong(filters, DocumentSearchQuery, ['q']));
      if (Object.keys(errors.fields).length === 0) try {
        const filter = validate<DocumentSearchFilter>(DocumentSearchQuery, text, 'query');
        pageNo = filter.page;
        result = await searchDocuments(deps.db, userActor(principal), filter);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        Object.assign(errors, formErrorsOf(err, 'query'));
        const field = (err.details as { field?: string } | null)?.field;
        if (err.code === 'INVALID_RANGE') errors.fields.dateTo = 'Ngày kết thúc không được trước ngày bắt đầu.';
        else if (err.code === 'QUERY_TOO_LONG') errors.fields.q = 'Nội dung tìm kiếm quá dài (tối đa 200 ký tự).';
        else if (err.code === 'QUERY_TOO_MANY_TERMS') errors.fields.q = 'Nhiều từ quá: tìm tối đa 12 từ.';
        else if (err.code === 'QUERY_WITHOUT_WORDS') errors.fields.q = 'Hãy nhập ít nhất một chữ hoặc số.';
        else if (err.code === 'UNKNOWN_DOCUMENT_TYPE') errors.fields.typeCode = 'Hãy chọn một loại văn bản trong danh sách.';
        else if (err.code === 'PAGE_TOO_DEEP') errors.form = 'Trang quá xa: hãy thu hẹp tìm kiếm bằng bộ lọc.';
        else if (field === 'after' || errors.fields.after || errors.fields.page) errors.form = 'Trang không hợp lệ.';
        delete errors.fields.after;
        delete errors.fields.page;
        delete errors.fields.direction;
        if (Object.keys(errors.fields).length === 0 && !errors.form) errors.form = 'Bộ lọc không hợp lệ.';
      }
      const newLinks: Array<{ href: string; label: string }> = [];
      if (mayCreate(principal, direction)) newLinks.push(direction === 'incoming' ? { href: '/van-ban-den/moi', label: 'Đăng ký văn bản đến' } : { href: '/van-ban-di/moi', label: 'Soạn dự thảo văn bản đi' });
      if (direction === 'outgoing' && hasRole(principal, 'clerk')) newLinks.push({ href: '/van-ban-di/da-ky', label: 'Đăng ký văn bản đã ký' });
      const year = filters.year && /^\d{4}$/.test(filters.year) ? Number(filters.year) : registerYear(deps.clock());
      return {
        view: RegisterView({
          page,
          direction,
          filters,
          result,
          errors,
          types: DOCUMENT_TYPES.filter((t) => t.use !== 'refused' && (direction === 'incoming' || issuable(t))),
          departments: await listDepartments(deps.db),
          // The register's export is the clerk's and the board's (registers.routes.ts), served by the API to the session.
          exportYear: hasRole(principal, ...SEES_ALL_DOCUMENTS) ? year : null,
          newLinks,
          pageNo,
          firstPage: !query.after,
        }),
        status: result ? 200 : 400,
      };
    },
  });
}

/** A text field as the API's body takes it: trimmed, absent when empty (the schema then says "required"). */
function text(form: Record<string, string>, name: string): string | undefined {
  const v = (form[name] ?? '').trim();
  return v === '' ? undefined : v;
}

/** A whole number typed in a form, or the text as typed for the schema to refuse. */
function whole(value: string | undefined): number | string | undefined {
  return value !== undefined && /^[0-9]{1,9}$/.test(value) ? Number(value) : value;
}

/**
 * Refuses what Điều 4.2 keeps out of the system, before the rest of the form is judged: the clerk reads
 * the rule beside the field that made it (nothing is stored).
 */
function forbiddenContent(form: Record<string, string>): FormErrors | null {
  try {
    refuseForbiddenContent({ secrecy: form.secrecy || 'none', isComplaint: form.isComplaint === 'on', typeCode: form.typeCode });
    return null;
  } catch (err) {
    if (!(err instanceof RefusedContentError)) throw err;
    if (err.code === 'SECRET_DOCUMENT_REFUSED') {
      return { fields: { secrecy: 'Không được đăng ký văn bản mật (Mật, Tối mật, Tuyệt mật) trên hệ thống (Điều 4.2.a Quy chế): hãy vào sổ văn bản mật bằng giấy.' } };
    }
    const field = form.isComplaint === 'on' ? 'isComplaint' : 'typeCode';
    return { fields: { [field]: 'Không được đăng ký đơn thư khiếu nại, tố cáo trên hệ thống (Điều 4.2.b Quy chế): xử lý theo Luật Khiếu nại, Luật Tố cáo.' } };
  }
}

/** A refusal of createDocument or of the schema, beside the fields of the form. */
function refusalErrors(err: DomainError): FormErrors {
  const field = (err.details as { field?: string } | null)?.field;
  switch (err.code) {
    case 'UNKNOWN_DOCUMENT_TYPE':
      return { fields: { typeCode: 'Hãy chọn một loại văn bản trong danh sách.' } };
    case 'TYPE_NOT_ISSUED_BY_AGENCY':
      return { fields: { typeCode: 'Sở không ban hành loại văn bản này (văn bản quy phạm pháp luật).' } };
    case 'ARRIVAL_IN_FUTURE':
      return { fields: { arrivedAt: 'Thời điểm đến không được sau thời điểm hiện tại.' } };
    case 'INVALID_INSTANT':
      return { fields: { [field === 'dueAt' ? 'dueDate' : (field ?? 'arrivedAt')]: 'Ngày giờ không hợp lệ.' } };
    case 'UNKNOWN_REFERENCE':
      return { fields: { internal: 'Một phòng nhận không còn tồn tại; hãy tải lại trang.' } };
    case 'NO_DEPARTMENT':
      return { fields: {}, form: 'Tài khoản của bạn chưa thuộc phòng nào nên chưa thể soạn văn bản đi.' };
  }
  const errors = formErrorsOf(err, 'body');
  if (errors.fields.dueAt) errors.fields.dueDate = errors.fields.dueAt;
  if (errors.fields.recipients) errors.fields.external = 'Mỗi dòng một nơi nhận, tối đa 300 ký tự; tối đa 100 nơi nhận.';
  if (Object.keys(errors.fields).length === 0 && !errors.form) errors.form = 'Văn bản chưa được lưu. Hãy kiểm tra lại và thử lại.';
  return errors;
}

function incomingBody(form: Record<string, string>, errors: FormErrors): Record<string, unknown> {
  const dueDate = text(form, 'dueDate');
  if (dueDate !== undefined && !isLocalDate(dueDate)) errors.fields.dueDate = DATE_PROBLEM;
  const arrivedAt = text(form, 'arrivedAt');
  return {
    direction: 'incoming',
    typeCode: form.typeCode ?? '',
    summary: form.summary?.trim() ?? '',
    secrecy: form.secrecy || 'none',
    urgency: form.urgency || 'normal',
    issuerName: form.issuerName?.trim() ?? '',
    sourceSymbol: form.sourceSymbol?.trim() ?? '',
    replyRequired: form.replyRequired === 'on',
    ...(text(form, 'documentDate') !== undefined ? { documentDate: text(form, 'documentDate') } : {}),
    ...(text(form, 'pageCount') !== undefined ? { pageCount: whole(text(form, 'pageCount')) } : {}),
    ...(text(form, 'signerName') !== undefined ? { signerName: text(form, 'signerName') } : {}),
    ...(arrivedAt !== undefined ? { arrivedAt: fromLocalInput(arrivedAt) } : {}),
    // The deadline the issuer set is a date; it runs to the end of that day in Vietnam.
    ...(dueDate !== undefined && isLocalDate(dueDate) ? { dueAt: endOfLocalDay(dueDate) } : {}),
  };
}

/** The departments ticked on the outgoing form (`internal-<id>`: one field each, as the form reader keeps one value per name). */
function ticked(form: Record<string, string>): number[] {
  return Object.keys(form)
    .filter((k) => /^internal-[1-9][0-9]{0,9}$/.test(k))
    .map((k) => Number(k.slice('internal-'.length)))
    .sort((a, b) => a - b);
}

function outgoingBody(form: Record<string, string>, signed: boolean, note: string | null): Record<string, unknown> {
  const external = (form.external ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((name) => ({ name }));
  const internal = ticked(form);
  return {
    direction: 'outgoing',
    typeCode: form.typeCode ?? '',
    summary: form.summary?.trim() ?? '',
    secrecy: form.secrecy || 'none',
    urgency: form.urgency || 'normal',
    ...(internal.length > 0 || external.length > 0 ? { recipients: { ...(internal.length > 0 ? { internal } : {}), ...(external.length > 0 ? { external } : {}) } } : {}),
    ...(note ? { note } : {}),
    ...(signed
      ? {
          alreadySigned: true,
          signerName: form.signerName?.trim() ?? '',
          ...(text(form, 'signerPosition') !== undefined ? { signerPosition: text(form, 'signerPosition') } : {}),
          ...(text(form, 'documentDate') !== undefined ? { documentDate: text(form, 'documentDate') } : {}),
        }
      : {}),
  };
}

/** The incoming document an outgoing draft answers (`?traLoi=`), if this person may see it. */
async function replyTarget(input: Pick<PageInput<undefined, Principal>, 'deps' | 'principal'>, id: string | undefined): Promise<ReplyTarget | null> {
  if (!id || !/^[1-9][0-9]{0,9}$/.test(id)) return null;
  try {
    const d = await getDocument(documentDeps(input.deps), input.principal, Number(id));
    return d.direction === 'incoming' ? d : null;
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

const formKeyOf = (form: Record<string, string>) => (/^[A-Za-z0-9_-]{16,64}$/.test(form.formKey ?? '') ? (form.formKey as string) : randomToken(16));

/**
 * Creates the document of a multipart form: the upload, Điều 4.2, the schema and the domain's own checks
 * refuse before anything is kept (createDocument removes the files it did not keep); a second press of
 * the button (the same form key) answers the document created by the first.
 */
async function createFromForm(
  input: PageInput<undefined, Principal>,
  build: (form: Record<string, string>, errors: FormErrors) => Promise<Record<string, unknown>>,
  again: (form: Record<string, string>, errors: FormErrors, formKey: string, status: number, pending: PendingUpload[]) => Promise<PageResult>,
  kind: 'scan' | 'draft' | 'signed',
  /** Keeps the files of a form refused for its fields as pending uploads of this form (pending-uploads.ts). */
  pendingForm?: string,
): Promise<PageResult> {
  const { principal, deps, ctx } = input;
  const read = await readMultipartForm(input);
  const { form, refused, store } = read;
  let files = read.files;
  const formKey = formKeyOf(form);
  const owner = keptOwner(input.page.csrf);
  let pending: PendingUpload[] = [];
  if (pendingForm) {
    await releasePendingUploads(deps.db, owner, pendingForm, droppedIdsOf(form));
    pending = await takePendingUploads(deps.db, owner, pendingForm, pendingIdsOf(form), deps.clock());
  }
  let handedOver = false;
  /**
   * A refusal for what was typed: the files sent with it are kept for the next submission, not chosen
   * again. Awaited where it is returned (`return await`): the `finally` below must not discard the
   * temporary files while they are being moved into the store.
   */
  const againKeeping = async (errors: FormErrors, status: number): Promise<PageResult> => {
    if (!pendingForm) return again(form, errors, formKey, status, []);
    const kept = await keepPendingUploads(deps, store, owner, pendingForm, files, deps.clock());
    handedOver = true;
    return again(form, errors, formKey, status, [...pending, ...kept]);
  };
  try {
    if (refused) {
      const why = uploadRefusal(refused);
      return again(form, { fields: { [FILE_FIELD]: why.text } }, formKey, refused.status, pending);
    }
    const stray = files.find((f: UploadedFile) => f.field !== FILE_FIELD);
    if (stray) return again(form, { fields: {}, form: 'Biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.' }, formKey, 400, pending);
    const forbidden = forbiddenContent(form);
    if (forbidden) {
      // Điều 4.2: nothing of a document the system may not hold is kept, not even a file sent before.
      if (pendingForm) await releasePendingUploads(deps.db, owner, pendingForm, pending.map((p) => p.id));
      return again(form, forbidden, formKey, 422, []);
    }
    const errors: FormErrors = { fields: {} };
    const raw = await build(form, errors);
    let body: NewDocument;
    try {
      body = validateNewDocument(raw) as NewDocument;
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const found = refusalErrors(err);
      return await againKeeping({ fields: { ...found.fields, ...errors.fields }, form: found.form }, 400);
    }
    if (Object.keys(errors.fields).length > 0) return await againKeeping(errors, 400);
    // createDocument refuses an arrival in the future only inside its transaction, once the files are in
    // the store (left to the orphan collector): the form refuses it before, so a refusal keeps no file.
    if (body.direction === 'incoming' && body.arrivedAt !== undefined && new Date(body.arrivedAt) > deps.clock()) {
      return await againKeeping(refusalErrors(new RuleViolationError('ARRIVAL_IN_FUTURE', 'arrivedAt is later than now', { field: 'arrivedAt' })), 422);
    }
    if (pending.length > 0) {
      const temps = await materialise(store, pending);
      files = [...files, ...pending.map((p, i) => ({ field: p.field, name: p.name, mediaType: p.mediaType, temp: temps[i] as TempFile }) satisfies UploadedFile)];
    }
    const uploads: DocumentUpload[] = files.map((f) => ({ kind, name: f.name, mediaType: f.mediaType, temp: f.temp }));
    const idempotency = { scope: `web:${principal.userId}:document-new`, key: formKey, requestHash: requestHash('POST', ctx.path, raw) };
    handedOver = true;
    let answer;
    try {
      answer = await createDocument(documentDeps(deps), principal, body, idempotency, uploads);
    } catch (err) {
      if (err instanceof ConflictError && err.code === 'IDEMPOTENCY_KEY_REUSED') {
        return again(form, { fields: {}, form: 'Biểu mẫu này đã được dùng cho một văn bản khác. Hãy mở lại trang để nhập văn bản mới.' }, randomToken(16), 409, []);
      }
      if (err instanceof RefusedContentError) return again(form, forbiddenContent(form) ?? { fields: {}, form: 'Nội dung này không được đăng ký trên hệ thống (Điều 4.2 Quy chế).' }, formKey, 422, []);
      if (err instanceof ValidationError || err instanceof RuleViolationError) return again(form, refusalErrors(err), formKey, err.status, []);
      throw err;
    }
    if (pendingForm) await releasePendingUploads(deps.db, owner, pendingForm, pending.map((p) => p.id));
    return { redirect: registeredPath(answer.body) };
  } finally {
    // Until createDocument has them, the files are this page's to remove; afterwards it keeps or removes them itself.
    if (!handedOver) await discardFiles(store, files);
  }
}

async function typesFor(direction: Direction) {
  return DOCUMENT_TYPES.filter((t) => t.use !== 'refused' && (direction === 'incoming' || issuable(t)));
}

function outgoingPages(signed: boolean): AnyPageDef[] {
  const path = signed ? '/van-ban-di/da-ky' : '/van-ban-di/moi';
  // Drafting: any staff of a department (the policy's `create`); the paper-signed registration: the clerk (Điều 8).
  const auth = signed ? (['clerk'] as const) : DOCUMENT_ROLES;
  const show = async (input: PageInput<undefined, Principal>, values: Record<string, string>, errors: FormErrors, formKey: string, status: number, replyTo: ReplyTarget | null, pending: PendingUpload[] = []): Promise<PageResult> => {
    const { page, principal, deps } = input;
    return {
      view: OutgoingFormView({
        page,
        signed,
        values,
        internal: ticked(values),
        errors,
        types: await typesFor('outgoing'),
        departments: await listDepartments(deps.db),
        replyTo,
        formKey,
        maxBytes: deps.config.upload.maxBytes,
        mayRegisterSigned: hasRole(principal, 'clerk'),
        pending,
      }),
      status,
    };
  };
  return [
    definePage({
      method: 'get',
      path,
      auth,
      handler: async (input) => {
        if (!mayCreate(input.principal, 'outgoing')) return show(input, {}, { fields: {}, form: 'Tài khoản của bạn chưa thuộc phòng nào nên chưa thể soạn văn bản đi.' }, randomToken(16), 403, null);
        const replyTo = signed ? null : await replyTarget(input, input.query.traLoi);
        // A reply is most often a Công văn (Decree 30/2020 Phụ lục III), its summary "V/v trả lời …".
        const values: Record<string, string> = replyTo ? { typeCode: 'CV', summary: replySummary(replyTo) } : {};
        return show(input, values, { fields: {} }, randomToken(16), 200, replyTo);
      },
    }),
    definePage({
      method: 'post',
      path,
      auth,
      multipart: true,
      handler: async (input) => {
        let replyTo: ReplyTarget | null = null;
        return createFromForm(
          input,
          async (form) => {
            replyTo = signed ? null : await replyTarget(input, form.traLoi);
            // The answered document is named in the draft's note: the link itself is made by ANSWER once it is issued (Điều 7).
            const note = replyTo ? `Trả lời văn bản đến số ${replyTo.number ?? ''}/${replyTo.registerYear ?? ''} (${replyTo.sourceSymbol ?? ''} của ${replyTo.issuerName ?? ''})` : null;
            return outgoingBody(form, signed, note);
          },
          async (form, errors, formKey, status, pending) => show(input, form, errors, formKey, status, replyTo ?? (signed ? null : await replyTarget(input, form.traLoi)), pending),
          signed ? 'signed' : 'draft',
          // A refused draft or signed registration keeps its file for the next submission (one round of validation).
          signed ? 'outgoing-signed' : 'outgoing-draft',
        );
      },
    }),
  ];
}

export const documentRegisterPages: AnyPageDef[] = [
  registerPage('incoming'),
  registerPage('outgoing'),
  definePage({
    method: 'get',
    path: '/van-ban-den/moi',
    // The clerk registers incoming documents (Decree 30/2020 Art. 22; document.policy.ts `create`).
    auth: ['clerk'],
    handler: async ({ page, deps }) => ({
      view: IncomingFormView({ page, values: {}, errors: { fields: {} }, types: await typesFor('incoming'), formKey: randomToken(16), maxBytes: deps.config.upload.maxBytes }),
    }),
  }),
  definePage({
    method: 'post',
    path: '/van-ban-den/moi',
    auth: ['clerk'],
    multipart: true,
    handler: async (input) =>
      createFromForm(
        input,
        async (form, errors) => incomingBody(form, errors),
        async (form, errors, formKey, status, pending) => ({
          view: IncomingFormView({ page: input.page, values: form, errors, types: await typesFor('incoming'), formKey, maxBytes: input.deps.config.upload.maxBytes, pending }),
          status,
        }),
        'scan',
        'incoming-document',
      ),
  }),
  ...outgoingPages(false),
  ...outgoingPages(true),
];
