/** What the list benchmark's build and run share: the file, the people, which dossiers stay open. */
import { loadConfig } from '../../src/config.ts';

export const ADMIN_PASSWORD = 'Quan-tri-bench-2026';

/** The settings the builder and the measured server share: the bench's SQLite file, quiet, production. */
export function benchConfig(file: string) {
  return loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `sqlite:${file}`,
    DATA_DIR: `${file}.d`,
    IDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    IDESK_AGENCY_ID: 'H37.26',
    // The list threads: the default (one on SQLite) unless the run names a number (0: the main thread reads).
    IDESK_READ_THREADS: process.env.IDESK_READ_THREADS ?? '',
  });
}
/** Intakes are spread over the 300 days before the build. */
export const SPAN_MS = 300 * 24 * 3600 * 1000;

export const DEPARTMENTS = [
  { code: 'QLTM', name: 'Phòng Quản lý Thương mại' },
  { code: 'QLCN', name: 'Phòng Quản lý Công nghiệp' },
  { code: 'KHTC', name: 'Phòng Kế hoạch – Tài chính' },
] as const;

export interface BenchMeta {
  size: number;
  /** How many were created through the domain functions; the rest are copies of their rows. */
  domain: number;
  startMs: number;
  /** Dossiers created so far (the build resumes from here). */
  built: number;
  users: Array<{ username: string; id: number; roles: string[]; departmentId: number | null }>;
  procedures: number[];
}

export const passwordOf = (_username: string) => 'Mat-khau-bench-2026!';

export function benchFile(size: number): string {
  return `/work/bench-data/lists-${size}.sqlite`;
}

/**
 * Where dossier i ends up: 94 % are finished (stopped, a few after assignment), 6 % stay open — online
 * submissions at the one-stop check, received dossiers without or with an assignee, verified ones at the
 * lead's review. Open dossiers older than their step's 10 working days are overdue when measured.
 */
export function kindOf(i: number): 'online' | 'review' | 'assigned' | 'verified' | 'stopped' | 'assignedStopped' {
  const r = i % 100;
  if (r < 2) return 'online';
  if (r < 4) return 'review';
  if (r < 5) return 'assigned';
  if (r < 6) return 'verified';
  if (r < 10) return 'assignedStopped';
  return 'stopped';
}

export function option(name: string, fallback: string): string {
  const flag = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (flag) return flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : '1';
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
}
