import type { Knex } from 'knex';

/**
 * What the workers need: the overdue and late marks on dossiers (set by the deadline worker and the
 * sweep), per-recipient notifications, and the record of backups (Điều 5.3).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    // When the current step passed its due instant (cleared when the dossier moves to another step).
    t.timestamp('step_overdue_at', { useTz: true }).nullable();
    // When the appointment passed while the agency still held the dossier.
    t.timestamp('late_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('notifications', (t) => {
    t.increments('id');
    t.integer('recipient_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('kind', 40).notNullable();
    t.string('subject_type', 16).notNullable();
    t.string('subject_id', 64).notNullable();
    t.string('title', 300).notNullable();
    t.string('body', 2000).notNullable();
    t.timestamp('due_at', { useTz: true }).nullable();
    // A job that runs again (after a crash) must not notify twice.
    t.string('dedupe_key', 200).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('read_at', { useTz: true }).nullable();
    t.timestamp('emailed_at', { useTz: true }).nullable();
    t.unique(['recipient_id', 'dedupe_key']);
    t.index(['recipient_id', 'read_at']);
  });

  await knex.schema.createTable('backups', (t) => {
    t.increments('id');
    t.string('kind', 10).notNullable().checkIn(['scheduled', 'manual', 'cli']);
    t.string('status', 10).notNullable().checkIn(['queued', 'running', 'succeeded', 'failed', 'pruned']);
    t.integer('requested_by').nullable().references('id').inTable('users');
    t.string('database_client', 8).notNullable();
    // Folder name under the backup directory.
    t.string('name', 100).nullable();
    t.bigInteger('size_bytes').nullable();
    t.string('sha256', 64).nullable();
    t.boolean('verified').nullable();
    t.string('verification', 1000).nullable();
    t.string('error', 1000).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('started_at', { useTz: true }).nullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.index(['status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('backups');
  await knex.schema.dropTable('notifications');
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropColumn('late_at');
    t.dropColumn('step_overdue_at');
  });
}
