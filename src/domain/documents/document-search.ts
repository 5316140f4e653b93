import { URGENCIES, type DocumentView, type Urgency } from './document-presenter.ts';
import type { Knex } from 'knex';
import type { Actor } from '../../auth/actor.ts';
import { isPostgres, type Executor } from '../../db/db.ts';
import { iso } from '../../lib/rows.ts';
import { ValidationError } from '../errors.ts';
import { documentType } from './document-types.ts';
import { scopeVisibleDocuments } from './document-visibility.ts';
import { foldVietnamese } from './search-text.ts';

/**
 * Search and lists of documents (issue 8 §6): full text over the folded `search_text` (summary, symbols,
 * issuer, type name, signer), combined with filters, only over what the caller may see.
 *
 * - With a query: ranked. The database finds the matches (SQLite FTS5, PostgreSQL full-text search, see
 *   migrations/20261203000060_document_search.ts); the newest SEARCH_WINDOW of them are ranked here by
 *   where each word was found (a symbol above the summary, the summary above the type and the issuer,
 *   the signer last: someone typing a name wants the document about that person before the ones that
 *   person signed) and paged by `page`. A query matching more than the window says so
 *   (`totalIsLowerBound`): a reader refines it with filters rather than reading past a thousand hits.
 * - Without: urgent first (hỏa tốc, thượng khẩn, khẩn, thường — Decree 30/2020/NĐ-CP Art. 23.2: urgent
 *   documents are registered, presented and handled at once), then newest, paged by `page` or, at any
 *   depth, by `after` (keyset).
 */

/** Độ khẩn by rank (documents.urgency: 0 thường … 3 hỏa tốc), as the documents' presenter names them. */

/** Bounds of what a request may drive. */
export const SEARCH_LIMITS = Object.freeze({
  /** Characters of the query as typed. */
  queryLength: 200,
  /** Words (pieces between non-letters) of the folded query. */
  terms: 12,
  /** Matches ranked per query (the newest ones); also the bound of `total`. */
  window: 1000,
  /** Deepest offset of a list read by `page` (deeper: `after`). */
  maxOffset: 10_000,
});

export interface DocumentSearchFilter {
  q?: string;
  direction?: 'incoming' | 'outgoing';
  /** The register's year (an outgoing draft, not yet numbered, has none). */
  year?: number;
  typeCode?: string;
  urgency?: Urgency;
  state?: string;
  /** Documents of this department: drafted there, directed or sent to it. */
  departmentId?: number;
  /** Ngày tháng văn bản, local dates YYYY-MM-DD, both ends included. */
  dateFrom?: string;
  dateTo?: string;
  page: number;
  pageSize: number;
  /** Keyset paging of the unranked list: the `nextAfter` of the previous page. */
  after?: number;
}

/** A document in a list or a search answer: the detail's register fields, without its history and parts. */
export type DocumentListItem = Pick<
  DocumentView,
  | 'id' | 'direction' | 'state' | 'version' | 'typeCode' | 'typeName' | 'summary' | 'urgency' | 'registerYear' | 'number' | 'symbol'
  | 'sourceSymbol' | 'issuerName' | 'documentDate' | 'arrivedAt' | 'issuedAt' | 'leadDepartmentId' | 'draftingDepartmentId' | 'dueAt' | 'overdueAt'
> & {
  signerName: string | null;
  createdAt: string;
  /** The rank of a search hit (higher first); null in a list without a query. */
  score: number | null;
};

export interface DocumentSearchPage {
  items: DocumentListItem[];
  page: number;
  pageSize: number;
  /** Matching documents, counted up to SEARCH_LIMITS.window. */
  total: number;
  totalIsLowerBound: boolean;
  /** Without a query: pass as `after` for the next page; null on the last page and for ranked answers. */
  nextAfter: number | null;
}

/** A query folded and cut into words; each word is the letters and digits between other characters. */
export interface ParsedQuery {
  /** What the user typed as one word (`80/QĐ-SCT`) becomes one phrase of its pieces (`80 qd sct`). */
  phrases: string[][];
}

