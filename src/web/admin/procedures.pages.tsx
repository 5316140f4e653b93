import { NewProcedureBody, ProcedureRulesBody } from '../../api/routes/procedures/procedures.schema.ts';
import { IdParams } from '../../api/schemas/common.ts';
import { validate } from '../../api/validation.ts';
import { listDepartments } from '../../domain/accounts/departments.service.ts';
import { ConflictError, ValidationError } from '../../domain/errors.ts';
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
    handler: async ({ page, params, query, deps }) => ({
      view: ProcedureDetailView({ page, procedure: await getProcedure(deps.db, params.id, deps.clock()), departments: await listDepartments(deps.db), msg: query.msg }),
    }),
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
