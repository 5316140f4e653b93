import type { ComponentChildren } from 'preact';
import type { DocumentView } from '../../domain/documents/document-presenter.ts';
import type { TimelineEntry } from '../../domain/workflow/timeline.ts';
import { Badge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field, type Option } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import { actorName, TimelineSection } from '../components/timeline.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { Layout } from '../layout.tsx';
import type { PageContext } from '../page-context.ts';
import { coordinatingDueField, coordinatingField } from './document-event-forms.ts';
import {
  ASSIGNMENT_ROLE_LABELS,
  documentActionLabel,
  documentDoneLabel,
  documentStateLabel,
  DOCUMENT_FIELD_LABELS as L,
  fieldLabel,
  FILE_KIND_LABELS,
  urgencyLabel,
} from './document-labels.ts';

/** An event tried on the page that was refused: what was typed, and why. */
export interface FailedDocumentAction {
  type: string;
  values: Record<string, string>;
  errors: FormErrors;
}

/** The signed-scan upload that was refused. */
export interface SignedUploadFailure {
  fileError?: string;
  formError?: string;
}

export interface DocumentDetailProps {
  page: PageContext;
  doc: DocumentView & { timeline: TimelineEntry[] };
  notice?: { kind: 'ok' | 'error' | 'info'; title?: string; text: string; links?: Array<{ href: string; text: string }> };
  failed?: FailedDocumentAction;
  /** The departments a direction may name (DIRECT). */
  departments: Option[];
  /** The members of the viewer's department a lead may forward to (FORWARD). */
  staff: Option[];
  /** Recent issued outgoing documents the viewer may see, newest first (ANSWER). */
  replies: Option[];
  /** The linked replies (or the answered incoming documents) the viewer may see, named by their number and symbol. */
  linked?: Map<number, string>;
  /** The name of the department that drafted an outgoing document. */
  draftingDepartment?: string | null;
  /** Whether the viewer may attach the signed scan now (the clerk, once signed, before issue). */
  mayUploadSigned: boolean;
  uploadFailure?: SignedUploadFailure;
  maxBytes: number;
  /** The path so far and the next steps (FlowSummary), beneath the actions. */
  flow?: ComponentChildren;
}

/** Events that send the document back: their button is drawn as a warning. */
const DANGEROUS = new Set(['REJECT']);

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** A local date input's value for a stored deadline (`YYYY-MM-DD` in Vietnam). */
const dateValue = (instant: string | null | undefined) => {
  const d = formatDate(instant);
  return d ? `${d.slice(6, 10)}-${d.slice(3, 5)}-${d.slice(0, 2)}` : '';
};

export function isDocumentOverdue(d: DocumentView, now: Date): boolean {
  if (d.overdueAt) return d.finishedAt === null || d.finishedAt > d.overdueAt;
  return d.direction === 'incoming' && d.finishedAt === null && d.dueAt !== null && d.dueAt < now.toISOString();
}

function DirectFields({ departments, mine, prefix, doc }: { departments: Option[]; mine?: FailedDocumentAction; prefix: string; doc: DocumentView }) {
  const v = mine?.values ?? {};
  // DIRECT sets replyRequired outright: unticked by default it would undo what the clerk registered from
  // the document itself, so the box starts as the document stands and the leader changes it knowingly.
  const replyRequired = mine ? v.replyRequired === 'on' : doc.replyRequired;
  const e = mine?.errors.fields ?? {};
  return (
    <>
      <Field name="lead" label={L.lead} type="select" required options={departments} idPrefix={prefix} value={v.lead} error={e.lead} />
      <Field name="leadDueAt" label={L.leadDueAt} type="date" idPrefix={prefix} value={v.leadDueAt} error={e.leadDueAt} hint="Đến hết ngày đã chọn. Để trống nếu không đặt hạn." />
      <fieldset class="field" aria-describedby={e.coordinating ? `${prefix}-coordinating-error` : undefined}>
        <legend>{L.coordinating}</legend>
        {departments.map((dep) => {
          const check = `${prefix}-${coordinatingField(Number(dep.value))}`;
          const due = coordinatingDueField(Number(dep.value));
          return (
            <div class="coordinating">
              <label for={check} class="check">
                <input type="checkbox" id={check} name={coordinatingField(Number(dep.value))} checked={v[coordinatingField(Number(dep.value))] === 'on'} /> {dep.label}
              </label>
              <Field name={due} label={`Hạn phối hợp — ${dep.label}`} type="date" idPrefix={prefix} value={v[due]} error={e[due]} />
            </div>
          );
        })}
        {e.coordinating && <span class="error" id={`${prefix}-coordinating-error`}>{e.coordinating}</span>}
      </fieldset>
      <Field name="text" label={L.text} type="textarea" required maxLength={4000} idPrefix={prefix} value={v.text} error={e.text} />
      <div class="field">
        <label for={`${prefix}-replyRequired`} class="check">
          <input type="checkbox" id={`${prefix}-replyRequired`} name="replyRequired" checked={replyRequired} /> {L.replyRequired}
        </label>
      </div>
    </>
  );
}

