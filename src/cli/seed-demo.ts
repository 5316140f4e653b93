import type { Db } from '../db/db.ts';
import type { Role } from '../auth/principal.ts';
import { createDepartment } from '../domain/accounts/departments.service.ts';
import { createUser } from '../domain/accounts/users.service.ts';
import { createProcedure, type ProcedureCatalogue, type ProcedureRulesInput } from '../domain/procedures/procedures.service.ts';

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

/**
 * A demo procedure: its rules, what the national portal publishes of it, the legal basis its figures come
 * from, and what could not be checked against the text. All of it is stored: `unverified` goes with the
 * rules and the admin's procedures page shows it ("Chưa kiểm chứng").
 */
export interface DemoProcedure extends ProcedureRulesInput, ProcedureCatalogue {
  code: string;
  name: string;
  department: string;
  /** The documents and articles the procedure rests on (căn cứ pháp lý). */
  legalBasis: string;
  /** The article the time limit comes from. */
  timeLimitBasis: string;
  /** The document the fee (or its absence) comes from. */
  feeBasis: string;
  /** Facts taken over without being checked against the legal text (empty: all checked). */
  unverified: string[];
}

/** The Centre receives and returns for the Sở since 1 July 2025 (Nghị định 118/2025/NĐ-CP). */
const AGENCY = 'Sở Công Thương (tiếp nhận hồ sơ và trả kết quả tại Trung tâm Phục vụ hành chính công tỉnh)';
const PROVINCE = 'Cấp tỉnh';
const BUSINESSES = 'Doanh nghiệp, hợp tác xã, hộ kinh doanh';
/** Thông tư 168/2016/TT-BTC: the appraisal fee for trade in goods under conditions, by area and kind of business. */
const FEE_168 = 'Thông tư 168/2016/TT-BTC (phí thẩm định kinh doanh hàng hóa, dịch vụ kinh doanh có điều kiện thuộc lĩnh vực thương mại), nộp khi nộp hồ sơ';
const FEE_168_NOTE = 'Theo khu vực và loại chủ thể: tại thành phố, thị xã, tổ chức, doanh nghiệp nộp 1.200.000 đồng/điểm kinh doanh/lần thẩm định; các mức khác theo Thông tư 168/2016/TT-BTC';

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
    sector: 'Điện',
    level: PROVINCE,
    applicants: 'Doanh nghiệp, hợp tác xã hoạt động bán lẻ điện',
    agency: AGENCY,
    result: 'Giấy phép hoạt động điện lực (lĩnh vực bán lẻ điện)',
    timeLimitBasis: 'Nghị định 61/2025/NĐ-CP, Điều 22 (thẩm quyền); thời hạn giữ theo bản mẫu trước, chưa đối chiếu điều khoản thời hạn',
    feeBasis: 'Thông tư của Bộ Tài chính về phí thẩm định cấp giấy phép hoạt động điện lực (chưa xác định số hiệu thông tư hiện hành)',
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
    sector: 'Điện',
    level: PROVINCE,
    applicants: 'Doanh nghiệp hoạt động bán buôn điện',
    agency: AGENCY,
    result: 'Giấy phép hoạt động điện lực (lĩnh vực bán buôn điện)',
    timeLimitBasis: 'Nghị định 61/2025/NĐ-CP, Điều 22 (thẩm quyền); thời hạn giữ theo bản mẫu trước, chưa đối chiếu điều khoản thời hạn',
    feeBasis: 'Thông tư của Bộ Tài chính về phí thẩm định cấp giấy phép hoạt động điện lực (chưa xác định số hiệu thông tư hiện hành)',
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
    sector: 'Điện',
    level: PROVINCE,
    applicants: 'Tổ chức đã được cấp giấy phép hoạt động điện lực',
    agency: AGENCY,
    result: 'Giấy phép hoạt động điện lực được cấp lại',
    timeLimitBasis: 'Luật Điện lực 2024, Điều 32; Nghị định 61/2025/NĐ-CP, Điều 22; thời hạn giữ theo bản mẫu trước, chưa đối chiếu',
    feeBasis: 'Chưa xác định (xem ghi chú chưa kiểm chứng)',
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
    sector: 'Lưu thông hàng hóa trong nước',
    level: PROVINCE,
    applicants: 'Doanh nghiệp',
    agency: AGENCY,
    result: 'Giấy phép bán buôn rượu',
    timeLimitBasis: 'Nghị định 105/2017/NĐ-CP, Điều 25 (sửa đổi bởi Nghị định 17/2020/NĐ-CP): 15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ; yêu cầu bổ sung trong 03 ngày làm việc',
    feeBasis: FEE_168,
    feeNote: FEE_168_NOTE,
    conditions: 'Doanh nghiệp có quyền sử dụng kho hàng, có hệ thống bán buôn và hợp đồng với thương nhân sản xuất, nhà phân phối (Nghị định 105/2017/NĐ-CP, Điều 11)',
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
    sector: 'Lưu thông hàng hóa trong nước',
    level: PROVINCE,
    applicants: 'Doanh nghiệp',
    agency: AGENCY,
    result: 'Giấy phép bán buôn sản phẩm thuốc lá',
    timeLimitBasis: 'Nghị định 67/2013/NĐ-CP, Điều 28 khoản 2 điểm b, c (theo Nghị định 106/2017/NĐ-CP): 15 ngày làm việc; yêu cầu bổ sung trong 07 ngày làm việc',
    feeBasis: FEE_168,
    feeNote: FEE_168_NOTE,
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
    sector: 'Lưu thông hàng hóa trong nước',
    level: PROVINCE,
    applicants: 'Doanh nghiệp đã được cấp Giấy phép bán buôn rượu',
    agency: AGENCY,
    result: 'Giấy phép bán buôn rượu được cấp lại',
    timeLimitBasis: 'Nghị định 105/2017/NĐ-CP, Điều 27 (sửa đổi bởi Nghị định 17/2020/NĐ-CP): 07 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ',
    feeBasis: FEE_168,
  },
  // ——— Lưu thông hàng hóa trong nước: rượu, thuốc lá, xăng dầu ———
  {
    code: 'SCT.RUOU.SX',
    name: 'Cấp Giấy phép sản xuất rượu công nghiệp (quy mô dưới 03 triệu lít/năm)',
    department: 'QLCN',
    sector: 'Lưu thông hàng hóa trong nước',
    level: PROVINCE,
    applicants: 'Doanh nghiệp sản xuất rượu',
    agency: AGENCY,
    conditions: 'Dây chuyền máy móc, thiết bị, quy trình công nghệ đáp ứng quy mô dự kiến; bảo đảm điều kiện an toàn thực phẩm, bảo vệ môi trường, ghi nhãn (Nghị định 105/2017/NĐ-CP, Điều 8)',
    result: 'Giấy phép sản xuất rượu công nghiệp',
    workingDays: 15,
    fee: APPRAISAL_FEE,
    supplementWindowDays: 3,
    inspection: true,
    requiredPapers: [
      { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy phép sản xuất rượu công nghiệp (theo mẫu)', copies: 1, original: true },
      { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp', copies: 1 },
      { code: 'cong-bo-san-pham', name: 'Bản sao Bản công bố sản phẩm rượu hoặc Giấy tiếp nhận bản công bố hợp quy', copies: 1 },
      { code: 'attp', name: 'Bản sao Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm', copies: 1 },
    ],
    legalBasis: 'Luật Phòng, chống tác hại của rượu, bia 2019; Nghị định 105/2017/NĐ-CP, sửa đổi bởi Nghị định 17/2020/NĐ-CP, Điều 8, 12, 25',
    timeLimitBasis: 'Nghị định 105/2017/NĐ-CP, Điều 25 khoản 2: 15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ (như giấy phép bán buôn); yêu cầu bổ sung trong 03 ngày làm việc',
    feeBasis: FEE_168,
    feeNote: 'Mức phí thẩm định cấp giấy phép sản xuất rượu công nghiệp theo Thông tư 168/2016/TT-BTC',
    unverified: [PAPERS_UNVERIFIED, 'time limit: Điều 25 read for the wholesale licence; that it covers the production licence of under 3 million litres was not checked', 'fee amount for the production licence'],
  },
  {
    code: 'SCT.RUOU.BB.SD',
    name: 'Cấp sửa đổi, bổ sung Giấy phép bán buôn rượu',
    department: 'QLTM',
    sector: 'Lưu thông hàng hóa trong nước',
    level: PROVINCE,
    applicants: 'Doanh nghiệp đã được cấp Giấy phép bán buôn rượu',
    agency: AGENCY,
    result: 'Giấy phép bán buôn rượu sửa đổi, bổ sung',
    workingDays: 15,
    fee: APPRAISAL_FEE,
    supplementWindowDays: 3,
    leadReview: false,
    requiredPapers: [
      { code: 'don-de-nghi', name: 'Đơn đề nghị sửa đổi, bổ sung Giấy phép bán buôn rượu (theo mẫu)', copies: 1, original: true },
      { code: 'giay-phep-cu', name: 'Bản sao Giấy phép bán buôn rượu đã được cấp', copies: 1 },
      { code: 'tai-lieu-thay-doi', name: 'Tài liệu chứng minh nội dung thay đổi', copies: 1 },
    ],
    legalBasis: 'Nghị định 105/2017/NĐ-CP, sửa đổi bởi Nghị định 17/2020/NĐ-CP, Điều 26',
    timeLimitBasis: 'Nghị định 105/2017/NĐ-CP, Điều 26 (thời hạn như cấp mới, Điều 25: 15 ngày làm việc)',
    feeBasis: FEE_168,
    unverified: [PAPERS_UNVERIFIED, 'time limit: Điều 26 was not read; 15 working days is the new-licence limit of Điều 25', 'whether the appraisal fee applies to sửa đổi, bổ sung'],
  },
  {
    code: 'SCT.THUOCLA.BB.SD',
    name: 'Cấp sửa đổi, bổ sung Giấy phép bán buôn sản phẩm thuốc lá',
    department: 'QLTM',
    sector: 'Lưu thông hàng hóa trong nước',
    level: PROVINCE,
    applicants: 'Doanh nghiệp đã được cấp Giấy phép bán buôn sản phẩm thuốc lá',
    agency: AGENCY,
    result: 'Giấy phép bán buôn sản phẩm thuốc lá sửa đổi, bổ sung',
    workingDays: 15,
    fee: APPRAISAL_FEE,
    supplementWindowDays: 7,
    leadReview: false,
    requiredPapers: [
      { code: 'don-de-nghi', name: 'Đơn đề nghị sửa đổi, bổ sung Giấy phép bán buôn sản phẩm thuốc lá (theo mẫu)', copies: 1, original: true },
      { code: 'giay-phep-cu', name: 'Bản sao Giấy phép bán buôn sản phẩm thuốc lá đã được cấp', copies: 1 },
      { code: 'tai-lieu-thay-doi', name: 'Tài liệu chứng minh nội dung thay đổi', copies: 1 },
    ],
    legalBasis: 'Nghị định 67/2013/NĐ-CP, sửa đổi bởi Nghị định 106/2017/NĐ-CP, Điều 29',
    timeLimitBasis: 'Nghị định 67/2013/NĐ-CP, Điều 29 (theo Nghị định 106/2017/NĐ-CP): thời hạn và trình tự như cấp mới (Điều 28 khoản 2: 15 ngày làm việc)',
    feeBasis: FEE_168,
    unverified: [PAPERS_UNVERIFIED, 'time limit: Điều 29 was not read; 15 working days is the new-licence limit of Điều 28', 'whether the appraisal fee applies to sửa đổi, bổ sung'],
  },
  {
    code: '2.000648',
    name: 'Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu',
    department: 'QLTM',
    sector: 'Lưu thông hàng hóa trong nước',
    level: PROVINCE,
    applicants: 'Thương nhân có cửa hàng bán lẻ xăng dầu',
    agency: AGENCY,
    conditions: 'Cửa hàng phù hợp quy hoạch mạng lưới cửa hàng bán lẻ xăng dầu của tỉnh; được xây dựng theo quy chuẩn kỹ thuật; cán bộ quản lý, nhân viên được đào tạo về phòng cháy, chữa cháy và bảo vệ môi trường (Nghị định 83/2014/NĐ-CP, Điều 24, sửa đổi bởi Nghị định 95/2021/NĐ-CP)',
    result: 'Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu',
    workingDays: 20,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    inspection: true,
    requiredPapers: [
      { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu (theo mẫu)', copies: 1, original: true },
      { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp', copies: 1 },
      { code: 'thiet-ke-cua-hang', name: 'Bản sao tài liệu chứng minh cửa hàng được xây dựng theo thiết kế đã được phê duyệt và quyền sử dụng cửa hàng', copies: 1 },
      { code: 'pccc', name: 'Bản sao văn bản nghiệm thu về phòng cháy, chữa cháy', copies: 1 },
      { code: 'chung-nhan-dao-tao', name: 'Bản sao chứng nhận huấn luyện nghiệp vụ của cán bộ quản lý, nhân viên cửa hàng', copies: 1 },
    ],
    legalBasis: 'Nghị định 83/2014/NĐ-CP về kinh doanh xăng dầu, sửa đổi bởi Nghị định 95/2021/NĐ-CP và Nghị định 80/2023/NĐ-CP, Điều 24, 25',
    timeLimitBasis: '20 ngày làm việc kể từ ngày nhận hồ sơ hợp lệ, as the provincial portal publishes procedure 2.000648.000.00.00.H50 (dichvucong.quangtri.gov.vn), from Nghị định 83/2014/NĐ-CP, Điều 25 as amended',
    feeBasis: FEE_168,
    feeNote: 'Khu vực thành phố, thị xã: tổ chức, doanh nghiệp 1.200.000 đồng/điểm kinh doanh/lần thẩm định; hộ kinh doanh, cá nhân và khu vực khác theo Thông tư 168/2016/TT-BTC',
    unverified: [PAPERS_UNVERIFIED, 'time limit and fee checked against one province’s published procedure, not against the decree text; whether Nghị định 80/2023/NĐ-CP or a later decree changed them was not checked'],
  },
  {
    code: 'SCT.XD.CL',
    name: 'Cấp lại Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu',
    department: 'QLTM',
    sector: 'Lưu thông hàng hóa trong nước',
    level: PROVINCE,
    applicants: 'Thương nhân đã được cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu',
    agency: AGENCY,
    result: 'Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu được cấp lại',
    workingDays: 10,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    leadReview: false,
    requiredPapers: [
      { code: 'don-de-nghi', name: 'Đơn đề nghị cấp lại Giấy chứng nhận (theo mẫu)', copies: 1, original: true },
      { code: 'giay-chung-nhan-cu', name: 'Bản gốc hoặc bản sao Giấy chứng nhận đã được cấp (nếu còn)', copies: 1 },
    ],
    legalBasis: 'Nghị định 83/2014/NĐ-CP, sửa đổi bởi Nghị định 95/2021/NĐ-CP, Điều 25',
    timeLimitBasis: 'Nghị định 83/2014/NĐ-CP, Điều 25 (cấp lại): not read; 10 working days is a placeholder',
    feeBasis: FEE_168,
    unverified: [PAPERS_UNVERIFIED, 'time limit of 10 working days: not found in the text read (placeholder until the decree is read)', 'whether the appraisal fee applies to cấp lại'],
  },
  // ——— Kinh doanh khí (LPG) ———
  {
    code: 'SCT.KHI.CHLPG',
    name: 'Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán LPG chai',
    department: 'QLTM',
    sector: 'Kinh doanh khí',
    level: PROVINCE,
    applicants: BUSINESSES,
    agency: AGENCY,
    conditions: 'Là doanh nghiệp hoặc hộ kinh doanh; cửa hàng đáp ứng điều kiện an toàn, phòng cháy và chữa cháy (Nghị định 87/2018/NĐ-CP, Điều 14)',
    result: 'Giấy chứng nhận đủ điều kiện cửa hàng bán LPG chai',
    workingDays: 15,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    inspection: true,
    requiredPapers: [
      { code: 'giay-de-nghi', name: 'Giấy đề nghị cấp Giấy chứng nhận đủ điều kiện cửa hàng bán LPG chai (theo mẫu, Phụ lục Nghị định 87/2018/NĐ-CP)', copies: 1, original: true },
      { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc đăng ký hộ kinh doanh', copies: 1 },
      { code: 'pccc', name: 'Bản sao tài liệu chứng minh đáp ứng điều kiện phòng cháy và chữa cháy', copies: 1 },
    ],
    legalBasis: 'Nghị định 87/2018/NĐ-CP về kinh doanh khí, Điều 14, 36–37 (sửa đổi bởi Nghị định 17/2020/NĐ-CP)',
    timeLimitBasis: 'Nghị định 87/2018/NĐ-CP, Điều 37: not read; 15 working days is what earlier provincial procedures of kinh doanh khí published',
    feeBasis: FEE_168,
    unverified: [PAPERS_UNVERIFIED, 'time limit of 15 working days not checked against Nghị định 87/2018/NĐ-CP', 'whether Nghị định 17/2020/NĐ-CP abolished or changed the certificate for cửa hàng bán LPG chai was not checked', 'fee: which circular applies to kinh doanh khí, and the amount'],
  },
  {
    code: 'SCT.KHI.TNC',
    name: 'Cấp Giấy chứng nhận đủ điều kiện trạm nạp LPG vào chai',
    department: 'KTAT',
    sector: 'Kinh doanh khí',
    level: PROVINCE,
    applicants: 'Thương nhân kinh doanh LPG đầu mối có trạm nạp',
    agency: AGENCY,
    result: 'Giấy chứng nhận đủ điều kiện trạm nạp LPG vào chai',
    workingDays: 15,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    inspection: true,
    requiredPapers: [
      { code: 'giay-de-nghi', name: 'Giấy đề nghị cấp Giấy chứng nhận đủ điều kiện trạm nạp LPG vào chai (theo mẫu)', copies: 1, original: true },
      { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp', copies: 1 },
      { code: 'so-huu-tram', name: 'Bản sao tài liệu chứng minh trạm nạp thuộc sở hữu của thương nhân', copies: 1 },
      { code: 'pccc', name: 'Bản sao tài liệu chứng minh đáp ứng điều kiện phòng cháy và chữa cháy', copies: 1 },
    ],
    legalBasis: 'Nghị định 87/2018/NĐ-CP về kinh doanh khí, Điều 15, 38; cấp lại theo Mẫu số 12 Phụ lục Nghị định 87/2018/NĐ-CP (as Sở Công Thương Tiền Giang publishes it)',
    timeLimitBasis: 'Nghị định 87/2018/NĐ-CP, Điều 38: not read; 15 working days assumed as for the other certificates of kinh doanh khí',
    feeBasis: 'Chưa xác định thông tư phí áp dụng cho kinh doanh khí',
    unverified: [PAPERS_UNVERIFIED, 'time limit of 15 working days not checked', 'fee: circular and amount not found'],
  },
  // ——— Vật liệu nổ công nghiệp, tiền chất thuốc nổ ———
  {
    code: 'SCT.TCTN.DC',
    name: 'Cấp điều chỉnh Giấy chứng nhận đủ điều kiện sản xuất tiền chất thuốc nổ',
    department: 'KTAT',
    sector: 'Vật liệu nổ công nghiệp, tiền chất thuốc nổ',
    level: PROVINCE,
    applicants: 'Tổ chức, doanh nghiệp đang sản xuất tiền chất thuốc nổ đổi tên mà không thay đổi điều kiện sản xuất',
    agency: AGENCY,
    conditions: 'Chuyển đổi tên tổ chức, doanh nghiệp mà không có sự thay đổi về điều kiện sản xuất',
    result: 'Giấy chứng nhận đủ điều kiện sản xuất tiền chất thuốc nổ (điều chỉnh)',
    workingDays: 5,
    fee: null,
    supplementWindowDays: null,
    leadReview: false,
    requiredPapers: [
      { code: 'van-ban-de-nghi', name: 'Văn bản đề nghị điều chỉnh giấy chứng nhận (ghi họ tên, số định danh cá nhân của người đến liên hệ khi nộp trực tiếp)', copies: 1, original: true },
      { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp đã thay đổi tên', copies: 1 },
    ],
    legalBasis: 'Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ 2024; Nghị định 181/2024/NĐ-CP; Quyết định 03/QĐ-BCT ngày 02/01/2025 công bố thủ tục hành chính sửa đổi, bổ sung lĩnh vực vật liệu nổ công nghiệp, tiền chất thuốc nổ',
    timeLimitBasis: '05 ngày làm việc kể từ ngày nhận đủ hồ sơ, as the Ministry’s public-service portal publishes the procedure (dichvucong.moit.gov.vn, DocId 263)',
    feeBasis: 'Không quy định phí, lệ phí trong thủ tục đã công bố',
    unverified: [PAPERS_UNVERIFIED, 'the decree and article behind the 05-day limit (the Ministry portal was read, not the decree)', 'that no fee applies: the published procedure names none'],
  },
  {
    code: 'SCT.VLNCN.SD',
    name: 'Cấp Giấy phép sử dụng vật liệu nổ công nghiệp',
    department: 'KTAT',
    sector: 'Vật liệu nổ công nghiệp, tiền chất thuốc nổ',
    level: PROVINCE,
    applicants: 'Tổ chức, doanh nghiệp sử dụng vật liệu nổ công nghiệp trên địa bàn tỉnh',
    agency: AGENCY,
    conditions: 'Có dự án hoặc hoạt động khoáng sản, xây dựng cần nổ mìn; người chỉ huy nổ mìn và thợ mìn được huấn luyện; kho bảo quản hoặc hợp đồng cung ứng đáp ứng quy chuẩn an toàn',
    result: 'Giấy phép sử dụng vật liệu nổ công nghiệp',
    workingDays: 10,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    inspection: true,
    requiredPapers: [
      { code: 'van-ban-de-nghi', name: 'Văn bản đề nghị cấp Giấy phép sử dụng vật liệu nổ công nghiệp (theo mẫu)', copies: 1, original: true },
      { code: 'quyet-dinh-thanh-lap', name: 'Bản sao quyết định thành lập hoặc Giấy chứng nhận đăng ký doanh nghiệp', copies: 1 },
      { code: 'giay-phep-khai-thac', name: 'Bản sao giấy phép khai thác khoáng sản hoặc văn bản giao thầu thi công', copies: 1 },
      { code: 'phuong-an-no-min', name: 'Phương án nổ mìn được phê duyệt', copies: 1 },
    ],
    legalBasis: 'Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ 2024; Nghị định 181/2024/NĐ-CP; Quyết định 03/QĐ-BCT ngày 02/01/2025',
    timeLimitBasis: 'Nghị định 181/2024/NĐ-CP: not read; 10 working days is a placeholder',
    feeBasis: 'Thông tư của Bộ Tài chính về phí thẩm định điều kiện kinh doanh, sử dụng vật liệu nổ công nghiệp (số hiệu chưa xác định)',
    unverified: [PAPERS_UNVERIFIED, 'time limit of 10 working days: placeholder, not found in a text read', 'whether the Sở or the Ministry decides for each kind of use under the 2024 Law', 'fee circular and amount'],
  },
  // ——— Xúc tiến thương mại ———
  {
    code: '2.000004',
    name: 'Đăng ký hoạt động khuyến mại đối với chương trình khuyến mại mang tính may rủi thực hiện trên địa bàn 01 tỉnh',
    department: 'QLTM',
    sector: 'Xúc tiến thương mại',
    level: PROVINCE,
    applicants: 'Thương nhân',
    agency: AGENCY,
    result: 'Văn bản xác nhận đăng ký thực hiện chương trình khuyến mại',
    workingDays: 5,
    fee: null,
    supplementWindowDays: null,
    leadReview: false,
    requiredPapers: [
      { code: 'dang-ky-km', name: 'Đăng ký thực hiện chương trình khuyến mại (Mẫu số 02)', copies: 1, original: true },
      { code: 'the-le', name: 'Thể lệ chương trình khuyến mại (Mẫu số 03)', copies: 1, original: true },
      { code: 'bang-chung-trung-thuong', name: 'Mẫu bằng chứng xác định trúng thưởng hoặc mô tả chi tiết bằng chứng xác định trúng thưởng', copies: 1, original: true },
      { code: 'chat-luong-hang-hoa', name: 'Bản sao (không cần chứng thực) giấy tờ về chất lượng của hàng hóa khuyến mại', copies: 1 },
    ],
    legalBasis: 'Luật Thương mại 2005, Điều 96, 101; Nghị định 81/2018/NĐ-CP quy định chi tiết Luật Thương mại về hoạt động xúc tiến thương mại, Điều 19, 20',
    timeLimitBasis: '05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ (Nghị định 81/2018/NĐ-CP, Điều 20), as Lâm Đồng and Ninh Bình publish procedure 2.000004.000.00.00',
    feeBasis: 'Không quy định phí, lệ phí (provincial procedures of Lâm Đồng and Ninh Bình list none)',
    unverified: ['the article number (Điều 20) was not read in the decree; the 05 days were read on two provinces’ published procedures'],
  },
  {
    code: '2.000002',
    name: 'Đăng ký tổ chức hội chợ, triển lãm thương mại tại Việt Nam',
    department: 'QLTM',
    sector: 'Xúc tiến thương mại',
    level: PROVINCE,
    applicants: 'Thương nhân, tổ chức tổ chức hội chợ, triển lãm thương mại trên địa bàn tỉnh',
    agency: AGENCY,
    conditions: 'Đăng ký trước ngày 01 tháng 10 của năm trước năm tổ chức, hoặc chậm nhất 30 ngày trước ngày khai mạc (Nghị định 81/2018/NĐ-CP)',
    result: 'Văn bản xác nhận đăng ký tổ chức hội chợ, triển lãm thương mại',
    workingDays: 7,
    fee: null,
    supplementWindowDays: 3,
    leadReview: false,
    requiredPapers: [{ code: 'dang-ky-hctl', name: 'Đăng ký tổ chức hội chợ, triển lãm thương mại (theo mẫu)', copies: 1, original: true }],
    legalBasis: 'Luật Thương mại 2005, Điều 129–136; Nghị định 81/2018/NĐ-CP, Điều 33–35',
    timeLimitBasis: 'Nghị định 81/2018/NĐ-CP, Điều 34 (not read); 07 working days is what Bình Phước publishes for the amendment of a registration (2.000001.000.00.00.H10), with 03 working days to ask for a supplement',
    feeBasis: 'Không quy định phí, lệ phí',
    unverified: ['time limit: 07 working days read for the amendment, not for the registration itself; the registration is decided before 1 November or within the days the decree sets', 'that no fee applies'],
  },
  {
    code: '2.000001',
    name: 'Đăng ký sửa đổi, bổ sung nội dung tổ chức hội chợ, triển lãm thương mại tại Việt Nam',
    department: 'QLTM',
    sector: 'Xúc tiến thương mại',
    level: PROVINCE,
    applicants: 'Thương nhân, tổ chức đã đăng ký tổ chức hội chợ, triển lãm thương mại',
    agency: AGENCY,
    result: 'Văn bản xác nhận nội dung sửa đổi, bổ sung',
    workingDays: 7,
    fee: null,
    supplementWindowDays: 3,
    leadReview: false,
    requiredPapers: [{ code: 'dang-ky-sua-doi', name: 'Đăng ký sửa đổi, bổ sung nội dung tổ chức hội chợ, triển lãm thương mại (theo mẫu)', copies: 1, original: true }],
    legalBasis: 'Nghị định 81/2018/NĐ-CP, Điều 35',
    timeLimitBasis: '07 ngày làm việc kể từ ngày nhận hồ sơ đầy đủ, hợp lệ; thông báo bổ sung trong 03 ngày làm việc — as Bình Phước publishes procedure 2.000001.000.00.00.H10',
    feeBasis: 'Không quy định phí, lệ phí',
    unverified: ['the same page heads the procedure with “3 ngày làm việc” and states 07 in its body: 07 kept, the decree not read'],
  },
  {
    code: 'SCT.KM.TB',
    name: 'Thông báo thực hiện khuyến mại',
    department: 'QLTM',
    sector: 'Xúc tiến thương mại',
    level: PROVINCE,
    applicants: 'Thương nhân',
    agency: AGENCY,
    conditions: 'Gửi thông báo trước khi thực hiện khuyến mại theo các hình thức phải thông báo (Nghị định 81/2018/NĐ-CP, Điều 17)',
    result: 'Thông báo được tiếp nhận (không cấp văn bản xác nhận)',
    workingDays: 1,
    fee: null,
    supplementWindowDays: null,
    leadReview: false,
    requiredPapers: [{ code: 'thong-bao-km', name: 'Thông báo thực hiện khuyến mại (Mẫu số 01)', copies: 1, original: true }],
    legalBasis: 'Luật Thương mại 2005, Điều 97; Nghị định 81/2018/NĐ-CP, Điều 17',
    timeLimitBasis: 'None in law: a notification is not decided; 1 working day is the Sở’s own target for recording it',
    feeBasis: 'Không quy định phí, lệ phí',
    unverified: ['time limit: the decree sets when the trader notifies (before the programme), not a handling time; 1 day is an internal target, not a legal figure'],
  },
  // ——— Thương mại điện tử, kinh doanh đa cấp ———
  {
    code: 'SCT.TMDT.TB',
    name: 'Thông báo website thương mại điện tử bán hàng',
    department: 'QLTM',
    sector: 'Thương mại điện tử',
    level: 'Cấp trung ương (Bộ Công Thương); Sở Công Thương hướng dẫn',
    applicants: 'Thương nhân, tổ chức, cá nhân sở hữu website thương mại điện tử bán hàng',
    agency: 'Bộ Công Thương (Cục Thương mại điện tử và Kinh tế số), tiếp nhận trực tuyến; Sở Công Thương hướng dẫn thương nhân trên địa bàn',
    result: 'Xác nhận thông báo website thương mại điện tử bán hàng',
    workingDays: 3,
    fee: null,
    supplementWindowDays: null,
    leadReview: false,
    requiredPapers: [{ code: 'thong-bao-website', name: 'Thông báo website thương mại điện tử bán hàng (khai trực tuyến)', copies: 1, original: true }],
    legalBasis: 'Nghị định 52/2013/NĐ-CP về thương mại điện tử, sửa đổi bởi Nghị định 85/2021/NĐ-CP, Điều 53',
    timeLimitBasis: 'Nghị định 52/2013/NĐ-CP, Điều 53 (theo Nghị định 85/2021/NĐ-CP): 03 ngày làm việc — from memory, not read',
    feeBasis: 'Không quy định phí, lệ phí',
    unverified: ['competence: a Ministry procedure the Sở guides; no e-commerce procedure decided by the Sở was found', 'time limit of 03 working days not checked', 'whether the Luật Thương mại điện tử 2025 and its decrees replaced Nghị định 52/2013/NĐ-CP was not checked'],
  },
  {
    code: 'SCT.DC.DP',
    name: 'Đăng ký hoạt động bán hàng đa cấp tại địa phương',
    department: 'QLTM',
    sector: 'Quản lý cạnh tranh, kinh doanh đa cấp',
    level: PROVINCE,
    applicants: 'Doanh nghiệp bán hàng đa cấp đã được Bộ Công Thương cấp giấy chứng nhận',
    agency: AGENCY,
    result: 'Xác nhận đăng ký hoạt động bán hàng đa cấp tại địa phương',
    workingDays: 10,
    fee: null,
    supplementWindowDays: null,
    leadReview: false,
    requiredPapers: [
      { code: 'van-ban-dang-ky', name: 'Văn bản đăng ký hoạt động bán hàng đa cấp tại địa phương (theo mẫu)', copies: 1, original: true },
      { code: 'giay-chung-nhan-dc', name: 'Bản sao Giấy chứng nhận đăng ký hoạt động bán hàng đa cấp', copies: 1 },
      { code: 'nguoi-lien-lac', name: 'Văn bản chỉ định người liên lạc tại địa phương', copies: 1 },
    ],
    legalBasis: 'Nghị định 40/2018/NĐ-CP về quản lý hoạt động kinh doanh theo phương thức đa cấp, sửa đổi bởi Nghị định 18/2023/NĐ-CP',
    timeLimitBasis: 'Nghị định 40/2018/NĐ-CP (theo Nghị định 18/2023/NĐ-CP): not read; 10 working days is a placeholder',
    feeBasis: 'Không quy định phí, lệ phí',
    unverified: [PAPERS_UNVERIFIED, 'time limit of 10 working days: placeholder', 'that no fee applies'],
  },
  // ——— An toàn thực phẩm thuộc ngành Công Thương ———
  {
    code: 'SCT.ATTP.CN',
    name: 'Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh thực phẩm do Sở Công Thương thực hiện',
    department: 'QLCN',
    sector: 'An toàn thực phẩm',
    level: PROVINCE,
    applicants: 'Cơ sở sản xuất, kinh doanh thực phẩm thuộc ngành Công Thương (rượu, bia, nước giải khát, sữa chế biến, dầu thực vật, bánh kẹo…)',
    agency: AGENCY,
    conditions: 'Cơ sở đáp ứng điều kiện chung về bảo đảm an toàn thực phẩm (Luật An toàn thực phẩm 2010, Điều 19–24)',
    result: 'Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (hiệu lực 03 năm)',
    workingDays: 20,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    inspection: true,
    requiredPapers: [
      { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (theo mẫu)', copies: 1, original: true },
      { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc đăng ký hộ kinh doanh', copies: 1 },
      { code: 'thuyet-minh', name: 'Bản thuyết minh về cơ sở vật chất, trang thiết bị, dụng cụ bảo đảm điều kiện an toàn thực phẩm', copies: 1 },
      { code: 'kien-thuc-attp', name: 'Giấy xác nhận đủ kiến thức an toàn thực phẩm của chủ cơ sở và người trực tiếp sản xuất, kinh doanh', copies: 1 },
      { code: 'suc-khoe', name: 'Giấy xác nhận đủ sức khỏe của chủ cơ sở và người trực tiếp sản xuất, kinh doanh', copies: 1 },
    ],
    legalBasis: 'Luật An toàn thực phẩm 2010, Điều 34–37; Nghị định 15/2018/NĐ-CP; Nghị định 17/2020/NĐ-CP; Thông tư 43/2018/TT-BCT về quản lý an toàn thực phẩm thuộc trách nhiệm của Bộ Công Thương',
    timeLimitBasis: 'Luật An toàn thực phẩm 2010, Điều 36 khoản 2 and Thông tư 43/2018/TT-BCT: 20 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ, thẩm định thực tế tại cơ sở — from memory, not read',
    feeBasis: 'Thông tư 117/2018/TT-BTC (phí thẩm định cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm thuộc lĩnh vực công thương) — number from memory',
    unverified: [PAPERS_UNVERIFIED, 'time limit of 20 working days not checked against the text', 'fee circular number and amounts not checked', 'which establishments the Sở (not the Ministry) certifies, by scale'],
  },
  {
    code: 'SCT.ATTP.CL',
    name: 'Cấp lại Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (do Sở Công Thương thực hiện)',
    department: 'QLCN',
    sector: 'An toàn thực phẩm',
    level: PROVINCE,
    applicants: 'Cơ sở đã được cấp Giấy chứng nhận còn hiệu lực bị mất, hỏng hoặc thay đổi tên, địa chỉ mà không thay đổi điều kiện sản xuất',
    agency: AGENCY,
    result: 'Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm được cấp lại',
    workingDays: 5,
    fee: null,
    supplementWindowDays: null,
    leadReview: false,
    requiredPapers: [
      { code: 'don-de-nghi', name: 'Đơn đề nghị cấp lại Giấy chứng nhận (theo mẫu)', copies: 1, original: true },
      { code: 'giay-chung-nhan-cu', name: 'Bản gốc hoặc bản sao Giấy chứng nhận đã được cấp (nếu còn)', copies: 1 },
    ],
    legalBasis: 'Thông tư 43/2018/TT-BCT; Nghị định 17/2020/NĐ-CP',
    timeLimitBasis: 'Thông tư 43/2018/TT-BCT (cấp lại): not read; 05 working days is a placeholder',
    feeBasis: 'Not checked whether cấp lại is charged',
    unverified: [PAPERS_UNVERIFIED, 'time limit of 05 working days: placeholder', 'whether a fee applies to cấp lại'],
  },
  {
    code: 'SCT.ATTP.KT',
    name: 'Xác nhận kiến thức về an toàn thực phẩm cho tổ chức, cá nhân sản xuất, kinh doanh thực phẩm thuộc ngành Công Thương',
    department: 'QLCN',
    sector: 'An toàn thực phẩm',
    level: PROVINCE,
    applicants: 'Chủ cơ sở và người trực tiếp sản xuất, kinh doanh thực phẩm',
    agency: AGENCY,
    result: 'Giấy xác nhận kiến thức về an toàn thực phẩm',
    workingDays: 5,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    leadReview: false,
    requiredPapers: [
      { code: 'giay-de-nghi', name: 'Giấy đề nghị xác nhận kiến thức về an toàn thực phẩm (theo mẫu)', copies: 1, original: true },
      { code: 'danh-sach', name: 'Danh sách người đề nghị xác nhận kiến thức', copies: 1, original: true },
    ],
    legalBasis: 'Luật An toàn thực phẩm 2010; Thông tư 43/2018/TT-BCT',
    timeLimitBasis: 'Thông tư 43/2018/TT-BCT: not read; 05 working days is a placeholder',
    feeBasis: 'Phí xác nhận kiến thức về an toàn thực phẩm theo thông tư của Bộ Tài chính (số hiệu chưa xác định)',
    unverified: [PAPERS_UNVERIFIED, 'time limit: placeholder', 'fee circular and amount'],
  },
  // ——— Điện ———
  {
    code: 'SCT.DIEN.PD',
    name: 'Cấp giấy phép hoạt động điện lực lĩnh vực phát điện đối với nhà máy điện thuộc thẩm quyền của địa phương',
    department: 'QLNL',
    sector: 'Điện',
    level: PROVINCE,
    applicants: 'Doanh nghiệp sở hữu nhà máy điện',
    agency: AGENCY,
    result: 'Giấy phép hoạt động điện lực (lĩnh vực phát điện)',
    workingDays: 15,
    fee: APPRAISAL_FEE,
    supplementWindowDays: null,
    inspection: true,
    requiredPapers: ELECTRICITY_PAPERS,
    legalBasis: 'Luật Điện lực ngày 30/11/2024, Điều 31–33; Nghị định 61/2025/NĐ-CP, Điều 22',
    timeLimitBasis: 'Nghị định 61/2025/NĐ-CP: the article on the time limit was not read; 15 working days is a placeholder',
    feeBasis: 'Thông tư của Bộ Tài chính về phí thẩm định cấp giấy phép hoạt động điện lực (số hiệu chưa xác định)',
    unverified: [PAPERS_UNVERIFIED, 'the capacity threshold under which the province licenses generation', 'time limit: placeholder', 'fee circular and amount'],
  },
  {
    code: 'SCT.DIEN.ATD',
    name: 'Cấp thẻ an toàn điện',
    department: 'KTAT',
    sector: 'Điện',
    level: PROVINCE,
    applicants: 'Người lao động làm công việc về điện đã được huấn luyện, sát hạch',
    agency: AGENCY,
    result: 'Thẻ an toàn điện',
    workingDays: 3,
    fee: null,
    supplementWindowDays: null,
    leadReview: false,
    requiredPapers: [
      { code: 'van-ban-de-nghi', name: 'Văn bản đề nghị cấp thẻ an toàn điện kèm danh sách người lao động', copies: 1, original: true },
      { code: 'ket-qua-sat-hach', name: 'Kết quả huấn luyện, sát hạch an toàn điện', copies: 1 },
    ],
    legalBasis: 'Luật Điện lực ngày 30/11/2024, phần an toàn điện; thông tư của Bộ Công Thương về an toàn điện',
    timeLimitBasis: 'Not found in a text read; 3 working days is a placeholder',
    feeBasis: 'Không quy định phí, lệ phí (not checked)',
    unverified: ['whether the Sở issues the card or the employer does under the circular in force', 'time limit: placeholder', 'that no fee applies'],
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
    // Everything is stored: the catalogue fields, the bases of the figures and what was not checked.
    const { department, ...rest } = p;
    procedures.push(await createProcedure(db, SYSTEM, { ...rest, departmentId: ids.get(department) as number }, now));
  }
  return { departments: DEPARTMENTS.length, users, procedures };
}
