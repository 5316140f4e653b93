import type { Db } from '../db/db.ts';
import type { Role } from '../auth/principal.ts';
import { createDepartment } from '../domain/accounts/departments.service.ts';
import { createUser } from '../domain/accounts/users.service.ts';
import { createProcedure } from '../domain/procedures/procedures.service.ts';

const SYSTEM = { kind: 'system' } as const;

/** The units of a provincial Sở Công Thương (DOMAIN §6). */
const DEPARTMENTS = [
  { code: 'BGD', name: 'Ban Giám đốc Sở' },
  { code: 'VP', name: 'Văn phòng Sở' },
  { code: 'MOTCUA', name: 'Bộ phận Một cửa' },
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
 * Real procedures handled by a Sở Công Thương with their statutory time limits (DOMAIN §6). Codes with
 * a national number are the national procedure codes; the others are local codes (the source gives no number).
 */
const PROCEDURES = [
  { code: '1.013416', name: 'Cấp giấy phép hoạt động bán lẻ điện', department: 'QLNL', workingDays: 14, hasFee: true },
  { code: '1.013412', name: 'Cấp giấy phép hoạt động bán buôn điện', department: 'QLNL', workingDays: 14, hasFee: true },
  { code: '1.013417', name: 'Cấp lại giấy phép hoạt động điện lực', department: 'QLNL', workingDays: 10, hasFee: true },
  { code: 'SCT.RUOU.BB', name: 'Cấp Giấy phép bán buôn rượu', department: 'QLTM', workingDays: 15, hasFee: true },
  { code: 'SCT.THUOCLA.BB', name: 'Cấp Giấy phép bán buôn sản phẩm thuốc lá', department: 'QLTM', workingDays: 15, hasFee: true },
  { code: 'SCT.RUOU.CL', name: 'Cấp lại giấy phép rượu', department: 'QLTM', workingDays: 7, hasFee: false, leadReview: false },
  {
    code: 'SCT.HOACHAT.GCN',
    name: 'Cấp Giấy chứng nhận đủ điều kiện sản xuất, kinh doanh hóa chất sản xuất, kinh doanh có điều kiện trong lĩnh vực công nghiệp',
    department: 'KTAT',
    workingDays: 12,
    hasFee: true,
    inspection: true,
  },
  { code: 'SCT.HOACHAT.CL', name: 'Cấp lại Giấy chứng nhận đủ điều kiện sản xuất, kinh doanh hóa chất', department: 'KTAT', workingDays: 5, hasFee: false },
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
  for (const p of PROCEDURES) {
    const { department, ...rest } = p;
    procedures.push(await createProcedure(db, SYSTEM, { ...rest, departmentId: ids.get(department) as number }, now));
  }
  return { departments: DEPARTMENTS.length, users, procedures };
}
