import type { DayInfo, YearSchedule } from '../../calendar/working-calendar.ts';
import type { CalendarWarning, OverrideView, SkippedOverride } from '../../domain/calendar/calendar.service.ts';
import { Badge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import type { FormErrors } from '../form-errors.ts';
import type { PageContext } from '../page-context.ts';
import { AdminFlash, AdminLayout } from './admin-frame.tsx';

const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];

/** `Thứ Ba, 17/02/2026` for a local date `2026-02-17` (a calendar date: no time zone to convert). */
export function dayText(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const weekday = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return `${WEEKDAYS[weekday]}, ${m[3]}/${m[2]}/${m[1]}`;
}

const REASONS: Record<string, string> = {
  holiday: 'Nghỉ lễ, Tết',
  compensatory: 'Nghỉ bù',
  'swapped-off': 'Nghỉ hoán đổi',
  'swapped-workday': 'Làm bù',
  'override-holiday': 'Ngày nghỉ do quản trị đặt',
  'override-workday': 'Ngày làm việc do quản trị đặt',
  weekend: 'Nghỉ cuối tuần',
  workday: 'Ngày làm việc',
};

const KIND_LABELS = { holiday: 'Ngày nghỉ', workday: 'Ngày làm việc' } as const;

export interface OverrideFormText {
  date?: string;
  kind?: string;
  name?: string;
}

function WarningList({ warnings }: { warnings: CalendarWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <Notice kind="info" title="Cần xử lý">
      <ul>
        {warnings.map((w) =>
          w.code === 'SCHEDULE_MISSING' ? (
            <li>
              Chưa có lịch nghỉ chính thức năm {w.year}: thời hạn trong năm {w.year} đang tính theo quy tắc của Bộ luật Lao động (Điều 112). Khi Thủ tướng công bố lịch nghỉ,
              hãy nhập các ngày nghỉ và ngày làm bù dưới đây.
            </li>
          ) : (
            <li>Ngày điều chỉnh lưu cho “{w.date}” không được dùng vì không hợp lệ; hãy xóa ở bảng bên dưới.</li>
          ),
        )}
      </ul>
    </Notice>
  );
}

