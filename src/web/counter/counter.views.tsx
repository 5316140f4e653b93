import { COPY_TYPE_LABELS, type LogBookEntry } from '../../domain/dossiers/dossier-forms.ts';
import type { WorkingTime } from '../../calendar/working-calendar.ts';
import { supplementDueAt } from '../../domain/dossiers/dossier-deadlines.ts';
import type { DossierView } from '../../domain/dossiers/dossier-presenter.ts';
import { copyTypeOf, type ProcedureView } from '../../domain/procedures/procedures.service.ts';
import { StateBadge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { ErrorSummary, summaryItems } from '../components/error-summary.tsx';
import { PendingUploads, PendingUploadsField } from '../components/pending-uploads.tsx';
import { ID_TYPE_OPTIONS } from '../identity.ts';
import type { PendingUpload } from '../../domain/forms/pending-uploads.ts';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import { ProxyFields } from './proxy-fields.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDateTime } from '../format.ts';
import { VALUE_LABELS } from '../labels.ts';
import { Layout } from '../layout.tsx';
import type { PageContext } from '../page-context.ts';

/** An online submission waiting for the one-stop check, with the office time left of its 8 working hours (Điều 11). */
export interface QueueItem {
  dossier: DossierView;
  /** Office minutes from now to the check's due instant; negative once it has passed. */
  minutesLeft: number | null;
}

/** "5 giờ 20 phút" of office time. */
export function workingTimeText(minutes: number): string {
  const m = Math.abs(Math.round(minutes));
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h === 0) return `${rest} phút`;
  return rest === 0 ? `${h} giờ` : `${h} giờ ${rest} phút`;
}

function TimeLeft({ minutes }: { minutes: number | null }) {
  if (minutes === null) return <span class="muted">—</span>;
  if (minutes <= 0) return <span class="time-left late">Quá hạn {workingTimeText(-minutes)} làm việc</span>;
  return <span class="time-left">Còn {workingTimeText(minutes)} làm việc</span>;
}

export function QueueView({
  page,
  items,
  total,
  waiting,
  supplementWaitDays,
  calendar,
}: {
  page: PageContext;
  items: QueueItem[];
  total: number;
  /** Dossiers waiting for the applicant's supplement. */
  waiting: DossierView[];
  supplementWaitDays: number;
  calendar: WorkingTime;
}) {
  const late = items.filter((i) => i.minutesLeft !== null && i.minutesLeft <= 0).length;
  return (
    <Layout page={page} title="Bộ phận Một cửa">
      <p>
        <a class="button" href="/counter/intake">Tiếp nhận hồ sơ trực tiếp</a> <a class="button button-secondary" href="/counter/log-book">Sổ theo dõi hồ sơ</a>
      </p>
      <h2>Hồ sơ trực tuyến chờ kiểm tra</h2>
      <p class="muted">Hồ sơ nộp trực tuyến phải được kiểm tra, tiếp nhận hoặc hướng dẫn bổ sung trong 8 giờ làm việc. Hồ sơ nộp sớm nhất ở trên cùng.</p>
      <ul class="counts">
        <li>
          <strong>{total}</strong>chờ kiểm tra
        </li>
        <li>
          <strong>{late}</strong>quá 8 giờ làm việc
        </li>
      </ul>
      <Table
        rows={items}
        rowKey={(i) => i.dossier.id}
        empty="Không có hồ sơ trực tuyến nào chờ kiểm tra."
        rowClass={(i) => (i.minutesLeft !== null && i.minutesLeft <= 0 ? 'overdue' : undefined)}
        columns={[
          { header: 'Mã hồ sơ', cell: (i) => <a href={`/dossiers/${i.dossier.id}`}>{i.dossier.code}</a>, class: 'nowrap' },
          { header: 'Thủ tục', cell: (i) => i.dossier.procedure.name },
          { header: 'Người nộp', cell: (i) => i.dossier.applicant.name },
          { header: 'Nộp lúc', cell: (i) => formatDateTime(i.dossier.submittedAt), class: 'nowrap' },
          { header: 'Hạn kiểm tra', cell: (i) => formatDateTime(i.dossier.stepDueAt), class: 'nowrap' },
          { header: 'Thời gian còn lại', cell: (i) => <TimeLeft minutes={i.minutesLeft} /> },
          { header: 'Trạng thái', cell: (i) => <StateBadge state={i.dossier.state} /> },
        ]}
      />
      <h2>Hồ sơ chờ bổ sung</h2>
      <p class="muted">
        Yêu cầu bổ sung do phòng chuyên môn đưa ra sau khi tiếp nhận được in từ Phiếu yêu cầu bổ sung (Mẫu 02) và gửi cho người nộp; hạn bổ sung là{' '}
        {supplementWaitDays} ngày làm việc kể từ khi yêu cầu.
      </p>
      <Table
        rows={waiting}
        rowKey={(d) => d.id}
        empty="Không có hồ sơ nào chờ bổ sung."
        columns={[
          { header: 'Mã hồ sơ', cell: (d) => <a href={`/dossiers/${d.id}`}>{d.code}</a>, class: 'nowrap' },
          { header: 'Thủ tục', cell: (d) => d.procedure.name },
          { header: 'Người nộp', cell: (d) => d.applicant.name },
          { header: 'Yêu cầu', cell: (d) => (d.receivedAt ? 'Phòng chuyên môn, sau tiếp nhận' : 'Khi kiểm tra hồ sơ') },
          { header: 'Yêu cầu lúc', cell: (d) => formatDateTime(d.stepStartedAt), class: 'nowrap' },
          // The same rule the deadline worker stops the dossier by (dossier-deadlines.ts).
          { header: 'Hạn bổ sung', cell: (d) => (d.stepStartedAt ? formatDateTime(supplementDueAt(calendar, d.stepStartedAt, { supplementWaitDays })) : '—'), class: 'nowrap' },
          { header: 'Phiếu', cell: (d) => <a href={`/dossiers/${d.id}/forms/supplement-request`}>In Mẫu 02</a> },
        ]}
      />
    </Layout>
  );
}

