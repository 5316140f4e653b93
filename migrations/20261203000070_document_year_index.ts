import type { Knex } from 'knex';

/**
 * The register's year as an index column (issue 8 §6, measured in bench/RESULTS.md "Documents"): a
 * register is kept per year (Decree 30/2020 Art. 15.1, 22.2), so `direction` + `year` is how a clerk
 * narrows a list or a search. `(direction, register_year, urgency, id)` serves the list in its order
 * (urgent first, then newest) for those filters with or without an urgency, and a search with them: at
 * 1M rows on SQLite a search for a common word filtered by direction, year and urgency went from ≈ 400 ms
 * to ≈ 80 ms (the FTS5 matches are probed from this index instead of the rows being read one by one), and
 * the bounded count of the filter-only list became an index-only read.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('documents', (t) => {
    t.index(['direction', 'register_year', 'urgency', 'id'], 'documents_direction_year_urgency_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('documents', (t) => {
    t.dropIndex(['direction', 'register_year', 'urgency', 'id'], 'documents_direction_year_urgency_index');
  });
}
