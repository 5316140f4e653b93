import { formatDateTime } from '../format.ts';

/**
 * The backup catalog's verification results and errors, in Vietnamese for the admin page. The backup
 * service writes them in English, for the log and the command line (`npm run idesk -- backup …`), as a
 * list of findings joined by "; "; each finding it can write is put into words here. What no pattern
 * knows (a system error's own message: `ENOSPC: no space left on device`, pg_dump's stderr) is kept
 * apart as the technical detail, shown as code beside the Vietnamese sentence, never as the sentence.
 */
export interface BackupText {
  /** What the admin reads. */
  text: string;
  /** The untranslated remainder for the IT officer to quote, or null. */
  technical: string | null;
}

/** A size as the page shows it: KB under a megabyte, MB with one decimal above. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

type Rule = [RegExp, (m: RegExpExecArray) => BackupText];
const plain = (text: string): BackupText => ({ text, technical: null });
const withDetail = (text: string, technical: string): BackupText => ({ text, technical: technical || null });

/** One finding of the verification (sqlite-backup.ts, postgres-backup.ts, backup-files.ts). */
const FINDINGS: Rule[] = [
  [/^checksums ok \((\d+) files, (\d+) bytes\)$/, (m) => plain(`Mã băm khớp với bản kê: ${m[1]} tệp, ${formatBytes(Number(m[2]))}`)],
  [/^checksums: ([\s\S]*)$/, (m) => withDetail('Mã băm không khớp với bản kê (tệp bị thiếu hoặc bị sửa)', m[1] as string)],
  [/^integrity_check ok$/, () => plain('Kiểm tra toàn vẹn cơ sở dữ liệu: đạt')],
  [/^foreign keys ok$/, () => plain('ràng buộc khóa ngoại: đạt')],
  [/^(\d+) tables, row counts as recorded$/, (m) => plain(`${m[1]} bảng, số dòng đúng như lúc sao lưu`)],
  [/^(\d+) tables$/, (m) => plain(`${m[1]} bảng`)],
  [/^integrity_check: ([\s\S]*)$/, (m) => withDetail('Kiểm tra toàn vẹn cơ sở dữ liệu: không đạt', m[1] as string)],
  [/^foreign_key_check: (\d+) rows violate a foreign key$/, (m) => plain(`${m[1]} dòng vi phạm ràng buộc khóa ngoại`)],
  [/^schema: missing tables ([\s\S]*)$/, (m) => withDetail('Bản sao thiếu bảng dữ liệu', m[1] as string)],
  [/^schema: no migration recorded$/, () => plain('Bản sao không ghi lần cập nhật cấu trúc dữ liệu nào')],
  [/^(\w+): (\d+) rows, the manifest says (\d+)$/, (m) => withDetail(`Số dòng khác bản kê: ${m[2]} dòng, bản kê ghi ${m[3]}`, m[1] as string)],
  [/^cannot open the SQLite copy: ([\s\S]*)$/, (m) => withDetail('Không mở được bản sao cơ sở dữ liệu SQLite', m[1] as string)],
  [/^reading the copy failed: ([\s\S]*)$/, (m) => withDetail('Không đọc được bản sao cơ sở dữ liệu', m[1] as string)],
  [/^pg_restore --list ok \((\d+) entries\)$/, (m) => plain(`Tệp sao lưu PostgreSQL đọc được: ${m[1]} mục`)],
  [/^pg_restore --list: no data for ([\s\S]*)$/, (m) => withDetail('Tệp sao lưu PostgreSQL thiếu dữ liệu của bảng', m[1] as string)],
  [/^restored into a scratch database: (\d+) tables, row counts equal to the dump's snapshot$/, (m) => plain(`Khôi phục thử vào cơ sở dữ liệu tạm: ${m[1]} bảng, số dòng đúng như lúc sao lưu`)],
  [/^scratch restore skipped: cannot create a database \(([\s\S]*)\)$/, (m) => withDetail('Bỏ qua khôi phục thử: không tạo được cơ sở dữ liệu tạm', m[1] as string)],
  [/^scratch restore: ([\s\S]*)$/, (m) => withDetail('Khôi phục thử không đạt', m[1] as string)],
  [/^scratch restore failed: ([\s\S]*)$/, (m) => withDetail('Khôi phục thử không thành công', m[1] as string)],
];

/** Texts written whole (backup-catalog.ts, backup.service.ts), before they are split into findings. */
const WHOLE: Rule[] = [
  [
    /^found in the backup directory( after a restore)?; not verified since \(npm run idesk -- backup verify ([^)]+)\)$/,
    (m) => plain(`Tìm thấy trong thư mục sao lưu${m[1] ? ' sau khi khôi phục' : ''}; chưa kiểm tra lại từ đó (lệnh: npm run idesk -- backup verify ${m[2]})`),
  ],
  [
    /^restored from this backup at (\d{4}-\d\d-\d\dT[\d:.]+Z): ([\s\S]*)$/,
    (m) => join(plain(`Đã khôi phục từ bản này lúc ${formatDateTime(m[1] as string)}`), findings(m[2] as string)),
  ],
  [/^interrupted: the process making it stopped$/, () => plain('Bị gián đoạn: tiến trình đang sao lưu đã dừng')],
  [/^the backup did not pass verification: ([\s\S]*)$/, (m) => join(plain('Bản sao lưu không đạt kiểm tra, đã bị xóa'), findings(m[1] as string))],
  [/^an in-memory SQLite database cannot be backed up$/, () => plain('Không sao lưu được cơ sở dữ liệu SQLite chỉ nằm trong bộ nhớ')],
  [/^(pg_dump|pg_restore|psql) is not installed or not on the PATH$/, (m) => withDetail('Chưa cài công cụ sao lưu PostgreSQL trên máy chủ', m[1] as string)],
  [/^(pg_dump|pg_restore|psql) failed \(([^)]*)\): ([\s\S]*)$/, (m) => withDetail(`Công cụ sao lưu PostgreSQL báo lỗi`, `${m[1]} (${m[2]}): ${m[3]}`)],
];

function join(a: BackupText, b: BackupText): BackupText {
  const technical = [a.technical, b.technical].filter(Boolean).join('; ');
  return { text: `${a.text}; ${b.text}`, technical: technical || null };
}

function findings(text: string): BackupText {
  return text
    .split('; ')
    .map((part) => {
      for (const [pattern, build] of FINDINGS) {
        const m = pattern.exec(part);
        if (m) return build(m);
      }
      return withDetail('Lỗi khác', part);
    })
    .reduce(join);
}

/** A verification result or an error of the backup catalog, in Vietnamese with its technical remainder. */
export function backupText(text: string): BackupText {
  for (const [pattern, build] of WHOLE) {
    const m = pattern.exec(text);
    if (m) return build(m);
  }
  const found = findings(text);
  // Nothing known in it at all (a system error's message): say so in Vietnamese, quote it as detail.
  return found.text.split('; ').every((t) => t === 'Lỗi khác') ? withDetail('Lỗi hệ thống', text) : found;
}
