import type { Knex } from 'knex';

/**
 * Fees per procedure: collected at intake (an appraisal fee, before processing) or with the result
 * (national status 6), for an amount in đồng or "theo quy định" (null). And a sector's window for asking
 * for a supplement after receipt (e.g. 3 working days for alcohol and chemicals, 5 for tobacco).
 * `has_fee` stays: it is the machine's rule "the result waits for the fee".
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('procedure_rules', (t) => {
    t.string('fee_collected_at', 8).nullable().checkIn(['intake', 'result'], 'procedure_rules_fee_collected_at_check');
    t.bigInteger('fee_amount').nullable().checkPositive('procedure_rules_fee_amount_check');
    t.double('supplement_window_days').nullable().checkPositive('procedure_rules_supplement_window_check');
  });
  await knex('procedure_rules').where({ has_fee: true }).update({ fee_collected_at: 'result' });
}

export async function down(knex: Knex): Promise<void> {
  // SQLite drops a column's checks with the column (knex rebuilds the table); PostgreSQL names them.
  if (knex.client.config.client === 'pg') {
    await knex.schema.alterTable('procedure_rules', (t) => {
      t.dropChecks(['procedure_rules_fee_collected_at_check', 'procedure_rules_fee_amount_check', 'procedure_rules_supplement_window_check']);
    });
  }
  await knex.schema.alterTable('procedure_rules', (t) => {
    t.dropColumn('fee_collected_at');
    t.dropColumn('fee_amount');
    t.dropColumn('supplement_window_days');
  });
}