// One rule for the query and the index: a word is a run of letters and digits (FTS5 `unicode61`;
// PostgreSQL after turning every other character into a space).
const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a folded text, in order. */
function wordsOf(folded: string): string[] {
  return folded.match(WORD) ?? [];
}

/**
 * Folds and cuts a query: what the user typed between spaces becomes a phrase of its words, so
 * `80/QĐ-SCT` must appear as `80 qd sct` in that order, while `quyet dinh 80` asks for three words
 * anywhere. Characters that are not letters or digits only separate words — quotes, `*`, `-`, `:`, `&`,
 * `!`, parentheses never reach FTS5's or PostgreSQL's query syntax — and `OR`, `NEAR` or `NOT` are words
 * like any other.
 * @throws ValidationError QUERY_TOO_LONG, QUERY_TOO_MANY_TERMS, QUERY_WITHOUT_WORDS
 */
export function parseSearchQuery(q: string): ParsedQuery {
  if (q.length > SEARCH_LIMITS.queryLength) {
    throw new ValidationError('QUERY_TOO_LONG', `The search text is longer than ${SEARCH_LIMITS.queryLength} characters`, { field: 'q', max: SEARCH_LIMITS.queryLength });
  }
  const phrases = foldVietnamese(q)
    .split(' ')
    .map(wordsOf)
    .filter((p) => p.length > 0);
  const terms = phrases.reduce((n, p) => n + p.length, 0);
  if (terms === 0) throw new ValidationError('QUERY_WITHOUT_WORDS', 'The search text has no letter or digit to look for', { field: 'q' });
  if (terms > SEARCH_LIMITS.terms) {
    throw new ValidationError('QUERY_TOO_MANY_TERMS', `The search text has ${terms} words; at most ${SEARCH_LIMITS.terms} are looked for`, { field: 'q', max: SEARCH_LIMITS.terms });
  }
  return { phrases };
}

/** The FTS5 MATCH expression: every phrase quoted (its pieces hold only letters and digits), all required. */
export function fts5Query(parsed: ParsedQuery): string {
  return parsed.phrases.map((p) => `"${p.join(' ')}"`).join(' ');
}

/** The fields a hit is ranked by, from a row. */
interface RankedFields {
  symbol: string | null;
  source_symbol: string | null;
  summary: string;
  type_name: string;
  issuer_name: string | null;
  signer_name: string | null;
}

/**
 * Where a word found counts most: a symbol (typed exactly, it names one document), then the summary
 * (what the document is about), then the type and the issuer, then the signer.
 */
export const FIELD_WEIGHTS: ReadonlyArray<[keyof RankedFields, number]> = [
  ['symbol', 8],
  ['source_symbol', 8],
  ['summary', 4],
  ['type_name', 2],
  ['issuer_name', 2],
  ['signer_name', 1],
];

