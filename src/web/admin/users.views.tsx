import { UserQuery } from '../../api/routes/users/users.schema.ts';
import { ROLES, type Role } from '../../auth/principal.ts';
import type { DepartmentView } from '../../domain/accounts/departments.service.ts';
import type { UserPage, UserView } from '../../domain/accounts/users.service.ts';
import { Badge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDateTime } from '../format.ts';
import { ROLE_LABELS } from '../labels.ts';
import type { PageContext } from '../page-context.ts';
import { searchMaxLength } from '../search-limits.ts';
import { AdminFlash, AdminLayout } from './admin-frame.tsx';

const NO_ERRORS: FormErrors = { fields: {} };

/** The filters of the account list as typed. */
export interface UserFilterText {
  q?: string;
  departmentId?: string;
  role?: string;
  disabled?: string;
}
export const USER_FILTERS = ['q', 'departmentId', 'role', 'disabled'] as const;

/** What the account forms carry as typed: the fields, and the roles ticked. */
export interface UserFormText {
  username?: string;
  fullName?: string;
  email?: string;
  departmentId?: string;
  roles: Role[];
}

const roleOptions = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
const departmentOptions = (departments: DepartmentView[]) => departments.map((d) => ({ value: String(d.id), label: `${d.name} (${d.code})` }));

function departmentName(departments: DepartmentView[], id: number | null): string {
  if (id === null) return '—';
  return departments.find((d) => d.id === id)?.name ?? `#${id}`;
}

/** Whether an account is locked out after failed logins right now. */
export function isLocked(user: UserView, now: Date): boolean {
  return user.lockedUntil !== null && user.lockedUntil > now.toISOString();
}

function StatusBadges({ user, now }: { user: UserView; now: Date }) {
  return (
    <>
      {user.disabled ? <Badge tone="danger">Đã khóa</Badge> : <Badge tone="ok">Đang hoạt động</Badge>}{' '}
      {isLocked(user, now) && <Badge tone="warn">Tạm khóa đăng nhập</Badge>}{' '}
      {user.mustChangePassword && <Badge>Chờ đổi mật khẩu ban đầu</Badge>}
    </>
  );
}

/** The roles as checkboxes (each its own name: a form field carries one value), the error beside them. */
function RoleChoices({ chosen, error, idPrefix }: { chosen: Role[]; error?: string; idPrefix: string }) {
  return (
    <fieldset aria-describedby={error ? `${idPrefix}-roles-error` : undefined} aria-invalid={error ? 'true' : undefined}>
      <legend>
        Vai trò<span class="required" aria-hidden="true"> *</span>
      </legend>
      <div class="checks">
        {ROLES.map((r) => (
          <label class="check">
            <input type="checkbox" name={`role-${r}`} value="on" checked={chosen.includes(r)} /> {ROLE_LABELS[r]}
          </label>
        ))}
      </div>
      {error && <span class="error" id={`${idPrefix}-roles-error`}>{error}</span>}
    </fieldset>
  );
}

function queryOf(filters: UserFilterText, page: number): string {
  const params = new URLSearchParams();
  for (const name of USER_FILTERS) if (filters[name]) params.set(name, filters[name] as string);
  if (page > 1) params.set('page', String(page));
  return params.toString();
}

