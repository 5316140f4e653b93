/**
 * A kind of record driven by a machine: where its rows live and the name of its event streams. Its
 * table has the columns of an {@link AggregateRow} (`id`, `version`, `chain_head`, `snapshot`) and the
 * machine it was created with (`machine_id`, `machine_version`, `machine_hash`).
 */
export interface AggregateType {
  /** `events.stream_type` of its records' histories (≤ 40 characters). */
  streamType: string;
  table: string;
}
