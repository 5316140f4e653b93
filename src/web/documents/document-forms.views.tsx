import type { DepartmentView } from '../../domain/accounts/departments.service.ts';
import type { DocumentType } from '../../domain/documents/document-types.ts';
import { SECRECY_LEVELS } from '../../domain/documents/document.service.ts';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { ErrorSummary, summaryItems } from '../components/error-summary.tsx';
import { PendingUploads, PendingUploadsField } from '../components/pending-uploads.tsx';
import type { PendingUpload } from '../../domain/forms/pending-uploads.ts';
import { Notice } from '../components/notice.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDate } from '../format.ts';
import { Layout } from '../layout.tsx';
import type { PageContext } from '../page-context.ts';
import { SECRECY_LABELS } from './document-labels.ts';
import { urgencyOptions } from './registers.views.tsx';

function Check({ name, label, checked, error, hint }: { name: string; label: string; checked: boolean; error?: string | undefined; hint?: string }) {
  const described = [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label class="check" for={name}>
        <input type="checkbox" id={name} name={name} value="on" checked={checked} aria-invalid={error ? 'true' : undefined} aria-describedby={described} /> {label}
      </label>
      {hint && <span class="hint" id={`${name}-hint`}>{hint}</span>}
      {error && <span class="error" id={`${name}-error`}>{error}</span>}
    </div>
  );
}

function FileField({ name, label, hint, error, required }: { name: string; label: string; hint: string; error?: string | undefined; required?: boolean }) {
  return (
    <div class="field">
      <label for={name}>
        {label}
        {required && <span class="required" aria-hidden="true"> *</span>}
      </label>
      <span class="hint" id={`${name}-hint`}>{hint}</span>
      <input type="file" id={name} name={name} required={required} accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,.doc,.docx,.xls,.xlsx,.odt" aria-invalid={error ? 'true' : undefined} aria-describedby={`${name}-hint${error ? ` ${name}-error` : ''}`} />
      {error && <span class="error" id={`${name}-error`}>{error}</span>}
    </div>
  );
}

/** The labels of the documents' forms, for the error summary's lines. */
const DOCUMENT_FIELD_LABELS: Record<string, string> = {
  issuerName: 'Cơ quan, tổ chức ban hành',
  sourceSymbol: 'Số, ký hiệu văn bản',
  documentDate: 'Ngày văn bản',
  typeCode: 'Loại văn bản',
  urgency: 'Độ khẩn',
  secrecy: 'Độ mật',
  arrivedAt: 'Thời điểm văn bản đến',
  pageCount: 'Số trang',
  signerName: 'Người ký',
  summary: 'Trích yếu nội dung',
  replyRequired: 'Yêu cầu trả lời',
  dueDate: 'Hạn xử lý',
  isComplaint: 'Đơn thư khiếu nại, tố cáo',
  file: 'Bản quét văn bản',
};

/** Above a refused form: the error summary (why, and a link to each field with its problem). */
function Refused({ errors }: { errors: FormErrors }) {
  const items = summaryItems(errors.fields, DOCUMENT_FIELD_LABELS);
  if (!errors.form && items.length === 0) return null;
  return <ErrorSummary title="Văn bản chưa được lưu" items={items}>{errors.form && <p>{errors.form}</p>}</ErrorSummary>;
}

const secrecyOptions = SECRECY_LEVELS.map((s) => ({ value: s, label: SECRECY_LABELS[s] as string }));

function maxMb(bytes: number): string {
  return `${Math.floor(bytes / (1024 * 1024))} MB`;
}

