import type { AggregateType } from './workflow/aggregate-type.ts';

/** Dossiers (hồ sơ thủ tục hành chính), driven by machines/dossier. */
export const DOSSIER_AGGREGATE: AggregateType = { streamType: 'dossier', table: 'dossiers' };

/**
 * Every kind of machine-driven record: `audit verify` walks each one's rows against its history.
 * A new record type adds itself here.
 */
export const AGGREGATE_TYPES: readonly AggregateType[] = [DOSSIER_AGGREGATE];