function EventForm(props: { page: PageContext; doc: DocumentView; type: string; failed?: FailedDocumentAction; departments: Option[]; staff: Option[]; replies: Option[] }) {
  const { page, doc, type, failed } = props;
  const mine = failed?.type === type ? failed : undefined;
  const prefix = `ev-${type.toLowerCase().replace(/_/g, '-')}`;
  const v = mine?.values ?? {};
  const e = mine?.errors.fields ?? {};
  const text = (name: string, required = false, maxLength = 2000) => (
    <Field name={name} label={fieldLabel(name)} type={maxLength >= 1000 ? 'textarea' : 'text'} required={required} maxLength={maxLength} idPrefix={prefix} value={v[name]} error={e[name]} />
  );
  let fields: ComponentChildren;
  switch (type) {
    case 'DIRECT':
      fields = <DirectFields departments={props.departments} mine={mine} prefix={prefix} doc={doc} />;
      break;
    case 'FORWARD': {
      const department = doc.assignments.find((a) => a.departmentId === page.principal?.departmentId);
      fields = (
        <>
          <Field name="userId" label={L.userId} type="select" required options={props.staff} idPrefix={prefix} value={v.userId} error={e.userId} />
          <Field
            name="dueAt"
            label={L.dueAt}
            type="date"
            idPrefix={prefix}
            value={v.dueAt ?? dateValue(department?.dueAt)}
            error={e.dueAt}
            hint={department?.dueAt ? `Không sau hạn của phòng (${formatDate(department.dueAt)}).` : 'Đến hết ngày đã chọn.'}
          />
          {text('note')}
        </>
      );
      break;
    }
    case 'ANSWER':
      fields = (
        <>
          <Field
            name="outgoingId"
            label={L.outgoingId}
            type="select"
            required
            options={props.replies}
            idPrefix={prefix}
            value={v.outgoingId}
            error={e.outgoingId}
            hint={props.replies.length === 0 ? 'Chưa có văn bản đi nào đã phát hành mà bạn được xem.' : 'Các văn bản phát hành gần đây nhất.'}
          />
          <p>
            <a href={`/van-ban-di/moi?traLoi=${doc.id}`}>Soạn văn bản trả lời</a>
          </p>
          {text('note')}
        </>
      );
      break;
    case 'REJECT':
      fields = text('reason', true);
      break;
    case 'SIGN':
      fields = (
        <>
          {text('signerPosition', false, 100)}
          {text('note')}
        </>
      );
      break;
    case 'REGISTER_SIGNED':
      fields = (
        <>
          {text('signerName', true, 100)}
          {text('signerPosition', false, 100)}
          {text('note')}
        </>
      );
      break;
    case 'ISSUE':
      fields = (
        <>
          {!doc.files.some((f) => f.kind === 'signed') && (
            <p class="hint">Cần tải lên bản quét văn bản đã ký (mục Tệp đính kèm) trước khi phát hành.</p>
          )}
          {text('note')}
        </>
      );
      break;
    default:
      fields = text('note');
  }
  return (
    <details class="panel" open={Boolean(mine)} id={prefix}>
      <summary>
        <strong>{documentActionLabel(type)}</strong>
      </summary>
      <form method="post" action={`/van-ban/${doc.id}/su-kien`} novalidate>
        <CsrfField token={page.csrf} />
        <input type="hidden" name="type" value={type} />
        {/* The version this page showed: if someone acts first, the action is refused as stale. */}
        <input type="hidden" name="version" value={String(doc.version)} />
        {mine?.errors.form && <Notice kind="error">{mine.errors.form}</Notice>}
        {fields}
        <button type="submit" class={DANGEROUS.has(type) ? 'button-danger' : undefined}>
          {documentActionLabel(type)}
        </button>
      </form>
    </details>
  );
}

