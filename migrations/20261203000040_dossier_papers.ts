import type { Knex } from 'knex';

/**
 * Papers of a dossier (thành phần hồ sơ, DESIGN §6): each procedure's rules list the papers it requires
 * (versioned with the rules: a dossier keeps the checklist in force when it was received; existing rules
 * get an empty list); `stored_files` lists what the content-addressed store holds under a reference (the
 * orphan collector removes only files no row names); `dossier_papers` links a dossier to a stored file
 * with its kind (a required paper's code, `other`, or `result` for the licence), the client's filename,
 * the sniffed media type, the size, who attached it and when.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('procedure_rules', (t) => {
    // [{ code, name, copies?, original? }]
    t.jsonb('required_papers').notNullable().defaultTo('[]');
  });
  await knex.schema.createTable('stored_files', (t) => {
    t.string('sha256', 64).primary();
    t.bigInteger('size').notNullable();
    t.string('media_type', 200).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.check("length(??) = 64", ['sha256'], 'stored_files_sha256_check');
  });
  await knex.schema.createTable('dossier_papers', (t) => {
    t.increments('id');
    t.integer('dossier_id').notNullable().references('id').inTable('dossiers').onDelete('RESTRICT');
    t.string('sha256', 64).notNullable().references('sha256').inTable('stored_files').onDelete('RESTRICT');
    t.string('kind', 40).notNullable();
    t.string('name', 255).notNullable();
    t.string('media_type', 200).notNullable();
    t.bigInteger('size').notNullable();
    t.string('attached_by_kind', 16).notNullable().checkIn(['user', 'applicant'], 'dossier_papers_attached_by_kind_check');
    t.integer('attached_by').nullable().references('id').inTable('users');
    t.timestamp('attached_at', { useTz: true }).notNullable();
    t.index(['dossier_id', 'id'], 'dossier_papers_dossier_id_index');
    t.index(['sha256'], 'dossier_papers_sha256_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('dossier_papers');
  await knex.schema.dropTable('stored_files');
  await knex.schema.alterTable('procedure_rules', (t) => {
    t.dropColumn('required_papers');
  });
}
