import type { Knex } from 'knex';
import { foldVietnamese } from '../src/domain/documents/search-text.ts';

/**
 * The procedure catalogue (issue 14 §4): what the national public-service portal shows of a procedure
 * (Nghị định 63/2010/NĐ-CP Điều 8 and Thông tư 02/2017/TT-VPCP on publishing procedures: lĩnh vực, cấp
 * thực hiện, đối tượng, cơ quan thực hiện, điều kiện, căn cứ pháp lý, kết quả), the legal basis of each
 * rule's time limit and fee and what of them could not be checked, and the forms (mẫu đơn, tờ khai) an
 * admin uploads, kept in the content-addressed store and named by a required paper's `templateSha256`.
 *
 * - `procedures`: the descriptive fields, and `search_text`, the code, name and sector folded as the
 *   documents' search folds (src/domain/documents/search-text.ts), so that `ban buon ruou` finds
 *   `Bán buôn rượu`.
 * - `procedure_rules`: `time_limit_basis` and `fee_basis` (the article a figure comes from), `fee_note`
 *   (the amount as the fee circular says it, e.g. by area), `unverified` (notes on figures not checked
 *   against the legal text, shown to the admin). Versioned with the rules: new rules bring their own.
 * - `procedure_templates`: one row per stored template file (its name and type), so the orphan collector
 *   keeps it (stored_files) and the public download route knows what it serves.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('procedures', (t) => {
    t.string('sector', 200).nullable();
    t.string('level', 100).nullable();
    t.text('applicants').nullable();
    t.text('agency').nullable();
    t.text('conditions').nullable();
    t.text('legal_basis').nullable();
    t.text('result').nullable();
    t.text('search_text').notNullable().defaultTo('');
    t.index(['sector'], 'procedures_sector_index');
  });
  await knex.schema.alterTable('procedure_rules', (t) => {
    t.text('time_limit_basis').nullable();
    t.text('fee_basis').nullable();
    t.text('fee_note').nullable();
    t.jsonb('unverified').notNullable().defaultTo('[]');
  });
  await knex.schema.createTable('procedure_templates', (t) => {
    t.string('sha256', 64).primary().references('sha256').inTable('stored_files').onDelete('RESTRICT');
    t.string('name', 255).notNullable();
    t.string('media_type', 200).notNullable();
    t.bigInteger('size').notNullable();
    t.integer('uploaded_by').nullable().references('id').inTable('users');
    t.timestamp('uploaded_at', { useTz: true }).notNullable();
  });
  // Procedures created before: their code and name become searchable.
  for (const row of await knex('procedures').select('id', 'code', 'name')) {
    await knex('procedures').where({ id: row.id }).update({ search_text: foldVietnamese(`${row.code} ${row.name}`) });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('procedure_templates');
  await knex.schema.alterTable('procedure_rules', (t) => {
    t.dropColumn('time_limit_basis');
    t.dropColumn('fee_basis');
    t.dropColumn('fee_note');
    t.dropColumn('unverified');
  });
  await knex.schema.alterTable('procedures', (t) => {
    t.dropIndex(['sector'], 'procedures_sector_index');
  });
  await knex.schema.alterTable('procedures', (t) => {
    for (const c of ['sector', 'level', 'applicants', 'agency', 'conditions', 'legal_basis', 'result', 'search_text']) t.dropColumn(c);
  });
}