export function UserListView({ page, filters, result, departments, errors, msg }: {
  page: PageContext;
  filters: UserFilterText;
  result: UserPage | null;
  departments: DepartmentView[];
  errors: FormErrors;
  msg?: string;
}) {
  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
  return (
    <AdminLayout page={page} title="Tài khoản người dùng">
      <AdminFlash code={msg} />
      <p>
        <a class="button" href="/admin/users/new">Tạo tài khoản</a>
      </p>
      <form method="get" action="/admin/users" class="panel" role="search" aria-label="Lọc tài khoản" novalidate>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <div class="filters">
          <Field name="q" label="Tìm theo tên đăng nhập, họ tên, thư điện tử" type="search" value={filters.q} error={errors.fields.q} hint={`Tối đa ${searchMaxLength(UserQuery, 'q')} ký tự.`} />
          <Field name="departmentId" label="Phòng ban" type="select" options={departmentOptions(departments)} value={filters.departmentId} error={errors.fields.departmentId} emptyLabel="Tất cả phòng ban" />
          <Field name="role" label="Vai trò" type="select" options={roleOptions} value={filters.role} error={errors.fields.role} emptyLabel="Tất cả vai trò" />
          <Field
            name="disabled"
            label="Trạng thái"
            type="select"
            options={[
              { value: 'false', label: 'Đang hoạt động' },
              { value: 'true', label: 'Đã khóa' },
            ]}
            value={filters.disabled}
            error={errors.fields.disabled}
            emptyLabel="Tất cả"
          />
          <div class="actions">
            <button type="submit">Lọc</button> <a class="button button-secondary" href="/admin/users">Xóa bộ lọc</a>
          </div>
        </div>
      </form>
      {result && (
        <>
          <p role="status">{result.total} tài khoản phù hợp.</p>
          <Table
            rows={result.items}
            rowKey={(u) => u.id}
            empty="Không có tài khoản nào phù hợp với bộ lọc."
            columns={[
              { header: 'Tên đăng nhập', cell: (u) => <a href={`/admin/users/${u.id}`}>{u.username}</a>, class: 'nowrap' },
              { header: 'Họ tên', cell: (u) => u.fullName },
              { header: 'Phòng ban', cell: (u) => departmentName(departments, u.departmentId) },
              { header: 'Vai trò', cell: (u) => u.roles.map((r) => ROLE_LABELS[r]).join(', ') },
              { header: 'Trạng thái', cell: (u) => <StatusBadges user={u} now={page.now} /> },
            ]}
          />
          {pages > 1 && (
            <nav class="pager" aria-label="Phân trang">
              {result.page > 1 && <a href={`/admin/users?${queryOf(filters, result.page - 1)}`}>← Trang trước</a>}
              <span>
                Trang {result.page}/{pages}
              </span>
              {result.page < pages && <a href={`/admin/users?${queryOf(filters, result.page + 1)}`}>Trang sau →</a>}
            </nav>
          )}
        </>
      )}
    </AdminLayout>
  );
}

export function NewUserView({ page, values, departments, errors = NO_ERRORS }: { page: PageContext; values: UserFormText; departments: DepartmentView[]; errors?: FormErrors }) {
  return (
    <AdminLayout page={page} title="Tạo tài khoản">
      <form method="post" action="/admin/users" class="panel form-narrow" novalidate>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <CsrfField token={page.csrf} />
        <Field name="username" label="Tên đăng nhập" value={values.username} error={errors.fields.username} required maxLength={64} autocomplete="off" hint="Chữ thường không dấu, số và . _ - ; từ 3 đến 64 ký tự." />
        <Field name="fullName" label="Họ và tên" value={values.fullName} error={errors.fields.fullName} required maxLength={200} autocomplete="off" />
        <Field name="email" label="Thư điện tử" type="email" value={values.email} error={errors.fields.email} maxLength={254} autocomplete="off" />
        <Field name="departmentId" label="Phòng ban" type="select" options={departmentOptions(departments)} value={values.departmentId} error={errors.fields.departmentId} emptyLabel="— Không thuộc phòng nào —" />
        <RoleChoices chosen={values.roles} error={errors.fields.roles} idPrefix="new" />
        <p class="hint">Hệ thống tự sinh mật khẩu ban đầu và hiển thị một lần sau khi tạo; người dùng phải đổi mật khẩu ở lần đăng nhập đầu tiên (Điều 3.2).</p>
        <button type="submit">Tạo tài khoản</button> <a class="button button-secondary" href="/admin/users">Hủy</a>
      </form>
    </AdminLayout>
  );
}

/** The initial password, shown once: it is not stored in clear and cannot be shown again. */
export function InitialPasswordView({ page, user, password, reset }: { page: PageContext; user: UserView; password: string; reset: boolean }) {
  return (
    <AdminLayout page={page} title={reset ? 'Đã cấp lại mật khẩu ban đầu' : 'Đã tạo tài khoản'}>
      <Notice kind="ok" title={reset ? `Mật khẩu mới của ${user.username}` : `Tài khoản ${user.username} đã được tạo`}>
        <p>
          Mật khẩu ban đầu: <code class="secret" id="initial-password">{password}</code>
        </p>
        <p>
          Mật khẩu chỉ hiển thị một lần này. Hãy giao trực tiếp cho {user.fullName}; người dùng phải đổi mật khẩu ở lần đăng nhập đầu tiên.
          {reset && ' Mọi phiên đăng nhập cũ và khóa API của tài khoản đã kết thúc.'}
        </p>
      </Notice>
      <p>
        <a href={`/admin/users/${user.id}`}>Xem tài khoản</a> · <a href="/admin/users">Về danh sách tài khoản</a>
      </p>
    </AdminLayout>
  );
}

