import { DossierQuery } from '../../api/routes/dossiers/dossiers.schema.ts';
import type { DossierPage } from '../../domain/dossiers/dossier.service.ts';
import type { NotificationView } from '../../domain/notifications/notifications.service.ts';
import { Badge } from '../components/badge.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { DossierTable } from '../components/dossier-table.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDateTime } from '../format.ts';
import { STATE_FILTER_LABELS } from '../labels.ts';
import { Layout } from '../layout.tsx';
import type { PageContext } from '../page-context.ts';
import { searchMaxLength } from '../search-limits.ts';
import type { MyWork } from './my-step.ts';
import type { PendingDocuments } from '../../domain/documents/pending-documents.ts';
import { PendingDocumentsSection } from '../documents/pending-documents.views.tsx';

export function WorkspaceView({ page, work, documents, notifications }: { page: PageContext; work: MyWork | null; documents: PendingDocuments | null; notifications: { items: NotificationView[]; unread: number } }) {
  return (
    <Layout page={page} title="Việc của tôi">
      <ul class="counts" aria-label="Tóm tắt">
        {work && (
          <>
            <li>
              <strong>{work.total}</strong> hồ sơ chờ tôi xử lý
            </li>
            <li>
              <strong>{work.overdue}</strong> hồ sơ quá hạn {work.overdue > 0 && <Badge tone="danger">Cần xử lý ngay</Badge>}
            </li>
          </>
        )}
        {documents && (
          <li>
            <strong>{documents.items.length}</strong> văn bản chờ xử lý
          </li>
        )}
        <li>
          <strong>{notifications.unread}</strong> thông báo chưa đọc
        </li>
      </ul>
      {work && (
        <section aria-labelledby="ho-so-cho-toi">
          <h2 id="ho-so-cho-toi">Hồ sơ ở bước của tôi</h2>
          {work.truncated && <Notice kind="info">Có nhiều hồ sơ hơn số hiển thị ở đây; xem đầy đủ tại <a href="/dossiers">Danh sách hồ sơ</a>.</Notice>}
          <DossierTable dossiers={work.dossiers} now={page.now} empty="Không có hồ sơ nào đang chờ bạn xử lý." />
        </section>
      )}
      {documents && <PendingDocumentsSection documents={documents} />}
      <section aria-labelledby="thong-bao">
        <h2 id="thong-bao">Thông báo</h2>
        <Table
          rows={notifications.items}
          rowKey={(n) => n.id}
          empty="Không có thông báo."
          columns={[
            { header: 'Thời gian', cell: (n) => formatDateTime(n.createdAt), class: 'nowrap' },
            {
              header: 'Nội dung',
              cell: (n) => (
                <>
                  {!n.readAt && <Badge tone="brand">Mới</Badge>} <strong>{n.title}</strong>
                  <br />
                  {n.body}
                </>
              ),
            },
            { header: 'Hạn', cell: (n) => formatDateTime(n.dueAt), class: 'nowrap' },
            { header: 'Hồ sơ', cell: (n) => (n.subject.type === 'dossier' ? <a href={`/dossiers/${n.subject.id}`}>Xem hồ sơ</a> : '') },
          ]}
        />
        {notifications.unread > 0 && (
          <form method="post" action="/notifications/read-all">
            <CsrfField token={page.csrf} />
            <p>
              <button type="submit" class="button-secondary">Đánh dấu tất cả đã đọc</button>
            </p>
          </form>
        )}
      </section>
    </Layout>
  );
}

/** The filters of the list, as typed (text), so a refused value stays in its field. */
export interface ListFilterText {
  state?: string;
  overdue?: string;
  applicantName?: string;
  codePrefix?: string;
  receivedFrom?: string;
  receivedTo?: string;
  sort?: string;
}

export const FILTER_NAMES = ['state', 'overdue', 'applicantName', 'codePrefix', 'receivedFrom', 'receivedTo', 'sort'] as const;

function queryString(filters: ListFilterText, extra: Record<string, string | number>): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name]) params.set(name, filters[name] as string);
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  return params.toString();
}

export function DossierListView({ page, filters, result, errors, firstPage }: { page: PageContext; filters: ListFilterText; result: DossierPage | null; errors: FormErrors; firstPage: boolean }) {
  const stateOptions = Object.entries(STATE_FILTER_LABELS).map(([value, label]) => ({ value, label }));
  return (
    <Layout page={page} title="Danh sách hồ sơ">
      <form method="get" action="/dossiers" class="panel" role="search" aria-label="Lọc hồ sơ" novalidate>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <div class="filters">
          <Field name="codePrefix" label="Mã hồ sơ (bắt đầu bằng)" type="search" value={filters.codePrefix} error={errors.fields.codePrefix} hint={`Tối đa ${searchMaxLength(DossierQuery, 'codePrefix')} ký tự.`} />
          <Field name="applicantName" label="Tên người nộp (bắt đầu bằng)" type="search" value={filters.applicantName} error={errors.fields.applicantName} hint={`Tối đa ${searchMaxLength(DossierQuery, 'applicantName')} ký tự.`} />
          <Field name="state" label="Trạng thái" type="select" options={stateOptions} value={filters.state} error={errors.fields.state} emptyLabel="Tất cả trạng thái" />
          <Field
            name="overdue"
            label="Hạn xử lý"
            type="select"
            options={[
              { value: 'true', label: 'Chỉ hồ sơ quá hạn' },
              { value: 'false', label: 'Chỉ hồ sơ chưa quá hạn' },
            ]}
            value={filters.overdue}
            error={errors.fields.overdue}
            emptyLabel="Tất cả" 
          />
          <Field name="receivedFrom" label="Tiếp nhận từ ngày" type="date" value={filters.receivedFrom} error={errors.fields.receivedFrom} />
          <Field name="receivedTo" label="Tiếp nhận đến ngày" type="date" value={filters.receivedTo} error={errors.fields.receivedTo} />
          <Field
            name="sort"
            label="Sắp xếp"
            type="select"
            required
            options={[
              { value: 'newest', label: 'Mới nhất trước' },
              { value: 'oldest', label: 'Cũ nhất trước' },
              { value: 'due', label: 'Hẹn trả sớm nhất trước' },
            ]}
            value={filters.sort ?? 'newest'}
            error={errors.fields.sort}
          />
          <div class="actions">
            <button type="submit">Lọc</button> <a class="button button-secondary" href="/dossiers">Xóa bộ lọc</a>
          </div>
        </div>
      </form>
      {result && (
        <>
          <p role="status">
            {result.totalIsLowerBound ? `Hơn ${result.total} hồ sơ` : `${result.total} hồ sơ`} phù hợp.
          </p>
          <DossierTable dossiers={result.items} now={page.now} empty="Không có hồ sơ nào phù hợp với bộ lọc." />
          <nav class="pager" aria-label="Phân trang">
            {result.nextAfter !== null && <a href={`/dossiers?${queryString(filters, { after: result.nextAfter })}`}>Trang sau →</a>}
            {!firstPage && <a href={`/dossiers?${queryString(filters, {})}`}>← Về trang đầu</a>}
          </nav>
        </>
      )}
    </Layout>
  );
}

