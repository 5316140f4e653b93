import type { ComponentChildren } from 'preact';
import type { DossierPapers, PaperView } from '../../domain/dossiers/dossier-papers.ts';
import type { PublicDossierView } from '../../domain/dossiers/dossier-presenter.ts';
import type { CataloguePage } from '../../domain/procedures/procedure-search.ts';
import type { TemplateView } from '../../domain/procedures/procedure-templates.ts';
import type { ProcedureView } from '../../domain/procedures/procedures.service.ts';
import { ProcedureSearch, type CatalogueSearchText } from '../components/procedure-search.tsx';
import { StateBadge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { ErrorSummary, summaryItems, type SummaryItem } from '../components/error-summary.tsx';
import { ID_TYPE_OPTIONS } from '../identity.ts';
import { PendingUploads, PendingUploadsField } from '../components/pending-uploads.tsx';
import type { PendingUpload } from '../../domain/forms/pending-uploads.ts';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import { formatDate, formatDateTime } from '../format.ts';
import { eventDoneLabel, VALUE_LABELS } from '../labels.ts';
import { Layout } from '../layout.tsx';
import { centreName, type PageContext } from '../page-context.ts';
import { paperInputName, type UploadProblem } from './portal-upload.ts';
import type { Slip } from './slips.ts';
import { trackingPath } from './tracking-access.ts';

/** The kinds of papers the types the store accepts, for the file inputs (a hint to the picker; the server sniffs). */
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.tif,.tiff,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,application/pdf,image/jpeg,image/png,image/tiff';
const FILE_HINT = 'Tệp PDF, ảnh JPEG/PNG/TIFF hoặc Word, Excel; có thể chọn nhiều tệp.';

const money = new Intl.NumberFormat('vi-VN');

/** The fee of a procedure as the public list of procedures says it. */
export function feeText(p: ProcedureView): string {
  const fee = p.rules.fee;
  if (!fee) return 'Không thu phí, lệ phí';
  const amount = fee.amount == null ? 'Theo quy định' : `${money.format(fee.amount)} đồng`;
  return `${amount} — nộp ${fee.collectedAt === 'intake' ? 'khi nộp hồ sơ' : 'khi nhận kết quả'}`;
}

function timeLimitText(p: ProcedureView): string {
  return `${p.rules.workingDays} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ`;
}

function PortalLayout({ page, title, children }: { page: PageContext; title: string; children?: ComponentChildren }) {
  return (
    <Layout page={page} title={title}>
      <div class="portal">{children}</div>
    </Layout>
  );
}

/** The procedures offered online (Danh mục thủ tục hành chính): searched, filtered by sector, 20 a page. */
export function ProcedureListView({ page, search, sectors, result, error }: { page: PageContext; search: CatalogueSearchText; sectors: string[]; result: CataloguePage | null; error?: string }) {
  return (
    <PortalLayout page={page} title="Thủ tục hành chính">
      <p>Chọn thủ tục để xem thành phần hồ sơ, thời hạn giải quyết, phí, lệ phí và nộp hồ sơ trực tuyến. Đã nộp hồ sơ? <a href="/tra-cuu">Tra cứu hồ sơ</a>.</p>
      <ProcedureSearch
        path="/thu-tuc"
        search={search}
        sectors={sectors}
        result={result}
        error={error}
        renderItem={(p) => (
          <li class="panel">
            <h2>
              <a href={`/thu-tuc/${p.id}`}>{p.name}</a>
            </h2>
            <dl class="facts">
              <dt>Mã thủ tục</dt>
              <dd>{p.code}</dd>
              {p.sector && (
                <>
                  <dt>Lĩnh vực</dt>
                  <dd>{p.sector}</dd>
                </>
              )}
              <dt>Thời hạn giải quyết</dt>
              <dd>{`${p.rules.workingDays} ngày làm việc`}</dd>
              <dt>Phí, lệ phí</dt>
              <dd>{feeText(p)}</dd>
            </dl>
          </li>
        )}
      />
    </PortalLayout>
  );
}

function RequiredPapersTable({ procedure, templates }: { procedure: ProcedureView; templates: Map<string, TemplateView> }) {
  return (
    <Table
      rows={procedure.rules.requiredPapers.map((p, i) => ({ ...p, n: i + 1 }))}
      rowKey={(p) => p.code}
      empty="Thủ tục này không quy định thành phần hồ sơ bắt buộc."
      columns={[
        { header: 'STT', cell: (p) => String(p.n), class: 'nowrap' },
        { header: 'Giấy tờ', cell: (p) => p.name },
        { header: 'Bản chính / bản sao', cell: (p) => (p.original ? 'Bản chính' : 'Bản sao') },
        { header: 'Số lượng', cell: (p) => `${p.copies ?? 1} bộ` },
        {
          header: 'Mẫu đơn, tờ khai',
          cell: (p) => {
            const t = p.templateSha256 ? templates.get(p.templateSha256) : undefined;
            return t ? <a href={templatePath(t.sha256)} download={t.name}>{`Tải mẫu: ${t.name}`}</a> : '—';
          },
        },
      ]}
    />
  );
}

/** Where anyone downloads a procedure's form (the public API's route). */
export const templatePath = (sha256: string) => `/api/public/procedure-templates/${sha256}`;

/** A fact of the procedure sheet, when it is published. */
function Fact({ term, value }: { term: string; value: string | null | undefined }) {
  if (!value) return null;
  return (
    <>
      <dt>{term}</dt>
      <dd class="prewrap">{value}</dd>
    </>
  );
}

/** One procedure as the national portal shows it: its sheet, its papers with their forms, and the way to submit online. */
export function ProcedurePageView({ page, procedure, templates = new Map() }: { page: PageContext; procedure: ProcedureView; templates?: Map<string, TemplateView> }) {
  const r = procedure.rules;
  return (
    <PortalLayout page={page} title={procedure.name}>
      <p>
        <a href="/thu-tuc">← Danh sách thủ tục</a>
      </p>
      <section class="panel" aria-labelledby="thong-tin">
        <h2 id="thong-tin">Thông tin thủ tục</h2>
        <dl class="facts">
          <dt>Mã thủ tục</dt>
          <dd>{procedure.code}</dd>
          <Fact term="Lĩnh vực" value={procedure.sector} />
          <Fact term="Cấp thực hiện" value={procedure.level} />
          <Fact term="Đối tượng thực hiện" value={procedure.applicants} />
          <Fact term="Cơ quan thực hiện" value={procedure.agency} />
          <dt>Thời hạn giải quyết</dt>
          <dd>{timeLimitText(procedure)}</dd>
          <dt>Phí, lệ phí</dt>
          <dd>{feeText(procedure)}</dd>
          <Fact term="Mức thu" value={r.feeNote} />
          <Fact term="Điều kiện thực hiện" value={procedure.conditions} />
          <Fact term="Kết quả thực hiện" value={procedure.result} />
          <dt>Cách thức nộp</dt>
          <dd>{`Trực tuyến trên trang này, hoặc trực tiếp tại ${centreName(page)}.`}</dd>
          <Fact term="Căn cứ pháp lý" value={procedure.legalBasis} />
        </dl>
      </section>
      <section class="panel" aria-labelledby="thanh-phan">
        <h2 id="thanh-phan">Thành phần hồ sơ</h2>
        <RequiredPapersTable procedure={procedure} templates={templates} />
      </section>
      <p>
        <a class="button" href={`/thu-tuc/${procedure.id}/nop-ho-so`}>Nộp hồ sơ trực tuyến</a>
      </p>
    </PortalLayout>
  );
}

export interface SubmitFormProps {
  page: PageContext;
  procedure: ProcedureView;
  values?: Record<string, string>;
  errors?: Record<string, string>;
  /** A refused upload: why, and which paper's input (null: the form as a whole). */
  upload?: UploadProblem | null;
  /** The form's own key: a second press of the button (or a reload of the answer) submits it once. */
  submissionKey: string;
  /** Files a refused submission already sent, sent again with this one (pending-uploads.ts). */
  pending?: PendingUpload[];
}

function FileInput({ name, label, hint, error, required, pending = [] }: { name: string; label: string; hint?: string; error?: string; required?: boolean; pending?: PendingUpload[] }) {
  const id = `f-${name}`;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>
        {label}
        {required && <span class="required" aria-hidden="true"> *</span>}
      </label>
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      <input id={id} type="file" name={name} multiple accept={ACCEPT} aria-invalid={error ? 'true' : undefined} aria-describedby={described} />
      {error && <span class="error" id={`${id}-error`}>{error}</span>}
      <PendingUploads pending={pending} field={name} />
    </div>
  );
}

