import { DocumentEventBody } from '../../api/routes/documents/documents.schema.ts';
import { DomainError, ValidationError } from '../../domain/errors.ts';
import type { EventBody } from '../../domain/workflow/fire-event.ts';
import type { FormErrors } from '../form-errors.ts';
import { DATE_PROBLEM, vietnameseProblem } from '../form-errors.ts';
import { endOfLocalDay, formatDateTime } from '../format.ts';

/**
 * The document event forms in the API's terms. Each form posts plain fields; this turns them into the
 * event body the API takes (the same validator, the same domain call), and turns the refusals back into
 * messages beside the fields. A deadline is typed as a date and means the end of that day in Vietnam.
 */

/** The form names of the DIRECT form's parts: one checkbox and one date per coordinating department. */
export const coordinatingField = (departmentId: number) => `coord-${departmentId}`;
export const coordinatingDueField = (departmentId: number) => `due-${departmentId}`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The fields of each event's body, besides the ones the DIRECT form builds. */
const TEXT_FIELDS: Record<string, string[]> = {
  DISTRIBUTE: ['note'],
  FORWARD: ['note'],
  COMPLETE: ['note'],
  ANSWER: ['note'],
  SUBMIT: ['note'],
  APPROVE: ['note'],
  REJECT: ['reason'],
  SIGN: ['signerPosition', 'note'],
  REGISTER_SIGNED: ['signerName', 'signerPosition', 'note'],
  ISSUE: ['note'],
};

const id = (raw: string | undefined): number | string | undefined => (raw === undefined || raw === '' ? undefined : /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : raw);

/** A posted form read as an event body; `errors` holds what cannot even be sent (a date that is not one). */
export function documentBodyFromForm(type: string, form: Record<string, string>): { body: Record<string, unknown>; errors: Record<string, string>; coordinating: number[] } {
  const errors: Record<string, string> = {};
  const version = form.version ?? '';
  const body: Record<string, unknown> = { type, version: /^[1-9][0-9]{0,9}$/.test(version) ? Number(version) : version };
  const deadline = (field: string): string | undefined => {
    const raw = (form[field] ?? '').trim();
    if (raw === '') return undefined;
    if (!DATE.test(raw) || Number.isNaN(Date.parse(raw))) {
      errors[field] = DATE_PROBLEM;
      return undefined;
    }
    return endOfLocalDay(raw);
  };
  const coordinating: number[] = [];
  for (const name of TEXT_FIELDS[type] ?? []) {
    const raw = form[name];
    if (raw !== undefined && raw.trim() !== '') body[name] = raw;
  }
  if (type === 'DIRECT') {
    const lead: Record<string, unknown> = {};
    const leadId = id(form.lead);
    if (leadId !== undefined) lead.departmentId = leadId;
    const leadDue = deadline('leadDueAt');
    if (leadDue) lead.dueAt = leadDue;
    body.lead = lead;
    const parts: Array<Record<string, unknown>> = [];
    for (const name of Object.keys(form)) {
      const m = /^coord-([1-9][0-9]{0,9})$/.exec(name);
      if (!m) continue;
      const departmentId = Number(m[1]);
      coordinating.push(departmentId);
      const due = deadline(coordinatingDueField(departmentId));
      parts.push({ departmentId, ...(due ? { dueAt: due } : {}) });
    }
    if (parts.length > 0) body.coordinating = parts;
    if ((form.text ?? '').trim() !== '') body.text = form.text;
    body.replyRequired = form.replyRequired === 'on';
  }
  if (type === 'FORWARD') {
    const userId = id(form.userId);
    if (userId !== undefined) body.userId = userId;
    const due = deadline('dueAt');
    if (due) body.dueAt = due;
  }
  if (type === 'ANSWER') {
    const outgoingId = id(form.outgoingId);
    if (outgoingId !== undefined) body.outgoingId = outgoingId;
  }
  return { body, errors, coordinating };
}

/** Validates the body with the API's validator. @throws ValidationError as the API would. */
export function validateDocumentBody(body: Record<string, unknown>): EventBody {
  return DocumentEventBody.validate(body) as EventBody;
}