/** The clerk's registration of an incoming document with its scan (Decree 30/2020 Art. 22; Điều 5). */
export function IncomingFormView({
  page,
  values,
  errors,
  types,
  formKey,
  maxBytes,
  pending = [],
}: {
  page: PageContext;
  values: Record<string, string>;
  errors: FormErrors;
  types: DocumentType[];
  formKey: string;
  maxBytes: number;
  /** Files a refused registration already sent (pending-uploads.ts): sent again with this one. */
  pending?: PendingUpload[];
}) {
  const f = errors.fields;
  return (
    <Layout page={page} title="Đăng ký văn bản đến">
      <form method="post" action="/van-ban-den/moi" enctype="multipart/form-data" class="panel" novalidate>
        <CsrfField token={page.csrf} />
        <input type="hidden" name="formKey" value={formKey} />
        <PendingUploadsField pending={pending} />
        <Refused errors={errors} />
        <p class="hint">Số đến được cấp tự động theo sổ văn bản đến của năm khi đăng ký.</p>
        <Field name="issuerName" label="Cơ quan, tổ chức ban hành" required value={values.issuerName} error={f.issuerName} maxLength={300} />
        <div class="filters">
          <Field name="sourceSymbol" label="Số, ký hiệu văn bản" required value={values.sourceSymbol} error={f.sourceSymbol} maxLength={60} hint="Ví dụ: 123/UBND-KT" />
          <Field name="documentDate" label="Ngày văn bản" type="date" value={values.documentDate} error={f.documentDate} />
          <Field name="typeCode" label="Loại văn bản" type="select" required options={types.map((t) => ({ value: t.code, label: t.name }))} value={values.typeCode} error={f.typeCode} />
          <Field name="urgency" label="Độ khẩn" type="select" required options={urgencyOptions} value={values.urgency ?? 'normal'} error={f.urgency} />
          <Field name="secrecy" label="Độ mật" type="select" required options={secrecyOptions} value={values.secrecy ?? 'none'} error={f.secrecy} hint="Văn bản mật không được đăng ký trên hệ thống (Điều 4.2.a)." />
          <Field name="arrivedAt" label="Thời điểm văn bản đến" type="datetime-local" value={values.arrivedAt} error={f.arrivedAt} hint="Để trống: lúc đăng ký." />
          <Field name="pageCount" label="Số trang" type="number" value={values.pageCount} error={f.pageCount} />
          <Field name="signerName" label="Người ký" value={values.signerName} error={f.signerName} maxLength={100} />
        </div>
        <Field name="summary" label="Trích yếu nội dung" type="textarea" required value={values.summary} error={f.summary} maxLength={2000} />
        <div class="filters">
          <Check name="replyRequired" label="Yêu cầu trả lời" checked={values.replyRequired === 'on'} error={f.replyRequired} />
          <Field name="dueDate" label="Hạn xử lý (nếu văn bản có yêu cầu)" type="date" value={values.dueDate} error={f.dueDate} />
        </div>
        <Check name="isComplaint" label="Là đơn thư khiếu nại, tố cáo" checked={values.isComplaint === 'on'} error={f.isComplaint} hint="Đơn thư khiếu nại, tố cáo không được đăng ký trên hệ thống (Điều 4.2.b)." />
        <FileField name="file" label="Bản quét văn bản" hint={`PDF hoặc ảnh, tối đa ${maxMb(maxBytes)}.`} error={f.file} />
        <PendingUploads pending={pending} field="file" />
        <p>
          <button type="submit">Đăng ký văn bản đến</button> <a class="button button-secondary" href="/van-ban-den">Hủy</a>
        </p>
      </form>
    </Layout>
  );
}

export interface ReplyTarget {
  id: number;
  number: number | null;
  registerYear: number | null;
  sourceSymbol: string | null;
  issuerName: string | null;
  documentDate: string | null;
  summary: string;
}

/** "V/v trả lời văn bản số 123/UBND-KT ngày 27/02/2026 của Ủy ban nhân dân tỉnh Bình Định". */
export function replySummary(r: ReplyTarget): string {
  const date = r.documentDate ? ` ngày ${formatDate(`${r.documentDate}T12:00:00+07:00`)}` : '';
  return `V/v trả lời văn bản số ${r.sourceSymbol ?? ''}${date} của ${r.issuerName ?? ''}`;
}

/**
 * A draft of an outgoing document (Điều 8), or, `signed`, the clerk's registration of a document signed
 * on paper outside the system, which then waits for its number (Điều 8; the signed scan is its file).
 */
