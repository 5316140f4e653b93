import type { ComponentChildren } from 'preact';
import { COPY_TYPE_LABELS, type DossierForm, type DossierFormName, type Handover } from '../../domain/dossiers/dossier-forms.ts';
import type { CopyType } from '../../domain/procedures/procedures.service.ts';
import type { TimelineEntry } from '../../domain/workflow/timeline.ts';
import { Notice } from '../components/notice.tsx';
import { formatDate, TIME_ZONE } from '../format.ts';
import { eventDoneLabel, OUTCOME_LABELS, stateLabel } from '../labels.ts';
import type { PageContext } from '../page-context.ts';
import { assetUrl } from '../static.ts';
import { QrCode } from './qr-code.tsx';

/** The forms a dossier has, in the order of Circular 03/2025's appendix, from what its timeline records. */
export function availableForms(timeline: readonly TimelineEntry[], receivedAt: string | null): DossierFormName[] {
  const has = (...types: string[]) => timeline.some((e) => types.includes(e.type));
  const forms: DossierFormName[] = [];
  if (receivedAt && has('RECEIVE')) forms.push('receipt');
  if (has('REQUEST_SUPPLEMENT')) forms.push('supplement-request');
  if (has('REFUSE')) forms.push('refusal');
  if (has('ISSUE_APOLOGY')) forms.push('apology');
  if (has('WITHDRAW', 'STOP', 'SUPPLEMENT_EXPIRED')) forms.push('stop-notice');
  forms.push('tracking-sheet');
  return forms;
}

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric', hourCycle: 'h23' });

function partsOf(instant: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of clock.formatToParts(new Date(instant))) out[p.type] = p.value;
  return out;
}

/** "14 giờ 30 phút, ngày 03/12/2026", as the forms write an instant. */
export function formTime(instant: string | null | undefined): string {
  if (!instant) return '…';
  const p = partsOf(instant);
  return `${p.hour} giờ ${p.minute} phút, ngày ${p.day}/${p.month}/${p.year}`;
}

/** "Bình Định, ngày 03 tháng 12 năm 2026": the place and date line of a form. */
function placeAndDate(province: string | null, instant: string): string {
  const p = partsOf(instant);
  return `${province ?? '……'}, ngày ${p.day} tháng ${p.month} năm ${p.year}`;
}

