import { describe, expect, it } from 'vitest';
import { DOCUMENT_TYPES, documentType } from '../../src/domain/documents/document-types.ts';

/** Decree 30/2020/NĐ-CP Art. 7 and Phụ lục III, copied from the decree (DOMAIN §3.1), apart from the catalogue. */
const DECREE_ADMINISTRATIVE: Array<[string, string | null]> = [
  ['Nghị quyết', 'NQ'], ['Quyết định', 'QĐ'], ['Chỉ thị', 'CT'], ['Quy chế', 'QC'], ['Quy định', 'QyĐ'], ['Thông cáo', 'TC'],
  ['Thông báo', 'TB'], ['Hướng dẫn', 'HD'], ['Chương trình', 'CTr'], ['Kế hoạch', 'KH'], ['Phương án', 'PA'], ['Đề án', 'ĐA'],
  ['Dự án', 'DA'], ['Báo cáo', 'BC'], ['Biên bản', 'BB'], ['Tờ trình', 'TTr'], ['Hợp đồng', 'HĐ'], ['Công văn', null],
  ['Công điện', 'CĐ'], ['Bản ghi nhớ', 'BGN'], ['Bản thỏa thuận', 'BTT'], ['Giấy ủy quyền', 'GUQ'], ['Giấy mời', 'GM'],
  ['Giấy giới thiệu', 'GGT'], ['Giấy nghỉ phép', 'GNP'], ['Phiếu gửi', 'PG'], ['Phiếu chuyển', 'PC'], ['Phiếu báo', 'PB'], ['Thư công', null],
];

describe('the document type catalogue', () => {
  it('holds the 29 administrative types of Decree 30/2020 Art. 7 with the abbreviations of Phụ lục III', () => {
    const administrative = DOCUMENT_TYPES.filter((t) => t.use === 'administrative').map((t) => [t.name, t.abbreviation]);
    expect(administrative).toEqual(DECREE_ADMINISTRATIVE);
    expect(administrative).toHaveLength(29);
  });

  it('holds the three copies, the normative types a Sở only receives, and the refused complaint letters', () => {
    expect(DOCUMENT_TYPES.filter((t) => t.use === 'copy').map((t) => [t.name, t.abbreviation])).toEqual([
      ['Bản sao y', 'SY'],
      ['Bản trích sao', 'TrS'],
      ['Bản sao lục', 'SL'],
    ]);
    expect(DOCUMENT_TYPES.filter((t) => t.use === 'incomingOnly').map((t) => t.name)).toEqual(expect.arrayContaining(['Luật', 'Nghị định', 'Thông tư']));
    expect(DOCUMENT_TYPES.filter((t) => t.use === 'refused').map((t) => t.name)).toEqual(['Đơn khiếu nại', 'Đơn tố cáo']);
  });

  it('gives every type a unique, stable ASCII code', () => {
    const codes = DOCUMENT_TYPES.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9_]{0,15}$/);
    expect(documentType('TTR')).toMatchObject({ name: 'Tờ trình', abbreviation: 'TTr' });
    expect(documentType('QYD')).toMatchObject({ name: 'Quy định', abbreviation: 'QyĐ' });
    expect(documentType('CV')).toMatchObject({ name: 'Công văn', abbreviation: null });
    expect(documentType('nope')).toBeUndefined();
  });
});
