import { parseCatalogueFile } from '../../api/routes/procedures/catalogue-file.ts';
import { NewProcedureBody, ProcedureRulesBody } from '../../api/routes/procedures/procedures.schema.ts';
import { IdParams } from '../../api/schemas/common.ts';
import { validate } from '../../api/validation.ts';
import { listDepartments } from '../../domain/accounts/departments.service.ts';
import { ConflictError, DomainError, ValidationError } from '../../domain/errors.ts';
import { catalogueCsv, catalogueJson, CATALOGUE_MAX_BYTES, exportCatalogue, importCatalogue } from '../../domain/procedures/catalogue-transfer.ts';
import { attachTemplate, storeTemplate, templatesOf } from '../../domain/procedures/procedure-templates.ts';
import { contentDisposition } from '../../files/file-name.ts';
import { readTextUpload } from '../../files/text-upload.ts';
import { CSRF_FIELD } from '../csrf.ts';
import { readMultipartForm } from '../multipart-form.ts';
import { ForgedFormError } from '../page.ts';
import {
  addProcedureRules,
  createProcedure,
  getProcedure,
  listProcedures,
  setProcedureActive,
  type NewProcedure,
  type ProcedureRulesInput,
  type RequiredPaper,
} from '../../domain/procedures/procedures.service.ts';
import { formErrorsOf, vietnameseProblem, type FormErrors } from '../form-errors.ts';
import { fromLocalInput } from '../format.ts';
import { definePage } from '../page.ts';
import { actorOf, ADMIN_ONLY } from './admin-frame.tsx';
import { NewProcedureView, ProcedureDetailView, ProcedureListView, RULE_FIELDS, type ProcedureFormText, type RulesFormText } from './procedures.views.tsx';

/** A refused catalogue file in the words an IT officer reads: the line, the row and the field. */
function importError(err: DomainError): string {
  const d = (err.details ?? {}) as { row?: number | null; line?: number | null; field?: string | null; reason?: string; limit?: number };
  if (err.code === 'INVALID_CATALOGUE') {
    const where = [d.line ? `Dòng ${d.line}` : null, d.row ? `thủ tục thứ ${d.row}` : null, d.field ? `trường “${d.field}”` : null].filter(Boolean).join(', ');
    return `${where ? `${where}: ` : ''}${vietnameseProblem(d.reason ?? err.message)}`;
  }
  if (err.code === 'TOO_MANY_ROWS') return `Tệp có quá nhiều thủ tục: tối đa ${d.limit} thủ tục một lần nhập.`;
  if (err.code === 'PAYLOAD_TOO_LARGE') return `Tệp lớn hơn ${Math.round((d.limit ?? CATALOGUE_MAX_BYTES) / 1024 / 1024)} MB.`;
  if (err.code === 'NO_FILES') return 'Hãy chọn tệp danh mục (JSON hoặc CSV).';
  if (err.code === 'NOT_UTF8') return 'Tệp không phải văn bản UTF-8; khi lưu từ Excel hãy chọn “CSV UTF-8”.';
  return 'Tệp không đọc được.';
}

const NUMBER = /^-?(0|[1-9][0-9]{0,14})([.,][0-9]{1,20})?$/;

/** A number typed in a form (a Vietnamese decimal comma accepted), or the text for the schema to refuse. */
function numberOf(text: string): number | string {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t.replace(',', '.')) : t;
}

/**
 * The required papers typed one a line (`mã | tên | số bộ | bản chính`), or the line that cannot be read.
 * Blank lines are skipped.
 */
function parsePapers(text: string): { papers: RequiredPaper[] } | { error: string } {
  const papers: RequiredPaper[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    if (!raw.trim()) continue;
    const [code, name, ...rest] = raw.split('|').map((s) => s.trim());
    if (!code || !name) return { error: `Dòng ${i + 1}: cần có mã và tên giấy tờ, cách nhau bởi dấu |.` };
    const paper: RequiredPaper = { code, name };
    for (const extra of rest) {
      if (/^[0-9]{1,2}$/.test(extra)) paper.copies = Number(extra);
      else if (/^bản chính$/i.test(extra)) paper.original = true;
      else if (/^mẫu [0-9a-f]{64}$/.test(extra)) paper.templateSha256 = extra.slice('mẫu '.length);
      else if (extra) return { error: `Dòng ${i + 1}: “${extra.slice(0, 40)}” không phải số bộ hay “bản chính”.` };
    }
    papers.push(paper);
  }
  return { papers };
}

