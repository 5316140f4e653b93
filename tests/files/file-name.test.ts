import { describe, expect, it } from 'vitest';
import { cleanFileName, MAX_FILE_NAME_LENGTH, storedFileName } from '../../src/files/file-name.ts';

/**
 * Issue 14 §6: a right-to-left override stripped from a name may leave it ending in `.exe`; the stored
 * name ends in the extension of the type the bytes were sniffed as, whatever the client called it.
 */
describe('storedFileName', () => {
  it('ends in the sniffed type’s extension, whatever the name said or hid', () => {
    const cases: Array<[string, string, string]> = [
      // Shown as "invoiceexe.pdf" by a right-to-left override; stripped, it is a PDF's name already.
      ['invoice\u202Eexe.pdf', 'pdf', 'invoiceexe.pdf'],
      // Shown as "invoiceexe.pdf" too, but really ".exe" once the override is gone.
      ['invoice\u202Efdp.exe', 'pdf', 'invoicefdp.exe.pdf'],
      ['x.pdf.exe', 'pdf', 'x.pdf.exe.pdf'],
      ['scan', 'pdf', 'scan.pdf'],
      ['x.exe.', 'pdf', 'x.exe.pdf'],
      ['x.exe . . ', 'pdf', 'x.exe.pdf'],
      ['', 'pdf', 'tep-dinh-kem.pdf'],
      ['Ảnh chụp.PNG', 'png', 'Ảnh chụp.PNG'],
      ['ảnh.jpeg', 'jpg', 'ảnh.jpeg'],
      ['scan.tiff', 'tif', 'scan.tiff'],
      ['bảng lương.xls', 'xlsx', 'bảng lương.xls.xlsx'],
      ['Báo cáo v1.2', 'docx', 'Báo cáo v1.2.docx'],
    ];
    for (const [raw, ext, stored] of cases) expect(storedFileName(raw, ext), JSON.stringify(raw)).toBe(stored);
  });

  it('keeps the extension within the longest name kept', () => {
    const long = `${'a'.repeat(300)}.exe`;
    const stored = storedFileName(long, 'pdf');
    expect([...stored].length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
    expect(stored.endsWith('.pdf')).toBe(true);
    expect(storedFileName(`${'đ'.repeat(250)}.pdf`, 'pdf')).toBe(cleanFileName(`${'đ'.repeat(250)}.pdf`));
  });
});
