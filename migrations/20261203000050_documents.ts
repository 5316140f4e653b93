import type { Knex } from 'knex';

/**
 * The e-office documents (văn bản đến / văn bản đi, Điều 6, 7, 8; Decree 30/2020/NĐ-CP, DOMAIN §3).
 *
 * One table `documents` for both directions, told apart by `direction`: both are machine-driven records
 * with the same columns for the machine, the same register columns (Phụ lục IV lists nearly the same
 * fields for both books), the same search text and the same filters; one table gives the search one
 * FTS index and one query, and an issued outgoing document and the incoming copy its internal recipients
 * receive are rows of the same kind. Columns only one direction uses are nullable.
 *
 * - `document_assignments`: per department, its part in handling an incoming document (bút phê: the lead
 *   department, coordinating departments, each with its own deadline; or an internal recipient of an
 *   issued outgoing document), and when it was handed over (Ngày chuyển).
 * - `document_forwards`: the staff member a department lead forwarded the document to, with their own
 *   deadline (Điều 6.3).
 * - `document_replies`: an incoming document answered by an outgoing one (Điều 7).
 * - `document_recipients`: where an outgoing document goes (Nơi nhận): internal departments (who receive
 *   it as an incoming document, `incoming_document_id`) and external organisations.
 * - `document_files`: the scan and attachments, in the content-addressed store (`stored_files`).
 * - `document_register_counters`: the last number of each year's register per direction (Decree 30/2020
 *   Art. 15, 22: numbers restart at 1 on 1 January).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('documents', (t) => {
    t.increments('id');
    t.string('direction', 8).notNullable().checkIn(['incoming', 'outgoing'], 'documents_direction_check');
    // The machine (see the dossiers table); `state` a plain copy for queries.
    t.string('state', 40).notNullable();
    t.string('machine_id', 32).notNullable();
    t.integer('machine_version').notNullable();
    t.string('machine_hash', 64).notNullable();
    t.jsonb('snapshot').notNullable();
    t.integer('version').notNullable();
    t.string('chain_head', 64).notNullable();
    // The register: year (local, Asia/Ho_Chi_Minh) and number in it — Số đến for incoming, Số for outgoing.
    // Null for an outgoing document until it is issued.
    t.integer('register_year').nullable();
    t.integer('register_number').nullable();
    // Our number and symbol of an issued outgoing document (`05/QĐ-SCT`, `123/SCT-QLTM`).
    t.string('symbol', 60).nullable();
    // Ngày đến: when an incoming document reached the agency (the clerk's entry; `created_at` is when it was
    // registered), and whether it was registered later than the next working day after (Decree 30/2020 Art. 21, 22).
    t.timestamp('arrived_at', { useTz: true }).nullable();
    t.boolean('registered_late').notNullable().defaultTo(false);
    // When an outgoing document was numbered and issued.
    t.timestamp('issued_at', { useTz: true }).nullable();
    // Catalogue code (src/domain/documents/document-types.ts) and its name as written then (Tên loại).
    t.string('type_code', 16).notNullable();
    t.string('type_name', 100).notNullable();
    // Trích yếu.
    t.string('summary', 2000).notNullable();
    // Độ khẩn: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc — a rank, so "urgent first" is an index order.
    t.smallint('urgency').notNullable().defaultTo(0);
    // Tác giả: the issuing organisation of an incoming document (the agency's own name for outgoing).
    t.string('issuer_name', 300).nullable();
    // Số, ký hiệu as the issuer wrote it (incoming).
    t.string('source_symbol', 60).nullable();
    // Folded issuer + symbol: the register warns on a second incoming document with the same key (Phụ lục VI).
    t.string('duplicate_key', 400).nullable();
    // Ngày tháng văn bản (local date YYYY-MM-DD).
    t.string('document_date', 10).nullable();
    // Người ký: name and position as printed on the document.
    t.string('signer_name', 100).nullable();
    t.string('signer_position', 100).nullable();
    t.integer('signed_by').nullable().references('id').inTable('users');
    t.timestamp('signed_at', { useTz: true }).nullable();
    t.integer('page_count').nullable();
    // Số lượng bản.
    t.integer('copies').nullable();
    // Nơi nhận as printed (outgoing), or Đơn vị hoặc người nhận as the clerk wrote it (incoming).
    t.string('recipients_text', 1000).nullable();
    // Ghi chú.
    t.string('note', 1000).nullable();
    // Outgoing: the drafting unit (its abbreviation makes a Công văn's symbol) and the drafter.
    t.integer('drafting_department_id').nullable().references('id').inTable('departments');
    t.integer('drafter_id').nullable().references('id').inTable('users');
    // Incoming: the lead department of the direction (bút phê) and the leader who directed it.
    t.integer('lead_department_id').nullable().references('id').inTable('departments');
    t.integer('directed_by').nullable().references('id').inTable('users');
    t.timestamp('directed_at', { useTz: true }).nullable();
    // Ngày chuyển: handed to the departments (incoming) or sent to recipients (outgoing).
    t.timestamp('delivered_at', { useTz: true }).nullable();
    // Incoming: a reply is required (Điều 7); the handling deadline (the lead department's) and its marks.
    t.boolean('reply_required').notNullable().defaultTo(false);
    t.timestamp('due_at', { useTz: true }).nullable();
    t.timestamp('overdue_at', { useTz: true }).nullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    // An incoming document an internal department received from an issued outgoing one.
    t.integer('source_document_id').nullable().references('id').inTable('documents');
    // Folded summary, symbols, issuer, type name and signer (src/domain/documents/search-text.ts).
    t.text('search_text').notNullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.check('?? >= 1', ['version'], 'documents_version_check');
    t.check('?? BETWEEN 0 AND 3', ['urgency'], 'documents_urgency_check');
    t.check('(?? IS NULL) = (?? IS NULL)', ['register_year', 'register_number'], 'documents_register_check');
    // Gap-free and unique within a year's register (Decree 30/2020 Art. 15.1, 22.2).
    t.unique(['direction', 'register_year', 'register_number'], { indexName: 'documents_register_unique' });
    // Lists: urgent first, then newest (an index scanned backwards serves `urgency DESC, id DESC`).
    t.index(['direction', 'urgency', 'id'], 'documents_direction_urgency_index');
    t.index(['urgency', 'id'], 'documents_urgency_index');
    t.index(['state', 'urgency', 'id'], 'documents_state_urgency_index');
    t.index(['type_code', 'id'], 'documents_type_code_index');
    t.index(['lead_department_id', 'id'], 'documents_lead_department_index');
    t.index(['drafting_department_id', 'id'], 'documents_drafting_department_index');
    t.index(['drafter_id', 'id'], 'documents_drafter_index');
    t.index(['document_date', 'id'], 'documents_document_date_index');
    t.index(['arrived_at'], 'documents_arrived_at_index');
    t.index(['issued_at'], 'documents_issued_at_index');
    t.index(['duplicate_key'], 'documents_duplicate_key_index');
    t.index(['due_at'], 'documents_due_at_index');
    t.index(['source_document_id'], 'documents_source_document_index');
  });

  await knex.schema.createTable('document_assignments', (t) => {
    t.increments('id');
    t.integer('document_id').notNullable().references('id').inTable('documents').onDelete('RESTRICT');
    t.integer('department_id').notNullable().references('id').inTable('departments');
    // lead: chủ trì; coordinating: phối hợp; recipient: an internal recipient of an issued outgoing document.
    t.string('role', 16).notNullable().checkIn(['lead', 'coordinating', 'recipient'], 'document_assignments_role_check');
    t.timestamp('due_at', { useTz: true }).nullable();
    t.string('note', 2000).nullable();
    t.integer('assigned_by').nullable().references('id').inTable('users');
    t.timestamp('assigned_at', { useTz: true }).notNullable();
    // Ngày chuyển to this department.
    t.timestamp('delivered_at', { useTz: true }).nullable();
    t.timestamp('overdue_at', { useTz: true }).nullable();
    t.unique(['document_id', 'department_id'], { indexName: 'document_assignments_unique' });
    t.index(['department_id', 'document_id'], 'document_assignments_department_index');
  });

  await knex.schema.createTable('document_forwards', (t) => {
    t.increments('id');
    t.integer('document_id').notNullable().references('id').inTable('documents').onDelete('RESTRICT');
    t.integer('assignment_id').notNullable().references('id').inTable('document_assignments').onDelete('RESTRICT');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.timestamp('due_at', { useTz: true }).nullable();
    t.string('note', 2000).nullable();
    t.integer('forwarded_by').notNullable().references('id').inTable('users');
    t.timestamp('forwarded_at', { useTz: true }).notNullable();
    t.timestamp('overdue_at', { useTz: true }).nullable();
    t.unique(['assignment_id', 'user_id'], { indexName: 'document_forwards_unique' });
    t.index(['user_id', 'document_id'], 'document_forwards_user_index');
    t.index(['document_id'], 'document_forwards_document_index');
  });

  await knex.schema.createTable('document_replies', (t) => {
    t.integer('incoming_id').notNullable().references('id').inTable('documents').onDelete('RESTRICT');
    t.integer('outgoing_id').notNullable().references('id').inTable('documents').onDelete('RESTRICT');
    t.integer('linked_by').nullable().references('id').inTable('users');
    t.timestamp('linked_at', { useTz: true }).notNullable();
    t.primary(['incoming_id', 'outgoing_id']);
    t.index(['outgoing_id'], 'document_replies_outgoing_index');
  });

  await knex.schema.createTable('document_recipients', (t) => {
    t.increments('id');
    t.integer('document_id').notNullable().references('id').inTable('documents').onDelete('RESTRICT');
    t.string('kind', 8).notNullable().checkIn(['internal', 'external'], 'document_recipients_kind_check');
    t.integer('department_id').nullable().references('id').inTable('departments');
    // The external organisation's name (or the department's, as printed).
    t.string('name', 300).notNullable();
    t.integer('copies').nullable();
    t.timestamp('sent_at', { useTz: true }).nullable();
    // The incoming document an internal recipient received.
    t.integer('incoming_document_id').nullable().references('id').inTable('documents');
    t.check("(?? = 'internal') = (?? IS NOT NULL)", ['kind', 'department_id'], 'document_recipients_department_check');
    t.index(['document_id', 'id'], 'document_recipients_document_index');
    t.index(['department_id'], 'document_recipients_department_index');
  });

  await knex.schema.createTable('document_files', (t) => {
    t.increments('id');
    t.integer('document_id').notNullable().references('id').inTable('documents').onDelete('RESTRICT');
    t.string('sha256', 64).notNullable().references('sha256').inTable('stored_files').onDelete('RESTRICT');
    // scan: the incoming scan; signed: the signed outgoing scan; draft; attachment.
    t.string('kind', 16).notNullable().checkIn(['scan', 'signed', 'draft', 'attachment'], 'document_files_kind_check');
    t.string('name', 255).notNullable();
    t.string('media_type', 200).notNullable();
    t.bigInteger('size').notNullable();
    t.integer('attached_by').nullable().references('id').inTable('users');
    t.timestamp('attached_at', { useTz: true }).notNullable();
    t.index(['document_id', 'id'], 'document_files_document_index');
    t.index(['sha256'], 'document_files_sha256_index');
  });

  await knex.schema.createTable('document_register_counters', (t) => {
    t.string('direction', 8).notNullable().checkIn(['incoming', 'outgoing'], 'document_register_counters_direction_check');
    t.integer('year').notNullable();
    t.integer('last_number').notNullable();
    t.primary(['direction', 'year']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('document_register_counters');
  await knex.schema.dropTable('document_files');
  await knex.schema.dropTable('document_recipients');
  await knex.schema.dropTable('document_replies');
  await knex.schema.dropTable('document_forwards');
  await knex.schema.dropTable('document_assignments');
  await knex.schema.dropTable('documents');
}
