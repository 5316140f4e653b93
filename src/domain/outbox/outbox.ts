import type { Executor } from '../../db/db.ts';
import { toJson } from '../../lib/rows.ts';

/** A job a transition implies, written in the transition's DB transaction and relayed to BullMQ after commit. */
export interface OutboxJob {
  queue: 'deadlines' | 'notifications';
  name: string;
  /** Deterministic BullMQ job id (no ':' — BullMQ reserves it). */
  jobId: string;
  payload: Record<string, unknown>;
  /** When the job should run; null for now. */
  runAt: string | null;
}

export async function writeOutbox(db: Executor, jobs: OutboxJob[], now: string): Promise<void> {
  if (jobs.length === 0) return;
  await db('outbox').insert(
    jobs.map((job) => ({
      queue: job.queue,
      job_name: job.name,
      job_id: job.jobId,
      payload: toJson(job.payload),
      run_at: job.runAt,
      created_at: now,
    })),
  );
}
