import type { DepartmentView } from '../../domain/accounts/departments.service.ts';
import type { ImportSummary } from '../../domain/procedures/catalogue-transfer.ts';
import type { TemplateView } from '../../domain/procedures/procedure-templates.ts';
import type { ProcedureRulesView, ProcedureView, RequiredPaper } from '../../domain/procedures/procedures.service.ts';
import { Badge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDateTime } from '../format.ts';
import { STEP_LABELS } from '../labels.ts';
import type { PageContext } from '../page-context.ts';
import { AdminFlash, AdminLayout } from './admin-frame.tsx';

const NO_ERRORS: FormErrors = { fields: {} };

/** The rule fields of a procedure form as typed. */
export interface RulesFormText {
  workingDays?: string;
  feeCollectedAt?: string;
  feeAmount?: string;
  supplementWindowDays?: string;
  leadReview?: string;
  inspection?: string;
  supplementClock?: string;
  requiredPapers?: string;
  effectiveFrom?: string;
  timeLimitBasis?: string;
  feeBasis?: string;
  feeNote?: string;
  /** One note a line. */
  unverified?: string;
}
export const RULE_FIELDS = ['workingDays', 'feeCollectedAt', 'feeAmount', 'supplementWindowDays', 'leadReview', 'inspection', 'supplementClock', 'requiredPapers', 'effectiveFrom', 'timeLimitBasis', 'feeBasis', 'feeNote', 'unverified'] as const;

export interface ProcedureFormText extends RulesFormText {
  code?: string;
  name?: string;
  departmentId?: string;
}

/** A required paper as one line of the form: `mã | tên`, then `| số bộ` and `| bản chính` when they apply. */
export function paperLine(p: RequiredPaper): string {
  return [p.code, p.name, ...(p.copies !== undefined ? [String(p.copies)] : []), ...(p.original ? ['bản chính'] : []), ...(p.templateSha256 ? [`mẫu ${p.templateSha256}`] : [])].join(' | ');
}

/** The form's text for the rules in force, to edit them into new ones. */
export function rulesText(r: ProcedureRulesView): RulesFormText {
  return {
    workingDays: String(r.workingDays),
    feeCollectedAt: r.fee?.collectedAt ?? '',
    feeAmount: r.fee?.amount == null ? '' : String(r.fee.amount),
    supplementWindowDays: r.supplementWindowDays == null ? '' : String(r.supplementWindowDays),
    leadReview: String(r.leadReview),
    inspection: String(r.inspection),
    supplementClock: r.supplementClock,
    requiredPapers: r.requiredPapers.map(paperLine).join('\n'),
    effectiveFrom: '',
    timeLimitBasis: r.timeLimitBasis ?? '',
    feeBasis: r.feeBasis ?? '',
    feeNote: r.feeNote ?? '',
    unverified: r.unverified.join('\n'),
  };
}

const money = new Intl.NumberFormat('vi-VN');

/** The catalogue fields as the national portal names them. */
export const CATALOGUE_LABELS = {
  sector: 'Lĩnh vực',
  level: 'Cấp thực hiện',
  applicants: 'Đối tượng thực hiện',
  agency: 'Cơ quan thực hiện',
  conditions: 'Điều kiện thực hiện',
  result: 'Kết quả thực hiện',
  legalBasis: 'Căn cứ pháp lý',
} as const;

export function feeText(r: ProcedureRulesView): string {
  if (!r.fee) return 'Không thu phí';
  const amount = r.fee.amount === null ? 'theo quy định' : `${money.format(r.fee.amount)} đồng`;
  return `${amount}, thu ${r.fee.collectedAt === 'intake' ? 'khi tiếp nhận' : 'khi trả kết quả'}`;
}

const YES_NO = [
  { value: 'true', label: 'Có' },
  { value: 'false', label: 'Không' },
];

