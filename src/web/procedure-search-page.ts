import { MAX_QUERY_LENGTH, listSectors, searchProcedures, type CataloguePage } from '../domain/procedures/procedure-search.ts';
import type { CatalogueSearchText } from './components/procedure-search.tsx';

/**
 * The catalogue search of a page (the portal's list, the counter's chooser), from its query string: the
 * words, the sector (`linhVuc`) and the page. A query over the limit is refused with a message that says
 * so — never answered with no results — and the page answers 400.
 */
export async function catalogueSearch(db: Parameters<typeof searchProcedures>[0], query: Record<string, string>, now: Date): Promise<{ search: CatalogueSearchText; sectors: string[]; result: CataloguePage | null; error?: string }> {
  const page = /^[1-9][0-9]{0,3}$/.test(query.page ?? '') ? Number(query.page) : 1;
  const search: CatalogueSearchText = { q: (query.q ?? '').slice(0, 1000), sector: (query.linhVuc ?? '').slice(0, 200), page };
  const sectors = await listSectors(db, true);
  if (search.q.trim().length > MAX_QUERY_LENGTH) {
    return { search, sectors, result: null, error: `Từ khóa tìm kiếm dài ${search.q.trim().length} ký tự, quá giới hạn ${MAX_QUERY_LENGTH} ký tự. Hãy rút gọn từ khóa (ví dụ chỉ nhập vài từ của tên thủ tục).` };
  }
  const result = await searchProcedures(db, { q: search.q, sector: search.sector || undefined, page, activeOnly: true }, now);
  return { search, sectors, result };
}