export function CalendarView({ page, year, yearText, yearError, schedule, daysOff, overrides, skipped, warnings, values = {}, errors = { fields: {} }, msg }: {
  page: PageContext;
  year: number;
  yearText: string;
  yearError?: string;
  schedule: YearSchedule;
  daysOff: DayInfo[];
  overrides: OverrideView[];
  skipped: SkippedOverride[];
  warnings: CalendarWarning[];
  values?: OverrideFormText;
  errors?: FormErrors;
  msg?: string;
}) {
  return (
    <AdminLayout page={page} title={`Lịch làm việc năm ${year}`}>
      <AdminFlash code={msg} />
      {Object.keys(errors.fields).length > 0 && (
        <Notice kind="error">
          Chưa lưu được ngày điều chỉnh: <a href="#them-ngay">xem lỗi ở biểu mẫu bên dưới</a>.
        </Notice>
      )}
      <WarningList warnings={warnings} />
      <form method="get" action="/admin/calendar" class="panel row-form form-narrow" aria-label="Chọn năm" novalidate>
        <Field name="year" label="Năm" type="number" value={yearText} error={yearError} />
        <button type="submit">Xem</button>
      </form>

      <section class="panel" aria-labelledby="basis-h">
        <h2 id="basis-h">Căn cứ lịch nghỉ năm {year}</h2>
        {schedule.basis === 'official' ? (
          <p>
            <Badge tone="ok">Lịch chính thức</Badge> Ngày nghỉ lễ, Tết, nghỉ bù và hoán đổi theo các văn bản:
          </p>
        ) : (
          <p>
            <Badge tone="warn">Quy tắc dự phòng</Badge> Chưa có lịch nghỉ chính thức của năm này trong phiên bản idesk đang chạy: ngày nghỉ tính theo Bộ luật Lao động.
          </p>
        )}
        <ul>
          {schedule.sources.map((s) => (
            <li>
              <strong>{s.document}</strong>: {s.decides}
            </li>
          ))}
        </ul>
      </section>

      <Table
        caption={`Ngày nghỉ năm ${year} (ngoài thứ Bảy, Chủ nhật)`}
        rows={daysOff}
        rowKey={(d) => d.date}
        empty="Không có ngày nghỉ nào ngoài cuối tuần."
        columns={[
          { header: 'Ngày', cell: (d) => dayText(d.date), class: 'nowrap' },
          { header: 'Loại', cell: (d) => REASONS[d.reason] ?? d.reason },
          { header: 'Tên', cell: (d) => d.name ?? '' },
          { header: 'Làm việc?', cell: (d) => (d.working ? <Badge tone="ok">Làm việc</Badge> : <Badge>Nghỉ</Badge>) },
        ]}
      />

      <section class="panel" aria-labelledby="overrides-h">
        <h2 id="overrides-h">Ngày điều chỉnh của quản trị năm {year}</h2>
        <p class="hint">Dùng khi lịch nghỉ chưa có trong phiên bản đang chạy, hoặc theo quyết định của địa phương: đặt một ngày thành ngày nghỉ hay ngày làm việc (làm bù).</p>
        <Table
          rows={overrides}
          rowKey={(o) => o.date}
          empty="Chưa có ngày điều chỉnh nào trong năm này."
          columns={[
            { header: 'Ngày', cell: (o) => dayText(o.date), class: 'nowrap' },
            { header: 'Đặt thành', cell: (o) => KIND_LABELS[o.kind] },
            { header: 'Tên', cell: (o) => o.name ?? '' },
            {
              header: 'Thao tác',
              cell: (o) => (
                <form method="post" action={`/admin/calendar/overrides/${o.date}/delete`} class="inline-form">
                  <CsrfField token={page.csrf} />
                  <button type="submit" class="button-secondary" aria-label={`Xóa ngày điều chỉnh ${dayText(o.date)}`}>Xóa</button>
                </form>
              ),
            },
          ]}
        />
        {skipped.length > 0 && (
          <Table
            caption="Ngày điều chỉnh không hợp lệ (lịch bỏ qua)"
            rows={skipped}
            rowKey={(o) => o.date}
            empty=""
            columns={[
              { header: 'Ngày lưu', cell: (o) => o.date },
              { header: 'Lý do bỏ qua', cell: (o) => o.problem },
              {
                header: 'Thao tác',
                cell: (o) =>
                  /^\d{4}-\d{2}-\d{2}$/.test(o.date) ? (
                    <form method="post" action={`/admin/calendar/overrides/${o.date}/delete`} class="inline-form">
                      <CsrfField token={page.csrf} />
                      <button type="submit" class="button-secondary">Xóa</button>
                    </form>
                  ) : (
                    'Liên hệ kỹ thuật'
                  ),
              },
            ]}
          />
        )}
        <h3 id="them-ngay">Thêm ngày điều chỉnh</h3>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <form method="post" action="/admin/calendar/overrides" class="form-narrow" novalidate>
          <CsrfField token={page.csrf} />
          <Field name="date" label="Ngày" type="date" value={values.date} error={errors.fields.date} required />
          <Field
            name="kind"
            label="Đặt thành"
            type="select"
            required
            options={[
              { value: 'holiday', label: 'Ngày nghỉ' },
              { value: 'workday', label: 'Ngày làm việc (làm bù)' },
            ]}
            value={values.kind ?? 'holiday'}
            error={errors.fields.kind}
          />
          <Field name="name" label="Tên, căn cứ" value={values.name} error={errors.fields.name} maxLength={200} hint="Ví dụ: Nghỉ Tết Âm lịch theo Thông báo số …" />
          <button type="submit">Lưu ngày điều chỉnh</button>
        </form>
      </section>
    </AdminLayout>
  );
}
