import type { Knex } from 'knex';
import * as accounts from './20261125000001_accounts.ts';
import * as procedures from './20261125000002_procedures.ts';
import * as dossiers from './20261125000003_dossiers.ts';
import * as calendarAndAudit from './20261125000004_calendar_and_audit.ts';
import * as workers from './20261126000005_deadlines_notifications_backups.ts';
import * as openStreamTypes from './20261203000001_open_stream_types.ts';
import * as feesAndSupplementWindow from './20261203000002_fees_and_supplement_window.ts';
import * as accountSecurity from './20261203000020_account_security.ts';
import * as listIndexes from './20261203000030_list_indexes.ts';
import * as dossierPapers from './20261203000040_dossier_papers.ts';
import * as documents from './20261203000050_documents.ts';
import * as documentYearIndex from './20261203000070_document_year_index.ts';
import * as documentSearchVector from './20261203000080_document_search_vector.ts';
import * as documentSearch from './20261203000060_document_search.ts';
import * as pageState from './20261208000100_page_state.ts';
import * as procedureCatalogue from './20261208000100_procedure_catalogue.ts';
import * as dossierProxy from './20261208000400_dossier_proxy.ts';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Migrations in order. Listed here rather than found on disk, so they load the same under tsx and vitest. */
const migrations: ReadonlyArray<[string, Migration]> = [
  ['20261125000001_accounts', accounts],
  ['20261125000002_procedures', procedures],
  ['20261125000003_dossiers', dossiers],
  ['20261125000004_calendar_and_audit', calendarAndAudit],
  ['20261126000005_deadlines_notifications_backups', workers],
  ['20261203000001_open_stream_types', openStreamTypes],
  ['20261203000002_fees_and_supplement_window', feesAndSupplementWindow],
  ['20261203000020_account_security', accountSecurity],
  ['20261203000030_list_indexes', listIndexes],
  ['20261203000040_dossier_papers', dossierPapers],
  ['20261203000050_documents', documents],
  ['20261203000060_document_search', documentSearch],
  ['20261203000070_document_year_index', documentYearIndex],
  ['20261203000080_document_search_vector', documentSearchVector],
  ['20261208000100_page_state', pageState],
  ['20261208000100_procedure_catalogue', procedureCatalogue],
  ['20261208000400_dossier_proxy', dossierProxy],
];

export const migrationSource: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => [...migrations],
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