function SignedUpload({ page, doc, failure, maxBytes }: { page: PageContext; doc: DocumentView; failure?: SignedUploadFailure; maxBytes: number }) {
  return (
    <form method="post" action={`/van-ban/${doc.id}/ban-ky`} enctype="multipart/form-data" class="panel" id="tai-ban-ky" novalidate>
      <h3>Tải lên bản quét văn bản đã ký</h3>
      <CsrfField token={page.csrf} />
      {failure?.formError && <Notice kind="error">{failure.formError}</Notice>}
      <div class="field">
        <label for="signed-file">
          {L.file}
          <span class="required" aria-hidden="true"> *</span>
        </label>
        <span class="hint" id="signed-file-hint">PDF hoặc ảnh, tối đa {Math.floor(maxBytes / (1024 * 1024))} MB.</span>
        <input
          type="file"
          id="signed-file"
          name="file"
          required
          accept=".pdf,image/*"
          aria-invalid={failure?.fileError ? 'true' : undefined}
          aria-describedby={['signed-file-hint', failure?.fileError ? 'signed-file-error' : null].filter(Boolean).join(' ')}
        />
        {failure?.fileError && <span class="error" id="signed-file-error">{failure.fileError}</span>}
      </div>
      <button type="submit">Tải lên</button>
    </form>
  );
}

