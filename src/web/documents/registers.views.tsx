import { DocumentSearchQuery } from '../../api/routes/documents/search.routes.ts';
import type { DepartmentView } from '../../domain/accounts/departments.service.ts';
import { URGENCIES, URGENCY_NAMES, type Urgency } from '../../domain/documents/document-presenter.ts';
import type { DocumentListItem, DocumentSearchPage } from '../../domain/documents/document-search.ts';
import type { DocumentType } from '../../domain/documents/document-types.ts';
import { Badge } from '../components/badge.tsx';
import { Field, type Option } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { Table, type Column } from '../components/table.tsx';
import type { FormErrors } from '../form-errors.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { Layout } from '../layout.tsx';
import type { PageContext } from '../page-context.ts';
import { searchMaxLength } from '../search-limits.ts';
import { DIRECTION_STATES, documentStateLabel } from './document-labels.ts';

export type Direction = 'incoming' | 'outgoing';

/** The two registers: their address, title and the words of their form. */
export const REGISTERS: Record<Direction, { path: string; title: string; slug: 'den' | 'di' }> = {
  incoming: { path: '/van-ban-den', title: 'Sổ văn bản đến', slug: 'den' },
  outgoing: { path: '/van-ban-di', title: 'Sổ văn bản đi', slug: 'di' },
};

/** The filters of a register as typed (text), so a refused value stays in its field. */
export const REGISTER_FILTERS = ['q', 'year', 'typeCode', 'urgency', 'state', 'departmentId', 'dateFrom', 'dateTo'] as const;
export type RegisterFilterText = Partial<Record<(typeof REGISTER_FILTERS)[number], string>>;

export const urgencyOptions: Option[] = URGENCIES.map((u) => ({ value: u, label: URGENCY_NAMES[u] }));

/** Khẩn and above stand out: they are handled at once (Decree 30/2020 Art. 23.2). */
export function UrgencyBadge({ urgency }: { urgency: Urgency }) {
  if (urgency === 'normal') return <span>{URGENCY_NAMES.normal}</span>;
  return <Badge tone={urgency === 'urgent' ? 'warn' : 'danger'}>{URGENCY_NAMES[urgency]}</Badge>;
}

export function isLate(d: { dueAt: string | null; overdueAt: string | null; state: string }, now: Date): boolean {
  if (['done', 'answered', 'issued'].includes(d.state)) return false;
  return d.overdueAt !== null || (d.dueAt !== null && d.dueAt < now.toISOString());
}

function queryString(filters: RegisterFilterText, extra: Record<string, string | number>): string {
  const params = new URLSearchParams();
  for (const name of REGISTER_FILTERS) if (filters[name]) params.set(name, filters[name] as string);
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  return params.toString();
}

function columns(direction: Direction, now: Date): Array<Column<DocumentListItem>> {
  const link = (d: DocumentListItem) => (
    <>
      <strong>{d.typeName}</strong>: <a href={`/van-ban/${d.id}`}>{d.summary}</a>
    </>
  );
  const state = (d: DocumentListItem) => (
    <>
      {documentStateLabel(d.state)} {isLate(d, now) && <Badge tone="danger">Quá hạn</Badge>}
    </>
  );
  if (direction === 'incoming') {
    return [
      { header: 'Số đến', cell: (d) => (d.number === null ? '' : `${d.number}/${d.registerYear}`), class: 'nowrap' },
      { header: 'Ngày đến', cell: (d) => formatDateTime(d.arrivedAt), class: 'nowrap' },
      { header: 'Nơi ban hành', cell: (d) => d.issuerName ?? '' },
      { header: 'Số, ký hiệu', cell: (d) => d.sourceSymbol ?? '', class: 'nowrap' },
      { header: 'Ngày văn bản', cell: (d) => (d.documentDate ? formatDate(`${d.documentDate}T12:00:00+07:00`) : ''), class: 'nowrap' },
      { header: 'Loại, trích yếu', cell: link },
      { header: 'Độ khẩn', cell: (d) => <UrgencyBadge urgency={d.urgency} /> },
      { header: 'Trạng thái', cell: state },
      { header: 'Hạn xử lý', cell: (d) => formatDate(d.dueAt), class: 'nowrap' },
    ];
  }
  return [
    { header: 'Số, ký hiệu', cell: (d) => d.symbol ?? 'Chưa cấp số', class: 'nowrap' },
    { header: 'Ngày ban hành', cell: (d) => formatDate(d.issuedAt), class: 'nowrap' },
    { header: 'Loại, trích yếu', cell: link },
    { header: 'Người ký', cell: (d) => d.signerName ?? '' },
    { header: 'Độ khẩn', cell: (d) => <UrgencyBadge urgency={d.urgency} /> },
    { header: 'Trạng thái', cell: state },
    { header: 'Ngày tạo', cell: (d) => formatDate(d.createdAt), class: 'nowrap' },
  ];
}