function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (words[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * The rank of a hit: for each phrase of the query, the weight of the best field holding it, summed; plus
 * one when the whole query reads as one phrase in the summary (the summary says what was asked).
 */
export function rankHit(fields: RankedFields, parsed: ParsedQuery): number {
  const words = new Map<keyof RankedFields, string[]>();
  for (const [name] of FIELD_WEIGHTS) {
    const value = fields[name];
    words.set(name, value ? wordsOf(foldVietnamese(value)) : []);
  }
  let score = 0;
  for (const phrase of parsed.phrases) {
    let best = 0;
    for (const [name, weight] of FIELD_WEIGHTS) if (weight > best && containsPhrase(words.get(name) ?? [], phrase)) best = weight;
    score += best;
  }
  if (parsed.phrases.length > 1 && containsPhrase(words.get('summary') ?? [], parsed.phrases.flat())) score += 1;
  return score;
}

const LIST_COLUMNS = [
  'd.id',
  'd.direction',
  'd.state',
  'd.version',
  'd.type_code',
  'd.type_name',
  'd.summary',
  'd.urgency',
  'd.register_year',
  'd.register_number',
  'd.symbol',
  'd.source_symbol',
  'd.issuer_name',
  'd.document_date',
  'd.arrived_at',
  'd.issued_at',
  'd.signer_name',
  'd.lead_department_id',
  'd.drafting_department_id',
  'd.due_at',
  'd.overdue_at',
  'd.created_at',
];

function toItem(r: Record<string, unknown>, score: number | null): DocumentListItem {
  return {
    id: Number(r.id),
    direction: r.direction as 'incoming' | 'outgoing',
    state: r.state as string,
    version: Number(r.version),
    typeCode: r.type_code as string,
    typeName: r.type_name as string,
    summary: r.summary as string,
    urgency: URGENCIES[Number(r.urgency)] ?? 'normal',
    registerYear: r.register_year === null ? null : Number(r.register_year),
    number: r.register_number === null ? null : Number(r.register_number),
    symbol: (r.symbol as string | null) ?? null,
    sourceSymbol: (r.source_symbol as string | null) ?? null,
    issuerName: (r.issuer_name as string | null) ?? null,
    documentDate: (r.document_date as string | null) ?? null,
    arrivedAt: iso(r.arrived_at),
    issuedAt: iso(r.issued_at),
    signerName: (r.signer_name as string | null) ?? null,
    leadDepartmentId: (r.lead_department_id as number | null) ?? null,
    draftingDepartmentId: (r.drafting_department_id as number | null) ?? null,
    dueAt: iso(r.due_at),
    overdueAt: iso(r.overdue_at),
    createdAt: iso(r.created_at) as string,
    score,
  };
}

/** Refuses filters that cannot match anything by mistake (an unknown type, a reversed range, a cursor with a rank). */
function checkFilter(filter: DocumentSearchFilter): void {
  if (filter.typeCode !== undefined && !documentType(filter.typeCode)) {
    throw new ValidationError('UNKNOWN_DOCUMENT_TYPE', `No document type has the code ${filter.typeCode} (GET /api/document-types)`, { field: 'typeCode' });
  }
  if (filter.dateFrom !== undefined && filter.dateTo !== undefined && filter.dateFrom > filter.dateTo) {
    throw new ValidationError('INVALID_RANGE', 'dateFrom is after dateTo', { field: 'dateFrom' });
  }
  if (filter.after !== undefined && filter.q !== undefined) {
    throw new ValidationError('INVALID_CURSOR', 'A ranked search is paged with `page`; `after` pages the list without `q`', { field: 'after' });
  }
  if (filter.after !== undefined && filter.page !== 1) throw new ValidationError('INVALID_CURSOR', 'Page with either `page` or `after`, not both', { field: 'after' });
  const offset = (filter.page - 1) * filter.pageSize;
  if (filter.q !== undefined && offset >= SEARCH_LIMITS.window) {
    throw new ValidationError('PAGE_TOO_DEEP', `A search ranks its ${SEARCH_LIMITS.window} newest matches: narrow it with filters to see others`, { field: 'page' });
  }
  if (offset > SEARCH_LIMITS.maxOffset) {
    throw new ValidationError('PAGE_TOO_DEEP', `Pages beyond ${SEARCH_LIMITS.maxOffset} documents are read with \`after\` (the nextAfter of the previous page)`, { field: 'page' });
  }
}

/** The filters (not the text, not the order) applied to `documents as d`, within what the actor sees. */
function filtered(db: Executor, actor: Actor, filter: DocumentSearchFilter): Knex.QueryBuilder {
  const query = scopeVisibleDocuments(db('documents as d'), actor, 'd');
  if (filter.direction) query.where('d.direction', filter.direction);
  if (filter.year !== undefined) query.where('d.register_year', filter.year);
  if (filter.typeCode !== undefined) query.where('d.type_code', filter.typeCode);
  if (filter.urgency !== undefined) query.where('d.urgency', URGENCIES.indexOf(filter.urgency));
  if (filter.state !== undefined) query.where('d.state', filter.state);
  if (filter.dateFrom !== undefined) query.where('d.document_date', '>=', filter.dateFrom);
  if (filter.dateTo !== undefined) query.where('d.document_date', '<=', filter.dateTo);
  if (filter.departmentId !== undefined) {
    const dept = filter.departmentId;
    query.where((q) =>
      q
        .where('d.lead_department_id', dept)
        .orWhere('d.drafting_department_id', dept)
        .orWhereExists((sub) => sub.select(sub.client.raw('1')).from('document_assignments as fa').whereRaw('fa.document_id = d.id').andWhere('fa.department_id', dept)),
    );
  }
  return query;
}

/**
 * A page of the documents the actor may see that match the filter: ranked by the query when there is
 * one, urgent first then newest otherwise.
 * @throws ValidationError QUERY_TOO_LONG, QUERY_TOO_MANY_TERMS, QUERY_WITHOUT_WORDS, UNKNOWN_DOCUMENT_TYPE,
 *   INVALID_RANGE, INVALID_CURSOR, PAGE_TOO_DEEP
 */
export async function searchDocuments(db: Executor, actor: Actor, filter: DocumentSearchFilter): Promise<DocumentSearchPage> {
  checkFilter(filter);
  const offset = (filter.page - 1) * filter.pageSize;
  if (filter.q !== undefined) {
    const parsed = parseSearchQuery(filter.q);
    const query = filtered(db, actor, filter);
    if (isPostgres(db)) {
      // Each phrase through phraseto_tsquery, as a bound parameter: the words are letters and digits only.
      // `search_vector` is the stored vector of search_text (migration 20261203000080): read, not computed.
      const tsquery = parsed.phrases.map(() => "phraseto_tsquery('simple', ?)").join(' && ');
      query.whereRaw(`d.search_vector @@ (${tsquery})`, parsed.phrases.map((p) => p.join(' ')));
    } else {
      query.whereRaw('d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)', [fts5Query(parsed)]);
    }
    const rows: Array<Record<string, unknown>> = await query.select(LIST_COLUMNS).orderBy('d.id', 'desc').limit(SEARCH_LIMITS.window + 1);
    const matched = rows.length;
    const ranked = rows
      .slice(0, SEARCH_LIMITS.window)
      .map((r) => ({ r, score: rankHit(r as unknown as RankedFields, parsed) }))
      .sort((a, b) => b.score - a.score || Number(b.r.urgency) - Number(a.r.urgency) || Number(b.r.id) - Number(a.r.id));
    return {
      items: ranked.slice(offset, offset + filter.pageSize).map(({ r, score }) => toItem(r, score)),
      page: filter.page,
      pageSize: filter.pageSize,
      total: Math.min(matched, SEARCH_LIMITS.window),
      totalIsLowerBound: matched > SEARCH_LIMITS.window,
      nextAfter: null,
    };
  }

  const query = filtered(db, actor, filter);
  // Exact up to the bound, "more than" above it: never a count of a million rows per page.
  const countRow = await db.from(query.clone().select(db.raw('1')).limit(SEARCH_LIMITS.window + 1).as('t')).count<{ n: number }[]>('* as n').first();
  const counted = Number(countRow?.n ?? 0);
  if (filter.after !== undefined) {
    // Keyset on (urgency DESC, id DESC): after the cursor's row, whether or not it still matches.
    const cursor = await db('documents').where({ id: filter.after }).first('id', 'urgency');
    if (!cursor) throw new ValidationError('INVALID_CURSOR', `No document ${filter.after} to continue after`, { field: 'after' });
    const urgency = Number(cursor.urgency);
    // A row comparison: both databases start an index range at it; the equivalent OR was read from the
    // top of the index to the cursor (bench/RESULTS.md "Documents": 36–1 500 ms half-way down 1M rows).
    query.whereRaw('(d.urgency, d.id) < (?, ?)', [urgency, filter.after as number]);
  }
  const rows: Array<Record<string, unknown>> = await query
    .select(LIST_COLUMNS)
    .orderBy([
      { column: 'd.urgency', order: 'desc' },
      { column: 'd.id', order: 'desc' },
    ])
    .limit(filter.pageSize + 1)
    .offset(filter.after === undefined ? offset : 0);
  const more = rows.length > filter.pageSize;
  const page = rows.slice(0, filter.pageSize);
  return {
    items: page.map((r) => toItem(r, null)),
    page: filter.page,
    pageSize: filter.pageSize,
    total: Math.min(counted, SEARCH_LIMITS.window),
    totalIsLowerBound: counted > SEARCH_LIMITS.window,
    nextAfter: more ? Number(page[page.length - 1]?.id) : null,
  };
}
