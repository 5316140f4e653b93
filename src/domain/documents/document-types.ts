/**
 * The catalogue of document types (DOMAIN §3.1).
 *
 * - `administrative`: the 29 administrative document types of Decree 30/2020/NĐ-CP Art. 7, with the
 *   abbreviations of its Phụ lục III (Quy định is `QyĐ`, to tell it from Quyết định `QĐ`); Công văn has no
 *   type abbreviation (its symbol is `<agency>-<unit>`, Phụ lục III note), nor has Thư công. A Sở issues
 *   and receives these.
 * - `copy`: the copies of Art. 25 (bản sao y, trích sao, sao lục), numbered and symbolled like the others.
 * - `incomingOnly`: legal normative documents (văn bản quy phạm pháp luật, Law 80/2015/QH13 Art. 4) from
 *   the National Assembly, the Government, the ministries and the province: a Sở receives them in its
 *   incoming register but never issues them (it has no law-making power, Law 80/2015 Art. 4).
 * - `refused`: complaint and denunciation letters, which must not enter the system (regulation Điều 4.2.b):
 *   creating a document of such a type is refused.
 *
 * `code` is stable ASCII (it is stored in `documents.type_code` and sent by API clients); `name` is
 * written as the decree writes it.
 */

export type DocumentTypeUse = 'administrative' | 'copy' | 'incomingOnly' | 'refused';

export interface DocumentType {
  code: string;
  name: string;
  /** The type's abbreviation in a symbol; null for Công văn and Thư công. */
  abbreviation: string | null;
  use: DocumentTypeUse;
}

const admin = (code: string, name: string, abbreviation: string | null): DocumentType => ({ code, name, abbreviation, use: 'administrative' });

export const CONG_VAN_CODE = 'CV';

export const DOCUMENT_TYPES: readonly DocumentType[] = Object.freeze([
  // Decree 30/2020/NĐ-CP Art. 7 and Phụ lục III, in the decree's order.
  admin('NQ', 'Nghị quyết', 'NQ'),
  admin('QD', 'Quyết định', 'QĐ'),
  admin('CT', 'Chỉ thị', 'CT'),
  admin('QC', 'Quy chế', 'QC'),
  admin('QYD', 'Quy định', 'QyĐ'),
  admin('TC', 'Thông cáo', 'TC'),
  admin('TB', 'Thông báo', 'TB'),
  admin('HD', 'Hướng dẫn', 'HD'),
  admin('CTR', 'Chương trình', 'CTr'),
  admin('KH', 'Kế hoạch', 'KH'),
  admin('PA', 'Phương án', 'PA'),
  admin('DEAN', 'Đề án', 'ĐA'),
  admin('DA', 'Dự án', 'DA'),
  admin('BC', 'Báo cáo', 'BC'),
  admin('BB', 'Biên bản', 'BB'),
  admin('TTR', 'Tờ trình', 'TTr'),
  admin('HDONG', 'Hợp đồng', 'HĐ'),
  admin(CONG_VAN_CODE, 'Công văn', null),
  admin('CD', 'Công điện', 'CĐ'),
  admin('BGN', 'Bản ghi nhớ', 'BGN'),
  admin('BTT', 'Bản thỏa thuận', 'BTT'),
  admin('GUQ', 'Giấy ủy quyền', 'GUQ'),
  admin('GM', 'Giấy mời', 'GM'),
  admin('GGT', 'Giấy giới thiệu', 'GGT'),
  admin('GNP', 'Giấy nghỉ phép', 'GNP'),
  admin('PG', 'Phiếu gửi', 'PG'),
  admin('PC', 'Phiếu chuyển', 'PC'),
  admin('PB', 'Phiếu báo', 'PB'),
  admin('THUCONG', 'Thư công', null),
  // Copies (Decree 30/2020 Art. 25, Phụ lục III).
  { code: 'SY', name: 'Bản sao y', abbreviation: 'SY', use: 'copy' },
  { code: 'TRS', name: 'Bản trích sao', abbreviation: 'TrS', use: 'copy' },
  { code: 'SL', name: 'Bản sao lục', abbreviation: 'SL', use: 'copy' },
  // Legal normative documents from above (Law 80/2015/QH13 Art. 4): received, never issued by a Sở.
  { code: 'HP', name: 'Hiến pháp', abbreviation: null, use: 'incomingOnly' },
  { code: 'BLUAT', name: 'Bộ luật', abbreviation: null, use: 'incomingOnly' },
  { code: 'LUAT', name: 'Luật', abbreviation: null, use: 'incomingOnly' },
  { code: 'NQ_QPPL', name: 'Nghị quyết (quy phạm pháp luật)', abbreviation: null, use: 'incomingOnly' },
  { code: 'PL', name: 'Pháp lệnh', abbreviation: null, use: 'incomingOnly' },
  { code: 'LENH', name: 'Lệnh', abbreviation: null, use: 'incomingOnly' },
  { code: 'ND', name: 'Nghị định', abbreviation: null, use: 'incomingOnly' },
  { code: 'QD_QPPL', name: 'Quyết định (quy phạm pháp luật)', abbreviation: null, use: 'incomingOnly' },
  { code: 'TT', name: 'Thông tư', abbreviation: null, use: 'incomingOnly' },
  { code: 'TTLT', name: 'Thông tư liên tịch', abbreviation: null, use: 'incomingOnly' },
  // Regulation Điều 4.2.b: complaints and denunciations are refused.
  { code: 'DON_KN', name: 'Đơn khiếu nại', abbreviation: null, use: 'refused' },
  { code: 'DON_TC', name: 'Đơn tố cáo', abbreviation: null, use: 'refused' },
] satisfies DocumentType[]);

const BY_CODE = new Map(DOCUMENT_TYPES.map((t) => [t.code, t]));

/** The type with this code, or undefined. */
export function documentType(code: string): DocumentType | undefined {
  return BY_CODE.get(code);
}

/** Whether a document of this type may be drafted and issued by the agency (outgoing). */
export function issuable(type: DocumentType): boolean {
  return type.use === 'administrative' || type.use === 'copy';
}