export interface RegisterViewProps {
  page: PageContext;
  direction: Direction;
  filters: RegisterFilterText;
  result: DocumentSearchPage | null;
  errors: FormErrors;
  types: DocumentType[];
  departments: DepartmentView[];
  /** The year whose register may be exported; null when this person may not export. */
  exportYear: number | null;
  /** Whether this person may add to the register (the form's link). */
  newLinks: Array<{ href: string; label: string }>;
  pageNo: number;
  firstPage: boolean;
}

/** A register: search and filters, the matching documents (urgent first), paging, the export links. */
export function RegisterView(props: RegisterViewProps) {
  const { page, direction, filters, result, errors, types, departments, exportYear, newLinks, pageNo, firstPage } = props;
  const reg = REGISTERS[direction];
  const stateOptions = DIRECTION_STATES[direction].map((value) => ({ value, label: documentStateLabel(value) }));
  const ranked = Boolean(filters.q);
  return (
    <Layout page={page} title={reg.title}>
      {newLinks.length > 0 && (
        <p class="actions">
          {newLinks.map((l) => (
            <>
              <a class="button" href={l.href}>{l.label}</a>{' '}
            </>
          ))}
        </p>
      )}
      <form method="get" action={reg.path} class="panel" role="search" aria-label={`Tìm trong ${reg.title.toLowerCase()}`} novalidate>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <Field name="q" label="Tìm kiếm" type="search" value={filters.q} error={errors.fields.q} hint={`Trích yếu, số ký hiệu, nơi ban hành, người ký; gõ có dấu hoặc không dấu; tối đa ${searchMaxLength(DocumentSearchQuery, 'q')} ký tự.`} />
        <div class="filters">
          <Field name="year" label="Năm" type="number" value={filters.year} error={errors.fields.year} />
          <Field name="typeCode" label="Loại văn bản" type="select" options={types.map((t) => ({ value: t.code, label: t.name }))} value={filters.typeCode} error={errors.fields.typeCode} emptyLabel="Tất cả" />
          <Field name="urgency" label="Độ khẩn" type="select" options={urgencyOptions} value={filters.urgency} error={errors.fields.urgency} emptyLabel="Tất cả" />
          <Field name="state" label="Trạng thái" type="select" options={stateOptions} value={filters.state} error={errors.fields.state} emptyLabel="Tất cả" />
          <Field name="departmentId" label="Phòng" type="select" options={departments.map((d) => ({ value: String(d.id), label: d.name }))} value={filters.departmentId} error={errors.fields.departmentId} emptyLabel="Tất cả" />
          <Field name="dateFrom" label="Ngày văn bản từ" type="date" value={filters.dateFrom} error={errors.fields.dateFrom} />
          <Field name="dateTo" label="Ngày văn bản đến" type="date" value={filters.dateTo} error={errors.fields.dateTo} />
          <div class="actions">
            <button type="submit">Tìm</button> <a class="button button-secondary" href={reg.path}>Xóa bộ lọc</a>
          </div>
        </div>
      </form>
      {exportYear !== null && (
        <p>
          Xuất sổ năm {exportYear}:{' '}
          <a href={`/api/registers/${direction}/${exportYear}?format=xlsx`} download>Excel (.xlsx)</a>
          {' · '}
          <a href={`/api/registers/${direction}/${exportYear}?format=csv`} download>CSV</a>
        </p>
      )}
      {result && (
        <>
          <p role="status">
            {result.totalIsLowerBound ? `Hơn ${result.total} văn bản` : `${result.total} văn bản`} phù hợp{ranked ? ', xếp theo mức độ phù hợp' : ', văn bản khẩn trước'}.
          </p>
          <Table
            rows={result.items}
            rowKey={(d) => d.id}
            rowClass={(d) => (isLate(d, page.now) ? 'overdue' : undefined)}
            empty="Không có văn bản nào phù hợp."
            columns={columns(direction, page.now)}
          />
          <nav class="pager" aria-label="Phân trang">
            {ranked && pageNo > 1 && <a href={`${reg.path}?${queryString(filters, { page: pageNo - 1 })}`}>← Trang trước</a>}
            {ranked && pageNo * result.pageSize < result.total && <a href={`${reg.path}?${queryString(filters, { page: pageNo + 1 })}`}>Trang sau →</a>}
            {!ranked && result.nextAfter !== null && <a href={`${reg.path}?${queryString(filters, { after: result.nextAfter })}`}>Trang sau →</a>}
            {!ranked && !firstPage && <a href={`${reg.path}?${queryString(filters, {})}`}>← Về trang đầu</a>}
          </nav>
        </>
      )}
    </Layout>
  );
}
