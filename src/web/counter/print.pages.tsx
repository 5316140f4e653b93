import { Type } from '@sinclair/typebox';
import { dossierDeps } from '../../api/deps.ts';
import { Id } from '../../api/schemas/common.ts';
import { DOSSIER_ROLES } from '../../auth/policies/dossier.policy.ts';
import { isTrackingSecret } from '../../domain/dossiers/applicant-access.ts';
import { DOSSIER_FORMS, dossierForm, type DossierFormName } from '../../domain/dossiers/dossier-forms.ts';
import { definePage } from '../page.ts';
import { FormSlip, FreshReceiptNotice, NoPublicUrlNotice, PrintPage } from './print.views.tsx';
import { receiptSecretOf } from './receipt-secret.ts';

const FormParams = Type.Object({ id: Id, form: Type.Union(Object.keys(DOSSIER_FORMS).map((f) => Type.Literal(f))) }, { additionalProperties: false });

/** The portal's tracking page for a dossier: its code only; the citizen types the secret there. */
export function trackingUrlOf(base: string, code: string): string {
  return `${base}/tra-cuu?${new URLSearchParams({ ma: code }).toString()}`;
}

export const printPages = [
  definePage({
    method: 'get',
    path: '/dossiers/:id/forms/:form',
    auth: DOSSIER_ROLES,
    params: FormParams,
    handler: async ({ params, principal, page, deps, ctx }) => {
      // The same form the API produces (GET /api/dossiers/:id/forms/:form), drawn as an A4 slip.
      const form = await dossierForm(dossierDeps(deps), principal, params.id, params.form as DossierFormName);
      let secret: string | null = null;
      if (form.form === 'receipt') {
        const handed = receiptSecretOf(ctx, params.id);
        // Pages are sent with no-store and no-referrer (security-headers.ts): the secret stays on this page.
        if (handed && (await isTrackingSecret(dossierDeps(deps), form.dossierCode, handed))) secret = handed;
      }
      // Only the configured address: the request's Host (or X-Forwarded-Host) is whatever the client
      // sent, and a receipt must not carry a link someone else chose to the page that asks for the secret.
      const trackingUrl = deps.config.publicUrl ? trackingUrlOf(deps.config.publicUrl, form.dossierCode) : null;
      const notices = [
        secret ? FreshReceiptNotice({ code: form.dossierCode, form: form.form }) : null,
        form.form === 'receipt' && trackingUrl === null ? NoPublicUrlNotice({}) : null,
      ].filter((n) => n !== null);
      return {
        view: PrintPage({
          page,
          title: `${form.title} — ${form.dossierCode}`,
          back: { href: `/dossiers/${params.id}`, label: `Hồ sơ ${form.dossierCode}` },
          notice: notices.length > 0 ? notices : undefined,
          children: FormSlip({ form, trackingUrl, secret }),
        }),
      };
    },
  }),
];
