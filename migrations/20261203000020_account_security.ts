import type { Knex } from 'knex';

/**
 * Account security (issue 6, §3.2, §3.5, §3.6, §3.10):
 * - `api_tokens.scope`: `api` acts through the API with the token's roles; `metrics` may only read
 *   `/metrics` (what a Prometheus scraper needs, and nothing an attacker holding it could abuse).
 * - `login_throttles`: failed-login counters keyed by what was *typed* (the username, hashed, whether or
 *   not such an account exists) and by the address, so that lock-outs say nothing about which usernames
 *   exist and an attacker can lock only their own address out of an account (see login-throttle.ts).
 *   `users.failed_logins` / `users.locked_until` stay as what an admin sees; they no longer decide.
 * - `login_devices`: browsers that logged in to an account before (an HttpOnly cookie, stored hashed).
 *   Their attempts are counted on the device, not on the address: someone sharing the office's address
 *   cannot lock the clerks' own browsers out.
 * - indexes for the admins' read of the event log by type, actor and instant.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => {
    t.string('scope', 16).notNullable().defaultTo('api').checkIn(['api', 'metrics'], 'api_tokens_scope_check');
  });

  await knex.schema.createTable('login_throttles', (t) => {
    t.increments('id');
    // `pair:<name hash>:<address>`, `name:<name hash>`, `addr:<address>`.
    t.string('key', 160).notNullable().unique();
    t.string('kind', 8).notNullable().checkIn(['pair', 'name', 'addr']);
    // sha256 of the lower-cased username as typed: people type their password in the username field.
    t.string('name_hash', 64).nullable();
    t.string('address', 64).nullable();
    t.integer('failures').notNullable().defaultTo(0);
    t.timestamp('window_started_at', { useTz: true }).notNullable();
    t.timestamp('locked_until', { useTz: true }).nullable();
    // How many account- or address-wide locks in a row: each one lasts twice the one before.
    t.integer('level').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.check('?? >= 0', ['failures']);
    t.index(['name_hash']);
    t.index(['updated_at']);
  });

  await knex.schema.createTable('login_devices', (t) => {
    // sha256 of the device cookie: a copy of this table does not let anyone pass for a known browser.
    t.string('id', 64).primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('last_used_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.integer('failures').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true }).nullable();
    t.check('?? >= 0', ['failures']);
    t.index(['user_id']);
  });

  await knex.schema.alterTable('events', (t) => {
    t.index(['type', 'id'], 'events_type_id_index');
    t.index(['actor_id', 'id'], 'events_actor_id_index');
    t.index(['at'], 'events_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.dropIndex(['at'], 'events_at_index');
    t.dropIndex(['actor_id', 'id'], 'events_actor_id_index');
    t.dropIndex(['type', 'id'], 'events_type_id_index');
  });
  await knex.schema.dropTable('login_devices');
  await knex.schema.dropTable('login_throttles');
  await knex.schema.alterTable('api_tokens', (t) => {
    t.dropChecks('api_tokens_scope_check');
    t.dropColumn('scope');
  });
}
