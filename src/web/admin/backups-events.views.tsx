import type { EventPage, EventView } from '../../domain/accounts/audit-trail.service.ts';
import type { BackupView } from '../../infrastructure/backups/backup.service.ts';
import { Badge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import type { FormErrors } from '../form-errors.ts';
import { documentDoneLabel, documentStateLabel } from '../documents/document-labels.ts';
import { formatDateTime } from '../format.ts';
import { eventDoneLabel, stateLabel } from '../labels.ts';
import type { PageContext } from '../page-context.ts';
import { AdminFlash, AdminLayout } from './admin-frame.tsx';
import { backupText, formatBytes } from './backup-texts.ts';

const BACKUP_STATUS: Record<BackupView['status'], { label: string; tone: 'ok' | 'warn' | 'danger' | 'plain' | 'brand' }> = {
  queued: { label: 'Đang chờ', tone: 'warn' },
  running: { label: 'Đang sao lưu', tone: 'brand' },
  succeeded: { label: 'Thành công', tone: 'ok' },
  failed: { label: 'Thất bại', tone: 'danger' },
  pruned: { label: 'Đã xóa theo thời hạn lưu', tone: 'plain' },
};
const BACKUP_KIND: Record<BackupView['kind'], string> = { scheduled: 'Theo lịch', manual: 'Quản trị yêu cầu', cli: 'Dòng lệnh' };

function size(bytes: number | null): string {
  return bytes === null ? '' : formatBytes(bytes);
}

/** A text of the catalog in Vietnamese; what no rule knows is quoted as code (backup-texts.ts). */
function CatalogText({ text }: { text: string }) {
  const t = backupText(text);
  return (
    <span class="small">
      {t.text}
      {t.technical && (
        <>
          {' '}(chi tiết kỹ thuật: <code>{t.technical}</code>)
        </>
      )}
    </span>
  );
}

function Verification({ b }: { b: BackupView }) {
  if (b.verified === null) return <span class="muted">Chưa kiểm tra</span>;
  return (
    <>
      {b.verified ? <Badge tone="ok">Đã kiểm tra: toàn vẹn</Badge> : <Badge tone="danger">Kiểm tra không đạt</Badge>}
      {b.verification && <> <CatalogText text={b.verification} /></>}
    </>
  );
}

export function BackupsView({ page, result, msg }: { page: PageContext; result: { items: BackupView[]; total: number; page: number; pageSize: number }; msg?: string }) {
  const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
  return (
    <AdminLayout page={page} title="Sao lưu dữ liệu">
      <AdminFlash code={msg} />
      <div class="panel">
        <p>
          Sao lưu gồm cơ sở dữ liệu và kho tệp giấy tờ; mỗi bản được kiểm tra lại sau khi tạo (Điều 5.3). Tiến trình bảo trì thực hiện bản sao lưu; tải lại trang để xem trạng thái.
        </p>
        <form method="post" action="/admin/backups" class="inline-form">
          <CsrfField token={page.csrf} />
          <button type="submit">Sao lưu ngay</button>
        </form>{' '}
        <a class="button button-secondary" href="/admin/backups">Tải lại</a>
      </div>
      <p role="status">{result.total} bản sao lưu.</p>
      <Table
        rows={result.items}
        rowKey={(b) => b.id}
        empty="Chưa có bản sao lưu nào."
        columns={[
          { header: 'Số', cell: (b) => String(b.id) },
          { header: 'Yêu cầu lúc', cell: (b) => formatDateTime(b.createdAt), class: 'nowrap' },
          { header: 'Loại', cell: (b) => BACKUP_KIND[b.kind] },
          { header: 'Trạng thái', cell: (b) => <Badge tone={BACKUP_STATUS[b.status].tone}>{BACKUP_STATUS[b.status].label}</Badge> },
          { header: 'Hoàn tất lúc', cell: (b) => formatDateTime(b.finishedAt), class: 'nowrap' },
          { header: 'Tên, dung lượng', cell: (b) => <>{b.name && <code>{b.name}</code>} {size(b.sizeBytes)}</> },
          { header: 'Kiểm tra', cell: (b) => <Verification b={b} /> },
          { header: 'Lỗi', cell: (b) => (b.error ? <CatalogText text={b.error} /> : '') },
        ]}
      />
      {pages > 1 && (
        <nav class="pager" aria-label="Phân trang">
          {result.page > 1 && <a href={`/admin/backups?page=${result.page - 1}`}>← Mới hơn</a>}
          <span>
            Trang {result.page}/{pages}
          </span>
          {result.page < pages && <a href={`/admin/backups?page=${result.page + 1}`}>Cũ hơn →</a>}
        </nav>
      )}
    </AdminLayout>
  );
}

/** Security events in Vietnamese (the others keep their code: the audit trail is read by the IT officer). */
const EVENT_NAMES: Record<string, string> = {
  LOGIN: 'Đăng nhập',
  LOGIN_FAILED: 'Đăng nhập sai',
  ACCOUNT_LOCKED: 'Tạm khóa đăng nhập',
  LOGOUT: 'Đăng xuất',
  SESSION_REVOKED: 'Kết thúc phiên',
  PASSWORD_CHANGED: 'Đổi mật khẩu',
  PASSWORD_CHANGE_FAILED: 'Đổi mật khẩu không thành công',
  PASSWORD_RESET: 'Cấp lại mật khẩu',
  USER_CREATED: 'Tạo tài khoản',
  USER_UPDATED: 'Sửa tài khoản',
  API_TOKEN_CREATED: 'Tạo khóa API',
  API_TOKEN_REVOKED: 'Thu hồi khóa API',
  DEPARTMENT_CREATED: 'Tạo phòng ban',
  DEPARTMENT_RENAMED: 'Đổi tên phòng ban',
  PROCEDURE_CREATED: 'Tạo thủ tục',
  PROCEDURE_RULES_ADDED: 'Ban hành quy định thủ tục',
  PROCEDURE_ACTIVATED: 'Mở tiếp nhận thủ tục',
  PROCEDURE_DEACTIVATED: 'Ngừng tiếp nhận thủ tục',
  OVERRIDE_SET: 'Đặt ngày điều chỉnh lịch',
  OVERRIDE_REMOVED: 'Xóa ngày điều chỉnh lịch',
};

export interface EventFilterText {
  category?: string;
  type?: string;
  streamType?: string;
  streamId?: string;
  actorId?: string;
  from?: string;
  to?: string;
}
export const EVENT_FILTERS = ['category', 'type', 'streamType', 'streamId', 'actorId', 'from', 'to'] as const;

function payloadText(e: EventView): string {
  const text = JSON.stringify(e.payload);
  return text === '{}' ? '' : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The kinds of record the audit trail names (its `stream_type`), as the admin reads them. */
export const STREAM_TYPE_LABELS: Record<string, string> = {
  user: 'Tài khoản',
  api_token: 'Khóa API',
  department: 'Phòng ban',
  procedure: 'Thủ tục',
  calendar: 'Lịch làm việc',
  dossier: 'Hồ sơ',
  document: 'Văn bản',
};

/** An event's name: the security events', the dossiers' and the documents' own words; else its code. */
function eventName(e: EventView): string {
  if (EVENT_NAMES[e.type]) return EVENT_NAMES[e.type] as string;
  if (e.streamType === 'dossier') return eventDoneLabel(e.type);
  if (e.streamType === 'document') return documentDoneLabel(e.type);
  return e.type;
}

function stateText(e: EventView, state: string | null): string {
  return e.streamType === 'document' ? documentStateLabel(state) : stateLabel(state);
}

function Stream({ e }: { e: EventView }) {
  const label = `${STREAM_TYPE_LABELS[e.streamType] ?? e.streamType} #${e.streamId}`;
  if (e.streamType === 'user') return <a href={`/admin/users/${e.streamId}`}>{label}</a>;
  if (e.streamType === 'procedure') return <a href={`/admin/procedures/${e.streamId}`}>{label}</a>;
  if (e.streamType === 'dossier') return <a href={`/dossiers/${e.streamId}`}>{label}</a>;
  return <>{label}</>;
}

export function EventsView({ page, filters, result, actors, errors, pageNumber }: {
  page: PageContext;
  filters: EventFilterText;
  result: EventPage | null;
  actors: Map<number, string>;
  errors: FormErrors;
  pageNumber: number;
}) {
  const link = (n: number) => {
    const params = new URLSearchParams();
    for (const name of EVENT_FILTERS) if (filters[name]) params.set(name, filters[name] as string);
    if (n > 1) params.set('page', String(n));
    return `/admin/events?${params.toString()}`;
  };
  return (
    <AdminLayout page={page} title="Nhật ký an ninh và kiểm toán">
      <form method="get" action="/admin/events" class="panel" role="search" aria-label="Lọc nhật ký" novalidate>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <div class="filters">
          <Field name="category" label="Nhóm sự kiện" type="select" options={[{ value: 'security', label: 'An ninh: đăng nhập, mật khẩu, tài khoản, khóa API' }]} value={filters.category} error={errors.fields.category} emptyLabel="Tất cả sự kiện" />
          <Field name="type" label="Mã sự kiện" type="search" value={filters.type} error={errors.fields.type} hint="Ví dụ LOGIN_FAILED; nhiều mã cách nhau bởi dấu phẩy." maxLength={800} />
          <Field name="streamType" label="Loại đối tượng" type="select" options={Object.entries(STREAM_TYPE_LABELS).map(([value, label]) => ({ value, label }))} value={filters.streamType} error={errors.fields.streamType} emptyLabel="Mọi loại" />
          <Field name="streamId" label="Mã đối tượng" type="search" value={filters.streamId} error={errors.fields.streamId} maxLength={64} />
          <Field name="actorId" label="Người thực hiện (số tài khoản)" type="search" value={filters.actorId} error={errors.fields.actorId} maxLength={10} />
          <Field name="from" label="Từ ngày" type="date" value={filters.from} error={errors.fields.from} />
          <Field name="to" label="Đến ngày" type="date" value={filters.to} error={errors.fields.to} />
          <div class="actions">
            <button type="submit">Lọc</button> <a class="button button-secondary" href="/admin/events">Xóa bộ lọc</a>
          </div>
        </div>
      </form>
      {result && (
        <>
          <Table
            rows={result.items}
            rowKey={(e) => e.id}
            empty="Không có sự kiện nào phù hợp với bộ lọc."
            columns={[
              { header: 'Thời điểm', cell: (e) => formatDateTime(e.at), class: 'nowrap' },
              { header: 'Sự kiện', cell: (e) => <>{eventName(e)} <code class="muted small">{e.type}</code></> },
              { header: 'Đối tượng', cell: (e) => <Stream e={e} />, class: 'nowrap' },
              {
                header: 'Người thực hiện',
                cell: (e) => (e.actorKind === 'user' && e.actorId !== null ? <a href={`/admin/users/${e.actorId}`}>{actors.get(e.actorId) ?? `#${e.actorId}`}</a> : e.actorKind === 'applicant' ? 'Người nộp hồ sơ' : 'Hệ thống'),
              },
              { header: 'Trạng thái', cell: (e) => (e.toState ? `${stateText(e, e.fromState) || '—'} → ${stateText(e, e.toState)}` : '') },
              { header: 'Chi tiết', cell: (e) => <code class="payload">{payloadText(e)}</code> },
            ]}
          />
          <nav class="pager" aria-label="Phân trang">
            {pageNumber > 1 && <a href={link(pageNumber - 1)}>← Mới hơn</a>}
            <span>Trang {pageNumber}</span>
            {result.hasMore && <a href={link(pageNumber + 1)}>Cũ hơn →</a>}
          </nav>
        </>
      )}
    </AdminLayout>
  );
}
