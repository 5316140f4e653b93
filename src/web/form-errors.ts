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
  if ((m = /must be >= (-?[\d.]+)/.exec(message))) return m[1] === '0' ? 'Không được là số âm.' : `Phải từ ${m[1]} trở lên.`;
  if ((m = /must be <= (-?[\d.]+)/.exec(message))) return `Không được lớn hơn ${m[1]}.`;
  if ((m = /must be > (-?[\d.]+)/.exec(message))) return `Phải lớn hơn ${m[1]}.`;
  if (/must be integer/.test(message)) return 'Phải là một số nguyên (chỉ gồm chữ số).';
  if (/must be number/.test(message)) return 'Phải là một số.';
  if (/must NOT have more than (\d+) items/.test(message)) return `Chọn nhiều quá: tối đa ${/(\d+) items/.exec(message)?.[1]} mục.`;
  if (/must NOT have fewer than (\d+) items/.test(message)) return 'Hãy chọn ít nhất một mục.';
  if (/must be well-formed Unicode/.test(message)) return 'Có ký tự không lưu được (ký tự điều khiển); hãy gõ lại ô này.';
  if (/must be one of|must be equal to constant/.test(message)) return 'Hãy chọn một giá trị trong danh sách.';
  if (/must not be before/.test(message)) return 'Không được trước ngày bắt đầu.';
  if (/must match pattern/.test(message)) return 'Không đúng định dạng.';
  if (/format "email"/.test(message)) return 'Địa chỉ thư điện tử không đúng (ví dụ ten@congthuong.gov.vn).';
  if (/is not allowed|must NOT have additional properties/.test(message)) return 'Biểu mẫu có mục lạ; hãy tải lại trang và thử lại.';
  if (/must be string|must be boolean|must be object|must be array/.test(message)) return 'Biểu mẫu không đúng; hãy tải lại trang và thử lại.';
  return 'Chưa đúng: hãy kiểm tra lại ô này.';
}

/**
 * What a rule of the domain that names its field (`details.field`) says beside that field: one message
 * per stable code, so the staff read which rule refused, not “Giá trị không hợp lệ”. A page may say more
 * for its own form (dossier.pages.tsx, document-event-forms.ts).
 */
export const RULE_MESSAGES: Record<string, string> = {
  INVALID_INSTANT: DATE_TIME_PROBLEM,
  INVALID_RANGE: 'Ngày kết thúc không được trước ngày bắt đầu.',
  CALENDAR_OUT_OF_RANGE: 'Ngày nằm ngoài khoảng lịch làm việc của hệ thống (năm 2000–2100).',
  CALENDAR_NO_WORKING_TIME: 'Không có giờ làm việc trong khoảng thời gian này theo lịch làm việc.',
  DEADLINE_NOT_IN_FUTURE: 'Hạn phải sau thời điểm hiện tại.',
  ARRIVAL_IN_FUTURE: 'Thời điểm văn bản đến không được sau thời điểm hiện tại.',
  APOLOGY_DATE_NOT_LATER: 'Ngày hẹn trả mới phải sau ngày hẹn hiện tại.',
  APOLOGY_DATE_TOO_LATE: 'Ngày hẹn trả mới không được quá thời hạn giải quyết của thủ tục tính từ ngày hẹn hiện tại.',
  FORWARD_DEADLINE_AFTER_DEPARTMENT: 'Hạn không được sau hạn của phòng.',
  INVALID_ASSIGNEE: 'Người được chọn không phải thành viên đang làm việc của phòng.',
  UNKNOWN_REFERENCE: 'Không tìm thấy mục đã chọn; hãy chọn lại trong danh sách.',
  UNKNOWN_DOCUMENT_TYPE: 'Không có loại văn bản này; hãy chọn trong danh sách.',
  UNKNOWN_STATE: 'Không có trạng thái này; hãy chọn trong danh sách.',
  PROCEDURE_NOT_IN_FORCE: 'Thủ tục chưa có quy định đang áp dụng; hãy chọn thủ tục khác hoặc báo quản trị.',
  DUPLICATE_DEPARTMENT: 'Một phòng không thể vừa chủ trì vừa phối hợp, hay được chọn hai lần.',
  FEE_CONFLICT: 'Thu phí và thời điểm thu phí phải khớp nhau: có thu phí thì chọn thời điểm thu.',
  INVALID_REQUIRED_PAPERS: 'Mã giấy tờ bị trùng hoặc trùng với mã dành riêng (result, other).',
  QUERY_TOO_LONG: 'Nội dung tìm kiếm dài quá; hãy rút ngắn.',
  QUERY_WITHOUT_WORDS: 'Nội dung tìm kiếm cần ít nhất một chữ cái hoặc chữ số.',
  PAGE_TOO_DEEP: 'Trang quá xa; hãy thu hẹp bằng bộ lọc.',
  INVALID_CURSOR: 'Trang không còn; hãy quay về trang đầu.',
  NO_FILES: 'Hãy chọn ít nhất một tệp.',
  UNKNOWN_PAPER_KIND: 'Loại giấy tờ không có trong thành phần hồ sơ của thủ tục.',
};

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
  if (problems.length === 0 && field) fields[field] = RULE_MESSAGES[err.code] ?? 'Chưa đúng theo quy định: hãy kiểm tra lại ô này.';
  return { fields, ...(rest.length > 0 ? { form: rest.join(' ') } : {}) };
}
