import type { Executor } from '../../db/db.ts';
import { foldVietnamese } from '../documents/search-text.ts';
import { ValidationError } from '../errors.ts';
import { getProcedure, type ProcedureView } from './procedures.service.ts';

/** The longest query the catalogue's search takes: longer is a paste gone wrong, refused with a message (not 0 results). */
export const MAX_QUERY_LENGTH = 100;
/** Procedures per page, as the national portal's list. */
export const CATALOGUE_PAGE_SIZE = 20;

export interface CatalogueSearch {
  /** Words of the code, name or sector, with or without diacritics. */
  q?: string;
  /** Lĩnh vực, exactly as listed by `listSectors`. */
  sector?: string;
  page?: number;
  pageSize?: number;
  /** Only the procedures open to new dossiers (the portal, the counter). */
  activeOnly?: boolean;
}

export interface CataloguePage {
  items: ProcedureView[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

/** `%`, `_` and `\` match themselves in a LIKE pattern (the escape is `\`, written out for both databases). */
function likeEscaped(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The folded words of a query (the documents' folding: diacritics, đ and case ignored).
 * @throws ValidationError QUERY_TOO_LONG over MAX_QUERY_LENGTH characters.
 */
export function queryWords(q: string | undefined): string[] {
  const text = (q ?? '').trim();
  if (text.length > MAX_QUERY_LENGTH) {
    throw new ValidationError('QUERY_TOO_LONG', `The query is longer than ${MAX_QUERY_LENGTH} characters`, { field: 'q', maxLength: MAX_QUERY_LENGTH });
  }
  return foldVietnamese(text).split(' ').filter((w) => w !== '').slice(0, 20);
}

/**
 * One page of the catalogue: procedures whose code, name or sector hold every word of the query (folded:
 * `ban buon ruou` finds `Bán buôn rượu`), in the sector if one is given, by code.
 * @throws ValidationError QUERY_TOO_LONG.
 */
export async function searchProcedures(db: Executor, search: CatalogueSearch, now: Date): Promise<CataloguePage> {
  const words = queryWords(search.q);
  const pageSize = search.pageSize ?? CATALOGUE_PAGE_SIZE;
  const base = db('procedures').modify((b) => {
    if (search.activeOnly) b.where({ active: true });
    if (search.sector) b.where({ sector: search.sector });
    for (const w of words) b.whereRaw("search_text LIKE ? ESCAPE '\\'", [`%${likeEscaped(w)}%`]);
  });
  const [counted] = (await base.clone().count({ n: '*' })) as Array<{ n: number | string }>;
  const total = Number(counted?.n ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, search.page ?? 1), pageCount);
  const rows = await base.clone().orderBy('code').offset((page - 1) * pageSize).limit(pageSize).select('id');
  const items: ProcedureView[] = [];
  for (const r of rows) items.push(await getProcedure(db, r.id, now));
  return { items, total, page, pageSize, pageCount };
}

/** The sectors (lĩnh vực) of the catalogue, for the filter, alphabetically. */
export async function listSectors(db: Executor, activeOnly: boolean): Promise<string[]> {
  const rows = await db('procedures')
    .whereNotNull('sector')
    .modify((b) => {
      if (activeOnly) b.where({ active: true });
    })
    .distinct('sector');
  // In Vietnamese order (Đ after D), which neither database's default collation gives.
  return rows.map((r) => r.sector as string).sort((a, b) => a.localeCompare(b, 'vi'));
}