/** The submission form's errors for its summary, in the form's order, each linking to its field. */
function submissionSummary(procedure: ProcedureView, errors: Record<string, string>, upload: SubmitFormProps['upload']): SummaryItem[] {
  const firstPaper = `f-${paperInputName(procedure.rules.requiredPapers[0]?.code ?? 'other')}`;
  const items = summaryItems(errors, SUBMISSION_LABELS, { papers: firstPaper });
  if (upload?.input) {
    const code = upload.input.replace(/^giay-to-/, '');
    const label = procedure.rules.requiredPapers.find((p) => p.code === code)?.name ?? 'Giấy tờ khác';
    items.push({ field: `f-${upload.input}`, text: `${label}: ${upload.message}` });
  }
  return items;
}

const SUBMISSION_LABELS: Record<string, string> = {
  name: 'Họ tên cá nhân hoặc tên tổ chức',
  idType: 'Loại giấy tờ',
  idNumber: 'Số giấy tờ',
  phone: 'Số điện thoại',
  email: 'Thư điện tử',
  address: 'Địa chỉ',
  subject: 'Nội dung yêu cầu giải quyết',
  note: 'Ghi chú',
  papers: 'Giấy tờ đính kèm',
};

/**
 * The online submission form: the applicant's details, then one file input per paper of the checklist and
 * one for other papers. After a refusal the typed details come back; the files must be chosen again (a
 * browser never refills a file input), which the notice says.
 */
