import type { Principal } from '../auth/principal.ts';

/** What every page needs to draw its frame: who is looking, the forms' token, where they are. */
export interface PageContext {
  principal: Principal | null;
  /** The anti-forgery token every form of the page carries (csrf.ts). */
  csrf: string;
  /** The session's token, for the logout form of the header (a public page's own forms use `csrf`). */
  sessionCsrf: string;
  /** The path of the request, to mark the current item of the navigation. */
  path: string;
  now: Date;
  requestId?: string;
  /** The Centre that receives dossiers and returns results (IDESK_SERVICE_CENTRE_NAME), as the portal names it. */
  serviceCentreName?: string;
}

/** The Centre's name for a page's text (the configured one, else the generic name). */
export function centreName(page: PageContext): string {
  return page.serviceCentreName ?? 'Trung tâm Phục vụ hành chính công tỉnh';
}
