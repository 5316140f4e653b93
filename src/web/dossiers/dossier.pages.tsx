import { dossierDeps, type AppDeps } from '../../api/deps.ts';
import { DossierEventBody } from '../../api/routes/dossiers/dossiers.schema.ts';
import { IdParams } from '../../api/schemas/common.ts';
import { userActor } from '../../auth/actor.ts';
import type { Principal } from '../../auth/principal.ts';
import { DOSSIER_ROLES } from '../../auth/policies/dossier.policy.ts';
import { listUsers } from '../../domain/accounts/users.service.ts';
import { fireDossierEvent, getDossier } from '../../domain/dossiers/dossier.service.ts';
import { ConflictError, InvalidTransitionError, RuleViolationError, ValidationError } from '../../domain/errors.ts';
import type { Option } from '../components/field.tsx';
import { formErrorsOf } from '../form-errors.ts';
import { formatDateTime } from '../format.ts';
import { eventActionLabel, stateLabel } from '../labels.ts';
import { definePage } from '../page.ts';
import type { PageContext } from '../page-context.ts';
import { DossierDetailView, type DossierDetailProps } from './dossier.views.tsx';
import { eventBodyFromForm } from './event-forms.ts';

/** The department's active specialists: whom an assignment may name, and the names the timeline shows. */
async function staffOf(deps: AppDeps, departmentId: number): Promise<Option[]> {
  const page = await listUsers(deps.db, { departmentId, role: 'specialist', disabled: false, pageSize: 100 });
  return page.items.map((u) => ({ value: String(u.id), label: u.fullName }));
}

async function detail(deps: AppDeps, principal: Principal, page: PageContext, id: number, extra: Pick<DossierDetailProps, 'notice' | 'failed'> = {}) {
  const dossier = await getDossier(dossierDeps(deps), principal, id);
  const staff = await staffOf(deps, dossier.departmentId);
  return DossierDetailView({ page, dossier: { ...dossier, timeline: dossier.timeline ?? [] }, staff, ...extra });
}

/** Why a rule of the flow refused an action, said beside its field. */
const RULE_FIELDS: Record<string, { field: string; text: string }> = {
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
      const notice = done && done !== query.done ? { kind: 'ok' as const, text: `Đã thực hiện: ${done}.` } : undefined;
      return { view: await detail(deps, principal, page, params.id, { notice }) };
    },
  }),
  definePage({
    method: 'post',
    path: '/dossiers/:id/events',
    auth: DOSSIER_ROLES,
    params: IdParams,
    handler: async ({ params, principal, page, form, deps }) => {
      const type = form.type ?? '';
      const { type: _t, version: _v, ...values } = form;
      try {
        // The API's validator and the API's service: one path to the dossier.
        const body = DossierEventBody.validate(eventBodyFromForm(type, form));
        await fireDossierEvent(dossierDeps(deps), userActor(principal), params.id, body);
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
          const stray = Object.keys(errors.fields).filter((f) => f === 'version' || f === 'type');
          if (stray.length > 0 || (Object.keys(errors.fields).length === 0 && !errors.form)) errors.form = 'Biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.';
          const notice = { kind: 'error' as const, text: 'Chưa thực hiện được: hãy sửa các ô được đánh dấu bên dưới.' };
          return { view: await detail(deps, principal, page, params.id, { notice, failed: { type, values, errors } }), status: err.status };
        }
        throw err;
      }
    },
  }),
];

