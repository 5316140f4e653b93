import type { Knex } from 'knex';

/**
 * Administrative procedures (thủ tục hành chính) and their rules. Rules carry an effective date so
 * that a dossier keeps the rules in force when it was received (DOMAIN, the 2025 caveat).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('procedures', (t) => {
    t.increments('id');
    // National procedure code, e.g. 1.013416.
    t.string('code', 32).notNullable().unique();
    t.string('name', 500).notNullable();
    t.integer('department_id').notNullable().references('id').inTable('departments').onDelete('RESTRICT');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('procedure_rules', (t) => {
    t.increments('id');
    t.integer('procedure_id').notNullable().references('id').inTable('procedures').onDelete('CASCADE');
    t.timestamp('effective_from', { useTz: true }).notNullable();
    // Statutory time limit in working days from receipt of a complete dossier.
    t.double('working_days').notNullable();
    // Working days per step: { review, inspection, leadReview, leadershipApproval, readyForReturn }.
    t.jsonb('step_allocation').nullable();
    t.boolean('has_fee').notNullable();
    t.boolean('lead_review').notNullable();
    t.boolean('inspection').notNullable();
    t.string('supplement_clock', 8).notNullable().checkIn(['restart', 'pause']);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['procedure_id', 'effective_from']);
    t.check('?? > 0', ['working_days']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('procedure_rules');
  await knex.schema.dropTable('procedures');
}
