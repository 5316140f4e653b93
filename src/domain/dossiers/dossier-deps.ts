import type { Readable } from 'node:stream';
import type { Db } from '../../db/db.ts';
import type { CalendarProvider } from '../calendar/calendar.service.ts';
import type { MachineRegistry } from '../workflow/machine-registry.ts';
import type { TransitionNotice } from '../workflow/fire-event.ts';

/** A file written to the store's tmp folder, hashed, not yet under its real name. */
export interface TempFile {
  path: string;
  sha256: string;
  size: number;
}

/** The content-addressed file store as the papers service uses it (src/files/file-store.ts is the one). */
export interface PaperFileStore {
  /** Puts a temporary file under its digest (the same content stored once). */
  promote(temp: TempFile): Promise<boolean>;
  /** Removes a temporary file. */
  discard(temp: TempFile): Promise<void>;
  /** A stored file's bytes. */
  open(sha256: string): Promise<{ stream: Readable; size: number }>;
}

/** What the dossier use-cases are built from. */
export interface DossierDeps {
  db: Db;
  /** Where papers' bytes live. */
  files: PaperFileStore;
  calendar: CalendarProvider;
  machines: MachineRegistry;
  clock: () => Date;
  /** `supplementWaitDays`: working days an applicant has to supplement before the system stops the dossier. */
  settings: {
    agencyId: string;
    agencyName: string;
    province: string | null;
    serviceCentreName: string;
    /** The body the Centre belongs to, above it in a form's header (Ủy ban nhân dân tỉnh …). */
    governingBodyName: string;
    systemCode: string;
    supplementWaitDays: number;
    reminderWorkingDays: number;
  };
  /** The channels the applicant is notified on (applicant-notices.ts); none when absent. */
  applicantNotices?: { email: boolean; sms: boolean };
  /** Told of each transition once it has committed (metrics); `from` is null for a dossier's creation. */
  onTransition?(notice: TransitionNotice): void;
}
