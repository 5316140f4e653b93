import type { Db } from '../db/db.ts';
import type { Role } from '../auth/principal.ts';
import { createDepartment } from '../domain/accounts/departments.service.ts';
import { createUser } from '../domain/accounts/users.service.ts';
import { createProcedure, type ProcedureRulesInput } from '../domain/procedures/procedures.service.ts';

const SYSTEM = { kind: 'system' } as const;

/**
 * The units of a provincial Sở Công Thương (DOMAIN §6). Since 1 July 2025 dossiers are received and results
 * returned by the provincial Public Administration Service Centre (Trung tâm Phục vụ hành chính công; Nghị định
 * 118/2025/NĐ-CP on the one-stop mechanism), whose name the forms print from IDESK_SERVICE_CENTRE_NAME. The demo
 * keeps a unit for the one-stop staff who work there for the Sở, under the same code (MOTCUA).
 */
const DEPARTMENTS = [
  { code: 'BGD', name: 'Ban Giám đốc Sở' },
  { code: 'VP', name: 'Văn phòng Sở' },
  { code: 'MOTCUA', name: 'Bộ phận Một cửa (công chức của Sở tại Trung tâm Phục vụ hành chính công tỉnh)' },
  { code: 'TTRA', name: 'Thanh tra Sở' },
  { code: 'KHTC', name: 'Phòng Kế hoạch – Tài chính' },
  { code: 'QLCN', name: 'Phòng Quản lý Công nghiệp' },
  { code: 'QLNL', name: 'Phòng Quản lý Năng lượng' },
  { code: 'QLTM', name: 'Phòng Quản lý Thương mại' },
  { code: 'KTAT', name: 'Phòng Kỹ thuật an toàn – Môi trường' },
];

/** One account per role (DESIGN §2). */
const USERS: Array<{ username: string; fullName: string; department: string; roles: Role[] }> = [
  { username: 'vanthu', fullName: 'Nguyễn Thị Văn Thư', department: 'VP', roles: ['clerk'] },
  { username: 'motcua', fullName: 'Trần Văn Một Cửa', department: 'MOTCUA', roles: ['onestop'] },
  { username: 'chuyenvien', fullName: 'Lê Thị Chuyên Viên', department: 'QLTM', roles: ['specialist'] },
  { username: 'truongphong', fullName: 'Phạm Văn Trưởng Phòng', department: 'QLTM', roles: ['dept_lead'] },
  { username: 'chuyenvien.nl', fullName: 'Đỗ Văn Năng Lượng', department: 'QLNL', roles: ['specialist'] },
  { username: 'truongphong.nl', fullName: 'Võ Thị Điện Lực', department: 'QLNL', roles: ['dept_lead'] },
  { username: 'giamdoc', fullName: 'Hoàng Văn Giám Đốc', department: 'BGD', roles: ['director'] },
  { username: 'nhanvien', fullName: 'Bùi Thị Nhân Viên', department: 'KHTC', roles: [] },
];

/** A demo procedure: its rules, the legal basis they come from, and what could not be checked against the text. */
export interface DemoProcedure extends ProcedureRulesInput {
  code: string;
  name: string;
  department: string;
  /** The documents and articles the name, time limit, supplement window and fee come from. */
  legalBasis: string;
  /** Facts taken over without being checked against the legal text (empty: all checked). */
  unverified: string[];
}

/**
 * Appraisal fees (phí thẩm định) are paid when the dossier is lodged, so the result never waits for them
 * (no awaitingPayment). The amounts are left "theo quy định" (null): the Ministry of Finance sets them by
 * area (the national portal lists, for an alcohol licence, one appraisal rate for businesses in cities and
 * towns and another elsewhere), so one number cannot be right for every province, and the current rates
 * for these procedures were not verified.
 */
const APPRAISAL_FEE = { collectedAt: 'intake', amount: null } as const;

/**
 * The papers (thành phần hồ sơ) of an electricity licence: the request on the form, the business
 * registration, the qualifications of the technical manager, and the equipment and operating documents.
 * Shaped after the dossier the national portal lists for these procedures; the exact items of the
 * circular implementing Nghị định 61/2025/NĐ-CP were not checked (see `unverified`).
 */