/** The intake form's values as typed (field names as the form posts them). */
export type IntakeValues = Record<string, string>;

/** The form's field for a required paper's scans, and for any other paper. */
export const paperField = (code: string) => `paper.${code}`;

function feeLine(p: ProcedureView): string {
  const fee = p.rules.fee;
  if (!fee && !p.rules.hasFee) return 'Không thu phí, lệ phí';
  const amount = fee?.amount == null ? 'Theo quy định' : `${new Intl.NumberFormat('vi-VN').format(fee.amount)} đồng`;
  const when = fee?.collectedAt === 'intake' ? 'nộp khi tiếp nhận hồ sơ' : 'nộp khi nhận kết quả';
  return `${amount} (${when})`;
}

/** The intake form's fields by name, with the labels the error summary names them by, in the form's order. */
function intakeLabels(chosen: ProcedureView | null): Record<string, string> {
  return {
    procedureId: 'Thủ tục',
    'applicant.name': 'Tên tổ chức, cá nhân',
    'applicant.idType': 'Loại giấy tờ',
    'applicant.idNumber': 'Số định danh cá nhân / mã số doanh nghiệp',
    'applicant.phone': 'Số điện thoại',
    'applicant.email': 'Thư điện tử',
    'applicant.address': 'Địa chỉ',
    subject: 'Nội dung yêu cầu giải quyết',
    note: 'Ghi chú khi tiếp nhận',
    ...Object.fromEntries((chosen?.rules.requiredPapers ?? []).map((p) => [paperField(p.code), p.name])),
    [paperField('other')]: 'Giấy tờ khác',
    guidance: 'Nội dung cần bổ sung, hoàn thiện khác',
    reason: 'Lý do từ chối tiếp nhận',
  };
}

/** The file inputs' ids (`paper-<code>`), which are not their names. */
function intakeIds(chosen: ProcedureView | null): Record<string, string> {
  return Object.fromEntries([...(chosen?.rules.requiredPapers ?? []).map((p) => p.code), 'other'].map((code) => [paperField(code), `paper-${code}`]));
}

export interface IntakeProps {
  page: PageContext;
  procedures: ProcedureView[];
  chosen: ProcedureView | null;
  values: IntakeValues;
  errors: FormErrors;
  /** A key per form shown: a second press of the button receives the dossier once (idempotency). */
  intakeKey: string;
  /** The largest file accepted, for the hint. */
  maxBytes: number;
  /** Scans sent with a refused press, kept for the next one (pending-uploads.ts). */
  pending?: PendingUpload[];
}

const ACCEPT = '.pdf,.jpg,.jpeg,.png,.tif,.tiff,.doc,.docx,.xls,.xlsx,.odt,.ods,application/pdf,image/jpeg,image/png,image/tiff';

