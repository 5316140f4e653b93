import type { Db } from '../../db/db.ts';
import type { CalendarProvider } from '../calendar/calendar.service.ts';
import type { MachineRegistry } from '../workflow/machine-registry.ts';
import type { TransitionNotice } from '../workflow/fire-event.ts';

/** What the dossier use-cases are built from. */
export interface DossierDeps {
  db: Db;
  calendar: CalendarProvider;
  machines: MachineRegistry;
  clock: () => Date;
  /** `supplementWaitDays`: working days an applicant has to supplement before the system stops the dossier. */
  settings: {
    agencyId: string;
    agencyName: string;
    province: string | null;
    serviceCentreName: string;
    systemCode: string;
    supplementWaitDays: number;
    reminderWorkingDays: number;
  };
  /** Told of each transition once it has committed (metrics); `from` is null for a dossier's creation. */
  onTransition?(notice: TransitionNotice): void;
}