/** The form field a path of the body (`lead/dueAt`, `coordinating/1/dueAt`) is typed in. */
function fieldOfPath(path: string, coordinating: number[]): string {
  const parts = path.split(/[/.]/).filter((p) => p !== '' && p !== 'body');
  const [head, second, third] = parts;
  if (head === 'lead') return second === 'dueAt' ? 'leadDueAt' : 'lead';
  if (head === 'coordinating') {
    const departmentId = second !== undefined && /^\d+$/.test(second) ? coordinating[Number(second)] : undefined;
    return departmentId !== undefined && third === 'dueAt' ? coordinatingDueField(departmentId) : 'coordinating';
  }
  if (head === 'departmentId') return 'lead';
  return head ?? '';
}

/** Why a rule refused an event, in the words of the person at the form, and where to say it. */
function ruleMessage(err: DomainError): string {
  const d = (err.details ?? {}) as { departmentDueAt?: string };
  switch (err.code) {
    case 'DEADLINE_NOT_IN_FUTURE':
      return 'Hạn xử lý phải sau thời điểm hiện tại.';
    // Điều 6.3: the staff member's deadline falls within the department's.
    case 'FORWARD_DEADLINE_AFTER_DEPARTMENT':
      return `Hạn của người được giao không được sau hạn của phòng (${formatDateTime(d.departmentDueAt)}).`;
    case 'INVALID_ASSIGNEE':
      return 'Người được chọn không phải cán bộ đang làm việc của phòng.';
    case 'ALREADY_FORWARDED':
      return 'Văn bản đã được giao cho người này.';
    case 'NOT_ASSIGNED_TO_YOUR_DEPARTMENT':
      return 'Văn bản không được giao cho phòng của bạn.';
    // Điều 7: the answer is an issued document, not a draft.
    case 'REPLY_NOT_ISSUED':
      return 'Văn bản trả lời phải là văn bản đi đã phát hành.';
    case 'DUPLICATE_DEPARTMENT':
      return 'Một phòng không thể vừa chủ trì vừa phối hợp, hay được chọn hai lần.';
    // Decree 30/2020 Art. 16: the signed scan is the electronic original the clerk issues.
    case 'SIGNED_SCAN_MISSING':
      return 'Chưa có bản quét văn bản đã ký: hãy tải lên bản quét trước khi cấp số, phát hành.';
    case 'UNKNOWN_REFERENCE':
      return 'Không tìm thấy mục đã chọn; hãy chọn lại trong danh sách.';
    case 'INVALID_INSTANT':
      return DATE_PROBLEM;
    default:
      return 'Chưa thực hiện được theo quy định.';
  }
}

/** Where a rule's refusal is said when it names no field. */
const RULE_FIELDS: Record<string, string> = {
  INVALID_ASSIGNEE: 'userId',
  ALREADY_FORWARDED: 'userId',
  FORWARD_DEADLINE_AFTER_DEPARTMENT: 'dueAt',
  REPLY_NOT_ISSUED: 'outgoingId',
  DUPLICATE_DEPARTMENT: 'coordinating',
};

/** The refusal of a document event as errors beside the fields of its form. */
export function documentFormErrors(err: ValidationError | DomainError, coordinating: number[]): FormErrors {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  const problems = (err.details as { problems?: Array<{ path: string; message: string }> } | null)?.problems ?? [];
  for (const p of problems) {
    const field = fieldOfPath(p.path, coordinating);
    if (field === 'version' || field === 'type' || field === '') rest.push('Biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.');
    else if (!(field in fields)) fields[field] = vietnameseProblem(p.message);
  }
  if (problems.length === 0) {
    const named = (err.details as { field?: string } | null)?.field;
    const field = named ? fieldOfPath(named, coordinating) : RULE_FIELDS[err.code];
    if (field) fields[field] = ruleMessage(err);
    else rest.push(ruleMessage(err));
  }
  return { fields, ...(rest.length > 0 ? { form: [...new Set(rest)].join(' ') } : {}) };
}
