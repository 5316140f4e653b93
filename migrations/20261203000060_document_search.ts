import type { Knex } from 'knex';

/**
 * Full-text search over `documents.search_text` (issue 8 §6), the folded text the documents' service
 * writes (src/domain/documents/search-text.ts). The text is folded already, so neither database folds it
 * again: SQLite's tokenizer keeps diacritics as they are (`remove_diacritics 0`) and PostgreSQL needs no
 * `unaccent`.
 *
 * Both split the text into words the same way, at every character that is not a letter or a digit:
 * `80/qd-sct` is the three words `80`, `qd`, `sct`, so that `80`, `qd-sct` and `80/QĐ-SCT` all find it
 * (src/domain/documents/document-search.ts splits the query by the same rule).
 *
 * - SQLite: an FTS5 table with external content (`documents` itself: the text is stored once), kept by
 *   three triggers that copy the column and nothing else — no custom SQL function, so the sqlite3 CLI,
 *   a backup opened elsewhere and a restore all keep working. FTS5's `unicode61` tokenizer splits at
 *   every character outside the letters and digits of Unicode.
 * - PostgreSQL: a GIN index over `to_tsvector('simple', …)` of the text with every run of characters that
 *   are not letters or digits turned into a space first: the default parser alone reads `80/qd-sct` as
 *   one file-path token, and `80` would not find it. Queries use the same expression (SEARCH_VECTOR_SQL).
 */
export const SEARCH_VECTOR_SQL = "to_tsvector('simple', regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g'))";

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE INDEX documents_search_index ON documents USING GIN ((${SEARCH_VECTOR_SQL}))`);
    return;
  }
  await knex.raw(
    "CREATE VIRTUAL TABLE documents_fts USING fts5(search_text, content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
  );
  // External content: FTS5 must be told the old text to forget it, so a delete and an update pass `old`.
  await knex.raw(`CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts(rowid, search_text) VALUES (new.id, new.search_text);
END`);
  await knex.raw(`CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END`);
  await knex.raw(`CREATE TRIGGER documents_fts_update AFTER UPDATE OF search_text ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO documents_fts(rowid, search_text) VALUES (new.id, new.search_text);
END`);
  // Documents written before this migration.
  await knex.raw("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')");
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP INDEX IF EXISTS documents_search_index');
    return;
  }
  await knex.raw('DROP TRIGGER IF EXISTS documents_fts_update');
  await knex.raw('DROP TRIGGER IF EXISTS documents_fts_delete');
  await knex.raw('DROP TRIGGER IF EXISTS documents_fts_insert');
  await knex.raw('DROP TABLE IF EXISTS documents_fts');
}
