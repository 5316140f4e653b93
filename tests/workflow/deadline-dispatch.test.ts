import { describe, expect, it } from 'vitest';
import { dispatchDeadlineJob, sweepAll, UnhandledDeadlineJobError, type DeadlineJob, type SubjectDeadlines } from '../../src/domain/workflow/deadlines.ts';

/** Deadline jobs by subject: dispatch on the job's subject and name; sweeps that go on while work remains. */
describe('deadline jobs by subject', () => {
  const seen: Array<[string, DeadlineJob]> = [];
  const subjects: Record<string, SubjectDeadlines<null>> = {
    ticket: { handlers: { due: async (_d, job) => (seen.push(['ticket', job]), 'done') }, sweep: async () => ({ counts: {}, more: false }) },
    memo: { handlers: { due: async (_d, job) => (seen.push(['memo', job]), 'stale') }, sweep: async () => ({ counts: {}, more: false }) },
  };

  it('runs the handler of the job’s subject and name', async () => {
    expect(await dispatchDeadlineJob(subjects, 'due', { subject: 'memo', id: 4, dueAt: '2026-03-02T02:00:00.000Z' }, null)).toBe('stale');
    expect(await dispatchDeadlineJob(subjects, 'due', { subject: 'ticket', id: 9 }, null)).toBe('done');
    expect(seen).toEqual([
      ['memo', { subject: 'memo', id: 4, dueAt: '2026-03-02T02:00:00.000Z' }],
      ['ticket', { subject: 'ticket', id: 9 }],
    ]);
  });

  it('refuses an unknown subject or name, an inherited key, and a job without an id, as never able to succeed', () => {
    expect(() => dispatchDeadlineJob(subjects, 'due', { subject: 'nobody', id: 1 }, null)).toThrow(UnhandledDeadlineJobError);
    expect(() => dispatchDeadlineJob(subjects, 'toString', { subject: 'ticket', id: 1 }, null)).toThrow(UnhandledDeadlineJobError);
    expect(() => dispatchDeadlineJob(subjects, 'due', { subject: 'constructor', id: 1 }, null)).toThrow(UnhandledDeadlineJobError);
    expect(() => dispatchDeadlineJob(subjects, 'due', { subject: 'ticket' }, null)).toThrow(UnhandledDeadlineJobError);
  });
});

describe('sweeping every subject', () => {
  /** A subject with a backlog that its sweep works off `limit` at a time. */
  function backlog(size: number): SubjectDeadlines<null> & { left: () => number } {
    let left = size;
    return {
      handlers: {},
      left: () => left,
      sweep: async (_d, limit) => {
        const n = Math.min(limit, left);
        left -= n;
        return { counts: { marked: n }, more: n === limit };
      },
    };
  }

  it('goes on while a sweep stopped at its bound, so a backlog is worked off in one run', async () => {
    const a = backlog(1234);
    const b = backlog(3);
    const totals = await sweepAll({ a, b }, null, { limit: 100, budgetMs: 60_000, onError: () => {} });
    expect(totals).toEqual({ a: { marked: 1234 }, b: { marked: 3 } });
    expect(a.left()).toBe(0);
  });

  it('stops at its time budget and leaves the rest for the next run', async () => {
    const a = backlog(1000);
    let t = 0;
    const totals = await sweepAll({ a }, null, { limit: 100, budgetMs: 250, now: () => (t += 100), onError: () => {} });
    expect(totals.a?.marked).toBeLessThan(1000);
    expect(a.left()).toBeGreaterThan(0);
  });
});