function RulesFields({ values, errors, withEffectiveFrom }: { values: RulesFormText; errors: FormErrors; withEffectiveFrom: boolean }) {
  const f = errors.fields;
  return (
    <>
      <Field name="workingDays" label="Thời hạn giải quyết (ngày làm việc)" type="number" value={values.workingDays} error={f.workingDays} required hint="Theo quyết định công bố thủ tục; có thể là số lẻ, ví dụ 0,5 ngày viết 0.5." />
      <Field name="timeLimitBasis" label="Căn cứ của thời hạn" value={values.timeLimitBasis} error={f.timeLimitBasis} maxLength={2000} hint="Văn bản và điều, khoản quy định thời hạn, ví dụ: Nghị định 105/2017/NĐ-CP, Điều 25." />
      <fieldset>
        <legend>Phí, lệ phí</legend>
        <Field
          name="feeCollectedAt"
          label="Thu phí"
          type="select"
          options={[
            { value: 'intake', label: 'Khi tiếp nhận (phí thẩm định)' },
            { value: 'result', label: 'Khi trả kết quả' },
          ]}
          value={values.feeCollectedAt}
          error={f.feeCollectedAt}
          emptyLabel="Không thu phí"
        />
        <Field name="feeAmount" label="Mức thu (đồng)" type="number" value={values.feeAmount} error={f.feeAmount} hint="Để trống: in “theo quy định”." />
        <Field name="feeNote" label="Mức thu theo văn bản" type="textarea" value={values.feeNote} error={f.feeNote} maxLength={2000} hint="Khi một con số không nói hết, ví dụ mức thu theo khu vực." />
        <Field name="feeBasis" label="Căn cứ của phí, lệ phí" value={values.feeBasis} error={f.feeBasis} maxLength={2000} hint="Ví dụ: Thông tư 168/2016/TT-BTC." />
      </fieldset>
      <Field name="unverified" label="Số liệu chưa kiểm chứng" type="textarea" value={values.unverified} error={f.unverified} hint="Mỗi dòng một ghi chú về số liệu chưa đối chiếu được với văn bản; để trống khi đã kiểm chứng hết." />
      <Field name="supplementWindowDays" label="Thời hạn yêu cầu bổ sung (ngày làm việc sau tiếp nhận)" type="number" value={values.supplementWindowDays} error={f.supplementWindowDays} hint="Theo quy định chuyên ngành, ví dụ 3 ngày với rượu, hóa chất; để trống nếu không có." />
      <Field name="leadReview" label="Lãnh đạo phòng xem xét trước khi trình" type="select" required options={YES_NO} value={values.leadReview} error={f.leadReview} />
      <Field name="inspection" label="Thẩm định thực tế" type="select" required options={YES_NO} value={values.inspection} error={f.inspection} />
      <Field
        name="supplementClock"
        label="Thời hạn khi bổ sung hồ sơ"
        type="select"
        required
        options={[
          { value: 'restart', label: 'Tính lại từ đầu khi nhận đủ hồ sơ bổ sung' },
          { value: 'pause', label: 'Tạm dừng trong thời gian chờ bổ sung' },
        ]}
        value={values.supplementClock}
        error={f.supplementClock}
      />
      <Field
        name="requiredPapers"
        label="Thành phần hồ sơ"
        type="textarea"
        value={values.requiredPapers}
        error={f.requiredPapers}
        hint="Mỗi dòng một giấy tờ: mã | tên giấy tờ, thêm | số bộ và | bản chính nếu cần (và | mẫu <mã tệp mẫu> khi đã gắn mẫu). Ví dụ: don-de-nghi | Đơn đề nghị cấp giấy phép | 1 | bản chính. Mã gồm chữ thường không dấu, số và -."
      />
      {withEffectiveFrom && (
        <Field name="effectiveFrom" label="Áp dụng từ" type="datetime-local" value={values.effectiveFrom} error={f.effectiveFrom} hint="Để trống: áp dụng ngay. Hồ sơ đã tiếp nhận giữ quy định cũ." />
      )}
    </>
  );
}

/** What an import did, or why the file was refused (the row, its line and the field, in Vietnamese). */
export interface ImportOutcome {
  summary?: ImportSummary;
  error?: string;
}

