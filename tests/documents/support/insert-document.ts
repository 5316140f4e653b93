import type { Db } from '../../../src/db/db.ts';
import { documentType } from '../../../src/domain/documents/document-types.ts';
import { documentSearchText } from '../../../src/domain/documents/search-text.ts';

/**
 * Until the documents' service exists on this branch (branch docs-core builds it), a document row written
 * the way migrations/20261203000050_documents.ts defines it, with `search_text` from documentSearchText as
 * the service writes it. Only what a search or a register reads is meaningful; the machine columns are
 * placeholders.
 */
export interface TestDocument {
  direction: 'incoming' | 'outgoing';
  typeCode?: string;
  summary: string;
  state?: string;
  urgency?: 0 | 1 | 2 | 3;
  registerYear?: number | null;
  registerNumber?: number | null;
  symbol?: string | null;
  sourceSymbol?: string | null;
  issuerName?: string | null;
  signerName?: string | null;
  documentDate?: string | null;
  arrivedAt?: string | null;
  issuedAt?: string | null;
  deliveredAt?: string | null;
  copies?: number | null;
  recipientsText?: string | null;
  note?: string | null;
  draftingDepartmentId?: number | null;
  drafterId?: number | null;
  leadDepartmentId?: number | null;
  createdAt?: string;
}

export async function insertDocument(db: Db, d: TestDocument): Promise<number> {
  const type = documentType(d.typeCode ?? 'QD');
  if (!type) throw new Error(`unknown type ${d.typeCode}`);
  const at = d.createdAt ?? '2026-03-02T02:00:00.000Z';
  const state = d.state ?? (d.direction === 'incoming' ? 'registered' : 'issued');
  const [row] = await db('documents')
    .insert({
      direction: d.direction,
      state,
      machine_id: `${d.direction}-document`,
      machine_version: 1,
      machine_hash: '0'.repeat(64),
      snapshot: JSON.stringify({ value: state, context: {} }),
      version: 1,
      chain_head: '0'.repeat(64),
      register_year: d.registerYear === undefined ? 2026 : d.registerYear,
      register_number: d.registerNumber ?? null,
      symbol: d.symbol ?? null,
      arrived_at: d.arrivedAt ?? null,
      issued_at: d.issuedAt ?? null,
      type_code: type.code,
      type_name: type.name,
      summary: d.summary,
      urgency: d.urgency ?? 0,
      issuer_name: d.issuerName ?? null,
      source_symbol: d.sourceSymbol ?? null,
      document_date: d.documentDate ?? null,
      signer_name: d.signerName ?? null,
      copies: d.copies ?? null,
      recipients_text: d.recipientsText ?? null,
      note: d.note ?? null,
      drafting_department_id: d.draftingDepartmentId ?? null,
      drafter_id: d.drafterId ?? null,
      lead_department_id: d.leadDepartmentId ?? null,
      delivered_at: d.deliveredAt ?? null,
      search_text: documentSearchText({ summary: d.summary, symbol: d.symbol, sourceSymbol: d.sourceSymbol, issuerName: d.issuerName, typeName: type.name, signerName: d.signerName }),
      created_at: at,
      updated_at: at,
    })
    .returning('id');
  return typeof row === 'object' ? (row as { id: number }).id : (row as number);
}
