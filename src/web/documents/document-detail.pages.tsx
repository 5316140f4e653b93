import { Type } from '@sinclair/typebox';
import { documentDeps, type AppDeps } from '../../api/deps.ts';
import { Id, IdParams } from '../../api/schemas/common.ts';
import { userActor } from '../../auth/actor.ts';
import type { Principal } from '../../auth/principal.ts';
import { listDepartments } from '../../domain/accounts/departments.service.ts';
import { listUsers } from '../../domain/accounts/users.service.ts';
import { attachDocumentFiles, openDocumentFile } from '../../domain/documents/document-files.ts';
import { searchDocuments } from '../../domain/documents/document-search.ts';
import { fireDocumentEvent, getDocument } from '../../domain/documents/document.service.ts';
import { ConflictError, DomainError, ForbiddenError, InvalidTransitionError, NotFoundError, RuleViolationError, ValidationError } from '../../domain/errors.ts';
import { contentDisposition } from '../../files/file-name.ts';
import type { Option } from '../components/field.tsx';
import { uploadRefusal } from '../counter/upload-refusal.ts';
import { FlowDiagram } from '../flow/flow-diagram.tsx';
import { prepareFlowLayout } from '../flow/flow-layout.ts';
import { FlowSummary } from '../flow/flow-summary.tsx';
import { formatDateTime } from '../format.ts';
import { Layout } from '../layout.tsx';
import { discardFiles, readMultipartForm } from '../multipart-form.ts';
import { definePage, type PageResult } from '../page.ts';
import type { PageContext } from '../page-context.ts';
import { DocumentDetailView, type DocumentDetailProps, type SignedUploadFailure } from './document-detail.views.tsx';
import { documentBodyFromForm, documentFormErrors, validateDocumentBody } from './document-event-forms.ts';
import { documentActionLabel, documentStateLabel } from './document-labels.ts';

/** Issued outgoing documents an ANSWER form lists: the newest ones the viewer may see, bounded. */
const ANSWER_CHOICES = 50;

/** Media types a browser shows itself: opened in the tab rather than downloaded. */
const INLINE_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** What each event's form needs to offer, loaded only when that form is shown. */
async function choicesFor(deps: AppDeps, principal: Principal, allowed: string[]): Promise<Pick<DocumentDetailProps, 'departments' | 'staff' | 'replies'>> {
  const departments = allowed.includes('DIRECT') ? (await listDepartments(deps.db)).map((d) => ({ value: String(d.id), label: d.name })) : [];
  let staff: Option[] = [];
  if (allowed.includes('FORWARD') && principal.departmentId !== null) {
    // Điều 6.3: the lead forwards to a member of their own department.
    const members = await listUsers(deps.db, { departmentId: principal.departmentId, disabled: false, pageSize: 100 });
    staff = members.items.filter((u) => u.id !== principal.userId).map((u) => ({ value: String(u.id), label: u.fullName }));
  }
  let replies: Option[] = [];
  if (allowed.includes('ANSWER')) {
    const found = await searchDocuments(deps.db, userActor(principal), { direction: 'outgoing', state: 'issued', page: 1, pageSize: ANSWER_CHOICES });
    replies = [...found.items]
      .sort((a, b) => (b.issuedAt ?? '').localeCompare(a.issuedAt ?? '') || b.id - a.id)
      .map((d) => ({ value: String(d.id), label: `${d.symbol ?? `mã ${d.id}`} — ${d.summary.length > 80 ? `${d.summary.slice(0, 80)}…` : d.summary}` }));
  }
  return { departments, staff, replies };
}

/**
 * The documents linked as replies (Điều 7), named as a clerk cites them: the reply by its number and
 * symbol, the answered document by its arrival number and the issuer's symbol. One the viewer may not
 * see keeps its bare link (the document's page then refuses it).
 */
async function linkedNames(deps: AppDeps, principal: Principal, ids: number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const id of ids) {
    try {
      const d = await getDocument(documentDeps(deps), principal, id);
      const ref = d.direction === 'outgoing' ? `Văn bản đi ${d.symbol ?? `mã ${d.id}`}` : `Văn bản đến số ${d.number ?? ''}/${d.registerYear ?? ''}${d.sourceSymbol ? ` (${d.sourceSymbol})` : ''}`;
      names.set(id, `${ref} — ${d.summary}`);
    } catch (err) {
      if (!(err instanceof NotFoundError) && !(err instanceof ForbiddenError)) throw err;
    }
  }
  return names;
}

