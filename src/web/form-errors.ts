import { DomainError } from '../domain/errors.ts';

/** The errors of a form: by field name, and one for the form as a whole. */
export interface FormErrors {
  fields: Record<string, string>;
  form?: string;
}

/** A date that is not one: typed otherwise than day/month/year, or a day that does not exist (31/02). */
export const DATE_PROBLEM = 'Ngày không đúng: hãy nhập ngày/tháng/năm có thật, ví dụ 26/02/2026.';
/** The same for a date with a time. */
export const DATE_TIME_PROBLEM = 'Ngày giờ không đúng: hãy nhập ngày/tháng/năm giờ:phút, ví dụ 26/02/2026 14:30.';

/** The validator's English problem, said in Vietnamese for the person at the form. */
export function vietnameseProblem(message: string): string {
  let m: RegExpExecArray | null;
  if (message === 'is required') return 'Bắt buộc nhập.';
  if (/fewer than 1 characters|must match pattern "\\S"/.test(message)) return 'Không được để trống.';
  if ((m = /must NOT have more than (\d+) characters/.exec(message))) return `Dài quá ${m[1]} ký tự.`;
  if ((m = /must NOT have fewer than (\d+) characters/.exec(message))) return `Cần ít nhất ${m[1]} ký tự.`;
  if (/ISO-8601 instant/.test(message)) return DATE_TIME_PROBLEM;
  if (/date YYYY-MM-DD/.test(message)) return DATE_PROBLEM;
  if (/must be integer|must be number|must be >=|must be <=/.test(message)) return 'Giá trị không hợp lệ.';
  if (/must be one of|must be equal to constant/.test(message)) return 'Hãy chọn một giá trị trong danh sách.';
  if (/must not be before/.test(message)) return 'Không được trước ngày bắt đầu.';
  if (/must match pattern/.test(message)) return 'Không đúng định dạng.';
  if (/is not allowed/.test(message)) return 'Trường này không được phép.';
  return 'Giá trị không hợp lệ.';
}

/**
 * The field errors of a refused request, by the name of the field in `where` (`body/reason` → `reason`);
 * problems about no field in particular become the form's error.
 */
export function formErrorsOf(err: DomainError, where: 'body' | 'query' = 'body'): FormErrors {
  const problems = (err.details as { problems?: Array<{ path: string; message: string }> } | null)?.problems ?? [];
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const p of problems) {
    const name = p.path.startsWith(`${where}/`) ? p.path.slice(where.length + 1).split('/')[0] : undefined;
    if (name && !(name in fields)) fields[name] = vietnameseProblem(p.message);
    else if (!name) rest.push(vietnameseProblem(p.message));
  }
  const field = (err.details as { field?: string } | null)?.field;
  if (problems.length === 0 && field) fields[field] = 'Giá trị không hợp lệ.';
  return { fields, ...(rest.length > 0 ? { form: rest.join(' ') } : {}) };
}