export function OutgoingFormView(props: {
  page: PageContext;
  signed: boolean;
  values: Record<string, string>;
  internal: number[];
  errors: FormErrors;
  types: DocumentType[];
  departments: DepartmentView[];
  replyTo: ReplyTarget | null;
  formKey: string;
  maxBytes: number;
  /** The clerk may switch to the other form. */
  mayRegisterSigned: boolean;
  /** Files a refused submission already sent (pending-uploads.ts): sent again with this one. */
  pending?: PendingUpload[];
}) {
  const { page, signed, values, internal, errors, types, departments, replyTo, formKey, maxBytes, mayRegisterSigned } = props;
  const pending = props.pending ?? [];
  const f = errors.fields;
  const action = signed ? '/van-ban-di/da-ky' : '/van-ban-di/moi';
  return (
    <Layout page={page} title={signed ? 'Đăng ký văn bản đi đã ký' : 'Soạn dự thảo văn bản đi'}>
      {!signed && mayRegisterSigned && (
        <p>
          Văn bản đã được ký trên giấy? <a href="/van-ban-di/da-ky">Đăng ký văn bản đã ký</a>
        </p>
      )}
      {replyTo && (
        <Notice kind="info">
          Văn bản này trả lời văn bản đến{replyTo.number !== null ? ` số ${replyTo.number}/${replyTo.registerYear}` : ''}:{' '}
          <a href={`/van-ban/${replyTo.id}`}>
            {replyTo.sourceSymbol} — {replyTo.summary}
          </a>
          . Sau khi phát hành, liên kết nó với văn bản đến tại trang của văn bản đến (Trả lời).
        </Notice>
      )}
      <form method="post" action={action} enctype="multipart/form-data" class="panel" novalidate>
        <CsrfField token={page.csrf} />
        <input type="hidden" name="formKey" value={formKey} />
        <PendingUploadsField pending={pending} />
        {replyTo && <input type="hidden" name="traLoi" value={String(replyTo.id)} />}
        <Refused errors={errors} />
        <div class="filters">
          <Field name="typeCode" label="Loại văn bản" type="select" required options={types.map((t) => ({ value: t.code, label: t.name }))} value={values.typeCode} error={f.typeCode} />
          <Field name="urgency" label="Độ khẩn" type="select" required options={urgencyOptions} value={values.urgency ?? 'normal'} error={f.urgency} />
          <Field name="secrecy" label="Độ mật" type="select" required options={secrecyOptions} value={values.secrecy ?? 'none'} error={f.secrecy} hint="Văn bản mật không được soạn trên hệ thống (Điều 4.2.a)." />
          {signed && <Field name="documentDate" label="Ngày ký" type="date" value={values.documentDate} error={f.documentDate} />}
        </div>
        <Field name="summary" label="Trích yếu nội dung" type="textarea" required value={values.summary} error={f.summary} maxLength={2000} />
        {signed && (
          <div class="filters">
            <Field name="signerName" label="Người ký" required value={values.signerName} error={f.signerName} maxLength={100} />
            <Field name="signerPosition" label="Chức vụ người ký" value={values.signerPosition} error={f.signerPosition} maxLength={100} />
          </div>
        )}
        <fieldset aria-invalid={f.internal ? 'true' : undefined} aria-describedby={f.internal ? 'internal-error' : undefined}>
          <legend>Nơi nhận trong Sở</legend>
          <div class="checks">
            {departments.map((d) => (
              <label class="check">
                <input type="checkbox" name={`internal-${d.id}`} value="on" checked={internal.includes(d.id)} /> {d.name}
              </label>
            ))}
          </div>
          {f.internal && <span class="error" id="internal-error">{f.internal}</span>}
        </fieldset>
        <Field name="external" label="Nơi nhận ngoài Sở" type="textarea" value={values.external} error={f.external} hint="Mỗi dòng một cơ quan, tổ chức." maxLength={10000} />
        {signed ? (
          <FileField name="file" label="Bản quét văn bản đã ký" hint={`PDF, tối đa ${maxMb(maxBytes)}; cần có trước khi phát hành.`} error={f.file} />
        ) : (
          <FileField name="file" label="Tệp dự thảo (không bắt buộc)" hint={`Word, PDF, tối đa ${maxMb(maxBytes)}.`} error={f.file} />
        )}
        <PendingUploads pending={pending} field="file" />
        <p>
          <button type="submit">{signed ? 'Đăng ký văn bản đã ký' : 'Lưu dự thảo'}</button> <a class="button button-secondary" href="/van-ban-di">Hủy</a>
        </p>
      </form>
    </Layout>
  );
}
