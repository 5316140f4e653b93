import type { CataloguePage } from '../../domain/procedures/procedure-search.ts';
import type { ProcedureView } from '../../domain/procedures/procedures.service.ts';
import { Field } from './field.tsx';
import { Notice } from './notice.tsx';

/** What a catalogue search page was asked: the query, the sector and the page, as typed. */
export interface CatalogueSearchText {
  q: string;
  sector: string;
  page: number;
}

/** The address of a page of the same search. */
export function searchLink(path: string, search: CatalogueSearchText, page: number): string {
  const params = new URLSearchParams();
  if (search.q) params.set('q', search.q);
  if (search.sector) params.set('linhVuc', search.sector);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * The catalogue's search form (a GET form: the address says the search, Back and Reload just work), then
 * the error of a query refused, or the count and the results with a pager. `renderItem` draws one
 * procedure as the page needs it (the portal's card, the counter's row with "Tiếp nhận").
 */
export function ProcedureSearch({
  path,
  search,
  sectors,
  result,
  error,
  renderItem,
}: {
  path: string;
  search: CatalogueSearchText;
  sectors: string[];
  result: CataloguePage | null;
  error?: string;
  renderItem: (p: ProcedureView) => preact.JSX.Element;
}) {
  return (
    <>
      <form method="get" action={path} class="filters panel" role="search" novalidate>
        <Field name="q" label="Tìm thủ tục" type="search" value={search.q} error={error} hint="Tên hoặc mã thủ tục, có dấu hoặc không dấu, ví dụ: ban buon ruou." />
        <Field name="linhVuc" label="Lĩnh vực" type="select" value={search.sector} options={sectors.map((s) => ({ value: s, label: s }))} emptyLabel="Tất cả lĩnh vực" />
        <div class="actions">
          <button type="submit">Tìm kiếm</button>
        </div>
      </form>
      {error && (
        <Notice kind="error" title="Chưa tìm được">
          <p>{error}</p>
        </Notice>
      )}
      {result && (
        <>
          <p class="muted" aria-live="polite">
            {result.total === 0 ? 'Không tìm thấy thủ tục nào phù hợp.' : `Tìm thấy ${result.total} thủ tục${result.pageCount > 1 ? ` — trang ${result.page}/${result.pageCount}` : ''}.`}
          </p>
          <ul class="card-list">{result.items.map((p) => renderItem(p))}</ul>
          {result.pageCount > 1 && (
            <nav class="pager" aria-label="Trang kết quả">
              {result.page > 1 && <a href={searchLink(path, search, result.page - 1)}>← Trang trước</a>}
              <span>
                Trang {result.page}/{result.pageCount}
              </span>
              {result.page < result.pageCount && <a href={searchLink(path, search, result.page + 1)}>Trang sau →</a>}
            </nav>
          )}
        </>
      )}
    </>
  );
}
