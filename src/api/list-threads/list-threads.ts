import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Principal } from '../../auth/principal.ts';
import type { Config } from '../../config.ts';
import type { DossierFilter, DossierPage } from '../../domain/dossiers/dossier.service.ts';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { ListAnswer, ListRequest } from './list-thread.ts';

/** The file URL of tsx's ESM API (`tsImport`), found through its package's exports like an import would. */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(manifest), pkg.exports['./esm/api']!.import.default)).href;
}

/** The domain errors a list raises, rebuilt on this side so that routes and pages handle them as usual. */
const ERRORS: Record<string, new (code: string, message: string, details?: unknown) => DomainError> = {
  ValidationError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
};

interface Pending {
  request: ListRequest;
  resolve: (page: DossierPage) => void;
  reject: (err: Error) => void;
}

/**
 * Threads that answer the dossier lists on the embedded SQLite database (IDESK_READ_THREADS).
 *
 * Why: better-sqlite3 is synchronous and a list costs a few milliseconds of reading and presenting; on
 * the main thread, eight clients reading lists made a transition wait behind all of them (issue 6 §4:
 * a transition's latency must not change while lists are read). Here each thread reads on its own
 * read-only connection (WAL: readers and the writer never wait for each other, and a read that starts
 * after a commit sees it) and runs the same domain function, `listDossiers`.
 *
 * Each thread takes one request at a time from its own queue; a request goes to the thread with the
 * shortest queue. A thread that dies fails the requests it held (a 500, like any bug) and is started
 * again for the next one.
 */
export class ListThreads {
  private readonly threads: Array<{ worker: Worker | null; queue: Pending[] }>;
  private nextId = 1;
  private closed = false;
  private readonly readyWorkers = new WeakSet<Worker>();

  constructor(
    private readonly config: Readonly<Config>,
    private readonly logger: Logger,
    size: number,
  ) {
    this.threads = Array.from({ length: size }, () => ({ worker: null, queue: [] }));
  }

  list(principal: Principal, filter: DossierFilter, now: Date): Promise<DossierPage> {
    if (this.closed) return Promise.reject(new Error('the list threads are closed'));
    const thread = this.threads.reduce((a, b) => (b.queue.length < a.queue.length ? b : a));
    return new Promise<DossierPage>((resolve, reject) => {
      // Plain data across the boundary: the principal and filter are cloned, never shared.
      const request: ListRequest = { id: this.nextId++, principal: { ...principal }, filter: { ...filter }, now: now.toISOString() };
      thread.queue.push({ request, resolve, reject });
      if (thread.queue.length === 1) this.send(thread);
    });
  }

  /** Starts the threads now rather than at the first list (loading the domain's modules takes a second or so). */
  warm(): void {
    if (this.closed) return;
    for (const thread of this.threads) thread.worker ??= this.start(thread);
  }

  /**
   * Starts the threads and resolves once each has loaded its modules and opened its connection (its
   * `ready` message), or has failed (then its first list starts it again): for a server to await before
   * it listens, so that the first list does not wait for a thread's start.
   * @returns how many threads are ready.
   */
  async ready(): Promise<number> {
    this.warm();
    await Promise.all(
      this.threads.map(
        (t) =>
          new Promise<void>((resolve) => {
            const worker = t.worker;
            if (!worker || this.readyWorkers.has(worker)) return resolve();
            const done = () => {
              worker.off('message', onMessage);
              resolve();
            };
            const onMessage = (m: unknown) => {
              if ((m as { ready?: boolean }).ready) done();
            };
            worker.on('message', onMessage);
            worker.once('error', done);
            worker.once('exit', done);
          }),
      ),
    );
    return this.threads.filter((t) => t.worker && this.readyWorkers.has(t.worker)).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.threads.map(async (t) => {
        const worker = t.worker;
        t.worker = null;
        for (const p of t.queue.splice(0)) p.reject(new Error('the list threads are closed'));
        await worker?.terminate();
      }),
    );
  }

  private send(thread: { worker: Worker | null; queue: Pending[] }): void {
    const head = thread.queue[0];
    if (!head) return;
    thread.worker ??= this.start(thread);
    thread.worker.postMessage(head.request);
  }

  private start(thread: { worker: Worker | null; queue: Pending[] }): Worker {
    // The thread's module is TypeScript like the rest: loaded through tsx's API, which works the same
    // under `tsx` (npm start) and under the test runner.
    const tsx = tsxEsmApi();
    const entry = new URL('./list-thread.ts', import.meta.url).href;
    const worker = new Worker(`import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`, {
      eval: true,
      workerData: { config: this.config },
    });
    worker.on('message', (message: ListAnswer | { ready: true }) => {
      if ('ready' in message) {
        this.readyWorkers.add(worker);
        return;
      }
      const head = thread.queue[0];
      if (!head || head.request.id !== message.id) return;
      thread.queue.shift();
      if (message.ok) head.resolve(message.page as DossierPage);
      else {
        const Known = message.error ? ERRORS[message.error.name] : undefined;
        head.reject(Known && message.error ? new Known(message.error.code, message.error.message, message.error.details) : new Error(`a list thread failed: ${message.message}`));
      }
      this.send(thread);
    });
    const fail = (err: Error) => {
      if (thread.worker !== worker) return;
      thread.worker = null;
      if (this.closed) return;
      this.logger.error({ err }, 'a list thread stopped; the lists it held failed, and it is started again');
      for (const p of thread.queue.splice(0)) p.reject(new Error(`a list thread stopped: ${err.message}`));
    };
    // A thread never keeps a process alive by itself: the server's socket does, and a command that
    // bootstrapped without serving exits as before.
    worker.unref();
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    return worker;
  }
}
