import { dossierDeps, type AppDeps } from '../../api/deps.ts';
import { DossierEventBody } from '../../api/routes/dossiers/dossiers.schema.ts';
import { IdParams } from '../../api/schemas/common.ts';
import { userActor } from '../../auth/actor.ts';
import type { Principal } from '../../auth/principal.ts';
import { DOSSIER_ROLES } from '../../auth/policies/dossier.policy.ts';
import { listUsers } from '../../domain/accounts/users.service.ts';
import { issueReceiptSecret } from '../../domain/dossiers/applicant-access.ts';
import { rememberReceiptSecret } from '../counter/receipt-secret.ts';
import { fireDossierEvent, getDossier } from '../../domain/dossiers/dossier.service.ts';
import { attachPapers, prepareAttach } from '../../domain/dossiers/dossier-papers.ts';
import { ConflictError, ForbiddenError, InvalidTransitionError, RuleViolationError, ValidationError } from '../../domain/errors.ts';
import { availableForms } from '../counter/print.views.tsx';
import { uploadRefusal } from '../counter/upload-refusal.ts';
import { FlowDiagram } from '../flow/flow-diagram.tsx';
import { FlowSummary } from '../flow/flow-summary.tsx';
import { prepareFlowLayout } from '../flow/flow-layout.ts';
import { discardFiles, readMultipartForm } from '../multipart-form.ts';
import type { Option } from '../components/field.tsx';
import { formErrorsOf } from '../form-errors.ts';
import { formatDateTime } from '../format.ts';
import { Layout } from '../layout.tsx';
import { eventActionLabel, stateLabel } from '../labels.ts';
import { definePage } from '../page.ts';
import type { PageContext } from '../page-context.ts';
import { DossierDetailView, type DossierDetailProps } from './dossier.views.tsx';
import { eventBodyFromForm } from './event-forms.ts';
import { PapersPanel, type PaperUploadFailure } from './papers.views.tsx';

/** The department's active specialists: whom an assignment may name, and the names the timeline shows. */
async function staffOf(deps: AppDeps, departmentId: number): Promise<Option[]> {
  const page = await listUsers(deps.db, { departmentId, role: 'specialist', disabled: false, pageSize: 100 });
  return page.items.map((u) => ({ value: String(u.id), label: u.fullName }));
}

/** The kinds of paper this user may attach to the dossier now; none when they may not (the form is then not shown). */
async function attachableKinds(deps: AppDeps, principal: Principal, id: number): Promise<string[]> {
  try {
    return (await prepareAttach(dossierDeps(deps), { kind: 'staff', actor: userActor(principal), dossierId: id })).kinds;
  } catch (err) {
    if (err instanceof ForbiddenError || err instanceof RuleViolationError) return [];
    throw err;
  }
}

async function detail(
  deps: AppDeps,
  principal: Principal,
  page: PageContext,
  id: number,
  extra: Pick<DossierDetailProps, 'notice' | 'failed'> & { paperFailure?: PaperUploadFailure } = {},
) {
  const { paperFailure, ...rest } = extra;
  const dossier = await getDossier(dossierDeps(deps), principal, id);
  const staff = await staffOf(deps, dossier.departmentId);
  const timeline = dossier.timeline ?? [];
  const kinds = await attachableKinds(deps, principal, id);
  // The drawing is laid out once per machine version (ELK), then drawn per dossier.
  await prepareFlowLayout(dossier.machine.id, dossier.machine.version);
  const papers = PapersPanel({
    page,
    dossierId: dossier.id,
    papers: dossier.papers ?? [],
    checklist: dossier.checklist ?? [],
    kinds,
    forms: availableForms(timeline, dossier.receivedAt),
    failed: paperFailure,
    maxBytes: deps.config.upload.maxBytes,
  });
  // In the column: the path so far and the next steps; the whole machine on its own page, fitted to the screen.
  const flow = <FlowSummary machineId={dossier.machine.id} version={dossier.machine.version} currentState={dossier.state} taken={timeline} fullHref={`/dossiers/${dossier.id}/flow`} />;
  return DossierDetailView({ page, dossier: { ...dossier, timeline }, staff, papers, flow, ...rest });
}

/** What the page says after papers were attached, or when the scans of an intake could not be. */
const PAPER_NOTICES: Record<string, DossierDetailProps['notice']> = {
  added: { kind: 'ok', text: 'Đã đính kèm giấy tờ.' },
  failed: {
    kind: 'error',
    title: 'Hồ sơ đã được tiếp nhận nhưng chưa đính kèm được bản quét',
    text: 'Do lỗi hệ thống, các tệp đã chọn chưa được lưu. Hãy tải lên lại các bản quét ở mục Giấy tờ bên dưới.',
  },
};

