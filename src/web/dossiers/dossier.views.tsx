import type { ComponentChildren } from 'preact';
import type { DossierView } from '../../domain/dossiers/dossier-presenter.ts';
import type { TimelineEntry } from '../../domain/workflow/timeline.ts';
import { Badge, OutcomeBadge, OverdueBadge, StateBadge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { isOverdue } from '../components/dossier-table.tsx';
import { Field, type Option } from '../components/field.tsx';
import { ErrorSummary, summaryItems } from '../components/error-summary.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import { TimelineSection } from '../components/timeline.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDateTime } from '../format.ts';
import { CHANNEL_LABELS, eventActionLabel, eventDoneLabel, FIELD_LABELS, stateLabel, stepLabel, VALUE_LABELS } from '../labels.ts';
import { Layout } from '../layout.tsx';
import type { PageContext } from '../page-context.ts';
import { eventFields, type EventField } from './event-forms.ts';

/** An action tried on the page that was refused: its event, what was typed, and why. */
export interface FailedAction {
  type: string;
  values: Record<string, string>;
  errors: FormErrors;
}

export interface DossierDetailProps {
  page: PageContext;
  dossier: DossierView & { timeline: TimelineEntry[] };
  /** Staff the dossier's forms may name (the department's specialists), and names for the timeline. */
  staff: Option[];
  /** A message above everything: the action done, or why it could not be (stale, refused). */
  notice?: { kind: 'ok' | 'error' | 'info'; title?: string; text: string };
  failed?: FailedAction;
  /** The papers of the dossier (the attachments' area fills it). */
  papers?: ComponentChildren;
  /** The flow drawn from the machine (the flow drawing's area fills it). */
  flow?: ComponentChildren;
}

/** Events that end or send the dossier away: their button is drawn as a warning. */
const DANGEROUS = new Set(['REFUSE', 'STOP', 'WITHDRAW', 'INVALID', 'DISAGREE']);

function EventForm({ page, dossier, type, staff, failed }: { page: PageContext; dossier: DossierView; type: string; staff: Option[]; failed?: FailedAction }) {
  const mine = failed?.type === type ? failed : undefined;
  const fields = eventFields(type);
  const prefix = `ev-${type.toLowerCase()}`;
  const input = (f: EventField) => {
    const common = { name: f.name, label: f.label, required: f.required, idPrefix: prefix, value: mine?.values[f.name], error: mine?.errors.fields[f.name] };
    switch (f.kind) {
      case 'choice':
        return <Field {...common} type="select" options={f.options} />;
      case 'staff':
        return <Field {...common} type="select" options={staff} />;
      case 'instant':
        return <Field {...common} type="datetime-local" value={mine?.values[f.name] ?? ''} hint="Ngày giờ theo giờ Việt Nam." />;
      case 'integer':
        return <Field {...common} type="number" />;
      case 'textarea':
        return <Field {...common} type="textarea" maxLength={f.maxLength} />;
      case 'papers': {
        // The papers not received are ticked: the request lists them by name on Mẫu 02, never retyped.
        const items = dossier.checklist ?? [];
        if (items.length === 0) return null;
        return (
          <fieldset class="field papers-choice">
            <legend>{f.label}</legend>
            {items.map((p) => {
              const id = `${prefix}-${f.name}-${p.code}`;
              const checked = mine ? mine.values[`${f.name}.${p.code}`] !== undefined : !p.received;
              return (
                <div class="checkbox">
                  <input type="checkbox" id={id} name={`${f.name}.${p.code}`} value="1" checked={checked} />
                  <label for={id}>
                    {p.name}
                    {p.received && <span class="muted"> (đã có bản quét)</span>}
                  </label>
                </div>
              );
            })}
          </fieldset>
        );
      }
      default:
        return <Field {...common} maxLength={f.maxLength} />;
    }
  };
  return (
    <details class="panel" open={Boolean(mine)} id={prefix}>
      <summary>
        <strong>{eventActionLabel(type)}</strong>
      </summary>
      <form method="post" action={`/dossiers/${dossier.id}/events`} novalidate>
        <CsrfField token={page.csrf} />
        <input type="hidden" name="type" value={type} />
        {/* The version this page showed: if someone acts first, the action is refused as stale. */}
        <input type="hidden" name="version" value={String(dossier.version)} />
        {mine?.errors.form && <Notice kind="error">{mine.errors.form}</Notice>}
        {fields.map(input)}
        <button type="submit" class={DANGEROUS.has(type) ? 'button-danger' : undefined}>
          {eventActionLabel(type)}
        </button>
      </form>
    </details>
  );
}

