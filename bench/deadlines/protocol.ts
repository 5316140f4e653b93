/** Messages between the benchmark (parent) and its worker process. */
export interface WorkerReady {
  kind: 'ready';
}

/** Every due job the worker ran: lateness in ms (start of the processor − due instant). */
export interface WorkerDone {
  kind: 'done';
  lateness: number[];
  /** Jobs the worker saw that were not due jobs of this run (must be 0: the backlog never comes due). */
  strays: number;
}

export type WorkerMessage = WorkerReady | WorkerDone;

/** What each job carries: the instant it is due, in ms since the epoch. */
export interface BenchJobData {
  dueAt: number;
  /** Padding like a real deadline job's payload (dossier id, step, ISO instant). */
  dossierId: number;
  step: string;
}
