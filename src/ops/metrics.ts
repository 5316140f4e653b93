import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Job states whose counts are exported per queue. */
export const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Where the gauges read their values, at scrape time. */
export interface MetricSources {
  /** Job counts per queue and state; absent when the process runs without queues. */
  queueCounts?: () => Promise<Record<string, Record<QueueState, number>>>;
  /**
   * Dossiers whose step or appointment has passed while the agency holds them, per department code.
   * Computed in the background at most every `overdueRefreshMs`, never per scrape (issue 6 §4).
   */
  overdueByDepartment: () => Promise<Array<{ department: string; count: number }>>;
  /** How old the overdue counts may get before a scrape starts a new count; 30 s by default. */
  overdueRefreshMs?: number;
  /** When the newest successful backup finished; null when there is none. */
  lastBackupFinishedAt: () => Promise<Date | null>;
  now: () => Date;
  /**
   * Whether notifications are e-mailed (SMTP_URL set): 0 says why the `notifications` queue has no
   * worker and stays empty (src/domain/notifications/email-transport.ts). Absent: the gauge is left out.
   */
  emailConfigured?: boolean;
  /** Told when a source fails; its gauge is then left out of that scrape rather than failing it. */
  onSourceError?: (metric: string, err: unknown) => void;
}

/** A transition that committed, as the dossier service reports it (DossierDeps.onTransition). */
export interface TransitionNotice {
  type: string;
  from: string | null;
  to: string;
}

/** How long a scrape waits for one source (a stalled Redis must not hang Prometheus). */
const SOURCE_TIMEOUT_MS = 2_000;

// Process metrics (CPU, memory, event loop, GC) describe the process, not an app: collected once per
// process into their own registry and merged into each app's registry.
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${SOURCE_TIMEOUT_MS} ms`)), SOURCE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A value computed in the background at most every `everyMs` (by the `now` clock; a clock set back
 * counts as elapsed time too): a read answers the last value at once and, when it is older, starts one
 * new computation without waiting for it. Only the very first read waits, for the first value.
 */
export class BackgroundValue<T> {
  private value: T | undefined;
  private startedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly compute: () => Promise<T>,
    private readonly everyMs: number,
    private readonly now: () => Date,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** The last value; starts a refresh when it is stale. @throws when no value was ever computed. */
  async read(): Promise<T> {
    if (Math.abs(this.now().getTime() - this.startedAt) >= this.everyMs && !this.inflight) this.refresh();
    if (this.value === undefined) await this.inflight;
    if (this.value === undefined) throw new Error('not computed yet');
    return this.value;
  }

  /** Resolves when the refresh in flight, if any, has ended. */
  settled(): Promise<void> {
    return this.inflight ?? Promise.resolve();
  }

  private refresh(): void {
    this.startedAt = this.now().getTime();
    this.inflight = this.compute()
      .then(
        (value) => {
          this.value = value;
        },
        (err) => this.onError(err),
      )
      .finally(() => {
        this.inflight = null;
      });
  }
}

/**
 * The Prometheus metrics of one API process, in a registry of their own: HTTP latency, dossier
 * transitions, gauges read at scrape time (queue depths, last backup age) and the overdue dossiers,
 * counted in the background (a count over the open dossiers is too long to run per scrape at a million).
 */
export class Metrics {
  readonly registry: Registry;
  private readonly overdue: BackgroundValue<Array<{ department: string; count: number }>>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly transitions: Counter<'event' | 'state'>;

  constructor(sources: MetricSources) {
    const own = new Registry();
    const failed = (metric: string, err: unknown) => sources.onSourceError?.(metric, err);
    const overdue = new BackgroundValue(sources.overdueByDepartment, sources.overdueRefreshMs ?? 30_000, sources.now, (err) => failed('idesk_dossiers_overdue', err));
    this.overdue = overdue;
    this.httpDuration = new Histogram({
      name: 'idesk_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [own],
    });
    this.transitions = new Counter({
      name: 'idesk_dossier_transitions_total',
      help: 'Committed dossier transitions by event type and resulting state',
      labelNames: ['event', 'state'],
      registers: [own],
    });
    new Gauge({
      name: 'idesk_queue_jobs',
      help: 'BullMQ jobs per queue and state, read at scrape time',
      labelNames: ['queue', 'state'],
      registers: [own],
      async collect() {
        this.reset();
        if (!sources.queueCounts) return;
        try {
          const counts = await withTimeout(sources.queueCounts(), 'queue counts');
          for (const [queue, byState] of Object.entries(counts)) {
            for (const state of QUEUE_STATES) this.set({ queue, state }, byState[state]);
          }
        } catch (err) {
          failed('idesk_queue_jobs', err);
        }
      },
    });
    if (sources.emailConfigured !== undefined) {
      const gauge = new Gauge({
        name: 'idesk_email_transport_configured',
        help: 'Whether notifications are e-mailed (1: SMTP_URL is set); 0: no e-mail job is queued and the notifications queue has no worker',
        registers: [own],
      });
      gauge.set(sources.emailConfigured ? 1 : 0);
    }
    new Gauge({
      name: 'idesk_dossiers_overdue',
      help: 'Dossiers whose step or appointment has passed while the agency holds them, per department',
      labelNames: ['department'],
      registers: [own],
      async collect() {
        this.reset();
        try {
          for (const { department, count } of await withTimeout(overdue.read(), 'overdue counts')) this.set({ department }, count);
        } catch (err) {
          failed('idesk_dossiers_overdue', err);
        }
      },
    });
    new Gauge({
      name: 'idesk_backup_last_success_age_seconds',
      help: 'Seconds since the newest successful backup finished; -1 when there is none',
      registers: [own],
      async collect() {
        this.reset();
        try {
          const at = await withTimeout(sources.lastBackupFinishedAt(), 'last backup');
          this.set(at ? Math.max(0, (sources.now().getTime() - at.getTime()) / 1000) : -1);
        } catch (err) {
          failed('idesk_backup_last_success_age_seconds', err);
        }
      },
    });
    this.registry = Registry.merge([processMetrics(), own]);
  }

  /** Records one answered HTTP request; `route` is the matched pattern, never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** Counts a committed transition. Never throws: a metric must not fail a request that already committed. */
  onTransition = (e: TransitionNotice): void => {
    try {
      this.transitions.inc({ event: e.type, state: e.to });
    } catch {
      // Nothing to do: the transition is committed and the counter is best effort.
    }
  };

  /** Resolves when a background count of the overdue dossiers in flight has ended (for tests). */
  overdueSettled(): Promise<void> {
    return this.overdue.settled();
  }

  /** The exposition text, with its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
