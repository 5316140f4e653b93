import type { AnyRouteDef } from '../route.ts';
import { apiTokenRoutes } from './api-tokens/api-tokens.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { backupRoutes } from './backups/backups.routes.ts';
import { calendarRoutes } from './calendar/calendar.routes.ts';
import { departmentRoutes } from './departments/departments.routes.ts';
import { documentRoutes } from './documents/documents.routes.ts';
import { documentSearchRoutes } from './documents/search.routes.ts';
import { registerRoutes } from './documents/registers.routes.ts';
import { dossierRoutes } from './dossiers/dossiers.routes.ts';
import { paperRoutes } from './dossiers/papers.routes.ts';
import { notificationRoutes } from './notifications/notifications.routes.ts';
import { catalogueRoutes } from './procedures/catalogue.routes.ts';
import { procedureRoutes } from './procedures/procedures.routes.ts';
import { publicRoutes } from './public/public.routes.ts';
import { systemRoutes } from './system/system.routes.ts';
import { userRoutes } from './users/users.routes.ts';

/** Every route of the API, in the order the OpenAPI document lists them. */
export const routes: AnyRouteDef[] = [
  ...authRoutes,
  ...departmentRoutes,
  ...userRoutes,
  ...apiTokenRoutes,
  // Before procedureRoutes: /api/procedures/export is not /api/procedures/:id.
  ...catalogueRoutes,
  ...procedureRoutes,
  ...dossierRoutes,
  ...paperRoutes,
  ...documentRoutes,
  ...documentSearchRoutes,
  ...registerRoutes,
  ...notificationRoutes,
  ...publicRoutes,
  ...calendarRoutes,
  ...systemRoutes,
  ...backupRoutes,
];
