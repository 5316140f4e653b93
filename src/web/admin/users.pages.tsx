import { NewUserBody, UserChangeBody, UserQuery } from '../../api/routes/users/users.schema.ts';
import { validate } from '../../api/validation.ts';
import { ROLES, type Role } from '../../auth/principal.ts';
import { listDepartments } from '../../domain/accounts/departments.service.ts';
import { createUser, getUser, listUsers, resetPassword, updateUser, type NewUser, type UserChange, type UserFilter, type UserPage } from '../../domain/accounts/users.service.ts';
import { ConflictError, ValidationError } from '../../domain/errors.ts';
import { IdParams } from '../../api/schemas/common.ts';
import { formErrorsOf, type FormErrors } from '../form-errors.ts';
import { definePage } from '../page.ts';
import { searchTooLong } from '../search-limits.ts';
import { actorOf, ADMIN_ONLY } from './admin-frame.tsx';
import { InitialPasswordView, NewUserView, USER_FILTERS, UserDetailView, UserListView, type UserFilterText, type UserFormText } from './users.views.tsx';

const PAGE_SIZE = 25;

const LAST_ADMIN =
  'Đây là quản trị viên cuối cùng đang hoạt động: không thể khóa tài khoản này hay bỏ vai trò quản trị của nó. Hãy cấp vai trò quản trị cho một tài khoản khác trước.';

/** The roles ticked on a form (one checkbox per role, `role-<name>`). */
function rolesOf(form: Record<string, string>): Role[] {
  return ROLES.filter((r) => form[`role-${r}`] === 'on');
}

/** A department picked from the list: none, an id, or what was sent (for the schema to refuse). */
function departmentOf(text: string | undefined): number | null | string {
  if (!text) return null;
  return /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : text;
}

/** The field errors of an account form, in the words an admin reads. */
function accountErrors(err: ValidationError | ConflictError): FormErrors {
  const errors = formErrorsOf(err);
  if (err.code === 'DUPLICATE') errors.fields.username = 'Tên đăng nhập này đã có người dùng.';
  if (err.code === 'UNKNOWN_REFERENCE') errors.fields.departmentId = 'Phòng ban không tồn tại.';
  if (errors.fields.username && err.code === 'VALIDATION_FAILED') errors.fields.username = 'Chỉ dùng chữ thường không dấu, số và . _ - (3–64 ký tự, bắt đầu bằng chữ hoặc số).';
  if (errors.fields.email) errors.fields.email = 'Địa chỉ thư điện tử không hợp lệ.';
  if (errors.fields.roles) errors.fields.roles = 'Hãy chọn ít nhất một vai trò.';
  if (Object.keys(errors.fields).length === 0 && !errors.form) errors.form = 'Thông tin chưa hợp lệ.';
  return errors;
}

