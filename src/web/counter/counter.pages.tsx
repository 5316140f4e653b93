import { readDossierList } from '../../api/list-threads/read-dossier-list.ts';
import { Type } from '@sinclair/typebox';
import { dossierDeps } from '../../api/deps.ts';
import { CounterDossierBody } from '../../api/routes/dossiers/dossiers.schema.ts';
import { LocalDate, Page as PageNumber } from '../../api/schemas/common.ts';
import { validate } from '../../api/validation.ts';
import type { Principal } from '../../auth/principal.ts';
import { OTHER_PAPER, type PaperUpload } from '../../domain/dossiers/dossier-papers.ts';
import { logBook } from '../../domain/dossiers/dossier-forms.ts';
import { receiveCounterDossier, type CounterDecision, type CounterIntake } from '../../domain/dossiers/dossier-intake.ts';
import { ConflictError, DomainError, RuleViolationError, ValidationError } from '../../domain/errors.ts';
import { requestHash } from '../../domain/idempotency/idempotency.ts';
import { listProcedures, type ProcedureView } from '../../domain/procedures/procedures.service.ts';
import type { UploadedFile } from '../../files/multipart-upload.ts';
import { randomToken } from '../../lib/crypto.ts';
import { vietnameseProblem, type FormErrors } from '../form-errors.ts';
import { formatDate } from '../format.ts';
import { discardFiles, readMultipartForm } from '../multipart-form.ts';
import { definePage, type PageInput } from '../page.ts';
import { IntakeView, LogBookView, paperField, QueueView, type QueueItem } from './counter.views.tsx';
import { uploadRefusal } from './upload-refusal.ts';
import { idNumberProblem, normalIdNumber } from '../identity.ts';
import { keptOwner } from '../../domain/forms/kept-views.ts';
import { droppedIdsOf, keepPendingUploads, materialise, pendingIdsOf, releasePendingUploads, takePendingUploads, type PendingUpload } from '../../domain/forms/pending-uploads.ts';
import { missingPapers } from '../../domain/dossiers/dossier-planning.ts';
import type { TempFile } from '../../files/file-store.ts';
import { rememberReceiptSecret } from './receipt-secret.ts';
import { proxyBody } from './proxy-fields.tsx';

/** The check of an online submission is a step of its own, due 8 working hours after submission (Điều 11; DESIGN §3). */
const QUEUE_SIZE = 100;

/** The procedures offered at the counter: active, with rules in force. */
async function offered(input: Pick<PageInput<undefined, Principal>, 'deps'>): Promise<ProcedureView[]> {
  return (await listProcedures(input.deps.db, input.deps.clock())).filter((p) => p.active);
}

/** The intake form's fields as the API's body: empty fields left out, for the API's own schema to judge. */
function intakeBody(form: Record<string, string>): Record<string, unknown> {
  const text = (name: string) => {
    const v = (form[name] ?? '').trim();
    return v === '' ? undefined : v;
  };
  const applicant: Record<string, unknown> = { name: form['applicant.name']?.trim() ?? '' };
  for (const f of ['idType', 'idNumber', 'phone', 'email', 'address']) {
    const v = text(`applicant.${f}`);
    if (v !== undefined) applicant[f] = f === 'idNumber' ? normalIdNumber(text('applicant.idType'), v) : v;
  }
  const id = form.procedureId ?? '';
  return {
    procedureId: /^[1-9][0-9]{0,9}$/.test(id) ? Number(id) : id,
    applicant,
    ...proxyBody(form),
    ...(text('subject') !== undefined ? { subject: text('subject') } : {}),
    ...(text('note') !== undefined ? { note: text('note') } : {}),
    // The button pressed names the decision; the text of the other decision is not sent on.
    decision: form.decision ?? 'receive',
    ...(form.decision === 'guide' && text('guidance') !== undefined ? { guidance: text('guidance') } : {}),
    ...(form.decision === 'refuse' && text('reason') !== undefined ? { reason: text('reason') } : {}),
  };
}

/** The slip the counter prints for each decision: the receipt, the guidance (Mẫu 02) or the refusal (Mẫu 03). */
const DECISION_FORM: Record<CounterDecision, string> = { receive: 'receipt', guide: 'supplement-request', refuse: 'refusal' };

