import type { Db } from '../../db/db.ts';
import type { CalendarProvider } from '../calendar/calendar.service.ts';
import type { PaperFileStore } from '../dossiers/dossier-deps.ts';
import type { MachineRegistry } from '../workflow/machine-registry.ts';
import type { TransitionNotice } from '../workflow/fire-event.ts';

/** What the document use-cases are built from. */
export interface DocumentDeps {
  db: Db;
  /** Where scans live (the content-addressed store of src/files). */
  files: PaperFileStore;
  calendar: CalendarProvider;
  machines: MachineRegistry;
  clock: () => Date;
  settings: {
    /** The Sở's abbreviation in the symbols it issues (`SCT`). */
    agencyAbbreviation: string;
    /** The Sở's name: the issuer of the incoming copies its own departments receive. */
    agencyName: string;
    /** Working days before a handling deadline that the reminder fires. */
    reminderWorkingDays: number;
  };
  /** Whether notifications are also e-mailed (SMTP configured). */
  email: boolean;
  onTransition?(notice: TransitionNotice): void;
}
