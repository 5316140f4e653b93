import type { Knex } from 'knex';

/** Departments (phòng/ban, a tree), users and their roles, server-side sessions and API tokens (DESIGN §2). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('departments', (t) => {
    t.increments('id');
    t.string('code', 32).notNullable().unique();
    t.string('name', 200).notNullable();
    t.integer('parent_id').nullable().references('id').inTable('departments').onDelete('RESTRICT');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('username', 64).notNullable().unique();
    t.string('full_name', 200).notNullable();
    t.string('email', 254).nullable();
    t.integer('department_id').nullable().references('id').inTable('departments').onDelete('RESTRICT');
    t.string('password_hash', 255).notNullable();
    // Initial passwords are issued with the account and must be changed at first login (Điều 3.2).
    t.boolean('must_change_password').notNullable().defaultTo(true);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true }).nullable();
    t.boolean('disabled').notNullable().defaultTo(false);
    t.timestamp('password_changed_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.check('?? >= 0', ['failed_logins']);
  });

  await knex.schema.createTable('user_roles', (t) => {
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('role', 16)
      .notNullable()
      .checkIn(['admin', 'clerk', 'onestop', 'specialist', 'dept_lead', 'director', 'staff']);
    t.primary(['user_id', 'role']);
    t.index(['role']);
  });

  await knex.schema.createTable('sessions', (t) => {
    // sha256 of the session token: a copy of this table does not let anyone log in.
    t.string('id', 64).primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('last_seen_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.string('ip', 64).nullable();
    t.string('user_agent', 300).nullable();
    t.index(['user_id']);
  });

  await knex.schema.createTable('api_tokens', (t) => {
    t.increments('id');
    t.string('name', 100).notNullable();
    t.string('token_hash', 64).notNullable().unique();
    // The token acts as this user, limited to these roles.
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('roles', 200).notNullable();
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.timestamp('last_used_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_tokens');
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('user_roles');
  await knex.schema.dropTable('users');
  await knex.schema.dropTable('departments');
}