/** The validator's problems by the form's field names (`body/applicant/name` → `applicant.name`). */
function intakeErrors(err: DomainError, typedIdType?: string): FormErrors {
  const problems = (err.details as { problems?: Array<{ path: string; message: string }> } | null)?.problems ?? [];
  const fields: Record<string, string> = {};
  for (const p of problems) {
    const name = p.path.replace(/^body\/?/, '').split('/').slice(0, 2).join('.');
    const key = name === '' || name === 'applicant' ? 'applicant.name' : name;
    // An identity number is judged by its type (CCCD 12 digits, tax code 10 or 10-3, passport): say which rule.
    if (!(key in fields)) fields[key] = key === 'applicant.idNumber' ? idNumberProblem(typedIdType) : key === 'applicant.idType' ? 'Hãy chọn loại giấy tờ trong danh sách.' : vietnameseProblem(p.message);
  }
  const field = (err.details as { field?: string } | null)?.field;
  if (err.code === 'GUIDANCE_REQUIRED') return { fields: { guidance: 'Đã nhận đủ giấy tờ bắt buộc: hãy ghi nội dung cần bổ sung, hoàn thiện, hoặc tiếp nhận hồ sơ.' } };
  if (err.code === 'REASON_REQUIRED') return { fields: { reason: 'Hãy ghi lý do từ chối tiếp nhận; lý do được in trên Mẫu 03.' } };
  if (problems.length === 0 && field) fields[field] = err.code === 'PROCEDURE_NOT_IN_FORCE' ? 'Thủ tục chưa có quy định đang có hiệu lực.' : 'Thủ tục không tồn tại hoặc không còn được áp dụng.';
  if (Object.keys(fields).length === 0) return { fields, form: 'Hồ sơ chưa được tiếp nhận. Hãy kiểm tra lại và thử lại.' };
  return { fields };
}

/** The pending uploads of the counter's intake form (pending-uploads.ts). */
const PENDING_FORM = 'counter:intake';

/** A receipt refused for a missing paper: each missing paper's input marked, and the two ways forward named. */
function incompleteErrorsOf(missing: ReadonlyArray<{ code: string; name: string }>): FormErrors {
  const fields: Record<string, string> = {};
  for (const p of missing) fields[paperField(p.code)] = 'Chưa nhận giấy tờ này (chưa có bản quét).';
  return {
    fields,
    form: `Hồ sơ còn thiếu ${missing.length} giấy tờ bắt buộc: ${missing.map((p) => p.name).join('; ')}. Hồ sơ chưa đầy đủ không được tiếp nhận và hẹn trả kết quả: hãy hướng dẫn bổ sung (Mẫu 02) hoặc từ chối tiếp nhận (Mẫu 03).`,
  };
}

/**
 * The papers of an intake form: each file's input names its kind (`paper.<code>`), one of the chosen
 * procedure's required papers or `other`.
 * @throws ValidationError for an input no paper of the procedure has (a form not made by this page).
 */
function papersOf(files: UploadedFile[], procedure: ProcedureView): PaperUpload[] {
  const order = [...procedure.rules.requiredPapers.map((p) => p.code), OTHER_PAPER];
  const codes = new Set(order);
  // In the checklist's order (the files are written in parallel and finish in any order).
  const sorted = [...files].sort((a, b) => order.indexOf(a.field.slice('paper.'.length)) - order.indexOf(b.field.slice('paper.'.length)));
  return sorted.map((f) => {
    const kind = f.field.startsWith('paper.') ? f.field.slice('paper.'.length) : '';
    if (!codes.has(kind)) throw new ValidationError('UNKNOWN_PAPER_KIND', `No paper of kind ${kind.slice(0, 60)} in this procedure`, { field: f.field });
    return { kind, name: f.name, mediaType: f.mediaType, temp: f.temp };
  });
}