export const userPages = [
  definePage({
    method: 'get',
    path: '/admin/users',
    auth: ADMIN_ONLY,
    handler: async ({ page, query, deps }) => {
      const filters: UserFilterText = {};
      for (const name of USER_FILTERS) if (query[name]) filters[name] = query[name];
      const departments = await listDepartments(deps.db);
      let result: UserPage | null = null;
      let errors: FormErrors = { fields: searchTooLong(filters, UserQuery, ['q']) };
      if (Object.keys(errors.fields).length === 0) try {
        // The API's own query schema: the page refuses what the API refuses, beside the filter.
        const q = validate<UserFilter>(UserQuery, { ...filters, ...(query.page ? { page: query.page } : {}), pageSize: String(PAGE_SIZE) }, 'query');
        result = await listUsers(deps.db, q);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        errors = formErrorsOf(err, 'query');
        if (Object.keys(errors.fields).length === 0 && !errors.form) errors.form = 'Bộ lọc không hợp lệ.';
      }
      return { view: UserListView({ page, filters, result, departments, errors, msg: query.msg }), status: result ? 200 : 400 };
    },
  }),
  definePage({
    method: 'get',
    path: '/admin/users/new',
    auth: ADMIN_ONLY,
    handler: async ({ page, deps }) => ({ view: NewUserView({ page, values: { roles: ['staff'] }, departments: await listDepartments(deps.db) }) }),
  }),
  definePage({
    method: 'post',
    path: '/admin/users',
    auth: ADMIN_ONLY,
    handler: async ({ page, form, principal, deps }) => {
      const values: UserFormText = { username: form.username ?? '', fullName: form.fullName ?? '', email: form.email ?? '', departmentId: form.departmentId ?? '', roles: rolesOf(form) };
      const body = {
        username: values.username!.trim(),
        fullName: values.fullName!.trim(),
        email: values.email!.trim() || null,
        departmentId: departmentOf(values.departmentId),
        roles: values.roles,
      };
      try {
        // No password field: the initial one is generated and shown once (Điều 3.2).
        const input = validate<NewUser>(NewUserBody, body, 'body');
        const created = await createUser(deps.db, actorOf(principal), input, deps.clock(), { scryptCost: deps.config.scryptCost });
        return { view: InitialPasswordView({ page, user: created.user, password: created.initialPassword as string, reset: false }), status: 201 };
      } catch (err) {
        if (!(err instanceof ValidationError || err instanceof ConflictError)) throw err;
        const departments = await listDepartments(deps.db);
        return { view: NewUserView({ page, values, departments, errors: accountErrors(err) }), status: err.status };
      }
    },
  }),
  definePage({
    method: 'get',
    path: '/admin/users/:id',
    auth: ADMIN_ONLY,
    params: IdParams,
    handler: async ({ page, params, query, deps }) => ({
      view: UserDetailView({ page, user: await getUser(deps.db, params.id), departments: await listDepartments(deps.db), msg: query.msg }),
    }),
  }),
  definePage({
    method: 'post',
    path: '/admin/users/:id/access',
    auth: ADMIN_ONLY,
    changesCredentials: true,
    params: IdParams,
    handler: async ({ page, params, form, principal, deps }) => {
      const access: UserFormText = { departmentId: form.departmentId ?? '', roles: rolesOf(form) };
      try {
        const change = validate<UserChange>(UserChangeBody, { roles: access.roles, departmentId: departmentOf(access.departmentId) }, 'body');
        await updateUser(deps.db, actorOf(principal), params.id, change, deps.clock());
        return { redirect: `/admin/users/${params.id}?msg=user-updated` };
      } catch (err) {
        if (!(err instanceof ValidationError || err instanceof ConflictError)) throw err;
        const errors = err.code === 'LAST_ADMIN' ? { fields: { roles: 'Không thể bỏ vai trò quản trị của quản trị viên cuối cùng.' }, form: LAST_ADMIN } : accountErrors(err);
        const user = await getUser(deps.db, params.id);
        return { view: UserDetailView({ page, user, departments: await listDepartments(deps.db), access, errors }), status: err.status };
      }
    },
  }),
  ...(
    [
      ['disable', { disabled: true }, 'user-disabled'],
      ['enable', { disabled: false }, 'user-enabled'],
      ['unlock', { unlock: true }, 'user-unlocked'],
    ] as const
  ).map(([action, change, msg]) =>
    definePage({
      method: 'post',
      path: `/admin/users/:id/${action}`,
      auth: ADMIN_ONLY,
      changesCredentials: true,
      params: IdParams,
      handler: async ({ page, params, principal, deps }) => {
        try {
          await updateUser(deps.db, actorOf(principal), params.id, change, deps.clock());
          return { redirect: `/admin/users/${params.id}?msg=${msg}` };
        } catch (err) {
          if (!(err instanceof ConflictError && err.code === 'LAST_ADMIN')) throw err;
          const user = await getUser(deps.db, params.id);
          return { view: UserDetailView({ page, user, departments: await listDepartments(deps.db), errors: { fields: {}, form: LAST_ADMIN } }), status: 409 };
        }
      },
    }),
  ),
  definePage({
    method: 'post',
    path: '/admin/users/:id/password',
    auth: ADMIN_ONLY,
    changesCredentials: true,
    params: IdParams,
    handler: async ({ page, params, principal, deps }) => {
      // OWN_ACCOUNT (the admin's own) answers the 403 page: the detail page offers no such button.
      const reset = await resetPassword(deps.db, actorOf(principal), params.id, {}, deps.clock(), { scryptCost: deps.config.scryptCost });
      return { view: InitialPasswordView({ page, user: reset.user, password: reset.initialPassword as string, reset: true }) };
    },
  }),
];
