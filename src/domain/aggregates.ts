import type { AggregateType } from './workflow/aggregate-type.ts';

/** Dossiers (hồ sơ thủ tục hành chính), driven by machines/dossier. */
export const DOSSIER_AGGREGATE: AggregateType = { streamType: 'dossier', table: 'dossiers' };

/**
 * Documents (văn bản đến and văn bản đi), one table for both directions: each row names its machine
 * (machines/incoming-document or machines/outgoing-document).
 */
export const DOCUMENT_AGGREGATE: AggregateType = { streamType: 'document', table: 'documents' };

/**
 * Every kind of machine-driven record: `audit verify` walks each one's rows against its history.
 * A new record type adds itself here.
 */
export const AGGREGATE_TYPES: readonly AggregateType[] = [DOSSIER_AGGREGATE, DOCUMENT_AGGREGATE];