export const counterPages = [
  definePage({
    method: 'get',
    path: '/counter',
    auth: ['onestop'],
    handler: async ({ principal, page, deps }) => {
      const d = dossierDeps(deps);
      const list = await readDossierList(deps, principal, { state: 'submitted', channel: 'online', sort: 'oldest', page: 1, pageSize: QUEUE_SIZE });
      const calendar = await d.calendar.current();
      const now = deps.clock();
      const items: QueueItem[] = list.items.map((dossier) => {
        if (!dossier.stepDueAt) return { dossier, minutesLeft: null };
        const due = new Date(dossier.stepDueAt);
        const minutesLeft = due > now ? calendar.workingMinutesBetween(now, due) : -calendar.workingMinutesBetween(due, now);
        return { dossier, minutesLeft };
      });
      // Dossiers waiting for a supplement: those the department asked for after receipt are the one-stop's to
      // print (Mẫu 02) and send; all show the applicant's deadline.
      const waiting = await readDossierList(deps, principal, { state: 'awaitingSupplement', sort: 'oldest', page: 1, pageSize: QUEUE_SIZE });
      return { view: QueueView({ page, items, total: list.total, waiting: waiting.items, supplementWaitDays: d.settings.supplementWaitDays, calendar }) };
    },
  }),
  definePage({
    method: 'get',
    path: '/counter/intake',
    auth: ['onestop'],
    handler: async ({ principal, page, query, deps }) => {
      const procedures = await offered({ deps });
      const chosen = procedures.find((p) => String(p.id) === query.procedureId) ?? null;
      const errors: FormErrors = { fields: {} };
      if (query.procedureId !== undefined && !chosen) errors.fields.procedureId = 'Hãy chọn một thủ tục trong danh sách.';
      return {
        view: IntakeView({ page, procedures, chosen, values: {}, errors, intakeKey: randomToken(16), maxBytes: deps.config.upload.maxBytes }),
        status: query.procedureId !== undefined && !chosen ? 400 : 200,
      };
    },
  }),
  definePage({
    method: 'post',
    path: '/counter/intake',
    auth: ['onestop'],
    multipart: true,
    handler: async (input) => {
      const { principal, page, deps, ctx } = input;
      const read = await readMultipartForm(input);
      const { form, refused, store } = read;
      let files = read.files;
      const procedures = await offered({ deps });
      const chosen = procedures.find((p) => String(p.id) === form.procedureId) ?? null;
      const intakeKey = /^[A-Za-z0-9_-]{16,64}$/.test(form.intakeKey ?? '') ? (form.intakeKey as string) : randomToken(16);
      // Scans sent with a form refused for what was typed are kept for the next press (one round of
      // validation): the clerk never chooses them again.
      const owner = keptOwner(page.csrf);
      await releasePendingUploads(deps.db, owner, PENDING_FORM, droppedIdsOf(form));
      const pending = await takePendingUploads(deps.db, owner, PENDING_FORM, pendingIdsOf(form), deps.clock());
      const again = (errors: FormErrors, status: number, kept: PendingUpload[] = pending) => ({
        view: IntakeView({ page, procedures, chosen, values: form, errors, intakeKey, maxBytes: deps.config.upload.maxBytes, pending: kept }),
        status,
      });
      let attached = false;
      /** A refusal for what was typed: the files sent with it join the pending ones (awaited before the `finally`). */
      const againKeeping = async (errors: FormErrors, status: number) => {
        const kept = await keepPendingUploads(deps, store, owner, PENDING_FORM, files, deps.clock());
        attached = true;
        return again(errors, status, [...pending, ...kept]);
      };
      try {
        // Everything the clerk's input can make fail is checked before the dossier is created: the files
        // (read, sniffed, sized), the applicant's details (the API's schema), the procedure and the kinds.
        if (refused) {
          const why = uploadRefusal(refused);
          return again({ fields: why.field ? { [why.field]: why.text } : {}, form: why.field ? undefined : why.text }, refused.status);
        }
        if (!chosen) return await againKeeping({ fields: { procedureId: 'Hãy chọn một thủ tục trong danh sách.' } }, 400);
        const raw = intakeBody(form);
        let body: CounterIntake;
        try {
          body = validate<CounterIntake>(CounterDossierBody, raw, 'body');
        } catch (err) {
          if (err instanceof ValidationError) return await againKeeping(intakeErrors(err, form['applicant.idType']), 400);
          throw err;
        }
        let uploads: PaperUpload[];
        try {
          uploads = papersOf(files, chosen);
        } catch (err) {
          if (err instanceof ValidationError) return again({ fields: {}, form: 'Biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.' }, 400);
          throw err;
        }
        // The receipt's own rule, judged here too so that a refusal keeps the scans sent (the domain checks again).
        const missing = missingPapers(chosen.rules, new Set([...uploads.map((u) => u.kind), ...pending.map((p) => p.field.slice('paper.'.length))]));
        if ((body.decision ?? 'receive') === 'receive' && missing.length > 0) return await againKeeping(incompleteErrorsOf(missing), 422);
        if (pending.length > 0) {
          const temps = await materialise(store, pending);
          files = [...files, ...pending.map((p, i) => ({ field: p.field, name: p.name, mediaType: p.mediaType, temp: temps[i] as TempFile }) satisfies UploadedFile)];
          uploads = papersOf(files, chosen);
        }
        // The form's key makes a second press of the button (or a reload of the answer) receive it once.
        const idempotency = { scope: `web:${principal.userId}:counter-intake`, key: intakeKey, requestHash: requestHash('POST', '/counter/intake', raw) };
        let answer;
        // receiveCounterDossier consumes the temporary files whatever happens.
        attached = true;
        try {
          answer = await receiveCounterDossier(dossierDeps(deps), principal, body, idempotency, uploads);
        } catch (err) {
          if (err instanceof ConflictError && err.code === 'IDEMPOTENCY_KEY_REUSED') {
            return again({ fields: {}, form: 'Biểu mẫu này đã được dùng để tiếp nhận một hồ sơ khác. Hãy mở lại trang tiếp nhận để nhập hồ sơ mới.' }, 409);
          }
          if (err instanceof RuleViolationError && err.code === 'PAPERS_INCOMPLETE') return again(incompleteErrorsOf((err.details as { missing: Array<{ code: string; name: string }> }).missing), 422);
          if (err instanceof ValidationError) return again(intakeErrors(err), 400);
          throw err;
        }
        await releasePendingUploads(deps.db, owner, PENDING_FORM, pending.map((p) => p.id));
        const id = answer.body.id;
        const slip = `/dossiers/${id}/forms/${DECISION_FORM[body.decision ?? 'receive']}`;
        // A replay (a second press) was decided by the first: its slip is shown again, without the secret.
        // The secret is printed on the receipt only: a guided dossier gets its own when it is received.
        if (!answer.replayed && answer.trackingSecret && (body.decision ?? 'receive') === 'receive') rememberReceiptSecret(ctx, deps, id, answer.trackingSecret);
        return { redirect: slip };
      } finally {
        if (!attached) await discardFiles(store, files);
      }
    },
  }),
  definePage({
    method: 'get',
    path: '/counter/log-book',
    auth: ['onestop', 'director', 'admin'],
    handler: async ({ principal, page, query, deps }) => {
      const today = new Date(deps.clock().getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
      const values = { from: query.from ?? today, to: query.to ?? today };
      const errors: FormErrors = { fields: {} };
      let parsed: { from: string; to: string; page: number };
      try {
        parsed = validate(Type.Object({ from: LocalDate, to: LocalDate, page: PageNumber }), { from: values.from, to: values.to, page: query.page ?? '1' }, 'query');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const problems = (err.details as { problems?: Array<{ path: string; message: string }> } | null)?.problems ?? [];
        for (const p of problems) {
          const name = p.path.replace(/^query\//, '');
          errors.fields[name === 'page' ? 'from' : name] ??= name === 'page' ? 'Trang không hợp lệ.' : vietnameseProblem(p.message);
        }
        return { view: LogBookView({ page, values, errors, items: [], pageNo: 1, hasMore: false }), status: 400 };
      }
      if (parsed.to < parsed.from) {
        errors.fields.to = `Không được trước ngày bắt đầu (${formatDate(`${parsed.from}T12:00:00+07:00`)}).`;
        return { view: LogBookView({ page, values, errors, items: [], pageNo: 1, hasMore: false }), status: 400 };
      }
      const book = await logBook(dossierDeps(deps), principal, { from: parsed.from, to: parsed.to, page: parsed.page, pageSize: 50 });
      return { view: LogBookView({ page, values, errors, items: book.items, pageNo: parsed.page, hasMore: book.hasMore }) };
    },
  }),
];

