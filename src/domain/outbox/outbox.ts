import type { Executor } from '../../db/db.ts';
import { iso, json, toJson } from '../../lib/rows.ts';

import type { QueueName } from '../../queues/queue-names.ts';

export type { QueueName };

/** A job a transition implies, relayed to BullMQ after the transition commits. */
export interface AddJob {
  action: 'add';
  queue: QueueName;
  name: string;
  /** Deterministic BullMQ job id (no ':' — BullMQ reserves it): a replayed relay cannot enqueue twice. */
  jobId: string;
  payload: Record<string, unknown>;
  /** When the job should run; null for now. */
  runAt: string | null;
}

/** A job a later transition made stale: the relay removes it from its queue. */
export interface RemoveJob {
  action: 'remove';
  queue: QueueName;
  jobId: string;
}

export type OutboxJob = AddJob | RemoveJob;

/**
 * An instant as it appears in job ids (`2026-03-11T08:00:00.000Z` → `20260311T080000000Z`). Ids built from
 * a row id alone could meet a finished job of the same id after a restore from backup (ids start again
 * from the backup's), and BullMQ would take the new job for the old one; the instant keeps them apart.
 */
export function jobIdStamp(instant: string): string {
  return instant.replace(/[-:.]/g, '');
}

/** Writes the jobs of one transition as one outbox row, in the caller's transaction. */
export async function writeOutbox(db: Executor, jobs: OutboxJob[], now: string): Promise<void> {
  if (jobs.length === 0) return;
  await db('outbox').insert({ jobs: toJson(jobs), created_at: now });
}

/** Every job in the outbox, oldest first, with its row and whether it was delivered. */
export async function outboxJobs(db: Executor): Promise<Array<OutboxJob & { outboxId: number; deliveredAt: string | null }>> {
  const rows = await db('outbox').orderBy('id').select('id', 'jobs', 'delivered_at');
  return rows.flatMap((row) => json<OutboxJob[]>(row.jobs).map((job) => ({ ...job, outboxId: row.id as number, deliveredAt: iso(row.delivered_at) })));
}

/**
 * What changes between two sets of live jobs: remove what is no longer live, add what is new. Job ids
 * are derived from what the job is about (the step and its due instant…), so a job that stays live
 * keeps its id and is neither removed nor added again.
 */
export function diffJobs(before: AddJob[], after: AddJob[]): OutboxJob[] {
  const kept = new Set(after.map((j) => j.jobId));
  const had = new Set(before.map((j) => j.jobId));
  return [
    ...before.filter((j) => !kept.has(j.jobId)).map((j): RemoveJob => ({ action: 'remove', queue: j.queue, jobId: j.jobId })),
    ...after.filter((j) => !had.has(j.jobId)),
  ];
}