const ELECTRICITY_PAPERS = [
  { code: 'van-ban-de-nghi', name: 'Văn bản đề nghị cấp giấy phép hoạt động điện lực (theo mẫu)', copies: 1, original: true },
  { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp', copies: 1 },
  { code: 'nguoi-quan-ly', name: 'Danh sách, bằng cấp và chứng chỉ của người trực tiếp quản lý kỹ thuật, kinh doanh', copies: 1 },
  { code: 'tai-lieu-ky-thuat', name: 'Tài liệu về trang thiết bị, hệ thống đo đếm và phương án kinh doanh', copies: 1 },
];

/** The papers of a wholesale alcohol licence (Nghị định 105/2017/NĐ-CP as amended by 17/2020/NĐ-CP). */
const ALCOHOL_WHOLESALE_PAPERS = [
  { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy phép bán buôn rượu (theo mẫu)', copies: 1, original: true },
  { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp', copies: 1 },
  { code: 'hop-dong-nha-cung-cap', name: 'Bản sao văn bản giới thiệu hoặc hợp đồng nguyên tắc với thương nhân sản xuất rượu, nhà phân phối hoặc thương nhân bán buôn khác', copies: 1 },
  { code: 'quyen-su-dung-kho', name: 'Bản sao giấy tờ chứng minh quyền sử dụng kho hàng hoặc hợp đồng thuê kho', copies: 1 },
  { code: 'he-thong-ban-le', name: 'Hồ sơ về hệ thống bán lẻ (hợp đồng, văn bản giới thiệu với các thương nhân bán lẻ)', copies: 1 },
];

/** The papers of a wholesale tobacco licence (Nghị định 67/2013/NĐ-CP as amended by 106/2017/NĐ-CP). */
const TOBACCO_WHOLESALE_PAPERS = [
  { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy phép bán buôn sản phẩm thuốc lá (theo mẫu)', copies: 1, original: true },
  { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp', copies: 1 },
  { code: 'hop-dong-nha-cung-cap', name: 'Bản sao văn bản giới thiệu, hợp đồng mua bán của doanh nghiệp sản xuất hoặc phân phối sản phẩm thuốc lá', copies: 1 },
  { code: 'kho-phuong-tien', name: 'Bản sao giấy tờ chứng minh quyền sử dụng kho hàng, phương tiện vận tải', copies: 1 },
  { code: 'he-thong-ban-le', name: 'Bảng kê danh sách thương nhân, tổ chức, cá nhân trực thuộc hệ thống bán lẻ', copies: 1 },
];

/** A licence reissued after it was lost or damaged: the request and what remains of the licence. */
const ALCOHOL_REISSUE_PAPERS = [
  { code: 'don-de-nghi', name: 'Đơn đề nghị cấp lại Giấy phép bán buôn rượu (theo mẫu)', copies: 1, original: true },
  { code: 'giay-phep-cu', name: 'Bản gốc hoặc bản sao Giấy phép bán buôn rượu đã được cấp (nếu còn)', copies: 1 },
];

/** What the required papers of every demo procedure were not checked against. */
const PAPERS_UNVERIFIED = 'required papers: shaped after the dossier the national portal lists for the procedure, not checked item by item against the decree or circular';

/**
 * Procedures handled by a Sở Công Thương, as in force at the end of 2026, with their statutory time limits
 * in working days, the window for asking for a supplement and the fee. Codes with a national number are
 * national procedure codes (not checked against the national database, see `unverified`); the others are
 * local codes. Checked on 3 December 2026 against the sources named in each `legalBasis`.
 *
 * Left out on purpose — chemicals. The Luật Hóa chất số 69/2025/QH15 took effect on 1 January 2026 and
 * Nghị định 24/2026, 25/2026 and 26/2026/NĐ-CP (17 January 2026, with Thông tư 01/2026/TT-BCT and
 * 02/2026/TT-BCT) replaced Nghị định 113/2017/NĐ-CP and 82/2022/NĐ-CP, so the two chemicals procedures of the previous
 * seed (12 and 5 working days) no longer have a legal basis. Their successor is the "Cấp Giấy
 * chứng nhận đủ điều kiện sản xuất, kinh doanh hóa chất có điều kiện", issued by the provincial People's
 * Committee (Nghị định 26/2026/NĐ-CP, Điều 8–10; request form Mẫu 10a, Phụ lục X, Thông tư 01/2026/TT-BCT),
 * but its time limit, whether a supplement window applies and its fee could not be verified, so no
 * procedure is seeded for it rather than an invented deadline. Add it here once the decision publishing the
 * 2026 chemicals procedures (thời hạn giải quyết, phí thẩm định) has been read.
 */
export const DEMO_PROCEDURES: DemoProcedure[] = [
  {
    code: '1.013416',
    name: 'Cấp giấy phép hoạt động bán lẻ điện',
    department: 'QLNL',
    workingDays: 14,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    requiredPapers: ELECTRICITY_PAPERS,
    legalBasis:
      'Luật Điện lực ngày 30/11/2024, Điều 31–32; Nghị định 61/2025/NĐ-CP (04/3/2025), Điều 22 khoản 2: UBND cấp tỉnh cấp giấy phép bán lẻ điện trong một tỉnh và dưới 22 kV (từ 22 kV hoặc từ 02 tỉnh trở lên: Cục Điện lực, khoản 1 điểm d)',
    unverified: [PAPERS_UNVERIFIED, 'national code and name', 'time limit of 14 working days (kept from the previous seed)', 'supplement window', 'fee: circular and amount'],
  },
  {
    code: '1.013412',
    name: 'Cấp giấy phép hoạt động bán buôn điện',
    department: 'QLNL',
    workingDays: 14,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    requiredPapers: ELECTRICITY_PAPERS,
    legalBasis:
      'Luật Điện lực ngày 30/11/2024, Điều 31–32; Nghị định 61/2025/NĐ-CP (04/3/2025), Điều 22 khoản 2: UBND cấp tỉnh cấp giấy phép bán buôn điện trong một tỉnh và dưới 22 kV (từ 22 kV hoặc từ 02 tỉnh trở lên: Cục Điện lực, khoản 1 điểm d)',
    unverified: [PAPERS_UNVERIFIED, 'national code and name', 'time limit of 14 working days (kept from the previous seed)', 'supplement window', 'fee: circular and amount'],
  },
  {
    code: '1.013417',
    name: 'Cấp lại giấy phép hoạt động điện lực',
    department: 'QLNL',
    workingDays: 10,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    requiredPapers: ELECTRICITY_PAPERS,
    legalBasis: 'Luật Điện lực ngày 30/11/2024, Điều 32; Nghị định 61/2025/NĐ-CP (04/3/2025), Điều 22 (thẩm quyền như khi cấp mới)',
    unverified: [PAPERS_UNVERIFIED, 'national code and name', 'time limit of 10 working days (kept from the previous seed)', 'supplement window', 'whether an appraisal fee is charged for cấp lại, and its amount'],
  },
  {
    code: 'SCT.RUOU.BB',
    name: 'Cấp Giấy phép bán buôn rượu',
    department: 'QLTM',
    workingDays: 15,
    fee: APPRAISAL_FEE,
    supplementWindowDays: 3,
    requiredPapers: ALCOHOL_WHOLESALE_PAPERS,
    legalBasis:
      'Nghị định 105/2017/NĐ-CP, sửa đổi, bổ sung bởi Nghị định 17/2020/NĐ-CP, Điều 25: Sở Công Thương cấp; 15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ; hồ sơ chưa hợp lệ thì yêu cầu bổ sung bằng văn bản trong 03 ngày làm việc kể từ ngày tiếp nhận. Phí thẩm định: Thông tư 168/2016/TT-BTC, nộp khi nộp hồ sơ',
    unverified: [PAPERS_UNVERIFIED, 'fee circular (Thông tư 168/2016/TT-BTC, as amended) and amount (by area)'],
  },
  {
    code: 'SCT.THUOCLA.BB',
    name: 'Cấp Giấy phép bán buôn sản phẩm thuốc lá',
    department: 'QLTM',
    workingDays: 15,
    fee: APPRAISAL_FEE,
    // Điều 28 khoản 2 điểm c as amended by Nghị định 106/2017/NĐ-CP says 07 working days, not 5.
    supplementWindowDays: 7,
    requiredPapers: TOBACCO_WHOLESALE_PAPERS,
    legalBasis:
      'Nghị định 67/2013/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 106/2017/NĐ-CP, 08/2018/NĐ-CP và 17/2020/NĐ-CP), Điều 28 theo Nghị định 106/2017/NĐ-CP: Sở Công Thương cấp Giấy phép bán buôn sản phẩm thuốc lá (khoản 1 điểm b); 15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ (khoản 2 điểm b); hồ sơ chưa hợp lệ thì yêu cầu bổ sung trong vòng 07 ngày làm việc kể từ ngày tiếp nhận (khoản 2 điểm c). Phí thẩm định: Thông tư 168/2016/TT-BTC, nộp khi nộp hồ sơ',
    unverified: [
      PAPERS_UNVERIFIED,
      'whether Nghị định 08/2018/NĐ-CP or 17/2020/NĐ-CP changed the 07-day supplement window of Điều 28 (the consolidated text read carries the 106/2017 wording)',
      'fee circular (Thông tư 168/2016/TT-BTC, as amended) and amount (by area)',
    ],
  },
  {
    code: 'SCT.RUOU.CL',
    name: 'Cấp lại Giấy phép bán buôn rượu (do bị mất, bị tiêu hủy toàn bộ hoặc một phần, bị rách, nát hoặc bị cháy)',
    department: 'QLTM',
    workingDays: 7,
    fee: APPRAISAL_FEE,
    supplementWindowDays: 3,
    leadReview: false,
    requiredPapers: ALCOHOL_REISSUE_PAPERS,
    legalBasis:
      'Nghị định 105/2017/NĐ-CP, sửa đổi, bổ sung bởi Nghị định 17/2020/NĐ-CP, Điều 27: cấp lại do bị mất hoặc bị hỏng trong 07 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ; yêu cầu bổ sung trong 03 ngày làm việc (cấp lại do hết hiệu lực: hồ sơ, thủ tục như cấp mới). Phí thẩm định: Thông tư 168/2016/TT-BTC',
    unverified: [PAPERS_UNVERIFIED, 'whether the appraisal fee applies to cấp lại of a bán buôn licence (the national portal lists it for cấp lại of a bán lẻ licence)'],
  },
];

/**
 * Loads demonstration data: departments, one account per role sharing one password (no forced change:
 * demo data only), and procedures. Does nothing when the departments exist already.
 * @returns what was created, or null when the database was already seeded.
 */
export async function seedDemo(db: Db, password: string, now: Date, scryptCost: number) {
  if (await db('departments').where({ code: 'MOTCUA' }).first('id')) return null;
  const ids = new Map<string, number>();
  for (const d of DEPARTMENTS) ids.set(d.code, (await createDepartment(db, SYSTEM, d, now)).id);
  const users = [];
  for (const u of USERS) {
    const { user } = await createUser(
      db,
      SYSTEM,
      { username: u.username, fullName: u.fullName, departmentId: ids.get(u.department) as number, roles: [...u.roles, 'staff'], password },
      now,
      { scryptCost, mustChangePassword: false },
    );
    users.push(user);
  }
  const procedures = [];
  for (const p of DEMO_PROCEDURES) {
    // The legal basis documents the demo data; the procedure record carries the rules only.
    const { department, legalBasis: _legalBasis, unverified: _unverified, ...rest } = p;
    procedures.push(await createProcedure(db, SYSTEM, { ...rest, departmentId: ids.get(department) as number }, now));
  }
  return { departments: DEPARTMENTS.length, users, procedures };
}
