import { DepartmentChangeBody, NewDepartmentBody } from '../../api/routes/departments/departments.routes.ts';
import { IdParams } from '../../api/schemas/common.ts';
import { validate } from '../../api/validation.ts';
import { createDepartment, listDepartments, renameDepartment, type NewDepartment } from '../../domain/accounts/departments.service.ts';
import { ConflictError, ValidationError } from '../../domain/errors.ts';
import { formErrorsOf } from '../form-errors.ts';
import { definePage } from '../page.ts';
import { actorOf, ADMIN_ONLY } from './admin-frame.tsx';
import { DepartmentsView, type DepartmentFormText } from './departments.views.tsx';

const BAD_CODE = 'Chỉ dùng chữ in hoa không dấu, số, - hoặc _ (tối đa 32 ký tự, bắt đầu bằng chữ hoặc số).';

export const departmentPages = [
  definePage({
    method: 'get',
    path: '/admin/departments',
    auth: ADMIN_ONLY,
    handler: async ({ page, query, deps }) => ({ view: DepartmentsView({ page, departments: await listDepartments(deps.db), msg: query.msg }) }),
  }),
  definePage({
    method: 'post',
    path: '/admin/departments',
    auth: ADMIN_ONLY,
    handler: async ({ page, form, principal, deps }) => {
      const values: DepartmentFormText = { code: form.code ?? '', name: form.name ?? '', parentId: form.parentId ?? '' };
      const parent = values.parentId ? (/^[1-9][0-9]{0,9}$/.test(values.parentId) ? Number(values.parentId) : values.parentId) : null;
      try {
        const input = validate<NewDepartment>(NewDepartmentBody, { code: values.code!.trim().toUpperCase(), name: values.name!.trim(), parentId: parent }, 'body');
        await createDepartment(deps.db, actorOf(principal), input, deps.clock());
        return { redirect: '/admin/departments?msg=department-created' };
      } catch (err) {
        if (!(err instanceof ValidationError || err instanceof ConflictError)) throw err;
        const errors = formErrorsOf(err);
        if (errors.fields.code) errors.fields.code = BAD_CODE;
        if (err.code === 'DUPLICATE') errors.fields.code = 'Mã phòng ban này đã có.';
        if (err.code === 'UNKNOWN_REFERENCE') errors.fields.parentId = 'Phòng ban cấp trên không tồn tại.';
        return { view: DepartmentsView({ page, departments: await listDepartments(deps.db), values, errors }), status: err.status };
      }
    },
  }),
  definePage({
    method: 'post',
    path: '/admin/departments/:id/rename',
    auth: ADMIN_ONLY,
    params: IdParams,
    handler: async ({ page, params, form, principal, deps }) => {
      const name = form.name ?? '';
      try {
        const body = validate<{ name: string }>(DepartmentChangeBody, { name: name.trim() }, 'body');
        await renameDepartment(deps.db, actorOf(principal), params.id, body, deps.clock());
        return { redirect: '/admin/departments?msg=department-renamed' };
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const error = formErrorsOf(err).fields.name ?? 'Tên không hợp lệ.';
        return { view: DepartmentsView({ page, departments: await listDepartments(deps.db), rename: { id: params.id, name, error } }), status: 400 };
      }
    },
  }),
];
