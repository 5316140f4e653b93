/**
 * Deadlines by subject (DESIGN §8): a deadline job names the record it is about (`subject` is the
 * aggregate's stream type, `id` its row) and the facts it was planned from; each subject has one handler
 * per job name and a sweep that finds from the database what lost or late jobs would have done.
 */

/** What a handler did: acted, or found the record moved on (the job was stale). */
export type DeadlineResult = 'done' | 'stale';

/** The payload of a deadline job. */
export interface DeadlineJob {
  subject: string;
  id: number;
  step?: string;
  dueAt?: string;
  requestedAt?: string;
}

/** A job whose payload lacks what its handler needs, or that no handler knows: it can never succeed. */
export class UnhandledDeadlineJobError extends Error {}

/** How many records one sweep handled, by kind of mark, and whether it stopped at its bound with work left. */
export interface SweepOutcome {
  counts: Record<string, number>;
  more: boolean;
}

export interface SubjectDeadlines<D> {
  /** One handler per job name; each re-reads the record and acts only if it is still where the job expected. */
  handlers: Record<string, (deps: D, job: DeadlineJob) => Promise<DeadlineResult>>;
  /** At most `limit` records per kind of mark, oldest first. */
  sweep(deps: D, limit: number, onError: (id: number, err: unknown) => void): Promise<SweepOutcome>;
}

/**
 * Runs one deadline job with its subject's handler.
 * @throws UnhandledDeadlineJobError for an unknown subject or job name, or a payload without an id.
 */
export function dispatchDeadlineJob<D>(subjects: Record<string, SubjectDeadlines<D>>, name: string, job: Partial<DeadlineJob>, deps: D): Promise<DeadlineResult> {
  if (typeof job.subject !== 'string' || !Object.hasOwn(subjects, job.subject)) throw new UnhandledDeadlineJobError(`${name} job about an unknown subject ${JSON.stringify(job.subject)}`);
  if (!Number.isSafeInteger(job.id)) throw new UnhandledDeadlineJobError(`${name} job without id`);
  const handlers = (subjects[job.subject] as SubjectDeadlines<D>).handlers;
  if (!Object.hasOwn(handlers, name)) throw new UnhandledDeadlineJobError(`no handler for ${job.subject} deadline job ${name}`);
  return (handlers[name] as SubjectDeadlines<D>['handlers'][string])(deps, job as DeadlineJob);
}

/**
 * Sweeps every subject, again and again while a sweep stopped at its bound with work left, within a
 * time budget: a backlog (jobs lost with a Redis) is worked off in one run, not a batch every few minutes.
 */
export async function sweepAll<D>(
  subjects: Record<string, SubjectDeadlines<D>>,
  deps: D,
  options: { limit: number; budgetMs: number; now?: () => number; onError: (subject: string, id: number, err: unknown) => void },
): Promise<Record<string, Record<string, number>>> {
  const now = options.now ?? Date.now;
  const started = now();
  const totals: Record<string, Record<string, number>> = {};
  for (const [subject, deadlines] of Object.entries(subjects)) {
    const total: Record<string, number> = (totals[subject] = {});
    for (;;) {
      const { counts, more } = await deadlines.sweep(deps, options.limit, (id, err) => options.onError(subject, id, err));
      for (const [kind, n] of Object.entries(counts)) total[kind] = (total[kind] ?? 0) + n;
      if (!more || now() - started > options.budgetMs) break;
    }
  }
  return totals;
}