/** The applicant's deadline for the supplement asked for last (recorded with the request). */
function supplementDueOf(d: DossierView): string | null {
  const request = [...(d.timeline ?? [])].reverse().find((e) => e.type === 'REQUEST_SUPPLEMENT');
  return typeof request?.payload.supplementDueAt === 'string' ? request.payload.supplementDueAt : null;
}

/** What an event carried, as the timeline tells it. */
function payloadText(entry: TimelineEntry, names: Map<string, string>): ComponentChildren {
  const p = entry.payload;
  const lines: string[] = [];
  for (const name of ['reason', 'guidance', 'opinion', 'report', 'note', 'receiptNumber']) {
    if (typeof p[name] === 'string') lines.push(`${FIELD_LABELS[name] ?? name}: ${p[name] as string}`);
  }
  if (typeof p.proposedResult === 'string') lines.push(`${FIELD_LABELS.proposedResult}: ${VALUE_LABELS.proposedResult?.[p.proposedResult] ?? p.proposedResult}`);
  if (typeof p.method === 'string') lines.push(`${FIELD_LABELS.method}: ${VALUE_LABELS.method?.[p.method] ?? p.method}`);
  if (typeof p.assigneeId === 'number') lines.push(`${FIELD_LABELS.assigneeId}: ${names.get(String(p.assigneeId)) ?? `#${p.assigneeId}`}`);
  if (typeof p.newDueAt === 'string') lines.push(`${FIELD_LABELS.newDueAt}: ${formatDateTime(p.newDueAt)}`);
  if (Array.isArray(p.missingPaperNames)) lines.push(`Giấy tờ còn thiếu: ${(p.missingPaperNames as unknown[]).map(String).join('; ')}`);
  if (typeof p.supplementDueAt === 'string') lines.push(`Hạn bổ sung: ${formatDateTime(p.supplementDueAt)}`);
  return lines.map((l, i) => (
    <>
      {i > 0 && <br />}
      {l}
    </>
  ));
}

interface StepRow {
  step: string;
  startedAt: string;
  dueAt: string | null;
  endedAt: string | null;
  outcome: string | null;
}

interface Handover {
  fromStep: string | null;
  toStep: string | null;
  stepDueAt: string | null;
  stepOutcome: string | null;
  nextStepDueAt: string | null;
}

/** The steps the dossier went through, from the hand-overs its timeline recorded (phiếu kiểm soát). */
function stepsOf(dossier: DossierView, timeline: TimelineEntry[]): StepRow[] {
  const rows: StepRow[] = [];
  for (const e of timeline) {
    const h = e.payload.handover as Handover | undefined;
    if (!h) continue;
    const open = rows[rows.length - 1];
    if (open && open.endedAt === null) {
      open.endedAt = e.at;
      open.outcome = h.stepOutcome;
    }
    if (h.toStep) rows.push({ step: h.toStep, startedAt: e.at, dueAt: h.nextStepDueAt, endedAt: null, outcome: null });
  }
  // The step running now carries the due instant in force (an apology or a supplement may have moved it).
  const current = rows[rows.length - 1];
  if (current && current.endedAt === null && dossier.step === current.step) current.dueAt = dossier.stepDueAt;
  return rows;
}

/** A refused action's error summary at the top of the page: each error links to its field in the action's form, far down. */
function FailedSummary({ failed, text }: { failed: FailedAction; text?: string | undefined }) {
  const prefix = `ev-${failed.type.toLowerCase()}`;
  const fields = eventFields(failed.type);
  const labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));
  const ids = Object.fromEntries(Object.keys(failed.errors.fields).map((name) => [name, `${prefix}-${name}`]));
  return (
    <ErrorSummary title={`Chưa thực hiện được: ${eventActionLabel(failed.type)}`} items={summaryItems(failed.errors.fields, labels, ids)}>
      {text && <p>{text}</p>}
      {failed.errors.form && <p>{failed.errors.form}</p>}
    </ErrorSummary>
  );
}

