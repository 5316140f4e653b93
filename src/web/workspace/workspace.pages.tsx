import { readDossierList } from '../../api/list-threads/read-dossier-list.ts';
import { DossierQuery } from '../../api/routes/dossiers/dossiers.schema.ts';
import { isLocalDate, validate } from '../../api/validation.ts';
import { DOSSIER_ROLES } from '../../auth/policies/dossier.policy.ts';
import { hasRole } from '../../auth/principal.ts';
import { pendingDocumentsFor } from '../../domain/documents/pending-documents.ts';
import { DOCUMENT_ROLES } from '../documents/document-roles.ts';
import type { DossierFilter, DossierPage } from '../../domain/dossiers/dossier.service.ts';
import { ValidationError } from '../../domain/errors.ts';
import { listNotifications, markAllRead } from '../../domain/notifications/notifications.service.ts';
import { DATE_PROBLEM, formErrorsOf, type FormErrors } from '../form-errors.ts';
import { endOfLocalDay, startOfLocalDay } from '../format.ts';
import { definePage } from '../page.ts';
import { searchTooLong } from '../search-limits.ts';
import { myWork } from './my-step.ts';
import { DossierListView, FILTER_NAMES, WorkspaceView, type ListFilterText } from './workspace.views.tsx';

const PAGE_SIZE = 20;
/** Documents waiting, at most: the registers hold the rest. */
const PENDING_DOCUMENTS = 50;

export const workspacePages = [
  definePage({
    method: 'get',
    path: '/workspace',
    // The clerk has documents but no dossiers: each section is there for whoever has that work.
    auth: [...DOSSIER_ROLES, ...DOCUMENT_ROLES],
    handler: async ({ principal, page, deps }) => {
      const work = hasRole(principal, ...DOSSIER_ROLES) ? await myWork(deps, principal) : null;
      const documents = hasRole(principal, ...DOCUMENT_ROLES) ? await pendingDocumentsFor(deps.db, principal, PENDING_DOCUMENTS, deps.clock()) : null;
      const notifications = await listNotifications(deps.db, principal, { page: 1, pageSize: 10 });
      return { view: WorkspaceView({ page, work, documents, notifications }) };
    },
  }),
  definePage({
    method: 'post',
    path: '/notifications/read-all',
    auth: 'user',
    handler: async ({ principal, deps }) => {
      await markAllRead(deps.db, principal, deps.clock());
      return { redirect: '/workspace' };
    },
  }),
  definePage({
    method: 'get',
    path: '/dossiers',
    auth: DOSSIER_ROLES,
    handler: async ({ principal, page, query, deps }) => {
      const filters: ListFilterText = {};
      for (const name of FILTER_NAMES) if (query[name]) filters[name] = query[name];
      const errors: FormErrors = { fields: {} };
      // The list's query, as the API takes it: dates typed on Vietnam's calendar become the day's bounds.
      const text: Record<string, unknown> = { ...filters, pageSize: String(PAGE_SIZE) };
      for (const name of ['receivedFrom', 'receivedTo'] as const) {
        const value = filters[name];
        if (value === undefined) continue;
        if (!isLocalDate(value)) errors.fields[name] = DATE_PROBLEM;
        else text[name] = name === 'receivedFrom' ? startOfLocalDay(value) : endOfLocalDay(value);
      }
      if (query.after) text.after = query.after;
      Object.assign(errors.fields, searchTooLong(filters, DossierQuery, ['codePrefix', 'applicantName']));
      let result: DossierPage | null = null;
      if (Object.keys(errors.fields).length === 0) {
        try {
          const q = validate<DossierFilter>(DossierQuery, text, 'query');
          result = await readDossierList(deps, principal, q);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          Object.assign(errors, formErrorsOf(err, 'query'));
          if (err.code === 'INVALID_RANGE') errors.fields.receivedTo = 'Ngày kết thúc không được trước ngày bắt đầu.';
          if (Object.keys(errors.fields).length === 0 && !errors.form) errors.form = 'Bộ lọc không hợp lệ.';
        }
      }
      const refused = result === null;
      return { view: DossierListView({ page, filters, result, errors, firstPage: !query.after }), status: refused ? 400 : 200 };
    },
  }),
];
