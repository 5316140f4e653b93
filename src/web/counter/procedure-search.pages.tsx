import { definePage } from '../page.ts';
import { catalogueSearch } from '../procedure-search-page.ts';
import { CounterProcedureSearchView } from './procedure-search.views.tsx';

/** The counter's procedure search: the same search as the portal's list, leading to the intake form. */
export const counterProcedurePages = [
  definePage({
    method: 'get',
    path: '/counter/thu-tuc',
    auth: ['onestop'],
    handler: async ({ page, query, deps }) => {
      const found = await catalogueSearch(deps.db, query, deps.clock());
      return { view: CounterProcedureSearchView({ page, ...found }), status: found.error ? 400 : 200 };
    },
  }),
];