/** What an event carried, as the timeline tells it. */
function payloadText(entry: TimelineEntry, names: Map<number, string>): ComponentChildren {
  const p = entry.payload;
  const lines: string[] = [];
  if (typeof p.text === 'string' && entry.type === 'DIRECT') lines.push(`Ý kiến chỉ đạo: ${p.text}`);
  if (typeof p.userId === 'number' && entry.type === 'FORWARD') lines.push(`Giao cho: ${names.get(p.userId) ?? `#${p.userId}`}`);
  if (typeof p.dueAt === 'string' && entry.type === 'FORWARD') lines.push(`Hạn: ${formatDateTime(p.dueAt)}`);
  // The registration's payload is the register's fields, shown above: only what an event itself carried.
  const names_ = entry.type === 'REGISTER' || entry.type === 'DRAFT' ? [] : ['reason', 'note', 'signerName', 'signerPosition'];
  for (const name of names_) {
    if (typeof p[name] === 'string') lines.push(`${fieldLabel(name)}: ${p[name] as string}`);
  }
  if (typeof p.symbol === 'string') lines.push(`Số, ký hiệu: ${p.symbol}`);
  if (typeof p.outgoingId === 'number') lines.push(`Văn bản trả lời: mã ${p.outgoingId}`);
  return lines.map((l, i) => (
    <>
      {i > 0 && <br />}
      {l}
    </>
  ));
}

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function DocumentDetailView(props: DocumentDetailProps) {
  const { page, doc: d, notice, failed } = props;
  const incoming = d.direction === 'incoming';
  const overdue = isDocumentOverdue(d, page.now);
  const names = new Map<number, string>();
  for (const a of d.assignments) for (const f of a.forwards) names.set(f.userId, f.userName);
  const direction = [...d.timeline].reverse().find((e) => e.type === 'DIRECT');
  const drafted = d.timeline.find((e) => e.type === 'DRAFT');
  const title = incoming
    ? `Văn bản đến${d.number !== null ? ` số ${d.number}` : ''}${d.sourceSymbol ? ` — ${d.sourceSymbol}` : ''}`
    : d.symbol
      ? `Văn bản đi ${d.symbol}`
      : d.state === 'draft' || d.state === 'underReview'
        ? `Dự thảo văn bản đi — ${d.typeName}`
        : `Văn bản đi chưa cấp số — ${d.typeName}`;
  return (
    <Layout page={page} title={title}>
      <p>
        <a href={incoming ? '/van-ban-den' : '/van-ban-di'}>← {incoming ? 'Sổ văn bản đến' : 'Sổ văn bản đi'}</a>
      </p>
      {notice && (
        <Notice kind={notice.kind} title={notice.title}>
          <p>{notice.text}</p>
          {notice.links && notice.links.length > 0 && (
            <ul>
              {notice.links.map((l) => (
                <li>
                  <a href={l.href}>{l.text}</a>
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      <p>
        <Badge tone={d.finishedAt || d.state === 'issued' ? 'ok' : 'brand'}>{documentStateLabel(d.state)}</Badge>{' '}
        {d.urgency !== 'normal' && <><Badge tone="warn">{urgencyLabel(d.urgency)}</Badge> </>}
        {overdue && <Badge tone="danger">Quá hạn</Badge>} <span class="muted">Phiên bản {d.version}</span>
      </p>
      <div class="detail">
        <div>
          <section class="panel area-facts" aria-labelledby="thong-tin">
            <h2 id="thong-tin">Thông tin văn bản</h2>
            <dl class="facts">
              {d.number !== null && <Fact term={incoming ? 'Số đến' : 'Số'}>{`${d.number}${d.registerYear ? ` (sổ năm ${d.registerYear})` : ''}`}</Fact>}
              {incoming && d.sourceSymbol && <Fact term="Số, ký hiệu">{d.sourceSymbol}</Fact>}
              {!incoming && <Fact term="Số, ký hiệu">{d.symbol ?? 'Chưa cấp số'}</Fact>}
              {d.issuerName && <Fact term="Cơ quan ban hành">{d.issuerName}</Fact>}
              {!incoming && props.draftingDepartment && (
                <Fact term="Đơn vị soạn thảo">
                  {props.draftingDepartment}
                  {drafted && <span class="muted"> — {actorName(drafted)}</span>}
                </Fact>
              )}
              <Fact term="Loại văn bản">{d.typeName}</Fact>
              <Fact term="Trích yếu">{d.summary}</Fact>
              {d.documentDate && <Fact term="Ngày văn bản">{formatDate(`${d.documentDate}T12:00:00+07:00`)}</Fact>}
              {d.arrivedAt && <Fact term="Ngày đến">{formatDateTime(d.arrivedAt)}{d.registeredLate && <> <Badge tone="warn">Vào sổ muộn</Badge></>}</Fact>}
              {d.issuedAt && <Fact term="Ngày phát hành">{formatDateTime(d.issuedAt)}</Fact>}
              <Fact term="Độ khẩn">{urgencyLabel(d.urgency)}</Fact>
              {(d.signer.name || d.signer.position) && (
                <Fact term="Người ký">
                  {[d.signer.position, d.signer.name].filter(Boolean).join(' ')}
                  {d.signer.signedAt && <span class="muted"> (ký lúc {formatDateTime(d.signer.signedAt)})</span>}
                </Fact>
              )}
              {d.pageCount !== null && <Fact term="Số trang">{String(d.pageCount)}</Fact>}
              {incoming && <Fact term="Phải trả lời bằng văn bản">{d.replyRequired ? 'Có' : 'Không'}</Fact>}
              {incoming && (
                <Fact term="Hạn xử lý">
                  {formatDateTime(d.dueAt) || 'Không đặt hạn'} {overdue && <Badge tone="danger">Quá hạn</Badge>}
                </Fact>
              )}
              {d.finishedAt && <Fact term="Hoàn thành">{formatDateTime(d.finishedAt)}</Fact>}
              {d.lastRejection && d.state === 'draft' && <Fact term="Lý do trả lại gần nhất">{d.lastRejection}</Fact>}
              {d.sourceDocumentId !== null && (
                <Fact term="Văn bản đi gốc">
                  <a href={`/van-ban/${d.sourceDocumentId}`}>Xem văn bản đi (mã {d.sourceDocumentId})</a>
                </Fact>
              )}
              <Fact term={incoming ? 'Văn bản trả lời' : 'Trả lời cho văn bản đến'}>
                {d.replies.length === 0 ? (
                  'Chưa có'
                ) : (
                  <ul class="plain">
                    {d.replies.map((r) => (
                      <li>
                        <a href={`/van-ban/${r}`}>{props.linked?.get(r) ?? `${incoming ? 'Văn bản đi' : 'Văn bản đến'} (mã ${r})`}</a>
                      </li>
                    ))}
                  </ul>
                )}
              </Fact>
              {d.note && <Fact term="Ghi chú">{d.note}</Fact>}
            </dl>
          </section>
          {incoming && (
            <section class="panel area-papers" aria-labelledby="chi-dao">
              <h2 id="chi-dao">Chỉ đạo và giao xử lý</h2>
              {direction ? (
                <p>
                  <strong>{actorName(direction)}</strong> ({formatDateTime(direction.at)}): {String(direction.payload.text ?? '')}
                </p>
              ) : (
                d.assignments.length === 0 && <p>Chưa có ý kiến chỉ đạo.</p>
              )}
              {d.assignments.length > 0 && (
                <Table
                  rows={d.assignments}
                  empty=""
                  columns={[
                    { header: 'Phòng', cell: (a) => a.departmentName },
                    { header: 'Vai trò', cell: (a) => ASSIGNMENT_ROLE_LABELS[a.role] ?? a.role },
                    { header: 'Hạn', cell: (a) => formatDateTime(a.dueAt) || '—', class: 'nowrap' },
                    { header: 'Nhận lúc', cell: (a) => formatDateTime(a.deliveredAt) || 'Chưa chuyển', class: 'nowrap' },
                    {
                      header: 'Giao cho',
                      cell: (a) =>
                        a.forwards.length === 0
                          ? 'Chưa giao'
                          : a.forwards.map((f, i) => (
                              <>
                                {i > 0 && <br />}
                                {f.userName}
                                {f.dueAt && ` — hạn ${formatDateTime(f.dueAt)}`}
                                {f.note && ` — ${f.note}`}
                              </>
                            )),
                    },
                  ]}
                />
              )}
            </section>
          )}
          {!incoming && (
            <section class="panel area-papers" aria-labelledby="noi-nhan">
              <h2 id="noi-nhan">Nơi nhận</h2>
              {d.recipients.length === 0 && !d.recipientsText ? (
                <p>Chưa có nơi nhận.</p>
              ) : (
                <ul class="plain">
                  {d.recipients.map((r) => (
                    <li>
                      {r.name}
                      {r.kind === 'internal' ? ' (nội bộ)' : ''}
                      {r.copies ? ` — ${r.copies} bản` : ''}
                      {r.sentAt && ` — đã gửi ${formatDateTime(r.sentAt)}`}
                      {r.incomingDocumentId !== null && (
                        <>
                          {' '}
                          — <a href={`/van-ban/${r.incomingDocumentId}`}>văn bản đến nội bộ</a>
                        </>
                      )}
                    </li>
                  ))}
                  {d.recipientsText && <li>{d.recipientsText}</li>}
                </ul>
              )}
            </section>
          )}
          <section class="panel area-steps" aria-labelledby="tep">
            <h2 id="tep">Tệp đính kèm</h2>
            <Table
              rows={d.files}
              rowKey={(f) => f.id}
              empty="Chưa có tệp nào."
              columns={[
                { header: 'Tệp', cell: (f) => <a href={`/van-ban/${d.id}/tep/${f.id}`}>{f.name}</a> },
                { header: 'Loại', cell: (f) => FILE_KIND_LABELS[f.kind] ?? f.kind },
                { header: 'Cỡ', cell: (f) => sizeText(f.size), class: 'nowrap' },
                { header: 'Đính kèm lúc', cell: (f) => formatDateTime(f.attachedAt), class: 'nowrap' },
              ]}
            />
            {props.mayUploadSigned && <SignedUpload page={page} doc={d} failure={props.uploadFailure} maxBytes={props.maxBytes} />}
          </section>
          <TimelineSection timeline={d.timeline} doneLabel={documentDoneLabel} stateLabel={documentStateLabel} content={(e) => payloadText(e, names)} />
        </div>
        <div>
          <section class="area-actions" aria-labelledby="thao-tac">
            <h2 id="thao-tac">Thao tác</h2>
            {d.allowedEvents.length === 0 ? (
              <p class="panel">Bạn không có thao tác nào với văn bản ở trạng thái này.</p>
            ) : (
              <div class="actions-list">
                {d.allowedEvents.map((type) => (
                  <EventForm page={page} doc={d} type={type} failed={failed} departments={props.departments} staff={props.staff} replies={props.replies} />
                ))}
              </div>
            )}
          </section>
          {props.flow && (
            <section class="panel area-flow" aria-labelledby="so-do">
              <h2 id="so-do">Quy trình</h2>
              {props.flow}
            </section>
          )}
        </div>
      </div>
    </Layout>
  );
}
