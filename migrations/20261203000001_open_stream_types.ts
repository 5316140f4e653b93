import type { Knex } from 'knex';

/**
 * Stream and subject types are open to new record types (`incoming_document` is 17 characters; they
 * were `varchar(16)`). SQLite does not enforce a varchar's length, so only PostgreSQL's columns change.
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER TABLE events ALTER COLUMN stream_type TYPE varchar(40)');
  await knex.raw('ALTER TABLE notifications ALTER COLUMN subject_type TYPE varchar(40)');
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  // Refuses (value too long) while a longer type is stored: history is never cut to fit.
  await knex.raw('ALTER TABLE events ALTER COLUMN stream_type TYPE varchar(16)');
  await knex.raw('ALTER TABLE notifications ALTER COLUMN subject_type TYPE varchar(16)');
}
