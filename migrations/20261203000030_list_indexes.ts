import type { Knex } from 'knex';

/**
 * Indexes for the dossier lists at a million rows (issue 6 §4): every list is ordered by id (newest or
 * oldest first, keyset paging on id), so each filter people use gets an index ending in id; the overdue
 * list, the `/metrics` gauge and the deadline sweep read partial indexes over the open dossiers only,
 * whose predicates the queries repeat word for word (LIST_SQL in src/domain/dossiers/dossier.service.ts)
 * — a partial index is used only when the query's WHERE names its predicate. The state lists are the
 * machine's `actionable` and `holding` tags when this migration was written, as literals (a test checks
 * that they still are).
 */
export const ACTIONABLE_STATES_SQL =
  "'submitted', 'inDepartment.review', 'inDepartment.inspection', 'inDepartment.leadReview', 'leadershipApproval', 'returnedToOneStop', 'readyForReturn'";
export const HOLDING_STATES_SQL = "'inDepartment.review', 'inDepartment.inspection', 'inDepartment.leadReview', 'leadershipApproval', 'returnedToOneStop'";
const ACTIONABLE = ACTIONABLE_STATES_SQL;
const HOLDING = HOLDING_STATES_SQL;

export async function up(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.alterTable('dossiers', (t) => {
    t.index(['department_id', 'id'], 'dossiers_department_id_id_index');
    t.index(['assignee_id', 'id'], 'dossiers_assignee_id_id_index');
    t.index(['procedure_id', 'id'], 'dossiers_procedure_id_id_index');
    t.index(['state', 'id'], 'dossiers_state_id_index');
    t.index(['applicant_id_number', 'id'], 'dossiers_applicant_id_number_id_index');
    t.index(['received_at', 'id'], 'dossiers_received_at_id_index');
    t.index(['channel', 'id'], 'dossiers_channel_id_index');
    t.index(['state', 'step_started_at'], 'dossiers_state_step_started_at_index');
  });
  // Prefix searches: SQLite compares bytes (a range on a plain index); PostgreSQL's LIKE 'p%' needs
  // the pattern operator class under a linguistic collation.
  if (pg) {
    await knex.raw('CREATE INDEX dossiers_applicant_name_prefix_index ON dossiers (applicant_name text_pattern_ops, id)');
    await knex.raw('CREATE INDEX dossiers_code_prefix_index ON dossiers (code text_pattern_ops)');
  } else {
    await knex.raw('CREATE INDEX dossiers_applicant_name_prefix_index ON dossiers (applicant_name, id)');
  }
  // Sorting by the appointment in force.
  await knex.raw('CREATE INDEX dossiers_appointment_index ON dossiers ((COALESCE(rescheduled_due_at, due_at)), id)');
  // The dossiers the agency is working on (holding ⊂ actionable), in id order, carrying what the overdue
  // rule and the usual filters read: the overdue list and state filters within them scan only this.
  await knex.raw(
    `CREATE INDEX dossiers_actionable_index ON dossiers (id, state, department_id, assignee_id, procedure_id, step_due_at, due_at, rescheduled_due_at) WHERE state IN (${ACTIONABLE})`,
  );
  // The sweep: steps not yet marked overdue, appointments not yet marked late.
  await knex.raw(`CREATE INDEX dossiers_step_unmarked_index ON dossiers (step_due_at) WHERE state IN (${ACTIONABLE}) AND step_overdue_at IS NULL`);
  await knex.raw(
    `CREATE INDEX dossiers_appointment_unmarked_index ON dossiers ((COALESCE(rescheduled_due_at, due_at))) WHERE state IN (${HOLDING}) AND result IS NULL AND (late_at IS NULL OR late_at < COALESCE(rescheduled_due_at, due_at))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  for (const name of [
    'dossiers_appointment_unmarked_index',
    'dossiers_step_unmarked_index',
    'dossiers_actionable_index',
    'dossiers_appointment_index',
    'dossiers_code_prefix_index',
    'dossiers_applicant_name_prefix_index',
    'dossiers_state_step_started_at_index',
    'dossiers_received_at_id_index',
    'dossiers_channel_id_index',
    'dossiers_applicant_id_number_id_index',
    'dossiers_state_id_index',
    'dossiers_procedure_id_id_index',
    'dossiers_assignee_id_id_index',
    'dossiers_department_id_id_index',
  ]) {
    await knex.raw(`DROP INDEX IF EXISTS ${name}`);
  }
}