function rulesTextOf(form: Record<string, string>): RulesFormText {
  const out: RulesFormText = {};
  for (const name of RULE_FIELDS) out[name] = form[name] ?? '';
  return out;
}

/** The rules as the API takes them, from the form's text; a paper list that cannot be read is its own error. */
function rulesBody(v: RulesFormText): { body: Record<string, unknown>; papersError?: string } {
  const parsed = parsePapers(v.requiredPapers ?? '');
  const body: Record<string, unknown> = {
    workingDays: numberOf(v.workingDays ?? ''),
    fee: v.feeCollectedAt ? { collectedAt: v.feeCollectedAt, amount: v.feeAmount?.trim() ? numberOf(v.feeAmount) : null } : null,
    supplementWindowDays: v.supplementWindowDays?.trim() ? numberOf(v.supplementWindowDays) : null,
    leadReview: v.leadReview === 'true' ? true : v.leadReview === 'false' ? false : v.leadReview,
    inspection: v.inspection === 'true' ? true : v.inspection === 'false' ? false : v.inspection,
    supplementClock: v.supplementClock,
    requiredPapers: 'papers' in parsed ? parsed.papers : [],
    timeLimitBasis: v.timeLimitBasis?.trim() || null,
    feeBasis: v.feeBasis?.trim() || null,
    feeNote: v.feeNote?.trim() || null,
    unverified: (v.unverified ?? '').split(/\r?\n/).map((u) => u.trim()).filter((u) => u !== ''),
  };
  if (v.effectiveFrom?.trim()) body.effectiveFrom = fromLocalInput(v.effectiveFrom.trim());
  return { body, ...('error' in parsed ? { papersError: parsed.error } : {}) };
}

/** Why a procedure form was refused, beside its fields, in the words an admin reads. */
function procedureErrors(err: ValidationError | ConflictError): FormErrors {
  const errors = formErrorsOf(err);
  const problems = (err.details as { problems?: Array<{ path: string; message: string }> } | null)?.problems ?? [];
  for (const p of problems) {
    const paper = /^body\/requiredPapers\/(\d+)\/(\w+)/.exec(p.path);
    if (paper) {
      const what = paper[2] === 'code' ? 'mã chỉ gồm chữ thường không dấu, số và - (tối đa 40 ký tự)' : paper[2] === 'name' ? `tên giấy tờ: ${vietnameseProblem(p.message).toLowerCase()}` : vietnameseProblem(p.message).toLowerCase();
      errors.fields.requiredPapers ??= `Giấy tờ thứ ${Number(paper[1]) + 1}: ${what}`;
    }
    if (p.path === 'body/fee/amount') errors.fields.feeAmount = 'Mức thu là số đồng, không âm.';
  }
  delete errors.fields.fee;
  if (errors.fields.workingDays) errors.fields.workingDays = 'Nhập số ngày làm việc lớn hơn 0, tối đa 365.';
  if (errors.fields.supplementWindowDays) errors.fields.supplementWindowDays = 'Nhập số ngày làm việc lớn hơn 0, tối đa 60, hoặc để trống.';
  if (errors.fields.code && err.code === 'VALIDATION_FAILED') errors.fields.code = 'Chỉ dùng chữ, số, dấu chấm và gạch ngang (tối đa 32 ký tự).';
  if (err.code === 'DUPLICATE') {
    const field = (err.details as { field?: string } | null)?.field;
    if (field === 'code') errors.fields.code = 'Mã thủ tục này đã có.';
    else errors.fields.effectiveFrom = 'Đã có quy định áp dụng từ đúng thời điểm này.';
  }
  if (err.code === 'UNKNOWN_REFERENCE') errors.fields.departmentId = 'Phòng ban không tồn tại.';
  if (err.code === 'INVALID_STEP_ALLOCATION') errors.fields.workingDays = 'Thời hạn ngắn hơn tổng thời gian đã phân bổ cho các bước; hãy nhập thời hạn dài hơn.';
  if (err.code === 'UNKNOWN_TEMPLATE') errors.fields.requiredPapers = 'Mẫu đơn, tờ khai ghi ở giấy tờ chưa được tải lên.';
  if (err.code === 'INVALID_REQUIRED_PAPERS') errors.fields.requiredPapers = `Mã ${String((err.details as { code?: string }).code)} bị trùng hoặc là mã dành riêng (other, result).`;
  if (Object.keys(errors.fields).length === 0 && !errors.form) errors.form = 'Thông tin chưa hợp lệ.';
  return errors;
}

