import type { Knex } from 'knex';
import { SEARCH_VECTOR_SQL } from './20261203000060_document_search.ts';

/**
 * PostgreSQL: the search vector stored in a generated column (`search_vector`) and the GIN index built on
 * it, in place of the index over the expression (migration 20261203000060). Measured at 1M documents
 * (bench/RESULTS.md, "Documents"): with the expression, every row a search touches beyond the index —
 * each row of a bitmap heap scan that PostgreSQL rechecks, each row of a backward scan by id that it
 * filters — recomputes `to_tsvector(regexp_replace(search_text))`, ≈ 20–30 µs a row: a query matching
 * 57 000 rows took ≈ 0.5–1.4 s. Stored, the vector is read, not computed. The column is GENERATED from
 * `search_text`, so no code writes it and it cannot disagree with the text. SQLite keeps FTS5: nothing here.
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`ALTER TABLE documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (${SEARCH_VECTOR_SQL}) STORED`);
  await knex.raw('CREATE INDEX documents_search_vector_index ON documents USING GIN (search_vector)');
  await knex.raw('DROP INDEX IF EXISTS documents_search_index');
  // Statistics for the new column now: without them the planner assumes a word is in 0.5 % of the rows,
  // and for a word in 40 % of them (measured: `tỉnh`) reads 400 000 rows through a bitmap (3.8 s)
  // instead of walking the newest ones until the ranking window is full.
  await knex.raw('ANALYZE documents');
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`CREATE INDEX IF NOT EXISTS documents_search_index ON documents USING GIN ((${SEARCH_VECTOR_SQL}))`);
  await knex.raw('DROP INDEX IF EXISTS documents_search_vector_index');
  await knex.raw('ALTER TABLE documents DROP COLUMN IF EXISTS search_vector');
}