export function DossierDetailView(props: DossierDetailProps) {
  const { page, dossier: d, staff, notice, failed } = props;
  const names = new Map(staff.map((s) => [s.value, s.label]));
  const overdue = isOverdue(d, page.now);
  const steps = stepsOf(d, d.timeline);
  const nowIso = page.now.toISOString();
  return (
    <Layout page={page} title={`Hồ sơ ${d.code}`}>
      {failed && (Object.keys(failed.errors.fields).length > 0 || failed.errors.form) ? (
        <FailedSummary failed={failed} text={notice?.text} />
      ) : (
        notice && (
          <Notice kind={notice.kind} title={notice.title}>
            <p>{notice.text}</p>
          </Notice>
        )
      )}
      <p>
        <StateBadge state={d.state} /> <OverdueBadge overdue={overdue} /> <span class="muted">Phiên bản {d.version}</span>
      </p>
      <div class="detail">
        <div>
          <section class="panel area-facts" aria-labelledby="thong-tin">
            <h2 id="thong-tin">Thông tin hồ sơ</h2>
            <dl class="facts">
              <dt>Thủ tục</dt>
              <dd>
                {d.procedure.name} <span class="muted">({d.procedure.code})</span>
              </dd>
              <dt>Hình thức nộp</dt>
              <dd>{CHANNEL_LABELS[d.channel] ?? d.channel}</dd>
              <dt>Người nộp</dt>
              <dd>
                {d.applicant.name}
                {d.applicant.idNumber && <><br />Số định danh: {d.applicant.idNumber}</>}
                {d.applicant.phone && <><br />Điện thoại: {d.applicant.phone}</>}
                {d.applicant.email && <><br />Thư điện tử: {d.applicant.email}</>}
                {d.applicant.address && <><br />Địa chỉ: {d.applicant.address}</>}
              </dd>
              {d.subject && (
                <>
                  <dt>Nội dung yêu cầu</dt>
                  <dd>{d.subject}</dd>
                </>
              )}
              <dt>Ngày nộp</dt>
              <dd>{formatDateTime(d.submittedAt)}</dd>
              <dt>Ngày tiếp nhận</dt>
              <dd>{formatDateTime(d.receivedAt) || 'Chưa tiếp nhận'}</dd>
              {/* A refused, withdrawn or stopped dossier holds no appointment: the view gives it none, and none is shown. */}
              {(d.dueAt || !['refused', 'withdrawn', 'stopped'].includes(d.state)) && (
                <>
                  <dt>Hẹn trả kết quả</dt>
                  <dd>
                    {formatDateTime(d.dueAt) || (d.state === 'awaitingSupplement' ? 'Hẹn khi nhận đủ hồ sơ bổ sung' : 'Chưa có')}
                    {d.dueAt && d.originalDueAt && d.dueAt !== d.originalDueAt && <span class="muted"> (hẹn ban đầu {formatDateTime(d.originalDueAt)})</span>}
                    {d.dueAt && d.dueAt < nowIso && !d.finishedAt && <> <Badge tone="danger">Quá hẹn</Badge></>}
                  </dd>
                </>
              )}
              {d.state === 'awaitingSupplement' && supplementDueOf(d) && (
                <>
                  <dt>Hạn bổ sung hồ sơ</dt>
                  <dd>{formatDateTime(supplementDueOf(d))}</dd>
                </>
              )}
              {d.apologyBy && (
                <>
                  <dt>Hạn gửi phiếu xin lỗi</dt>
                  <dd>{formatDateTime(d.apologyBy)}</dd>
                </>
              )}
              <dt>Bước hiện tại</dt>
              <dd>
                {d.step ? (
                  <>
                    {stepLabel(d.step)} — hạn {formatDateTime(d.stepDueAt)} <OverdueBadge overdue={overdue} />
                  </>
                ) : (
                  'Không còn bước nào đang chạy'
                )}
              </dd>
              <dt>Chuyên viên thụ lý</dt>
              <dd>{d.assigneeId ? (names.get(String(d.assigneeId)) ?? `#${d.assigneeId}`) : 'Chưa phân công'}</dd>
              {d.result && (
                <>
                  <dt>Kết quả</dt>
                  <dd>{VALUE_LABELS.proposedResult?.[d.result] ?? d.result}</dd>
                </>
              )}
              {d.finishedAt && (
                <>
                  <dt>Hoàn thành xử lý</dt>
                  <dd>
                    {formatDateTime(d.finishedAt)} <OutcomeBadge outcome={d.outcome} />
                  </dd>
                </>
              )}
            </dl>
          </section>
          <section class="panel area-papers" aria-labelledby="giay-to">
            <h2 id="giay-to">Giấy tờ</h2>
            {props.papers ?? <p class="slot">Danh sách giấy tờ của hồ sơ sẽ hiển thị tại đây.</p>}
          </section>
          <section class="area-steps" aria-labelledby="cac-buoc">
            <h2 id="cac-buoc">Hạn từng bước</h2>
            <Table
              rows={steps}
              empty="Hồ sơ chưa bắt đầu bước xử lý nào."
              columns={[
                { header: 'Bước', cell: (s) => stepLabel(s.step) },
                { header: 'Bắt đầu', cell: (s) => formatDateTime(s.startedAt), class: 'nowrap' },
                {
                  header: 'Hạn',
                  cell: (s) => (
                    <>
                      <span class="nowrap">{formatDateTime(s.dueAt) || '—'}</span>{' '}
                      {s.endedAt === null && s.dueAt !== null && s.dueAt < nowIso && <Badge tone="danger">Quá hạn</Badge>}
                    </>
                  ),
                },
                {
                  header: 'Kết thúc',
                  cell: (s) => (s.endedAt ? <>{formatDateTime(s.endedAt)} <OutcomeBadge outcome={s.outcome} /></> : <Badge tone="brand">Đang xử lý</Badge>),
                },
              ]}
            />
          </section>
          <TimelineSection timeline={d.timeline} doneLabel={eventDoneLabel} stateLabel={stateLabel} content={(e) => payloadText(e, names)} />
        </div>
        <div>
          <section class="area-actions" aria-labelledby="thao-tac">
            <h2 id="thao-tac">Thao tác</h2>
            {d.allowedEvents.length === 0 ? (
              <p class="panel">Bạn không có thao tác nào với hồ sơ ở trạng thái này.</p>
            ) : (
              <div class="actions-list">
                {d.allowedEvents.map((type) => (
                  <EventForm page={page} dossier={d} type={type} staff={staff} failed={failed} />
                ))}
              </div>
            )}
          </section>
          <section class="panel area-flow" aria-labelledby="so-do">
            <h2 id="so-do">Sơ đồ quy trình</h2>
            {props.flow ?? <p class="slot">Sơ đồ quy trình của hồ sơ sẽ hiển thị tại đây.</p>}
          </section>
        </div>
      </div>
    </Layout>
  );
}