export function UserDetailView({ page, user, departments, access, errors = NO_ERRORS, msg }: {
  page: PageContext;
  user: UserView;
  departments: DepartmentView[];
  /** The roles and department as typed, after a refusal. */
  access?: UserFormText;
  errors?: FormErrors;
  msg?: string;
}) {
  const self = page.principal?.userId === user.id;
  const values: UserFormText = access ?? { roles: user.roles, departmentId: user.departmentId === null ? '' : String(user.departmentId) };
  return (
    <AdminLayout page={page} title={`Tài khoản ${user.username}`}>
      <AdminFlash code={msg} />
      {errors.form && (
        <Notice kind="error" title="Không thực hiện được">
          <p>{errors.form}</p>
        </Notice>
      )}
      <section class="panel" aria-labelledby="facts-h">
        <h2 id="facts-h">Thông tin</h2>
        <dl class="facts">
          <dt>Họ và tên</dt>
          <dd>{user.fullName}</dd>
          <dt>Thư điện tử</dt>
          <dd>{user.email ?? '—'}</dd>
          <dt>Phòng ban</dt>
          <dd>{departmentName(departments, user.departmentId)}</dd>
          <dt>Vai trò</dt>
          <dd>{user.roles.map((r) => ROLE_LABELS[r]).join(', ')}</dd>
          <dt>Trạng thái</dt>
          <dd>
            <StatusBadges user={user} now={page.now} />
            {isLocked(user, page.now) && <> (đến {formatDateTime(user.lockedUntil)})</>}
          </dd>
          <dt>Ngày tạo</dt>
          <dd>{formatDateTime(user.createdAt)}</dd>
        </dl>
      </section>

      <section class="panel" aria-labelledby="access-h">
        <h2 id="access-h">Vai trò và phòng ban</h2>
        <form method="post" action={`/admin/users/${user.id}/access`} novalidate>
          <CsrfField token={page.csrf} />
          <Field name="departmentId" label="Phòng ban" type="select" idPrefix="access" options={departmentOptions(departments)} value={values.departmentId} error={errors.fields.departmentId} emptyLabel="— Không thuộc phòng nào —" />
          <RoleChoices chosen={values.roles} error={errors.fields.roles} idPrefix="access" />
          <button type="submit">Lưu vai trò và phòng ban</button>
        </form>
      </section>

      <section class="panel" aria-labelledby="state-h">
        <h2 id="state-h">Đăng nhập</h2>
        <div class="button-row">
          {user.disabled ? (
            <form method="post" action={`/admin/users/${user.id}/enable`} class="inline-form">
              <CsrfField token={page.csrf} />
              <button type="submit">Mở lại tài khoản</button>
            </form>
          ) : (
            <form method="post" action={`/admin/users/${user.id}/disable`} class="inline-form">
              <CsrfField token={page.csrf} />
              <button type="submit" class="button-danger">Khóa tài khoản</button>
            </form>
          )}
          {isLocked(user, page.now) && (
            <form method="post" action={`/admin/users/${user.id}/unlock`} class="inline-form">
              <CsrfField token={page.csrf} />
              <button type="submit" class="button-secondary">Gỡ tạm khóa đăng nhập</button>
            </form>
          )}
          {!self && (
            <form method="post" action={`/admin/users/${user.id}/password`} class="inline-form">
              <CsrfField token={page.csrf} />
              <button type="submit" class="button-secondary">Cấp lại mật khẩu ban đầu</button>
            </form>
          )}
        </div>
        <p class="hint">
          Khóa tài khoản hay cấp lại mật khẩu kết thúc mọi phiên đăng nhập và thu hồi mọi khóa API của tài khoản (cấp khóa mới cho hệ thống tích hợp sau đó). Cấp lại mật khẩu: người dùng phải đổi mật khẩu ở lần đăng nhập tiếp theo (Điều 3.2).
          {self && ' Mật khẩu của chính bạn đổi ở trang Đổi mật khẩu.'}
        </p>
      </section>
      <p>
        <a href={`/admin/events?streamType=user&streamId=${user.id}`}>Nhật ký của tài khoản này</a>
      </p>
    </AdminLayout>
  );
}
