import type { Knex } from 'knex';

/**
 * What the pages keep between a POST and the GET it redirects to (issue 14 §5, Post/Redirect/Get):
 * - `kept_views`: a form's answer (a refusal with the typed values, most often) rendered once, shown by
 *   the next GET of the page and deleted as it is read. In the database, not in a process's memory, so
 *   that the GET may reach another API process than the POST did. Bound to the browser (`owner`: a hash of
 *   the form's anti-forgery token, itself derived from the session or the anonymous form cookie) and
 *   short-lived: the address alone shows nothing to anyone else, and nothing outlives a few minutes.
 * - `pending_uploads`: files sent with a form that was refused, kept (in the file store, referenced by
 *   this row so the orphan sweep leaves them) so that the person never chooses them again; bound to the
 *   same owner, expiring, removed by the orphan sweep once expired (src/files/orphan-files.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('kept_views', (t) => {
    t.string('id', 32).primary();
    t.string('owner', 64).notNullable();
    t.string('path', 2000).notNullable();
    t.integer('status').notNullable();
    t.text('html').notNullable();
    // A throttled form's Retry-After, said again by the GET that shows it.
    t.integer('retry_after_seconds').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });
  await knex.schema.createTable('pending_uploads', (t) => {
    t.string('id', 32).primary();
    t.string('owner', 64).notNullable();
    // Which form it belongs to (`portal:<procedure>`, `incoming-document`, `counter:intake`).
    t.string('form', 64).notNullable();
    t.string('field', 64).notNullable();
    t.string('sha256', 64).notNullable();
    t.string('name', 255).notNullable();
    t.string('media_type', 127).notNullable();
    t.bigInteger('size').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['owner', 'form']);
    t.index(['expires_at']);
    t.index(['sha256']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pending_uploads');
  await knex.schema.dropTable('kept_views');
}
