import { Type } from '@sinclair/typebox';
import { userActor } from '../../../auth/actor.ts';
import { URGENCIES } from '../../../domain/documents/document-presenter.ts';
import { searchDocuments, SEARCH_LIMITS } from '../../../domain/documents/document-search.ts';
import { defineRoute } from '../../route.ts';
import { EARLIEST_YEAR, Id, Instant, LATEST_YEAR, LocalDate, Nullable, Page, PageSize } from '../../schemas/common.ts';

const Direction = Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')]);
const Urgency = Type.Union(
  URGENCIES.map((u) => Type.Literal(u)),
  { description: 'Độ khẩn: normal (thường), urgent (khẩn), very_urgent (thượng khẩn), flash (hỏa tốc)' },
);

export const DocumentSearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: SEARCH_LIMITS.queryLength,
        description: `Words to find in the summary, the symbols (ours and the issuer’s), the issuer, the type and the signer, with or without diacritics (\`quyet dinh 80\` finds \`Quyết định 80/QĐ-SCT\`). A word typed with punctuation (\`80/QĐ-SCT\`) is looked for as those pieces in that order; punctuation never has a meaning of its own. At most ${SEARCH_LIMITS.terms} words. Ranked: a symbol above the summary, the summary above the type and the issuer, the signer last; among the ${SEARCH_LIMITS.window} newest matches.`,
      }),
    ),
    direction: Type.Optional(Direction),
    year: Type.Optional(Type.Integer({ minimum: EARLIEST_YEAR, maximum: LATEST_YEAR, description: 'The register’s year (an outgoing draft, not yet numbered, is in none)' })),
    typeCode: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'A code of GET /api/document-types' })),
    urgency: Type.Optional(Urgency),
    state: Type.Optional(Type.String({ pattern: '^[a-zA-Z]{1,40}$', description: 'A state of the incoming or outgoing machine (registered, directed, …, draft, issued)' })),
    departmentId: Type.Optional({ ...Id, description: 'Documents drafted in, directed to or sent to this department' }),
    dateFrom: Type.Optional({ ...LocalDate, description: 'Ngày tháng văn bản on or after this local date' }),
    dateTo: Type.Optional({ ...LocalDate, description: 'Ngày tháng văn bản on or before this local date (not before dateFrom: 400 VALIDATION_FAILED)' }),
    after: Type.Optional({ ...Id, description: 'Without `q`: keyset paging, the `nextAfter` of the previous page (with `page` left at 1)' }),
    page: Page,
    pageSize: PageSize,
  },
  { additionalProperties: false },
);

export const DocumentListItem = Type.Object(
  {
    id: Id,
    direction: Direction,
    state: Type.String(),
    version: Type.Integer(),
    typeCode: Type.String(),
    typeName: Type.String(),
    summary: Type.String(),
    urgency: Urgency,
    registerYear: Nullable(Type.Integer()),
    number: Nullable(Type.Integer({ description: 'Số đến (incoming) or số (outgoing) in the year’s register' })),
    symbol: Nullable(Type.String({ description: 'Our number and symbol, once issued (05/QĐ-SCT)' })),
    sourceSymbol: Nullable(Type.String({ description: 'The issuer’s number and symbol (incoming)' })),
    issuerName: Nullable(Type.String()),
    documentDate: Nullable(LocalDate),
    arrivedAt: Nullable(Instant),
    issuedAt: Nullable(Instant),
    signerName: Nullable(Type.String()),
    leadDepartmentId: Nullable(Id),
    draftingDepartmentId: Nullable(Id),
    dueAt: Nullable(Instant),
    overdueAt: Nullable(Instant),
    createdAt: Instant,
    score: Nullable(Type.Integer({ description: 'The rank of a search hit, higher first; null without `q`' })),
  },
  { additionalProperties: false, title: 'DocumentListItem' },
);

export const DocumentSearchPage = Type.Object(
  {
    items: Type.Array(DocumentListItem),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    total: Type.Integer({ description: `Matching documents you may see, counted up to ${SEARCH_LIMITS.window} (then totalIsLowerBound is true)` }),
    totalIsLowerBound: Type.Boolean(),
    nextAfter: Type.Union([Id, Type.Null()], { description: 'Without `q`: pass as `after` for the next page; null on the last page and for a ranked search' }),
  },
  { additionalProperties: false },
);

export const documentSearchRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/documents',
    tag: 'documents',
    summary: 'Search and list documents (incoming and outgoing)',
    description:
      'Only the documents you may see: the clerk and the director’s board all of them, a department lead their department’s, everyone those forwarded to them or drafted by them. With `q`: ranked by where the words were found, paged by `page`. Without: urgent first (hỏa tốc, thượng khẩn, khẩn, thường), then newest, paged by `page` or `after`.',
    auth: 'user',
    query: DocumentSearchQuery,
    response: { status: 200, schema: DocumentSearchPage, description: 'A page of documents' },
    errors: [400, 401, 403],
    errorCodes: {
      400: ['QUERY_TOO_LONG', 'QUERY_TOO_MANY_TERMS', 'QUERY_WITHOUT_WORDS', 'UNKNOWN_DOCUMENT_TYPE', 'INVALID_CURSOR', 'PAGE_TOO_DEEP'],
    },
    handler: ({ query, principal, deps }) => searchDocuments(deps.db, userActor(principal), query),
  }),
];