async function detail(deps: AppDeps, principal: Principal, page: PageContext, id: number, extra: Pick<DocumentDetailProps, 'notice' | 'failed' | 'uploadFailure'> = {}) {
  const doc = await getDocument(documentDeps(deps), principal, id);
  const choices = await choicesFor(deps, principal, doc.allowedEvents);
  // The clerk attaches the signed scan once the document is signed, before issuing it (Decree 30/2020 Art. 16).
  const mayUploadSigned = doc.direction === 'outgoing' && doc.state === 'awaitingIssue' && principal.roles.includes('clerk');
  const draftingDepartment =
    doc.draftingDepartmentId === null ? null : ((await listDepartments(deps.db)).find((dep) => dep.id === doc.draftingDepartmentId)?.name ?? null);
  await prepareFlowLayout(doc.machine.id, doc.machine.version);
  const flow = <FlowSummary machineId={doc.machine.id} version={doc.machine.version} currentState={doc.state} taken={doc.timeline ?? []} fullHref={`/van-ban/${doc.id}/so-do`} />;
  return DocumentDetailView({ page, doc: { ...doc, timeline: doc.timeline ?? [] }, flow, ...choices, draftingDepartment, linked: await linkedNames(deps, principal, doc.replies), mayUploadSigned, maxBytes: deps.config.upload.maxBytes, ...extra });
}

const NOTICES: Record<string, DocumentDetailProps['notice']> = {
  'ban-ky': { kind: 'ok', text: 'Đã tải lên bản quét văn bản đã ký.' },
};

/**
 * What the registration form passes on after it numbered an incoming document (registration-notice.ts):
 * saved (`?moi=1`), and the register's warnings, which do not refuse it (Phụ lục VI: a possible duplicate,
 * same issuer, number and symbol, `?trung=<ids>`; Decree 30/2020 Art. 22: registered later than the next
 * working day after arrival, `?muon=1`). Only well-formed ids become links.
 */
function registrationNotice(query: Record<string, string>): DocumentDetailProps['notice'] {
  const earlier = (query.trung ?? '').split(',').filter((id) => /^[1-9][0-9]{0,9}$/.test(id)).slice(0, 10);
  const lines: string[] = [];
  if (earlier.length > 0) lines.push(`Có thể trùng với văn bản đã vào sổ (mã ${earlier.join(', ')}): cùng cơ quan ban hành và số, ký hiệu. Hãy kiểm tra lại.`);
  if (query.muon === '1') lines.push('Văn bản được vào sổ muộn hơn ngày làm việc tiếp theo kể từ ngày đến (Nghị định 30/2020/NĐ-CP Điều 22).');
  if (lines.length === 0) return query.moi === '1' ? { kind: 'ok', text: 'Đã lưu văn bản.' } : undefined;
  return { kind: 'info', title: 'Đã lưu văn bản, có lưu ý', text: lines.join(' '), links: earlier.map((id) => ({ href: `/van-ban/${id}`, text: `Xem văn bản mã ${id}` })) };
}

const FileParams = Type.Object({ id: Id, fileId: Id }, { additionalProperties: false });

