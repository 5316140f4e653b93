import type { Knex } from 'knex';

/** Admin overrides of the working-day calendar, and the checkpoints that chain all event streams. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_overrides', (t) => {
    // Local date (Asia/Ho_Chi_Minh) YYYY-MM-DD.
    t.string('date', 10).primary();
    // The Prime Minister's Tết and National Day schedule, swapped days, make-up Saturdays.
    t.string('kind', 8).notNullable().checkIn(['holiday', 'workday']);
    t.string('name', 200).nullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  // A checkpoint digests every event written since the previous one and links to it, so that
  // deleting a whole stream (not just one event of it) is detected too (DESIGN §9).
  await knex.schema.createTable('audit_checkpoints', (t) => {
    t.increments('id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('first_event_id').notNullable();
    t.integer('last_event_id').notNullable();
    t.integer('event_count').notNullable();
    t.string('events_digest', 64).notNullable();
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_checkpoints');
  await knex.schema.dropTable('calendar_overrides');
}
