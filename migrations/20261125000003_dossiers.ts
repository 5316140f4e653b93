import type { Knex } from 'knex';

/**
 * An id for append-only tables: on SQLite a plain INTEGER PRIMARY KEY (the rowid), without
 * AUTOINCREMENT's extra write to sqlite_sequence on every insert; rows are never deleted, so ids are
 * not reused. On PostgreSQL a serial.
 */
function appendOnlyId(knex: Knex, t: Knex.CreateTableBuilder): void {
  if (knex.client.config.client === 'pg') t.increments('id');
  else t.specificType('id', 'integer primary key');
}

/**
 * Dossiers with their machine snapshot, the per-day code counter, the hash-chained event log, the
 * outbox of jobs implied by transitions, and stored answers for Idempotency-Key replays.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dossiers', (t) => {
    t.increments('id');
    // <agency identifier>-<YYMMDD>-<system code><sequence of the day> (Circular 04/2025/TT-VPCP).
    t.string('code', 64).notNullable().unique();
    t.integer('procedure_id').notNullable().references('id').inTable('procedures');
    t.integer('procedure_rule_id').notNullable().references('id').inTable('procedure_rules');
    t.integer('department_id').notNullable().references('id').inTable('departments');
    t.string('channel', 8).notNullable().checkIn(['counter', 'online', 'post']);
    // Plain copies of the snapshot for queries; the snapshot is the truth.
    t.string('state', 40).notNullable();
    t.integer('national_status').notNullable();
    t.integer('assignee_id').nullable().references('id').inTable('users');
    t.string('machine_id', 32).notNullable();
    t.integer('machine_version').notNullable();
    t.string('machine_hash', 64).notNullable();
    t.jsonb('snapshot').notNullable();
    t.integer('version').notNullable();
    t.string('chain_head', 64).notNullable();
    t.string('applicant_name', 200).notNullable();
    t.string('applicant_id_number', 32).nullable();
    t.string('applicant_phone', 32).nullable();
    t.string('applicant_email', 254).nullable();
    t.string('applicant_address', 500).nullable();
    t.string('subject', 1000).nullable();
    t.string('tracking_secret_hash', 64).nullable();
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).nullable();
    t.timestamp('due_at', { useTz: true }).nullable();
    t.timestamp('rescheduled_due_at', { useTz: true }).nullable();
    t.string('step', 40).nullable();
    t.timestamp('step_started_at', { useTz: true }).nullable();
    t.timestamp('step_due_at', { useTz: true }).nullable();
    t.string('result', 8).nullable().checkIn(['grant', 'refuse']);
    // Trước hạn / đúng hạn / quá hạn against the original appointment (DOMAIN §1.6).
    t.string('outcome', 8).nullable().checkIn(['early', 'onTime', 'late']);
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.check('?? >= 1', ['version']);
    t.index(['state', 'department_id']);
    t.index(['assignee_id', 'state']);
    t.index(['procedure_id']);
    // The overdue list and the deadline sweep.
    t.index(['step_due_at']);
    t.index(['due_at']);
  });

  await knex.schema.createTable('dossier_code_counters', (t) => {
    // YYMMDD of receipt in Asia/Ho_Chi_Minh.
    t.string('day', 6).primary();
    t.integer('last_sequence').notNullable();
  });

  // Append-only, hash-chained per record (DESIGN §9): each row links to the previous row of its stream.
  await knex.schema.createTable('events', (t) => {
    appendOnlyId(knex, t);
    t.string('stream_type', 16).notNullable();
    t.string('stream_id', 64).notNullable();
    t.integer('seq').notNullable();
    t.string('type', 40).notNullable();
    t.string('actor_kind', 16).notNullable().checkIn(['user', 'applicant', 'system']);
    t.integer('actor_id').nullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.string('from_state', 40).nullable();
    t.string('to_state', 40).nullable();
    t.jsonb('payload').notNullable();
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.unique(['stream_type', 'stream_id', 'seq']);
  });

  // The jobs one transition implies, in one row written in the transition's transaction; a relay
  // moves them to BullMQ after commit (DESIGN §8).
  await knex.schema.createTable('outbox', (t) => {
    appendOnlyId(knex, t);
    // [{ queue, name, jobId, payload, runAt }]; job ids are deterministic, so a replayed relay cannot enqueue twice.
    t.jsonb('jobs').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('delivered_at', { useTz: true }).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('last_error', 500).nullable();
  });
  // The relay reads only what is still to deliver.
  await knex.raw('CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL');

  await knex.schema.createTable('idempotency_keys', (t) => {
    // Who sent it (user:<id> or applicant:<dossier>) and their key: keys of different callers never collide.
    t.string('scope', 80).notNullable();
    t.string('key', 200).notNullable();
    t.string('request_hash', 64).notNullable();
    t.integer('status').notNullable();
    t.jsonb('response').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['scope', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idempotency_keys');
  await knex.schema.dropTable('outbox');
  await knex.schema.dropTable('events');
  await knex.schema.dropTable('dossier_code_counters');
  await knex.schema.dropTable('dossiers');
}
