import type { Knex } from 'knex';

/**
 * The person acting for the applicant (người được ủy quyền), printed on the receipt (Circular 03/2025/TT-VPCP,
 * Mẫu 01): name, identity number, phone, e-mail, address and the authorisation paper they showed (giấy ủy
 * quyền, Civil Code 2015 Art. 138–140). All null when the applicant came in person or submitted online.
 */
const COLUMNS: Array<[string, number]> = [
  ['proxy_name', 200],
  ['proxy_id_number', 20],
  ['proxy_phone', 20],
  ['proxy_email', 254],
  ['proxy_address', 500],
  ['proxy_authorisation', 500],
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    for (const [name, length] of COLUMNS) t.string(name, length).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    for (const [name] of COLUMNS) t.dropColumn(name);
  });
}
