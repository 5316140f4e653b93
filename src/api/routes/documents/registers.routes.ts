import { Type } from '@sinclair/typebox';
import { userActor } from '../../../auth/actor.ts';
import { authorizeRegisterExport, registerCsv, registerXlsx, type RegisterDirection } from '../../../domain/documents/document-registers.ts';
import { SEES_ALL_DOCUMENTS } from '../../../domain/documents/document-visibility.ts';
import { defineRoute } from '../../route.ts';
import { EARLIEST_YEAR, LATEST_YEAR } from '../../schemas/common.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const registerRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/registers/:direction/:year',
    tag: 'documents',
    summary: 'Export a year’s register of incoming or outgoing documents (CSV or XLSX)',
    description:
      'The columns of the clerk’s paper register (Decree 30/2020/NĐ-CP Phụ lục IV) with Vietnamese headings, in register-number order, dates dd/mm/yyyy on Vietnam’s clock. CSV: UTF-8 with a byte-order mark, RFC 4180, a cell starting with = + - @ prefixed with an apostrophe. XLSX: a title, the heading repeated on every printed page, A4 landscape. The clerk and the director’s board only.',
    auth: SEES_ALL_DOCUMENTS,
    params: Type.Object(
      {
        direction: Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')], { description: 'incoming: sổ đăng ký văn bản đến; outgoing: sổ đăng ký văn bản đi' }),
        year: Type.Integer({ minimum: EARLIEST_YEAR, maximum: LATEST_YEAR }),
      },
      { additionalProperties: false },
    ),
    query: Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }) }, { additionalProperties: false }),
    response: {
      status: 200,
      schema: null,
      description: 'The register, streamed',
      binary: {
        headers: {
          'Content-Type': `text/csv; charset=utf-8, or ${XLSX}`,
          'Content-Disposition': 'attachment; filename="so-van-ban-den-2026.csv" (or di, xlsx)',
        },
      },
    },
    errors: [400, 401, 403],
    handler: async ({ params, query, principal, deps, ctx }) => {
      authorizeRegisterExport(userActor(principal));
      const direction = params.direction as RegisterDirection;
      const name = `so-van-ban-${direction === 'incoming' ? 'den' : 'di'}-${params.year}.${query.format}`;
      ctx.set('Content-Disposition', `attachment; filename="${name}"`);
      ctx.set('Cache-Control', 'private, no-store');
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (query.format === 'xlsx') {
        ctx.type = XLSX;
        ctx.body = registerXlsx(deps.db, direction, params.year, { agency: deps.config.agencyName });
      } else {
        ctx.type = 'text/csv; charset=utf-8';
        ctx.body = registerCsv(deps.db, direction, params.year);
      }
      return null;
    },
  }),
];