export const documentDetailPages = [
  definePage({
    method: 'get',
    path: '/van-ban/:id/so-do',
    auth: 'user',
    params: IdParams,
    handler: async ({ params, principal, page, query, deps }) => {
      // The whole drawing, as the dossier's (dossier.pages.tsx): fitted to the window, or at its own size.
      const doc = await getDocument(documentDeps(deps), principal, params.id);
      await prepareFlowLayout(doc.machine.id, doc.machine.version);
      const natural = query.kho === 'that';
      const name = doc.symbol ?? doc.summary;
      return {
        view: (
          <Layout page={page} title={`Sơ đồ quy trình — văn bản ${name}`}>
            <p class="no-print">
              <a href={`/van-ban/${doc.id}`}>← Văn bản {name}</a> · Trạng thái hiện tại: <strong>{documentStateLabel(doc.state)}</strong> ·{' '}
              {natural ? <a href={`/van-ban/${doc.id}/so-do`}>Thu vừa màn hình</a> : <a href={`/van-ban/${doc.id}/so-do?kho=that`}>Xem khổ thật (cuộn để xem)</a>} · In sơ đồ: Ctrl+P (một trang A4 ngang).
            </p>
            <p class="print-only">
              Văn bản {name} · Trạng thái hiện tại: {documentStateLabel(doc.state)}
            </p>
            <div class={`flow-wrap panel ${natural ? 'flow-natural' : 'flow-fit'}`}>
              <FlowDiagram machineId={doc.machine.id} version={doc.machine.version} currentState={doc.state} taken={doc.timeline ?? []} />
            </div>
          </Layout>
        ),
      };
    },
  }),
  definePage({
    method: 'get',
    path: '/van-ban/:id',
    auth: 'user',
    params: IdParams,
    handler: async ({ params, principal, page, query, deps }) => {
      const done = query.done ? documentActionLabel(query.done) : null;
      const notice = done && done !== query.done ? { kind: 'ok' as const, text: `Đã thực hiện: ${done}.` } : (registrationNotice(query) ?? NOTICES[query.tep ?? '']);
      // A document the viewer may not see answers 404 (getDocument), as the API does: its existence is not told.
      return { view: await detail(deps, principal, page, params.id, { notice }) };
    },
  }),
  definePage({
    method: 'post',
    path: '/van-ban/:id/su-kien',
    auth: 'user',
    params: IdParams,
    handler: async ({ params, principal, page, form, deps }) => {
      const type = form.type ?? '';
      const { type: _t, version: _v, ...values } = form;
      const { body, errors, coordinating } = documentBodyFromForm(type, form);
      const again = async (failed: DocumentDetailProps['failed'], notice: DocumentDetailProps['notice'], status: number) => ({
        view: await detail(deps, principal, page, params.id, { notice, failed }),
        status,
      });
      const fix = { kind: 'error' as const, text: 'Chưa thực hiện được: hãy sửa các ô được đánh dấu bên dưới.' };
      if (Object.keys(errors).length > 0) {
        // Seen before anything is sent: the document must be one the viewer sees (404 otherwise).
        return again({ type, values, errors: { fields: errors } }, fix, 400);
      }
      try {
        // The API's validator and the API's service: one path to the document.
        await fireDocumentEvent(documentDeps(deps), userActor(principal), params.id, validateDocumentBody(body));
        return { redirect: `/van-ban/${params.id}?done=${encodeURIComponent(type)}` };
      } catch (err) {
        if (err instanceof ConflictError && err.code === 'STALE_VERSION') {
          const current = await getDocument(documentDeps(deps), principal, params.id);
          const notice = {
            kind: 'error' as const,
            title: 'Văn bản vừa được người khác xử lý trước bạn',
            text: `Thao tác "${documentActionLabel(type)}" chưa được thực hiện. Trạng thái hiện tại: ${documentStateLabel(current.state)} (cập nhật lúc ${formatDateTime(current.updatedAt)}). Trang đã được tải lại với thông tin mới nhất; hãy xem lại trước khi thao tác.`,
          };
          return again({ type, values, errors: { fields: {} } }, notice, 409);
        }
        if (err instanceof InvalidTransitionError) {
          const state = (err.details as { state?: string } | null)?.state ?? '';
          const notice = {
            kind: 'error' as const,
            title: 'Thao tác không còn phù hợp',
            text: `Không thể "${documentActionLabel(type)}" khi văn bản ở trạng thái "${documentStateLabel(state)}". Có thể văn bản vừa được người khác xử lý; trang đã được tải lại.`,
          };
          return again(undefined, notice, 422);
        }
        if ((err instanceof ValidationError || err instanceof RuleViolationError) && err.code !== 'UNKNOWN_EVENT') {
          return again({ type, values, errors: documentFormErrors(err, coordinating) }, fix, err.status);
        }
        throw err;
      }
    },
  }),
  definePage({
    method: 'post',
    path: '/van-ban/:id/ban-ky',
    auth: 'user',
    params: IdParams,
    multipart: true,
    handler: async (input) => {
      const { params, principal, page, deps } = input;
      const ddeps = documentDeps(deps);
      const doc = await getDocument(ddeps, principal, params.id);
      // Who may attach the signed scan is known before a byte is kept: the clerk (Decree 30/2020 Art. 16).
      if (!principal.roles.includes('clerk')) throw new ForbiddenError('FORBIDDEN', 'The clerk attaches the signed scan');
      const { files, refused, store } = await readMultipartForm(input);
      const again = async (uploadFailure: SignedUploadFailure, status: number): Promise<PageResult> => ({ view: await detail(deps, principal, page, params.id, { uploadFailure }), status });
      if (refused) {
        const why = uploadRefusal(refused);
        return again(why.field ? { fileError: why.text } : { formError: why.text }, refused.status);
      }
      const uploads = files.filter((f) => f.field === 'file').map((f) => ({ kind: 'signed', name: f.name, mediaType: f.mediaType, temp: f.temp }));
      await discardFiles(store, files.filter((f) => f.field !== 'file'));
      if (uploads.length === 0) return again({ fileError: 'Hãy chọn tệp bản quét.' }, 400);
      try {
        // attachDocumentFiles consumes the temporary files, attached or not.
        await attachDocumentFiles(ddeps, userActor(principal), doc.id, uploads);
      } catch (err) {
        if (err instanceof RuleViolationError && err.code === 'FILE_KIND_NOT_ACCEPTED') {
          return again({ formError: 'Văn bản ở trạng thái hiện tại không nhận bản quét đã ký (có thể văn bản vừa được người khác xử lý).' }, 422);
        }
        if (err instanceof DomainError && err.status < 500 && !(err instanceof ForbiddenError)) return again({ formError: 'Chưa tải lên được bản quét; hãy thử lại.' }, err.status);
        throw err;
      }
      return { redirect: `/van-ban/${doc.id}?tep=ban-ky#tep` };
    },
  }),
  definePage({
    method: 'get',
    path: '/van-ban/:id/tep/:fileId',
    auth: 'user',
    params: FileParams,
    handler: async ({ params, principal, ctx, deps }): Promise<PageResult> => {
      // Whoever may see the document may read its files (openDocumentFile: 404 otherwise).
      const file = await openDocumentFile(documentDeps(deps), userActor(principal), params.id, params.fileId);
      // The sniffed type, never the uploader's word: a PDF or an image opens in the tab, anything else downloads.
      ctx.set('Content-Disposition', contentDisposition(file.name, INLINE_TYPES.has(file.mediaType) ? 'inline' : 'attachment'));
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Cache-Control', 'private, no-store');
      ctx.type = file.mediaType;
      ctx.length = file.size;
      ctx.body = file.stream;
      return { sent: true };
    },
  }),
];