/** Why a rule of the flow refused an action, said beside its field. */
const RULE_FIELDS: Record<string, { field: string; text: string }> = {
  UNKNOWN_PAPER_KIND: { field: 'missingPapers', text: 'Chỉ chọn các giấy tờ trong danh mục của thủ tục.' },
  APOLOGY_DATE_NOT_LATER: { field: 'newDueAt', text: 'Ngày hẹn trả mới phải sau ngày hẹn hiện tại.' },
  APOLOGY_DATE_TOO_LATE: { field: 'newDueAt', text: 'Ngày hẹn trả mới không được quá thời hạn giải quyết của thủ tục tính từ ngày hẹn hiện tại.' },
  INVALID_ASSIGNEE: { field: 'assigneeId', text: 'Người được chọn không phải chuyên viên đang làm việc của phòng xử lý hồ sơ.' },
  CALENDAR_NO_WORKING_TIME: { field: 'newDueAt', text: 'Không có giờ làm việc trong khoảng thời gian này theo lịch làm việc.' },
  CALENDAR_OUT_OF_RANGE: { field: 'newDueAt', text: 'Ngày nằm ngoài khoảng lịch làm việc của hệ thống.' },
};

export const dossierPages = [
  definePage({
    method: 'get',
    path: '/dossiers/:id',
    auth: DOSSIER_ROLES,
    params: IdParams,
    handler: async ({ params, principal, page, query, deps }) => {
      const done = query.done ? eventActionLabel(query.done) : null;
      const notice = done && done !== query.done ? { kind: 'ok' as const, text: `Đã thực hiện: ${done}.` } : PAPER_NOTICES[query.papers ?? ''];
      return { view: await detail(deps, principal, page, params.id, { notice }) };
    },
  }),
  definePage({
    method: 'post',
    path: '/dossiers/:id/events',
    auth: DOSSIER_ROLES,
    params: IdParams,
    handler: async ({ params, principal, page, form, deps, ctx }) => {
      const type = form.type ?? '';
      const { type: _t, version: _v, ...values } = form;
      try {
        // The API's validator and the API's service: one path to the dossier.
        const body = DossierEventBody.validate(eventBodyFromForm(type, form));
        const answer = await fireDossierEvent(dossierDeps(deps), userActor(principal), params.id, body);
        if (type === 'RECEIVE' && answer.body.channel === 'counter') {
          // Received at the counter after the applicant was guided: the receipt (Mẫu 01) is printed now,
          // with the tracking secret issued for it.
          const secret = await issueReceiptSecret(dossierDeps(deps), principal, params.id, answer.body.version);
          if (secret) rememberReceiptSecret(ctx, deps, params.id, secret);
          return { redirect: `/dossiers/${params.id}/forms/receipt` };
        }
        return { redirect: `/dossiers/${params.id}?done=${encodeURIComponent(type)}` };
      } catch (err) {
        if (err instanceof ConflictError && err.code === 'STALE_VERSION') {
          const current = await getDossier(dossierDeps(deps), principal, params.id);
          const notice = {
            kind: 'error' as const,
            title: 'Hồ sơ vừa được người khác xử lý trước bạn',
            text: `Thao tác "${eventActionLabel(type)}" chưa được thực hiện. Trạng thái hiện tại: ${stateLabel(current.state)} (cập nhật lúc ${formatDateTime(current.updatedAt)}). Trang đã được tải lại với thông tin mới nhất; hãy xem lại trước khi thao tác.`,
          };
          // What was typed stays in the form, if that action is still open.
          return { view: await detail(deps, principal, page, params.id, { notice, failed: { type, values, errors: { fields: {} } } }), status: 409 };
        }
        if (err instanceof InvalidTransitionError) {
          const notice = {
            kind: 'error' as const,
            title: 'Thao tác không còn phù hợp',
            text: `Không thể "${eventActionLabel(type)}" khi hồ sơ ở trạng thái "${stateLabel(err.details ? (err.details as { state: string }).state : '')}". Có thể hồ sơ vừa được người khác xử lý; trang đã được tải lại.`,
          };
          return { view: await detail(deps, principal, page, params.id, { notice }), status: 422 };
        }
        if (err instanceof ValidationError || err instanceof RuleViolationError) {
          if (err.code === 'UNKNOWN_EVENT') throw err;
          const errors = formErrorsOf(err, 'body');
          const rule = RULE_FIELDS[err.code];
          if (rule) errors.fields[rule.field] = rule.text;
          // An approval is handed back as a document (Decree 118/2025): the licence must be attached first.
          if (err.code === 'RESULT_DOCUMENT_MISSING') errors.form = 'Chưa có kết quả giải quyết (giấy phép) đính kèm: hãy tải lên ở mục Giấy tờ trước khi trả kết quả.';
          // A dossier lacking a required paper is not received (Decree 118/2025): the ways forward are named.
          if (err.code === 'PAPERS_INCOMPLETE') {
            const missing = ((err.details as { missing?: Array<{ name: string }> } | null)?.missing ?? []).map((p) => p.name);
            errors.form = `Chưa tiếp nhận được: hồ sơ còn thiếu ${missing.join('; ')}. Hãy tải bản quét lên ở mục Giấy tờ, hoặc yêu cầu bổ sung (Mẫu 02), hoặc từ chối tiếp nhận (Mẫu 03).`;
            delete errors.fields.papers;
          }
          const stray = Object.keys(errors.fields).filter((f) => f === 'version' || f === 'type');
          if (stray.length > 0 || (Object.keys(errors.fields).length === 0 && !errors.form)) errors.form = 'Biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.';
          const notice = { kind: 'error' as const, text: 'Chưa thực hiện được: hãy sửa các ô được đánh dấu bên dưới.' };
          return { view: await detail(deps, principal, page, params.id, { notice, failed: { type, values, errors } }), status: err.status };
        }
        throw err;
      }
    },
  }),
  definePage({
    method: 'post',
    path: '/dossiers/:id/papers',
    auth: DOSSIER_ROLES,
    params: IdParams,
    multipart: true,
    handler: async (input) => {
      const { params, principal, page, deps } = input;
      const target = { kind: 'staff' as const, actor: userActor(principal), dossierId: params.id };
      // Who may attach what is known before a byte is read (as the API): a refusal stores nothing.
      await prepareAttach(dossierDeps(deps), target);
      const { form, files, refused, store } = await readMultipartForm(input);
      const kind = form.kind ?? '';
      const again = async (failure: PaperUploadFailure, status: number) => ({ view: await detail(deps, principal, page, params.id, { paperFailure: failure }), status });
      if (refused) {
        const why = uploadRefusal(refused);
        return again({ kind, ...(why.field ? { fileError: why.text } : { formError: why.text }) }, refused.status);
      }
      const uploads = files.filter((f) => f.field === 'file').map((f) => ({ kind, name: f.name, mediaType: f.mediaType, temp: f.temp }));
      await discardFiles(store, files.filter((f) => f.field !== 'file'));
      if (uploads.length === 0) return again({ kind, fileError: 'Hãy chọn ít nhất một tệp.' }, 400);
      try {
        // attachPapers consumes the temporary files, attached or not.
        await attachPapers(dossierDeps(deps), target, uploads);
      } catch (err) {
        if (err instanceof ValidationError && err.code === 'UNKNOWN_PAPER_KIND') return again({ kind, kindError: 'Hãy chọn một loại giấy tờ trong danh sách.' }, 400);
        if (err instanceof RuleViolationError && err.code === 'PAPERS_NOT_ACCEPTED') {
          return again({ kind, formError: 'Hồ sơ ở trạng thái hiện tại không nhận thêm loại giấy tờ này (có thể hồ sơ vừa được người khác xử lý).' }, 422);
        }
        if (err instanceof ForbiddenError) return again({ kind, kindError: 'Bạn không được đính kèm loại giấy tờ này.' }, 403);
        throw err;
      }
      return { redirect: `/dossiers/${params.id}?papers=added#giay-to` };
    },
  }),
  definePage({
    method: 'get',
    path: '/dossiers/:id/flow',
    auth: DOSSIER_ROLES,
    params: IdParams,
    handler: async ({ params, query, principal, page, deps }) => {
      const natural = query.kho === 'that';
      // The whole drawing, scaled to fit the window (and an A4 landscape sheet when printed): the detail's
      // column shows only the path so far and the next steps.
      const dossier = await getDossier(dossierDeps(deps), principal, params.id);
      await prepareFlowLayout(dossier.machine.id, dossier.machine.version);
      return {
        view: (
          <Layout page={page} title={`Sơ đồ quy trình — hồ sơ ${dossier.code}`}>
            <p class="no-print">
              <a href={`/dossiers/${dossier.id}`}>← Hồ sơ {dossier.code}</a> · Trạng thái hiện tại: <strong>{stateLabel(dossier.state)}</strong> ·{' '}
              {natural ? <a href={`/dossiers/${dossier.id}/flow`}>Thu vừa màn hình</a> : <a href={`/dossiers/${dossier.id}/flow?kho=that`}>Xem khổ thật (cuộn để xem)</a>} · In sơ đồ: Ctrl+P (một trang A4 ngang).
            </p>
            <p class="print-only">
              Hồ sơ {dossier.code} · Trạng thái hiện tại: {stateLabel(dossier.state)}
            </p>
            <div class={`flow-wrap panel ${natural ? 'flow-natural' : 'flow-fit'}`}>
              <FlowDiagram machineId={dossier.machine.id} version={dossier.machine.version} currentState={dossier.state} taken={dossier.timeline ?? []} />
            </div>
          </Layout>
        ),
      };
    },
  }),
];