/** The import form and the export links: an IT officer loads the province's list in one step. */
function CatalogueTransfer({ page, outcome }: { page: PageContext; outcome?: ImportOutcome }) {
  return (
    <section class="panel" aria-labelledby="transfer-h">
      <h2 id="transfer-h">Nhập, xuất danh mục thủ tục</h2>
      {outcome?.error && (
        <Notice kind="error" title="Tệp chưa được nhập; danh mục không thay đổi">
          <p>{outcome.error}</p>
        </Notice>
      )}
      {outcome?.summary && (
        <Notice kind="ok" title="Đã nhập danh mục thủ tục">
          <p>{`Thêm mới ${outcome.summary.created.length}, cập nhật thông tin ${outcome.summary.updated.length}, ban hành quy định mới ${outcome.summary.rulesAdded.length}, không đổi ${outcome.summary.unchanged.length} thủ tục.`}</p>
        </Notice>
      )}
      <p>
        <a class="button button-secondary" href="/admin/procedures/export?format=json" download>Xuất JSON</a>{' '}
        <a class="button button-secondary" href="/admin/procedures/export?format=csv" download>Xuất CSV (Excel)</a>
      </p>
      <form method="post" action="/admin/procedures/import" enctype="multipart/form-data">
        <CsrfField token={page.csrf} />
        <div class="field">
          <label for="catalogue-file">Tệp danh mục (JSON hoặc CSV)</label>
          <span class="hint" id="catalogue-file-hint">
            Cùng định dạng với tệp xuất. Thủ tục mới được thêm; thủ tục đã có được cập nhật, quy định khác với quy định đang áp dụng được ban hành từ thời điểm nhập. Một dòng sai thì cả tệp không được nhập.
          </span>
          <input id="catalogue-file" type="file" name="file" accept=".json,.csv,application/json,text/csv" required aria-describedby="catalogue-file-hint" />
        </div>
        <button type="submit">Nhập danh mục</button>
      </form>
    </section>
  );
}

/** The figures of the rules not checked against the legal text, for the admin to see and settle. */
function UnverifiedNotice({ rules }: { rules: ProcedureRulesView }) {
  if (rules.unverified.length === 0) return null;
  return (
    <Notice kind="info" title="Chưa kiểm chứng với văn bản pháp luật">
      <ul>
        {rules.unverified.map((u) => (
          <li>{u}</li>
        ))}
      </ul>
    </Notice>
  );
}

export function ProcedureListView({ page, procedures, departments, msg, outcome }: { page: PageContext; procedures: ProcedureView[]; departments: DepartmentView[]; msg?: string; outcome?: ImportOutcome }) {
  const dept = new Map(departments.map((d) => [d.id, d.name]));
  const unverified = procedures.filter((p) => p.rules.unverified.length > 0).length;
  return (
    <AdminLayout page={page} title="Thủ tục hành chính">
      <AdminFlash code={msg} />
      {unverified > 0 && (
        <Notice kind="info" title={`${unverified} thủ tục có số liệu chưa kiểm chứng`}>
          <p>Thời hạn hoặc phí của các thủ tục đánh dấu “Chưa kiểm chứng” chưa được đối chiếu với văn bản pháp luật. Mở thủ tục để xem ghi chú và ban hành quy định đã kiểm chứng.</p>
        </Notice>
      )}
      <p>
        <a class="button" href="/admin/procedures/new">Thêm thủ tục</a>
      </p>
      <CatalogueTransfer page={page} outcome={outcome} />
      <Table
        rows={procedures}
        rowKey={(p) => p.id}
        empty="Chưa có thủ tục nào."
        columns={[
          { header: 'Mã', cell: (p) => <a href={`/admin/procedures/${p.id}`}>{p.code}</a>, class: 'nowrap' },
          { header: 'Tên thủ tục', cell: (p) => p.name },
          { header: 'Lĩnh vực', cell: (p) => p.sector ?? '' },
          { header: 'Phòng xử lý', cell: (p) => dept.get(p.departmentId) ?? `#${p.departmentId}` },
          { header: 'Thời hạn', cell: (p) => `${p.rules.workingDays} ngày làm việc`, class: 'nowrap' },
          { header: 'Phí', cell: (p) => feeText(p.rules) },
          { header: 'Giấy tờ', cell: (p) => String(p.rules.requiredPapers.length) },
          { header: 'Trạng thái', cell: (p) => (p.active ? <Badge tone="ok">Đang tiếp nhận</Badge> : <Badge>Ngừng tiếp nhận</Badge>) },
          { header: 'Kiểm chứng', cell: (p) => (p.rules.unverified.length > 0 ? <Badge tone="warn">{`Chưa kiểm chứng (${p.rules.unverified.length})`}</Badge> : <Badge tone="ok">Đã kiểm chứng</Badge>) },
        ]}
      />
    </AdminLayout>
  );
}

