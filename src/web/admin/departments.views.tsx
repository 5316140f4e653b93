import type { DepartmentView } from '../../domain/accounts/departments.service.ts';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDateTime } from '../format.ts';
import type { PageContext } from '../page-context.ts';
import { AdminFlash, AdminLayout } from './admin-frame.tsx';

export interface DepartmentFormText {
  code?: string;
  name?: string;
  parentId?: string;
}

/** A rename refused: which department, what was typed and why. */
export interface RenameRefusal {
  id: number;
  name: string;
  error: string;
}

export function DepartmentsView({ page, departments, values = {}, errors = { fields: {} }, rename, msg }: {
  page: PageContext;
  departments: DepartmentView[];
  values?: DepartmentFormText;
  errors?: FormErrors;
  rename?: RenameRefusal;
  msg?: string;
}) {
  const byId = new Map(departments.map((d) => [d.id, d]));
  return (
    <AdminLayout page={page} title="Phòng ban">
      <AdminFlash code={msg} />
      <Table
        caption="Các phòng ban, đơn vị"
        rows={departments}
        rowKey={(d) => d.id}
        empty="Chưa có phòng ban nào."
        columns={[
          { header: 'Mã', cell: (d) => d.code, class: 'nowrap' },
          {
            header: 'Tên (sửa để đổi tên)',
            cell: (d) => (
              <form method="post" action={`/admin/departments/${d.id}/rename`} class="row-form" novalidate>
                <CsrfField token={page.csrf} />
                <Field
                  name="name"
                  label={`Tên phòng ban ${d.code}`}
                  idPrefix={`dept-${d.id}`}
                  value={rename?.id === d.id ? rename.name : d.name}
                  error={rename?.id === d.id ? rename.error : undefined}
                  required
                  maxLength={200}
                />
                <button type="submit" class="button-secondary">Đổi tên</button>
              </form>
            ),
          },
          { header: 'Trực thuộc', cell: (d) => (d.parentId === null ? '—' : (byId.get(d.parentId)?.name ?? `#${d.parentId}`)) },
          { header: 'Ngày tạo', cell: (d) => formatDateTime(d.createdAt), class: 'nowrap' },
          { header: 'Tài khoản', cell: (d) => <a href={`/admin/users?departmentId=${d.id}`}>Xem tài khoản</a> },
        ]}
      />
      <section class="panel form-narrow" aria-labelledby="new-dept-h">
        <h2 id="new-dept-h">Thêm phòng ban</h2>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <form method="post" action="/admin/departments" novalidate>
          <CsrfField token={page.csrf} />
          <Field name="code" label="Mã phòng ban" idPrefix="new" value={values.code} error={errors.fields.code} required maxLength={32} hint="Chữ in hoa không dấu, số, - hoặc _, ví dụ QLNL." />
          <Field name="name" label="Tên phòng ban" idPrefix="new" value={values.name} error={errors.fields.name} required maxLength={200} />
          <Field
            name="parentId"
            label="Trực thuộc"
            type="select"
            idPrefix="new"
            options={departments.map((d) => ({ value: String(d.id), label: d.name }))}
            value={values.parentId}
            error={errors.fields.parentId}
            emptyLabel="— Trực thuộc Sở —"
          />
          <button type="submit">Thêm phòng ban</button>
        </form>
      </section>
    </AdminLayout>
  );
}
