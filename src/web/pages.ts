import type { Router } from '@koa/router';
import type { AppDeps } from '../api/deps.ts';
import { adminPages } from './admin/admin.pages.tsx';
import { authPages } from './auth/auth.pages.tsx';
import { counterPages } from './counter/counter.pages.tsx';
import { printPages } from './counter/print.pages.tsx';
import { counterProcedurePages } from './counter/procedure-search.pages.tsx';
import { documentDetailPages } from './documents/document-detail.pages.tsx';
import { dossierPages } from './dossiers/dossier.pages.tsx';
import { documentRegisterPages } from './documents/registers.pages.tsx';
import { mountPage, pageShowing, type AnyPageDef } from './page.ts';
import { portalPages } from './portal/portal.pages.tsx';
import { mountStatic } from './static.ts';
import { workspacePages } from './workspace/workspace.pages.tsx';

/** Every page, by area; the counter, portal and admin areas add their lists here. */
export const pages: AnyPageDef[] = [...authPages, ...workspacePages, ...dossierPages, ...counterPages, ...counterProcedurePages, ...printPages, ...adminPages, ...portalPages, ...documentRegisterPages, ...documentDetailPages];

/** Mounts the static files and every page on the app's router. */
export function mountWeb(router: Router, deps: AppDeps): void {
  mountStatic(router);
  const showAt = pageShowing(pages.filter((p) => p.method === 'get').map((p) => p.path));
  for (const page of pages) mountPage(router, deps, page, showAt);
}