export function NewProcedureView({ page, values, departments, errors = NO_ERRORS }: { page: PageContext; values: ProcedureFormText; departments: DepartmentView[]; errors?: FormErrors }) {
  return (
    <AdminLayout page={page} title="Thêm thủ tục">
      <form method="post" action="/admin/procedures" class="panel form-narrow" novalidate>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <CsrfField token={page.csrf} />
        <Field name="code" label="Mã thủ tục" value={values.code} error={errors.fields.code} required maxLength={32} hint="Mã trên Cổng dịch vụ công quốc gia, ví dụ 1.013416." />
        <Field name="name" label="Tên thủ tục" type="textarea" value={values.name} error={errors.fields.name} required maxLength={500} />
        <Field name="departmentId" label="Phòng xử lý" type="select" required options={departments.map((d) => ({ value: String(d.id), label: d.name }))} value={values.departmentId} error={errors.fields.departmentId} />
        <RulesFields values={values} errors={errors} withEffectiveFrom={false} />
        <button type="submit">Thêm thủ tục</button> <a class="button button-secondary" href="/admin/procedures">Hủy</a>
      </form>
    </AdminLayout>
  );
}

export function ProcedureDetailView({ page, procedure, departments, values, errors = NO_ERRORS, msg, templates = new Map(), templateError }: {
  page: PageContext;
  procedure: ProcedureView;
  departments: DepartmentView[];
  values?: RulesFormText;
  errors?: FormErrors;
  msg?: string;
  templates?: Map<string, TemplateView>;
  /** Why a template upload was refused. */
  templateError?: string;
}) {
  const r = procedure.rules;
  const allocation = r.stepAllocation ? Object.entries(r.stepAllocation) : [];
  return (
    <AdminLayout page={page} title={`Thủ tục ${procedure.code}`}>
      <AdminFlash code={msg} />
      <section class="panel" aria-labelledby="rules-h">
        <h2 id="rules-h">{procedure.name}</h2>
        <dl class="facts">
          <dt>Phòng xử lý</dt>
          <dd>{departments.find((d) => d.id === procedure.departmentId)?.name ?? `#${procedure.departmentId}`}</dd>
          <dt>Trạng thái</dt>
          <dd>{procedure.active ? <Badge tone="ok">Đang tiếp nhận</Badge> : <Badge>Ngừng tiếp nhận</Badge>}</dd>
          <dt>Quy định đang áp dụng từ</dt>
          <dd>{formatDateTime(r.effectiveFrom)}</dd>
          {(['sector', 'level', 'applicants', 'agency', 'conditions', 'result', 'legalBasis'] as const).map((f) =>
            procedure[f] ? (
              <>
                <dt>{CATALOGUE_LABELS[f]}</dt>
                <dd class="prewrap">{procedure[f]}</dd>
              </>
            ) : null,
          )}
          <dt>Thời hạn giải quyết</dt>
          <dd>
            {r.workingDays} ngày làm việc
            {r.timeLimitBasis && <span class="muted">{` — căn cứ: ${r.timeLimitBasis}`}</span>}
          </dd>
          <dt>Phí, lệ phí</dt>
          <dd>
            {feeText(r)}
            {r.feeNote && <span class="muted">{` — ${r.feeNote}`}</span>}
            {r.feeBasis && <span class="muted">{` — căn cứ: ${r.feeBasis}`}</span>}
          </dd>
          <dt>Thời hạn yêu cầu bổ sung</dt>
          <dd>{r.supplementWindowDays === null ? 'Không quy định' : `${r.supplementWindowDays} ngày làm việc sau tiếp nhận`}</dd>
          <dt>Lãnh đạo phòng xem xét</dt>
          <dd>{r.leadReview ? 'Có' : 'Không'}</dd>
          <dt>Thẩm định thực tế</dt>
          <dd>{r.inspection ? 'Có' : 'Không'}</dd>
          {allocation.length > 0 && (
            <>
              <dt>Phân bổ thời gian các bước</dt>
              <dd>{allocation.map(([step, days]) => `${STEP_LABELS[step as keyof typeof STEP_LABELS] ?? step}: ${days} ngày`).join('; ')}</dd>
            </>
          )}
        </dl>
        <UnverifiedNotice rules={r} />
        <h3>Thành phần hồ sơ</h3>
        {r.requiredPapers.length === 0 ? (
          <p class="empty">Không quy định giấy tờ.</p>
        ) : (
          <ol>
            {r.requiredPapers.map((p) => (
              <li>
                {p.name} <span class="muted">({p.code}{p.copies ? `, ${p.copies} bộ` : ''}{p.original ? ', bản chính' : ''})</span>
                {p.templateSha256 && (
                  <>
                    {' '}
                    <a href={`/api/public/procedure-templates/${p.templateSha256}`}>{`Mẫu: ${templates.get(p.templateSha256)?.name ?? p.templateSha256.slice(0, 12)}`}</a>
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
        <form method="post" action={`/admin/procedures/${procedure.id}/${procedure.active ? 'deactivate' : 'activate'}`}>
          <CsrfField token={page.csrf} />
          {procedure.active ? (
            <button type="submit" class="button-danger">Ngừng tiếp nhận hồ sơ mới</button>
          ) : (
            <button type="submit">Mở lại tiếp nhận hồ sơ</button>
          )}
        </form>
      </section>
      {r.requiredPapers.length > 0 && (
        <section class="panel form-narrow" aria-labelledby="template-h">
          <h2 id="template-h">Mẫu đơn, tờ khai</h2>
          <p class="hint">Tệp mẫu (PDF hoặc Word, Excel) công dân tải về từ Cổng dịch vụ công. Gắn mẫu là ban hành quy định mới từ bây giờ với cùng nội dung; hồ sơ đã tiếp nhận giữ quy định cũ.</p>
          {templateError && <Notice kind="error">{templateError}</Notice>}
          <form method="post" action={`/admin/procedures/${procedure.id}/templates`} enctype="multipart/form-data">
            <CsrfField token={page.csrf} />
            <Field name="paperCode" label="Giấy tờ" type="select" required options={r.requiredPapers.map((p) => ({ value: p.code, label: p.name }))} />
            <div class="field">
              <label for="template-file">Tệp mẫu</label>
              <input id="template-file" type="file" name="file" required accept=".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,application/pdf" />
            </div>
            <button type="submit">Gắn mẫu</button>
          </form>
        </section>
      )}
      <section class="panel form-narrow" aria-labelledby="new-rules-h">
        <h2 id="new-rules-h">Sửa quy định của thủ tục</h2>
        <p class="hint">Quy định mới áp dụng cho hồ sơ tiếp nhận từ thời điểm áp dụng; hồ sơ đã tiếp nhận giữ quy định cũ.{allocation.length > 0 && ' Phân bổ thời gian các bước được giữ nguyên.'}</p>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <form method="post" action={`/admin/procedures/${procedure.id}/rules`} novalidate>
          <CsrfField token={page.csrf} />
          <RulesFields values={values ?? rulesText(r)} errors={errors} withEffectiveFrom />
          <button type="submit">Ban hành quy định mới</button>
        </form>
      </section>
    </AdminLayout>
  );
}