export const procedurePages = [
  definePage({
    method: 'get',
    path: '/admin/procedures',
    auth: ADMIN_ONLY,
    handler: async ({ page, query, deps }) => ({
      view: ProcedureListView({ page, procedures: await listProcedures(deps.db, deps.clock()), departments: await listDepartments(deps.db), msg: query.msg }),
    }),
  }),
  definePage({
    method: 'get',
    path: '/admin/procedures/export',
    auth: ADMIN_ONLY,
    handler: async ({ query, ctx, deps }) => {
      const now = deps.clock();
      const rows = await exportCatalogue(deps.db, now);
      const csv = query.format === 'csv';
      ctx.set('Content-Disposition', contentDisposition(`danh-muc-thu-tuc.${csv ? 'csv' : 'json'}`));
      ctx.set('Cache-Control', 'no-store');
      ctx.type = csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
      ctx.body = csv ? catalogueCsv(rows) : catalogueJson(rows, now);
      return { sent: true };
    },
  }),
  definePage({
    method: 'post',
    path: '/admin/procedures/import',
    auth: ADMIN_ONLY,
    multipart: true,
    /** The same import as the API's: one transaction; a refused file changes nothing and says where it is wrong. */
    handler: async ({ page, principal, ctx, deps, csrfOk }) => {
      let message: string;
      try {
        const upload = await readTextUpload(ctx.req, ctx.req.headers, CATALOGUE_MAX_BYTES, (fields) => {
          if (!csrfOk(fields[CSRF_FIELD])) throw new ForgedFormError();
        });
        const summary = await importCatalogue(deps.db, actorOf(principal), parseCatalogueFile(upload.text, upload.name), deps.clock());
        const view = ProcedureListView({ page, procedures: await listProcedures(deps.db, deps.clock()), departments: await listDepartments(deps.db), outcome: { summary } });
        return { view };
      } catch (err) {
        if (!(err instanceof DomainError) || err.status >= 500) throw err;
        message = importError(err);
        const view = ProcedureListView({ page, procedures: await listProcedures(deps.db, deps.clock()), departments: await listDepartments(deps.db), outcome: { error: message } });
        return { view, status: err.status };
      }
    },
  }),
  definePage({
    method: 'get',
    path: '/admin/procedures/new',
    auth: ADMIN_ONLY,
    handler: async ({ page, deps }) => ({
      view: NewProcedureView({ page, values: { leadReview: 'true', inspection: 'false', supplementClock: 'restart' }, departments: await listDepartments(deps.db) }),
    }),
  }),
  definePage({
    method: 'post',
    path: '/admin/procedures',
    auth: ADMIN_ONLY,
    handler: async ({ page, form, principal, deps }) => {
      const values: ProcedureFormText = { ...rulesTextOf(form), code: form.code ?? '', name: form.name ?? '', departmentId: form.departmentId ?? '' };
      const { body, papersError } = rulesBody(values);
      try {
        delete body.effectiveFrom;
        const input = validate<NewProcedure>(NewProcedureBody, { ...body, code: values.code!.trim(), name: values.name!.trim(), departmentId: numberOf(values.departmentId ?? '') }, 'body');
        if (papersError) throw new ValidationError('VALIDATION_FAILED', papersError, { problems: [] });
        const created = await createProcedure(deps.db, actorOf(principal), input, deps.clock());
        return { redirect: `/admin/procedures/${created.id}?msg=procedure-created` };
      } catch (err) {
        if (!(err instanceof ValidationError || err instanceof ConflictError)) throw err;
        const errors = procedureErrors(err);
        if (papersError) errors.fields.requiredPapers = papersError;
        if (errors.fields.departmentId && err.code === 'VALIDATION_FAILED') errors.fields.departmentId = 'Hãy chọn phòng xử lý.';
        if (papersError && errors.form === 'Thông tin chưa hợp lệ.') delete errors.form;
        return { view: NewProcedureView({ page, values, departments: await listDepartments(deps.db), errors }), status: err.status };
      }
    },
  }),
  definePage({
    method: 'get',
    path: '/admin/procedures/:id',
    auth: ADMIN_ONLY,
    params: IdParams,
    handler: async ({ page, params, query, deps }) => {
      const procedure = await getProcedure(deps.db, params.id, deps.clock());
      return { view: ProcedureDetailView({ page, procedure, departments: await listDepartments(deps.db), msg: query.msg, templates: await templatesOf(deps.db, procedure) }) };
    },
  }),
  definePage({
    method: 'post',
    path: '/admin/procedures/:id/templates',
    auth: ADMIN_ONLY,
    params: IdParams,
    multipart: true,
    /** Uploads a form (mẫu đơn, tờ khai) and gives it to a paper: new rules from now, the same but for the form. */
    handler: async ({ page, params, principal, ctx, deps, csrfKind }) => {
      const current = await getProcedure(deps.db, params.id, deps.clock());
      const { form, files, refused, store } = await readMultipartForm({ ctx, deps, csrfKind });
      const again = async (templateError: string, status: number) => ({
        view: ProcedureDetailView({ page, procedure: current, departments: await listDepartments(deps.db), templates: await templatesOf(deps.db, current), templateError }),
        status,
      });
      const [file, ...extra] = files;
      await Promise.all(extra.map((f) => store.discard(f.temp)));
      if (refused) return again(refused.code === 'UNSUPPORTED_FILE_TYPE' ? 'Tệp mẫu phải là PDF hoặc văn bản Word, Excel.' : 'Tệp không tải lên được.', refused.status);
      if (!file) return again('Hãy chọn tệp mẫu.', 400);
      const paperCode = form.paperCode ?? '';
      if (!current.rules.requiredPapers.some((p) => p.code === paperCode)) {
        await store.discard(file.temp);
        return again('Hãy chọn giấy tờ của thủ tục.', 400);
      }
      const template = await storeTemplate(deps.db, store, actorOf(principal), { name: file.name, mediaType: file.mediaType, temp: file.temp }, deps.clock());
      await attachTemplate(deps.db, actorOf(principal), params.id, paperCode, template.sha256, deps.clock());
      return { redirect: `/admin/procedures/${params.id}?msg=template-attached` };
    },
  }),
  definePage({
    method: 'post',
    path: '/admin/procedures/:id/rules',
    auth: ADMIN_ONLY,
    params: IdParams,
    handler: async ({ page, params, form, principal, deps }) => {
      const current = await getProcedure(deps.db, params.id, deps.clock());
      const values = rulesTextOf(form);
      const { body, papersError } = rulesBody(values);
      try {
        // The page does not edit the step allocation: new rules keep the one in force.
        const input = validate<ProcedureRulesInput>(ProcedureRulesBody, { ...body, stepAllocation: current.rules.stepAllocation }, 'body');
        if (papersError) throw new ValidationError('VALIDATION_FAILED', papersError, { problems: [] });
        await addProcedureRules(deps.db, actorOf(principal), params.id, input, deps.clock());
        return { redirect: `/admin/procedures/${params.id}?msg=procedure-rules` };
      } catch (err) {
        if (!(err instanceof ValidationError || err instanceof ConflictError)) throw err;
        const errors = procedureErrors(err);
        if (papersError) errors.fields.requiredPapers = papersError;
        if (papersError && errors.form === 'Thông tin chưa hợp lệ.') delete errors.form;
        return { view: ProcedureDetailView({ page, procedure: current, departments: await listDepartments(deps.db), values, errors }), status: err.status };
      }
    },
  }),
  ...([
    ['activate', true],
    ['deactivate', false],
  ] as const).map(([action, active]) =>
    definePage({
      method: 'post',
      path: `/admin/procedures/:id/${action}`,
      auth: ADMIN_ONLY,
      params: IdParams,
      handler: async ({ params, principal, deps }) => {
        await setProcedureActive(deps.db, actorOf(principal), params.id, active, deps.clock());
        return { redirect: `/admin/procedures/${params.id}?msg=procedure-${action}d` };
      },
    }),
  ),
];