export function SubmitFormView({ page, procedure, values = {}, errors = {}, upload, submissionKey, pending = [] }: SubmitFormProps) {
  const v = (name: string) => values[name] ?? '';
  const hasErrors = Object.keys(errors).length > 0 || upload;
  return (
    <PortalLayout page={page} title="Nộp hồ sơ trực tuyến">
      <p>
        Thủ tục: <strong>{procedure.name}</strong> (<a href={`/thu-tuc/${procedure.id}`}>xem thành phần hồ sơ</a>)
      </p>
      {hasErrors && (
        <ErrorSummary title="Hồ sơ chưa được nộp" items={submissionSummary(procedure, errors, upload)}>
          <p>{upload && !upload.input ? upload.message : 'Hãy sửa các mục sau, rồi bấm “Nộp hồ sơ” lại.'}</p>
          <p>
            {pending.length > 0 && !upload
              ? 'Các thông tin đã nhập và các tệp đã tải lên được giữ lại (mục “Đã tải lên” bên dưới): không cần chọn lại.'
              : 'Các thông tin đã nhập được giữ lại. Các tệp vừa chọn chưa được lưu: hãy chọn lại tệp trước khi gửi.'}
          </p>
        </ErrorSummary>
      )}
      <form method="post" action={`/thu-tuc/${procedure.id}/nop-ho-so`} enctype="multipart/form-data" novalidate>
        <CsrfField token={page.csrf} />
        <input type="hidden" name="submissionKey" value={submissionKey} />
        <PendingUploadsField pending={pending} />
        <fieldset>
          <legend>Người nộp hồ sơ</legend>
          <Field name="name" label="Họ tên cá nhân hoặc tên tổ chức" value={v('name')} error={errors.name} required autocomplete="name" maxLength={200} />
          <Field name="idType" label="Loại giấy tờ" type="select" options={ID_TYPE_OPTIONS} value={v('idType')} error={errors.idType} emptyLabel="— Chọn loại giấy tờ —" />
          <Field name="idNumber" label="Số giấy tờ" value={v('idNumber')} error={errors.idNumber} hint="Căn cước: 12 chữ số; mã số thuế: 10 chữ số hoặc 10-3; hộ chiếu Việt Nam: 1 chữ cái và 7 chữ số." maxLength={20} />
          <Field name="phone" label="Số điện thoại" type="tel" value={v('phone')} error={errors.phone} autocomplete="tel" maxLength={20} />
          <Field name="email" label="Thư điện tử" type="email" value={v('email')} error={errors.email} autocomplete="email" maxLength={254} />
          <Field name="address" label="Địa chỉ" value={v('address')} error={errors.address} autocomplete="street-address" maxLength={500} />
        </fieldset>
        <fieldset>
          <legend>Nội dung đề nghị</legend>
          <Field name="subject" label="Nội dung yêu cầu giải quyết" type="textarea" value={v('subject')} error={errors.subject} maxLength={1000} />
          <Field name="note" label="Ghi chú" type="textarea" value={v('note')} error={errors.note} maxLength={2000} />
        </fieldset>
        <fieldset>
          <legend>Giấy tờ đính kèm</legend>
          {errors.papers && <p class="error" id="papers-error">{errors.papers}</p>}
          {procedure.rules.requiredPapers.map((p) => (
            <FileInput
              name={paperInputName(p.code)}
              label={p.name}
              hint={`${p.original ? 'Bản chính' : 'Bản sao'}. ${FILE_HINT}`}
              error={upload?.input === paperInputName(p.code) ? upload.message : undefined}
              pending={pending}
            />
          ))}
          <FileInput name={paperInputName('other')} label="Giấy tờ khác (nếu có)" hint={FILE_HINT} error={upload?.input === paperInputName('other') ? upload.message : undefined} pending={pending} />
        </fieldset>
        <button type="submit">Nộp hồ sơ</button>
      </form>
    </PortalLayout>
  );
}