export function IntakeView(props: IntakeProps) {
  const { page, procedures, chosen, values, errors } = props;
  const v = (name: string) => values[name] ?? '';
  const e = (name: string) => errors.fields[name];
  const mb = Math.floor(props.maxBytes / (1024 * 1024));
  const hasErrors = Boolean(errors.form) || Object.keys(errors.fields).length > 0;
  return (
    <Layout page={page} title="Tiếp nhận hồ sơ trực tiếp">
      {hasErrors && (
        // At the top, focused, each error linking to its field: a missing paper far down the form is seen at once.
        <ErrorSummary title="Hồ sơ chưa được tiếp nhận" items={summaryItems(errors.fields, intakeLabels(chosen), intakeIds(chosen))}>
          <p>{errors.form ?? 'Hãy sửa các ô được đánh dấu bên dưới. Các thông tin đã nhập và các tệp đã tải lên được giữ lại.'}</p>
        </ErrorSummary>
      )}
      <form method="get" action="/counter/intake" class="panel" aria-labelledby="chon-thu-tuc">
        <h2 id="chon-thu-tuc">1. Thủ tục hành chính</h2>
        <Field
          name="procedureId"
          label="Thủ tục"
          type="select"
          required
          value={chosen ? String(chosen.id) : v('procedureId')}
          options={procedures.map((p) => ({ value: String(p.id), label: `${p.code} — ${p.name}` }))}
          error={chosen ? undefined : e('procedureId')}
        />
        <button type="submit" class="button-secondary">Chọn thủ tục</button> <a href="/counter/thu-tuc">Tìm thủ tục theo tên, mã hoặc lĩnh vực</a>
      </form>
      {chosen && (
        <>
          <section class="panel" aria-labelledby="thanh-phan">
            <h2 id="thanh-phan">{chosen.name}</h2>
            <dl class="rules">
              <dt>Mã thủ tục</dt>
              <dd>{chosen.code}</dd>
              <dt>Thời hạn giải quyết</dt>
              <dd>{chosen.rules.workingDays} ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ</dd>
              <dt>Phí, lệ phí</dt>
              <dd>{feeLine(chosen)}</dd>
            </dl>
            <h3>Thành phần hồ sơ cần kiểm tra</h3>
            {chosen.rules.requiredPapers.length === 0 ? (
              <p class="muted">Thủ tục chưa công bố danh mục thành phần hồ sơ.</p>
            ) : (
              <ol class="checklist">
                {chosen.rules.requiredPapers.map((p) => (
                  <li>
                    {p.name}{' '}
                    <span class="muted">
                      ({COPY_TYPE_LABELS[copyTypeOf(p)].toLocaleLowerCase('vi')}, {p.copies ?? 1} bộ)
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <form method="post" action="/counter/intake" enctype="multipart/form-data" novalidate class="panel" aria-labelledby="nguoi-nop">
            <h2 id="nguoi-nop">2. Người nộp hồ sơ</h2>
            {/* The text fields come before the files: a refused file leaves them read and kept. */}
            <CsrfField token={page.csrf} />
            <input type="hidden" name="intakeKey" value={props.intakeKey} />
            <input type="hidden" name="procedureId" value={String(chosen.id)} />
            <PendingUploadsField pending={props.pending ?? []} />
            <Field name="applicant.name" label="Tên tổ chức, cá nhân" required value={v('applicant.name')} error={e('applicant.name')} maxLength={200} autocomplete="name" />
            <Field
              name="applicant.idType"
              label="Loại giấy tờ"
              type="select"
              value={v('applicant.idType')}
              options={ID_TYPE_OPTIONS}
              emptyLabel="— Chọn loại giấy tờ —"
              error={e('applicant.idType')}
            />
            <Field
              name="applicant.idNumber"
              label="Số định danh cá nhân / mã số doanh nghiệp"
              value={v('applicant.idNumber')}
              error={e('applicant.idNumber')}
              hint="Căn cước: 12 chữ số; mã số thuế: 10 chữ số hoặc 10-3; hộ chiếu Việt Nam: 1 chữ cái và 7 chữ số."
            />
            <Field name="applicant.phone" label="Số điện thoại" type="tel" value={v('applicant.phone')} error={e('applicant.phone')} autocomplete="tel" />
            <Field name="applicant.email" label="Thư điện tử" type="email" value={v('applicant.email')} error={e('applicant.email')} autocomplete="email" />
            <Field name="applicant.address" label="Địa chỉ" value={v('applicant.address')} error={e('applicant.address')} maxLength={500} />
            <ProxyFields v={v} e={e} />
            <Field name="subject" label="Nội dung yêu cầu giải quyết" type="textarea" value={v('subject')} error={e('subject')} maxLength={1000} />
            <Field name="note" label="Ghi chú khi tiếp nhận" type="textarea" value={v('note')} error={e('note')} maxLength={2000} />
            <h2>3. Bản quét giấy tờ</h2>
            <p class="hint muted">
              Mỗi tệp tối đa {mb} MB: PDF, ảnh JPEG/PNG/TIFF hoặc văn bản Office. Có thể chọn nhiều tệp cho một giấy tờ.
            </p>
            {[...chosen.rules.requiredPapers.map((p) => ({ code: p.code, name: p.name })), { code: 'other', name: 'Giấy tờ khác (nếu có)' }].map((p) => {
              const name = paperField(p.code);
              const id = `paper-${p.code}`;
              const err = e(name);
              return (
                <div class="field paper-input">
                  <label for={id}>{p.name}</label>
                  <input id={id} type="file" name={name} multiple accept={ACCEPT} aria-invalid={err ? 'true' : undefined} aria-describedby={err ? `${id}-error` : undefined} />
                  {err && <span class="error" id={`${id}-error`}>{err}</span>}
                  <PendingUploads pending={props.pending ?? []} field={name} />
                </div>
              );
            })}
            <h2>4. Kết quả kiểm tra hồ sơ</h2>
            <p class="hint muted">
              Chỉ tiếp nhận và hẹn trả kết quả khi đã nhận đủ mọi giấy tờ bắt buộc. Hồ sơ còn thiếu thì hướng dẫn bổ sung một lần (Mẫu 02: các giấy
              tờ chưa có bản quét được liệt kê tự động, không hẹn trả kết quả) hoặc từ chối tiếp nhận (Mẫu 03).
            </p>
            <Field name="guidance" label="Nội dung cần bổ sung, hoàn thiện khác (khi hướng dẫn)" type="textarea" value={v('guidance')} error={e('guidance')} maxLength={4000} />
            <Field name="reason" label="Lý do từ chối tiếp nhận (khi từ chối)" type="textarea" value={v('reason')} error={e('reason')} maxLength={2000} />
            <div class="actions decisions">
              <button type="submit" name="decision" value="receive">Tiếp nhận và in giấy hẹn (Mẫu 01)</button>
              <button type="submit" name="decision" value="guide" class="button-secondary">Hướng dẫn bổ sung (Mẫu 02)</button>
              <button type="submit" name="decision" value="refuse" class="button-secondary">Từ chối tiếp nhận (Mẫu 03)</button>
            </div>
          </form>
        </>
      )}
    </Layout>
  );
}

export interface LogBookProps {
  page: PageContext;
  values: { from: string; to: string };
  errors: FormErrors;
  items: LogBookEntry[];
  pageNo: number;
  hasMore: boolean;
}

const RETURN_METHODS = VALUE_LABELS.method ?? {};

export function LogBookView({ page, values, errors, items, pageNo, hasMore }: LogBookProps) {
  const link = (n: number) => `/counter/log-book?${new URLSearchParams({ from: values.from, to: values.to, page: String(n) }).toString()}`;
  return (
    <Layout page={page} title="Sổ theo dõi hồ sơ">
      <p class="muted">Mẫu số 07 — hồ sơ đã tiếp nhận trong khoảng ngày, theo thứ tự tiếp nhận.</p>
      <form method="get" action="/counter/log-book" class="filters panel" novalidate>
        <Field name="from" label="Từ ngày" type="date" required value={values.from} error={errors.fields.from} />
        <Field name="to" label="Đến ngày" type="date" required value={values.to} error={errors.fields.to} />
        <div class="actions">
          <button type="submit">Xem sổ</button>
        </div>
      </form>
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <div class="log-book">
        <Table
          rows={items}
          rowKey={(r) => r.dossierCode}
          empty="Không có hồ sơ nào được tiếp nhận trong khoảng ngày này."
          columns={[
            { header: 'STT', cell: (r) => r.sequence },
            { header: 'Mã hồ sơ', cell: (r) => <a href={`/dossiers/${r.dossierId}`}>{r.dossierCode}</a>, class: 'nowrap' },
            { header: 'Thủ tục', cell: (r) => r.procedure },
            { header: 'Tổ chức, cá nhân', cell: (r) => <>{r.applicant}{r.contact && <><br /><span class="muted">{r.contact}</span></>}</> },
            { header: 'Cơ quan giải quyết', cell: (r) => r.processingUnit },
            { header: 'Nhận hồ sơ', cell: (r) => formatDateTime(r.receivedAt), class: 'nowrap' },
            { header: 'Hẹn trả', cell: (r) => formatDateTime(r.appointmentAt), class: 'nowrap' },
            { header: 'Trả kết quả', cell: (r) => (r.returnedAt ? <>{formatDateTime(r.returnedAt)}<br /><span class="muted">{RETURN_METHODS[r.returnMethod ?? ''] ?? r.returnMethod}</span></> : '') },
          ]}
        />
      </div>
      <nav class="pager" aria-label="Trang của sổ">
        {pageNo > 1 && <a href={link(pageNo - 1)}>← Trang trước</a>}
        <span>Trang {pageNo}</span>
        {hasMore && <a href={link(pageNo + 1)}>Trang sau →</a>}
      </nav>
    </Layout>
  );
}