/** The page around a slip: a bar with the way back and the print button (hidden on paper), then the A4 sheet. */
export function PrintPage({ page, title, back, notice, children }: { page: PageContext; title: string; back: { href: string; label: string }; notice?: ComponentChildren; children?: ComponentChildren }) {
  return (
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — idesk`}</title>
        <link rel="icon" type="image/svg+xml" href={assetUrl('favicon.svg')} />
        <link rel="stylesheet" href={assetUrl('app.css')} />
        <script src={assetUrl('print.js')} defer />
      </head>
      <body class="print-view">
        <div class="print-bar no-print" role="navigation" aria-label="Thao tác với phiếu">
          <a href={back.href}>← {back.label}</a>
          <button type="button" data-print="">In phiếu</button>
          <span class="muted">hoặc bấm Ctrl+P. Khổ giấy A4.</span>
          {page.principal && <span class="muted">Người in: {page.principal.fullName}</span>}
        </div>
        {notice && <div class="print-notice no-print">{notice}</div>}
        <main id="noi-dung" class="sheet">
          {children}
        </main>
      </body>
    </html>
  );
}

/**
 * The heading every form of the appendix shares: the governing body over the issuing unit (Decree
 * 30/2020/NĐ-CP, Appendix I), the national motto, the place and date, the title.
 */
function FormHead({ form, number }: { form: DossierForm; number?: string }) {
  return (
    <>
      <div class="form-head">
        <div class="form-unit">
          <p class="upper governing-body">{form.header.governingBody}</p>
          <p class="upper strong issuing-unit">{form.header.unit}</p>
          {number && <p>Số: {number}</p>}
        </div>
        <div class="form-motto">
          <p class="form-template">{form.template}</p>
          <p class="upper strong">Cộng hòa xã hội chủ nghĩa Việt Nam</p>
          <p class="strong motto">Độc lập - Tự do - Hạnh phúc</p>
          <p class="date-line">{placeAndDate(form.province, form.issuedAt)}</p>
        </div>
      </div>
      <h1 class="form-title">{form.title}</h1>
      <p class="form-code">Mã hồ sơ: <strong>{form.dossierCode}</strong></p>
    </>
  );
}

/** The applicant's lines; `lead` opens the first one ("… tiếp nhận hồ sơ của:") instead of "Ông/bà/tổ chức:". */
function Applicant({ form, lead }: { form: DossierForm; lead?: string }) {
  const a = form.applicant;
  return (
    <ul class="form-lines">
      <li>
        {lead ?? 'Ông/bà/tổ chức:'} <strong>{a.name}</strong>
      </li>
      {a.idNumber && <li>Số định danh cá nhân/mã số doanh nghiệp: {a.idNumber}</li>}
      <li>Địa chỉ: {a.address ?? '…'}</li>
      <li>Số điện thoại: {a.phone ?? '…'} {a.email && <>· Thư điện tử: {a.email}</>}</li>
    </ul>
  );
}

/** The person acting for the applicant (người được ủy quyền), with the identity and the paper they showed. */
function ProxyLines({ form }: { form: DossierForm }) {
  const p = form.proxy;
  if (!p) return null;
  return (
    <ul class="form-lines proxy" aria-label="Người được ủy quyền">
      <li>
        Người được ủy quyền: <strong>{p.name}</strong> · Số định danh cá nhân: {p.idNumber}
        {p.phone && <> · Số điện thoại: {p.phone}</>}
        {p.address && <> · Địa chỉ: {p.address}</>}
        {p.email && <> · Thư điện tử: {p.email}</>}
      </li>
      <li>Văn bản ủy quyền: {p.authorisation}</li>
    </ul>
  );
}

function Signatures({ left, leftName, right, rightName }: { left?: string; leftName?: string | null; right: string; rightName?: string | null }) {
  return (
    <div class="signatures">
      <div>
        {left && (
          <>
            <p class="strong upper">{left}</p>
            <p class="muted">(Ký và ghi rõ họ tên)</p>
            <p class="signer">{leftName ?? ''}</p>
          </>
        )}
      </div>
      <div>
        <p class="strong upper">{right}</p>
        <p class="muted">(Ký và ghi rõ họ tên)</p>
        <p class="signer">{rightName ?? ''}</p>
      </div>
    </div>
  );
}

interface ReceiptPaper {
  code: string | null;
  name: string;
  copies: number | null;
  copyType: CopyType;
  received: boolean;
  files: string[];
}

/**
 * Mẫu số 01 (Circular 03/2025/TT-VPCP): the receipt and appointment slip. The tracking link goes in the
 * QR code with the dossier code only; the tracking secret is printed beside it in words (the citizen
 * types it on the tracking page), and only on the slip printed right after intake — it is not stored.
 */
export function ReceiptSlip({ form, trackingUrl, secret }: { form: DossierForm; trackingUrl: string | null; secret: string | null }) {
  const f = form.fields as {
    subject: string | null;
    request: string;
    workingDays: number;
    fee: { collectedAt: string; text: string } | null;
    receivedAt: string;
    appointmentAt: string | null;
    appointmentRecomputedAt: string | null;
    resultPlace: string;
    logBookSequence: number;
    receivedBy: string | null;
    papers: ReceiptPaper[];
  };
  return (
    <article class="slip" aria-label={form.title}>
      <FormHead form={form} number={form.dossierCode} />
      <Applicant form={form} lead={`${form.header.unit} tiếp nhận hồ sơ của:`} />
      <ProxyLines form={form} />
      <p>
        Thủ tục hành chính: {form.procedure.name} <span class="muted">(mã {form.procedure.code})</span>
      </p>
      <p class="request">
        Nội dung yêu cầu giải quyết: <strong>{f.request}</strong>
      </p>
      <p class="strong">1. Thành phần hồ sơ nộp gồm:</p>
      <table class="form-table papers">
        <thead>
          <tr>
            <th scope="col">TT</th>
            <th scope="col">Tên giấy tờ</th>
            <th scope="col">Bản chính / bản sao / bản sao chứng thực</th>
            <th scope="col">Số lượng</th>
          </tr>
        </thead>
        <tbody>
          {f.papers.map((p, i) => (
            <tr>
              <td>{i + 1}</td>
              <td>
                {p.name}
                {p.files.length > 0 && p.code !== null && <span class="muted paper-files"> ({p.files.join(', ')})</span>}
                {/* The list is what was handed in (Mẫu 01 has no "received" column); a receipt is issued only for a complete dossier, so this shows only on one issued before that rule. */}
                {!p.received && <strong> (chưa nộp)</strong>}
              </td>
              <td class="copy-type">{COPY_TYPE_LABELS[p.copyType]}</td>
              <td>{String(p.copies ?? 1).padStart(2, '0')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>2. Số lượng hồ sơ: 01 bộ.</p>
      <p>3. Thời gian giải quyết hồ sơ theo quy định: {f.workingDays} ngày làm việc.</p>
      <p>4. Thời gian nhận hồ sơ: <strong>{formTime(f.receivedAt)}</strong>.</p>
      <p>
        5. Thời gian trả kết quả giải quyết hồ sơ: <strong class="appointment">{formTime(f.appointmentAt)}</strong>
        {f.appointmentRecomputedAt && <> (hẹn lại sau khi nhận đủ hồ sơ bổ sung lúc {formTime(f.appointmentRecomputedAt)})</>}.
      </p>
      <p>
        6. Đăng ký nhận kết quả tại: {f.resultPlace}.
      </p>
      {f.fee && <p>7. Phí, lệ phí: {f.fee.text} ({f.fee.collectedAt === 'intake' ? 'nộp khi tiếp nhận hồ sơ' : 'nộp khi nhận kết quả'}).</p>}
      <p>Vào sổ theo dõi hồ sơ, số thứ tự: {f.logBookSequence}.</p>
      <div class="tracking">
        {trackingUrl && <QrCode text={trackingUrl} label={`Mã QR tra cứu hồ sơ ${form.dossierCode}`} size={76} />}
        <div>
          <p class="strong">Tra cứu tình trạng hồ sơ</p>
          {trackingUrl ? (
            <p>
              Quét mã QR hoặc truy cập <span class="url">{trackingUrl}</span>
            </p>
          ) : (
            <p>Tra cứu trên Cổng dịch vụ công của tỉnh bằng mã hồ sơ{secret ? ' và mã bảo mật' : ''} dưới đây.</p>
          )}
          <p>Mã hồ sơ: <strong>{form.dossierCode}</strong></p>
          {secret ? (
            <p>
              Mã bảo mật tra cứu: <strong class="secret">{secret}</strong>
              <br />
              <span class="muted">Giữ kín mã này; không cung cấp cho người khác.</span>
            </p>
          ) : (
            <p class="muted">Mã bảo mật tra cứu đã được in trên giấy tiếp nhận giao cho người nộp hồ sơ.</p>
          )}
        </div>
      </div>
      <Signatures left="Người nộp hồ sơ" leftName={form.proxy?.name} right="Người tiếp nhận hồ sơ" rightName={f.receivedBy} />
    </article>
  );
}

function SupplementSlip({ form }: { form: DossierForm }) {
  const f = form.fields as {
    items: string[];
    afterReceipt: boolean;
    guide: string | null;
    supplementDueAt: string | null;
    supplementWaitDays: number | null;
    requestedBy: { name: string | null; department: string | null } | null;
  };
  return (
    <article class="slip" aria-label={form.title}>
      <FormHead form={form} />
      <p>{form.header.unit} nhận được hồ sơ của:</p>
      <Applicant form={form} />
      <ProxyLines form={form} />
      <p>Nội dung yêu cầu giải quyết: <strong>{form.procedure.name}</strong>.</p>
      <p>
        {f.afterReceipt
          ? `Qua xem xét, ${f.requestedBy?.department ?? 'cơ quan giải quyết'} đề nghị ông/bà/tổ chức bổ sung, hoàn thiện hồ sơ`
          : 'Sau khi kiểm tra, hồ sơ chưa đầy đủ; đề nghị ông/bà/tổ chức bổ sung, hoàn thiện hồ sơ'}{' '}
        gồm những nội dung sau:
      </p>
      <ol class="form-items">
        {f.items.map((item) => (
          <li>{item}</li>
        ))}
      </ol>
      {f.supplementDueAt && (
        <p class="supplement-deadline">
          Thời hạn bổ sung, hoàn thiện hồ sơ: trước <strong>{formTime(f.supplementDueAt)}</strong>
          {f.supplementWaitDays ? ` (${f.supplementWaitDays} ngày làm việc)` : ''}. Quá thời hạn này mà chưa bổ sung, hồ sơ bị dừng giải quyết.
        </p>
      )}
      {f.afterReceipt ? (
        <p>Thời hạn giải quyết được tính lại kể từ khi nhận đủ hồ sơ bổ sung; ngày hẹn trả kết quả mới được thông báo khi đó.</p>
      ) : (
        <p>Hồ sơ chưa được tiếp nhận và chưa có ngày hẹn trả kết quả.</p>
      )}
      <p>Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà/tổ chức liên hệ với {form.receivingUnit} để được hướng dẫn.</p>
      <Signatures right="Người hướng dẫn" rightName={f.guide} />
    </article>
  );
}


function RefusalSlip({ form }: { form: DossierForm }) {
  const f = form.fields as { reason: string; refusedBy: string | null };
  return (
    <article class="slip" aria-label={form.title}>
      <FormHead form={form} />
      <p>{form.header.unit} tiếp nhận hồ sơ của:</p>
      <Applicant form={form} />
      <ProxyLines form={form} />
      <p>Đề nghị giải quyết thủ tục: <strong>{form.procedure.name}</strong>.</p>
      <p>Qua nghiên cứu, xem xét, {form.receivingUnit} thông báo từ chối tiếp nhận, giải quyết hồ sơ này với lý do sau:</p>
      <p class="form-reason">{f.reason}</p>
      <p>Xin thông báo để ông/bà/tổ chức được biết và thực hiện.</p>
      <Signatures right="Người từ chối" rightName={f.refusedBy} />
    </article>
  );
}

function ApologySlip({ form }: { form: DossierForm }) {
  const f = form.fields as { receivedAt: string | null; originalAppointmentAt: string | null; reason: string; newAppointmentAt: string; issuedBy: string | null };
  return (
    <article class="slip" aria-label={form.title}>
      <FormHead form={form} />
      <p>Ngày {formatDate(f.receivedAt) || '…'}, {form.receivingUnit} tiếp nhận hồ sơ đề nghị giải quyết thủ tục <strong>{form.procedure.name}</strong> của:</p>
      <Applicant form={form} />
      <p>Thời gian hẹn trả kết quả giải quyết hồ sơ: {formTime(f.originalAppointmentAt)}.</p>
      <p>Tuy nhiên đến nay, {form.agency} chưa trả kết quả giải quyết hồ sơ, lý do:</p>
      <p class="form-reason">{f.reason}</p>
      <p>
        Sự chậm trễ này đã gây phiền hà cho ông/bà/tổ chức. {form.agency} xin lỗi và hẹn trả kết quả vào: <strong>{formTime(f.newAppointmentAt)}</strong>.
      </p>
      <Signatures right={`Thủ trưởng ${form.agency}`} rightName={f.issuedBy} />
    </article>
  );
}

const STOP_GROUNDS: Record<string, string> = {
  'applicant-request': 'Theo đề nghị dừng giải quyết (rút hồ sơ) của tổ chức, cá nhân',
  'agency-decision': 'Theo quyết định của cơ quan có thẩm quyền',
  'supplement-not-received': 'Quá thời hạn bổ sung, hoàn thiện hồ sơ mà tổ chức, cá nhân chưa bổ sung',
};

function StopSlip({ form }: { form: DossierForm }) {
  const f = form.fields as { grounds: string; reason: string | null; stateWhenStopped: string | null };
  return (
    <article class="slip" aria-label={form.title}>
      <FormHead form={form} />
      <p>Hồ sơ đề nghị giải quyết thủ tục <strong>{form.procedure.name}</strong> của:</p>
      <Applicant form={form} />
      <p>được dừng giải quyết. Căn cứ: {STOP_GROUNDS[f.grounds] ?? f.grounds}.</p>
      {f.reason && <p class="form-reason">Lý do: {f.reason}</p>}
      {f.stateWhenStopped && <p class="muted">Trạng thái hồ sơ khi dừng: {stateLabel(f.stateWhenStopped)}.</p>}
      <Signatures right={`Thủ trưởng ${form.agency}`} />
    </article>
  );
}

/** One person's cell of a hand-over: the name typed, the room to sign beside it. */
function SignCell({ name }: { name: string | null }) {
  return (
    <td class="sign-cell">
      <span class="sign-space" aria-hidden="true" />
      {name ?? ''}
    </td>
  );
}

/**
 * Mẫu số 06 (Circular 03/2025/TT-VPCP): each hand-over names the unit that gave and the unit that received
 * the dossier, when, the person on each side with room for their signature (người giao, người nhận), and
 * how the step handed over went; the last row hands the result to the applicant.
 */
function TrackingSheet({ form }: { form: DossierForm }) {
  const f = form.fields as { processingUnit: string | null; receivedAt: string | null; appointmentAt: string | null; resultReturnedAt: string | null; returnMethod: string | null; outcome: string | null; handovers: Handover[] };
  return (
    <article class="slip" aria-label={form.title}>
      <FormHead form={form} />
      <ul class="form-lines">
        <li>Cơ quan giải quyết hồ sơ: {f.processingUnit ?? form.agency}</li>
        <li>Thủ tục: {form.procedure.name}</li>
        <li>Người nộp: {form.applicant.name}{form.proxy && <> (người được ủy quyền: {form.proxy.name})</>}</li>
        <li>Thời gian nhận hồ sơ: {formTime(f.receivedAt)}</li>
        <li>Thời gian trả kết quả: {formTime(f.appointmentAt)}</li>
      </ul>
      <table class="form-table handovers">
        <colgroup>
          <col class="col-units" />
          <col class="col-time" />
          <col class="col-person" />
          <col class="col-person" />
          <col class="col-result" />
          <col class="col-note" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col" rowspan={2}>Tên cơ quan</th>
            <th scope="col" rowspan={2}>Thời gian giao, nhận hồ sơ</th>
            <th scope="colgroup" colspan={2}>Ký, ghi rõ họ tên</th>
            <th scope="col" rowspan={2}>Kết quả giải quyết hồ sơ (trước hạn/ đúng hạn/ quá hạn)</th>
            <th scope="col" rowspan={2}>Ghi chú</th>
          </tr>
          <tr>
            <th scope="col">Người giao</th>
            <th scope="col">Người nhận</th>
          </tr>
        </thead>
        <tbody>
          {f.handovers.map((h) => (
            <tr>
              <td>
                1. Giao: {h.givingUnit ?? '—'}
                <br />
                2. Nhận: {h.receivingUnit ?? 'không (hồ sơ kết thúc)'}
              </td>
              <td>{formTime(h.at)}</td>
              <SignCell name={h.givenBy} />
              <SignCell name={h.receivedBy} />
              <td>{h.stepResult ? OUTCOME_LABELS[h.stepResult] ?? h.stepResult : ''}</td>
              <td>
                {eventDoneLabel(h.event)}
                {h.event === 'RETURN_RESULT' && f.returnMethod && RETURN_METHODS[f.returnMethod] && <> ({RETURN_METHODS[f.returnMethod]})</>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {f.resultReturnedAt && <p>Đã trả kết quả lúc {formTime(f.resultReturnedAt)}{f.outcome ? ` — ${OUTCOME_LABELS[f.outcome] ?? f.outcome}` : ''}.</p>}
    </article>
  );
}

/** How the result went back to the applicant, as the sheet's note says it. */
const RETURN_METHODS: Record<string, string> = { counter: 'trực tiếp', post: 'qua dịch vụ bưu chính', electronic: 'trực tuyến' };

/** The slip of one form; the receipt needs its tracking link and, when just issued, the secret. */
export function FormSlip({ form, trackingUrl, secret }: { form: DossierForm; trackingUrl: string | null; secret: string | null }) {
  switch (form.form) {
    case 'receipt':
      return <ReceiptSlip form={form} trackingUrl={trackingUrl} secret={secret} />;
    case 'supplement-request':
      return <SupplementSlip form={form} />;
    case 'refusal':
      return <RefusalSlip form={form} />;
    case 'apology':
      return <ApologySlip form={form} />;
    case 'stop-notice':
      return <StopSlip form={form} />;
    case 'tracking-sheet':
      return <TrackingSheet form={form} />;
  }
}

/** The notice above a receipt printed right after intake. */
/**
 * IDESK_PUBLIC_URL is not set: the receipt prints no tracking link and no QR code rather than one built
 * from the request's Host header, which the client chooses. Shown to the clerk, never printed.
 */
export function NoPublicUrlNotice(_: Record<string, never>) {
  return (
    <Notice kind="error" title="Giấy tiếp nhận chưa in được đường dẫn và mã QR tra cứu">
      <p>Chưa cấu hình địa chỉ Cổng dịch vụ công (IDESK_PUBLIC_URL). Người nộp hồ sơ tra cứu bằng mã hồ sơ; đề nghị quản trị viên cấu hình địa chỉ này.</p>
    </Notice>
  );
}

export function FreshReceiptNotice({ code, form }: { code: string; form: DossierFormName }) {
  if (form === 'supplement-request') {
    return (
      <Notice kind="info" title={`Hồ sơ ${code} chưa được tiếp nhận`}>
        <p>In phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) và giao cho người nộp hồ sơ: mã bảo mật tra cứu chỉ in được lần này.</p>
      </Notice>
    );
  }
  return (
    <Notice kind="ok" title={`Đã tiếp nhận hồ sơ ${code}`}>
      <p>In giấy tiếp nhận và giao cho người nộp hồ sơ: mã bảo mật tra cứu chỉ in được lần này.</p>
    </Notice>
  );
}

