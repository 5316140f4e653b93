import type { DomainError } from '../../domain/errors.ts';

/** The sniffed type in words a clerk knows, with the technical name for the IT officer. */
function whatItIs(detected: string | undefined): string {
  if (!detected) return 'không xác định';
  if (/msdownload|executable|x-elf|mach-o|dosexec/i.test(detected)) return `một chương trình chạy được (${detected})`;
  if (/script|html|javascript|x-sh/i.test(detected)) return `mã lệnh (${detected})`;
  return detected;
}

/** Why an upload was refused, in Vietnamese, and the file input it is about (when the refusal names one). */
export function uploadRefusal(err: DomainError): { field: string | null; text: string } {
  const d = (err.details ?? {}) as { file?: string; field?: string; detected?: string; limit?: number };
  const file = d.file ? `Tệp "${d.file}"` : 'Tệp';
  const field = d.field ?? null;
  switch (err.code) {
    case 'UNSUPPORTED_FILE_TYPE':
      return {
        field,
        text: `${file} không được chấp nhận: nội dung thực của tệp là ${whatItIs(d.detected)}, không phải PDF, ảnh (JPEG, PNG, TIFF) hay văn bản Office. Đuôi tên tệp không quyết định loại tệp.`,
      };
    case 'PAYLOAD_TOO_LARGE':
      return { field, text: `${file} lớn hơn giới hạn ${Math.floor((d.limit ?? 0) / (1024 * 1024))} MB.` };
    case 'INVALID_FILE_NAME':
      return { field, text: `${file}: tên tệp không được chứa đường dẫn (/ hoặc \\).` };
    case 'TOO_MANY_FILES':
      return { field: null, text: `Chọn quá nhiều tệp trong một lần gửi (tối đa ${d.limit ?? ''} tệp).` };
    case 'TOO_MANY_FIELDS':
      return { field: null, text: 'Biểu mẫu có quá nhiều trường.' };
    default:
      return { field: null, text: 'Không đọc được các tệp gửi lên. Hãy chọn lại tệp và thử lại.' };
  }
}