function kindLabel(papers: DossierPapers, kind: string): string {
  if (kind === 'result') return 'Kết quả giải quyết';
  if (kind === 'other') return 'Giấy tờ khác';
  return papers.checklist.find((c) => c.code === kind)?.name ?? kind;
}

function Checklist({ papers }: { papers: DossierPapers }) {
  if (papers.checklist.length === 0) return null;
  return (
    <ul class="checklist">
      {papers.checklist.map((c) => (
        <li class={c.received ? 'received' : 'missing'}>
          {c.received ? <span class="badge badge-ok">Đã có</span> : <span class="badge badge-warn">Chưa có</span>} {c.name}
        </li>
      ))}
    </ul>
  );
}

/**
 * The page after an online submission: the receipt code, the tracking secret shown this once with a
 * warning to keep it, the tracking link, and the papers received or still missing.
 */
export function ConfirmationView({ page, dossier, secret, trackingUrl, papers, attachFailed }: {
  page: PageContext;
  dossier: PublicDossierView;
  secret: string;
  /** The tracking link to write down: absolute from IDESK_PUBLIC_URL, the path alone when it is not set (never from the request's Host). */
  trackingUrl: string;
  papers: DossierPapers;
  attachFailed: boolean;
}) {
  const missing = papers.checklist.filter((c) => !c.received);
  return (
    <PortalLayout page={page} title="Đã nộp hồ sơ">
      <Notice kind="ok" title={`Hồ sơ của bạn đã được gửi đến ${centreName(page)}`}>
        <p>{`${centreName(page)} sẽ kiểm tra hồ sơ trong vòng 8 giờ làm việc và thông báo tiếp nhận hoặc hướng dẫn bổ sung.`}</p>
      </Notice>
      <section class="panel secret-panel" aria-labelledby="ma-ho-so">
        <h2 id="ma-ho-so">Thông tin để tra cứu hồ sơ</h2>
        <dl class="facts">
          <dt>Mã hồ sơ</dt>
          <dd>
            <strong class="code" id="receipt-code">{dossier.code}</strong>
          </dd>
          <dt>Mã bảo mật tra cứu</dt>
          <dd>
            <strong class="code secret" id="tracking-secret">{secret}</strong>
          </dd>
          <dt>Thủ tục</dt>
          <dd>{dossier.procedure.name}</dd>
          <dt>Thời điểm nộp</dt>
          <dd>{formatDateTime(dossier.submittedAt)}</dd>
        </dl>
        <div class="notice notice-error warning" role="note">
          <p>
            <strong>Hãy ghi lại hoặc chụp lại mã bảo mật tra cứu ngay bây giờ.</strong> Mã này chỉ hiển thị trên trang này, trong ít phút sau khi nộp; hệ thống không lưu
            và không thể gửi lại. Cần cả mã hồ sơ và mã bảo mật tra cứu để theo dõi, bổ sung hồ sơ và tải kết quả. Không chia sẻ mã bảo mật tra cứu cho
            người khác.
          </p>
        </div>
        <p>
          Trang tra cứu: <a href={trackingUrl} id="tracking-link">{trackingUrl}</a>
        </p>
        <p>
          <a class="button" href={trackingPath(dossier.code)}>Xem hồ sơ vừa nộp</a>
        </p>
      </section>
      <section class="panel" aria-labelledby="giay-to-da-nop">
        <h2 id="giay-to-da-nop">Giấy tờ đã nộp</h2>
        {attachFailed && (
          <Notice kind="error" title="Chưa lưu được các tệp đính kèm">
            <p>Hồ sơ đã được tạo nhưng các tệp chưa được lưu. Hãy mở trang tra cứu hồ sơ để tải lên các giấy tờ dưới đây.</p>
          </Notice>
        )}
        <PaperList papers={papers} code={null} />
        <Checklist papers={papers} />
        {missing.length > 0 && (
          <p>
            Còn thiếu {missing.length} giấy tờ. Bạn có thể tải lên thêm tại trang tra cứu hồ sơ trong khi hồ sơ đang chờ tiếp nhận; nếu
            thiếu, {centreName(page)} sẽ hướng dẫn bổ sung một lần.
          </p>
        )}
      </section>
    </PortalLayout>
  );
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

/** The dossier's papers; with `code`, each links to its download through the citizen's access. */
function PaperList({ papers, code }: { papers: DossierPapers; code: string | null }) {
  return (
    <Table<PaperView>
      rows={papers.items}
      rowKey={(p) => p.id}
      empty="Chưa có giấy tờ nào."
      columns={[
        { header: 'Giấy tờ', cell: (p) => kindLabel(papers, p.kind) },
        {
          header: 'Tệp',
          cell: (p) =>
            code ? (
              <a href={`${trackingPath(code)}/giay-to/${p.id}`} download={p.name}>
                {p.name}
              </a>
            ) : (
              p.name
            ),
        },
        { header: 'Dung lượng', cell: (p) => sizeText(p.size), class: 'nowrap' },
        { header: 'Người gửi', cell: (p) => (p.attachedBy.kind === 'applicant' ? 'Người nộp hồ sơ' : 'Cơ quan giải quyết') },
        { header: 'Thời điểm', cell: (p) => formatDateTime(p.attachedAt), class: 'nowrap' },
      ]}
    />
  );
}

/** The tracking form: the code (prefilled from `?ma=`) and the secret, posted, never in the URL. */
export function TrackingFormView({ page, code, error, notice, status }: { page: PageContext; code: string; error?: string; notice?: string; status?: 'expired' }) {
  return (
    <PortalLayout page={page} title="Tra cứu hồ sơ">
      {error && <Notice kind="error" title="Không tra cứu được">{<p>{error}</p>}</Notice>}
      {notice && <Notice kind="info">{<p>{notice}</p>}</Notice>}
      {status === 'expired' && !notice && <Notice kind="info">{<p>Phiên tra cứu đã kết thúc. Hãy nhập lại mã bảo mật tra cứu để xem hồ sơ.</p>}</Notice>}
      <form class="narrow" method="post" action="/tra-cuu" novalidate>
        <CsrfField token={page.csrf} />
        <Field name="code" label="Mã hồ sơ" value={code} required hint="In trên Giấy tiếp nhận hồ sơ, ví dụ H37.26-031226-0001." maxLength={60} autocomplete="off" />
        <Field name="secret" label="Mã bảo mật tra cứu" type="password" value="" required hint="In trên giấy tiếp nhận hoặc hiện một lần khi nộp trực tuyến, dạng XXXX-XXXX-XXXX; không phân biệt chữ hoa, chữ thường." maxLength={100} autocomplete="off" autofocus={Boolean(code)} />
        <button type="submit">Tra cứu</button>
      </form>
      <p>
        Chưa nộp hồ sơ? <a href="/thu-tuc">Xem danh sách thủ tục</a>.
      </p>
    </PortalLayout>
  );
}

/** What the state means for the citizen, and what they do next. */
const STATE_EXPLAINED: Record<string, string> = {
  submitted: 'Hồ sơ đang chờ nơi tiếp nhận kiểm tra (trong vòng 8 giờ làm việc). Bạn có thể tải lên thêm giấy tờ còn thiếu.',
  awaitingSupplement: 'Hồ sơ cần bổ sung theo hướng dẫn dưới đây. Hãy tải lên giấy tờ và gửi bổ sung.',
  'inDepartment.review': 'Hồ sơ đang được phòng chuyên môn giải quyết.',
  'inDepartment.inspection': 'Hồ sơ đang được thẩm định thực tế.',
  'inDepartment.leadReview': 'Hồ sơ đang được phòng chuyên môn giải quyết.',
  leadershipApproval: 'Hồ sơ đang chờ lãnh đạo Sở phê duyệt.',
  returnedToOneStop: 'Hồ sơ đang được nơi tiếp nhận và trả kết quả xử lý.',
  awaitingPayment: 'Hồ sơ đã có kết quả. Bạn cần nộp phí, lệ phí để nhận kết quả.',
  readyForReturn: 'Kết quả đã sẵn sàng để trả.',
  completed: 'Đã trả kết quả. Bạn có thể tải kết quả ở mục Giấy tờ và kết quả.',
  refused: 'Hồ sơ bị từ chối tiếp nhận. Xem lý do trong phiếu từ chối.',
  withdrawn: 'Hồ sơ đã được rút.',
  stopped: 'Hồ sơ đã dừng giải quyết. Xem thông báo dừng giải quyết.',
};

const DETAIL_LABELS: Record<string, string> = {
  missingPaperNames: 'Giấy tờ còn thiếu',
  guidance: 'Nội dung cần bổ sung',
  supplementDueAt: 'Hạn bổ sung',
  reason: 'Lý do',
  newDueAt: 'Ngày hẹn trả mới',
  dueAt: 'Hẹn trả kết quả',
  method: 'Hình thức nhận kết quả',
  receiptNumber: 'Số biên lai',
};

/** An event's public details in Vietnamese: instants as dates, choices by their names. */
function DetailList({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details).filter(([, v]) => v != null && v !== '');
  if (entries.length === 0) return null;
  return (
    <dl class="event-details">
      {entries.map(([k, v]) => (
        <>
          <dt>{DETAIL_LABELS[k] ?? k}</dt>
          <dd class={k === 'guidance' ? 'pre' : undefined}>
            {Array.isArray(v) ? v.map(String).join('; ') : k.endsWith('At') ? formatDateTime(String(v)) : (VALUE_LABELS[k]?.[String(v)] ?? String(v))}
          </dd>
        </>
      ))}
    </dl>
  );
}

export interface TrackingViewProps {
  page: PageContext;
  dossier: PublicDossierView;
  papers: DossierPapers;
  slips: Slip[];
  /** The kinds the applicant may upload now (none: no upload form). */
  uploadKinds: string[];
  /** Whether the applicant may send SUPPLEMENT without a new file (papers uploaded since the request). */
  supplementReady: boolean;
  notice?: { kind: 'ok' | 'error' | 'info'; title?: string; text: string };
  upload?: UploadProblem | null;
  values?: Record<string, string>;
  errors?: Record<string, string>;
}

const NO_APPOINTMENT: readonly string[] = ['refused', 'withdrawn', 'stopped'];

/** The appointment line: the date; while a supplement is awaited, when it will be set; before receipt, that it comes with it. */
function appointmentText(dossier: PublicDossierView): string {
  if (dossier.state === 'awaitingSupplement') return dossier.receivedAt ? 'Được hẹn lại khi nhận đủ hồ sơ bổ sung' : 'Sẽ có khi hồ sơ được tiếp nhận';
  if (!dossier.dueAt) return 'Sẽ có khi hồ sơ được tiếp nhận';
  const lastSupplement = [...dossier.timeline].reverse().find((e) => e.type === 'SUPPLEMENT' && e.details.dueAt);
  return lastSupplement ? `${formatDateTime(dossier.dueAt)} (hẹn lại sau khi bổ sung hồ sơ)` : formatDateTime(dossier.dueAt);
}

/** The citizen's dossier: state, appointment, the steps done, slips, papers and results, and the supplement form when one was asked for. */
export function TrackingView(props: TrackingViewProps) {
  const { page, dossier, papers, slips, uploadKinds, notice, errors = {} } = props;
  const path = trackingPath(dossier.code);
  const supplementRequest = [...dossier.timeline].reverse().find((e) => e.type === 'REQUEST_SUPPLEMENT');
  const canSupplement = dossier.allowedEvents.includes('SUPPLEMENT');
  const result = papers.items.filter((p) => p.kind === 'result');
  return (
    <PortalLayout page={page} title={`Hồ sơ ${dossier.code}`}>
      {notice && (
        <Notice kind={notice.kind} title={notice.title}>
          <p>{notice.text}</p>
        </Notice>
      )}
      <section class="panel" aria-labelledby="tinh-trang">
        <h2 id="tinh-trang">Tình trạng hồ sơ</h2>
        <dl class="facts">
          <dt>Thủ tục</dt>
          <dd>{dossier.procedure.name}</dd>
          <dt>Trạng thái</dt>
          <dd>
            <StateBadge state={dossier.state} />
            <span class="state-explained">{STATE_EXPLAINED[dossier.state] ?? ''}</span>
          </dd>
          <dt>Ngày nộp</dt>
          <dd>{formatDateTime(dossier.submittedAt)}</dd>
          <dt>Ngày tiếp nhận</dt>
          <dd>{dossier.receivedAt ? formatDateTime(dossier.receivedAt) : 'Chưa tiếp nhận'}</dd>
          {/* A refused, withdrawn or stopped dossier has no appointment (the view gives none). */}
          {!NO_APPOINTMENT.includes(dossier.state) && (
            <>
              <dt>Hẹn trả kết quả</dt>
              <dd>
                <strong class="appointment">{appointmentText(dossier)}</strong>
              </dd>
            </>
          )}
          {dossier.supplementDueAt && (
            <>
              <dt>Hạn bổ sung hồ sơ</dt>
              <dd>
                <strong class="supplement-deadline">{formatDateTime(dossier.supplementDueAt)}</strong>
                <span class="muted"> — quá hạn này mà chưa bổ sung, hồ sơ bị dừng giải quyết.</span>
              </dd>
            </>
          )}
          {dossier.result && (
            <>
              <dt>Kết quả</dt>
              <dd>{dossier.result === 'grant' ? 'Được chấp thuận (cấp)' : 'Không được chấp thuận'}</dd>
            </>
          )}
        </dl>
        {result.length > 0 && (
          <p class="result-links">
            {result.map((p) => (
              <a class="button" href={`${path}/giay-to/${p.id}`} download={p.name}>{`Tải kết quả: ${p.name}`}</a>
            ))}
          </p>
        )}
      </section>

      {canSupplement && supplementRequest && (
        <section class="panel attention" aria-labelledby="bo-sung">
          <h2 id="bo-sung">Yêu cầu bổ sung hồ sơ</h2>
          <p>Ngày yêu cầu: {formatDateTime(supplementRequest.at)}</p>
          <DetailList details={supplementRequest.details} />
          <UploadForm {...props} action="supplement" />
        </section>
      )}
      {!canSupplement && uploadKinds.length > 0 && (
        <section class="panel" aria-labelledby="tai-len">
          <h2 id="tai-len">Tải lên thêm giấy tờ</h2>
          <UploadForm {...props} action="upload" />
        </section>
      )}

      <section class="panel" aria-labelledby="giay-to">
        <h2 id="giay-to">Giấy tờ và kết quả</h2>
        <PaperList papers={papers} code={dossier.code} />
        {/* While the applicant may still add papers, what is missing; afterwards the agency's check has spoken. */}
        {papers.checklist.length > 0 && uploadKinds.length > 0 && (
          <>
            <h3>Thành phần hồ sơ theo quy định</h3>
            <Checklist papers={papers} />
          </>
        )}
      </section>

      <section class="panel" aria-labelledby="phieu">
        <h2 id="phieu">Phiếu, giấy tờ cơ quan đã cấp</h2>
        {slips.length === 0 ? (
          <p class="empty">Chưa có phiếu nào.</p>
        ) : (
          <ul class="slip-list">
            {slips.map((s) => (
              <li>
                <a href={`${path}/phieu/${s.number}`}>{s.title}</a> <span class="muted">{`${s.form}, ${formatDate(s.at)}`}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="qua-trinh">
        <h2 id="qua-trinh">Quá trình giải quyết</h2>
        <ol class="timeline">
          {dossier.timeline.map((e) => (
            <li>
              <span class="nowrap when">{formatDateTime(e.at)}</span> <strong>{citizenEventLabel(e.type)}</strong>
              <DetailList details={e.details} />
            </li>
          ))}
        </ol>
      </section>

      {dossier.allowedEvents.includes('WITHDRAW') && (
        <section class="panel" aria-labelledby="rut-ho-so">
          <h2 id="rut-ho-so">Rút hồ sơ</h2>
          <details open={Boolean(errors.withdrawReason)}>
            <summary>Tôi muốn rút hồ sơ này</summary>
            <p>Hồ sơ đã rút sẽ không được tiếp tục giải quyết. Muốn làm lại, cần nộp hồ sơ mới.</p>
            <form method="post" action={`${path}/rut-ho-so`} novalidate>
              <CsrfField token={page.csrf} />
              <input type="hidden" name="version" value={String(dossier.version)} />
              <Field name="reason" idPrefix="rut" label="Lý do rút hồ sơ" type="textarea" required maxLength={2000} value={(props.values ?? {}).withdrawReason} error={errors.withdrawReason} />
              <button class="button-danger" type="submit">Rút hồ sơ</button>
            </form>
          </details>
        </section>
      )}

      <form class="inline-form" method="post" action={`${path}/thoat`}>
        <CsrfField token={page.csrf} />
        <button class="button-secondary" type="submit">Kết thúc tra cứu</button>
      </form>
      <p class="muted">{`Vì an toàn, trình duyệt này giữ quyền xem hồ sơ trong 30 phút kể từ lần xem cuối. Giữ kín mã bảo mật tra cứu.`}</p>
      {errors.form && <p class="error">{errors.form}</p>}
    </PortalLayout>
  );
}

function UploadForm({ page, dossier, papers, uploadKinds, supplementReady, upload, values = {}, errors = {}, action }: TrackingViewProps & { action: 'supplement' | 'upload' }) {
  const path = trackingPath(dossier.code);
  const missing = papers.checklist.filter((c) => !c.received).map((c) => c.code);
  const kinds = uploadKinds.filter((k) => k !== 'result');
  return (
    <form method="post" action={`${path}/giay-to`} enctype="multipart/form-data" novalidate>
      <CsrfField token={page.csrf} />
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="version" value={String(dossier.version)} />
      {upload && !upload.input && <p class="error" role="alert">{upload.message}</p>}
      {errors.papers && <p class="error" id="papers-error">{errors.papers}</p>}
      {kinds.map((k) => (
        <FileInput
          name={paperInputName(k)}
          label={k === 'other' ? 'Giấy tờ khác' : kindLabel(papers, k)}
          hint={`${missing.includes(k) ? 'Còn thiếu. ' : ''}${FILE_HINT}`}
          error={upload?.input === paperInputName(k) ? upload.message : undefined}
        />
      ))}
      {action === 'supplement' && <Field name="note" label="Ghi chú cho nơi tiếp nhận hồ sơ" type="textarea" value={values.note ?? ''} error={errors.note} maxLength={2000} />}
      {upload && <p class="hint">Các tệp đã chọn chưa được lưu: hãy chọn lại tệp trước khi gửi.</p>}
      <button type="submit">{action === 'supplement' ? (supplementReady ? 'Gửi bổ sung' : 'Tải lên và gửi bổ sung') : 'Tải lên'}</button>
    </form>
  );
}

/** Events as the citizen reads them: what happened to their dossier, without the agency's internal words. */
const CITIZEN_EVENTS: Record<string, string> = {
  SUBMIT: 'Nộp hồ sơ',
  RECEIVE: 'Tiếp nhận hồ sơ',
  REQUEST_SUPPLEMENT: 'Yêu cầu bổ sung, hoàn thiện hồ sơ',
  SUPPLEMENT: 'Bổ sung hồ sơ',
  ASSIGN: 'Chuyển phòng chuyên môn giải quyết',
  REASSIGN: 'Phòng chuyên môn giao lại người giải quyết',
  VERIFY: 'Thẩm định hồ sơ xong',
  INVALID: 'Hồ sơ chưa đủ điều kiện, chuyển lại nơi tiếp nhận',
  INSPECT: 'Thẩm định thực tế',
  PROPOSE: 'Trình lãnh đạo Sở',
  SEND_BACK: 'Xem xét lại hồ sơ',
  APPROVE: 'Lãnh đạo Sở quyết định',
  DISAGREE: 'Lãnh đạo Sở yêu cầu xem xét lại',
  PAYMENT_RECEIVED: 'Đã nộp phí, lệ phí',
  RETURN_RESULT: 'Trả kết quả',
};

export function citizenEventLabel(type: string): string {
  return CITIZEN_EVENTS[type] ?? eventDoneLabel(type);
}

/** A slip as a print view (A4 through the print stylesheet). */
export function SlipView({ page, dossier, slip, agencyName }: { page: PageContext; dossier: PublicDossierView; slip: Slip; agencyName: string }) {
  return (
    <Layout page={page} title={slip.title}>
      <article class="slip">
        <header class="slip-head">
          <p>
            <strong>{agencyName.toUpperCase()}</strong>
            <br />
            Bộ phận Một cửa
          </p>
          <p>
            <strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong>
            <br />
            Độc lập - Tự do - Hạnh phúc
          </p>
        </header>
        <p class="muted">{`${slip.form} (Thông tư 03/2025/TT-VPCP)`}</p>
        <dl class="facts">
          <dt>Mã hồ sơ</dt>
          <dd>{dossier.code}</dd>
          <dt>Thủ tục</dt>
          <dd>{dossier.procedure.name}</dd>
          <dt>Ngày cấp</dt>
          <dd>{formatDateTime(slip.at)}</dd>
        </dl>
        <DetailList details={slip.details} />
        <p class="no-print">
          <a href={trackingPath(dossier.code)}>← Quay lại hồ sơ</a> · Dùng chức năng In của trình duyệt để in hoặc lưu thành PDF.
        </p>
      </article>
    </Layout>
  );
}
