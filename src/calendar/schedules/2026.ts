import type { OfficialSchedule } from './official-schedule.ts';

/**
 * 2026 for state agencies (cán bộ, công chức, viên chức), which work Monday to Friday.
 *
 * Lunar days (Tết Bính Ngọ falls on Tuesday 17/02/2026 = mùng 1 tháng Giêng; tháng Chạp Ất Tỵ has
 * 29 days, so Monday 16/02 is its last day, 29 tháng Chạp, the day of Giao thừa; 10/3 Âm lịch is
 * Sunday 26/04/2026) are checked against the lunar calendar in tests/calendar/official-schedules.test.ts.
 *
 * Not included: Ngày Văn hóa Việt Nam (24/11), chosen by the Politburo (Nghị quyết 80-NQ/TW,
 * 07/01/2026) as a paid day off once Labour Code Art. 112.1 is amended (Nghị quyết 30/NQ-CP); no
 * amendment in force for 2026 could be verified. If one is, an admin override covers it.
 */
export const schedule2026: OfficialSchedule = {
  year: 2026,
  sources: {
    newYear: {
      document: 'Công văn số 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (ý kiến Phó Thủ tướng), thông báo của Bộ Nội vụ cùng ngày',
      decides: 'Tết Dương lịch: nghỉ từ thứ Năm 01/01 đến hết Chủ nhật 04/01/2026; hoán đổi ngày làm việc thứ Sáu 02/01 sang thứ Bảy 10/01/2026',
      seenAt: [
        'https://www.24h.com.vn/tin-tuc-trong-ngay/ai-duoc-hoan-doi-de-nghi-tet-duong-lich-4-ngay-c46a1724830.html (26/12/2025)',
        'https://tracuuquyhoach.com/tin-tuc/tin-vui-cho-nguoi-lao-dong-chinh-phu-dong-y-nghi-tet-duong-lich-4-ngay-54100289',
      ],
    },
    tetAndNationalDay: {
      document:
        'Thông báo số 9441 ngày 16/10/2025 của Bộ Nội vụ về lịch nghỉ Tết Âm lịch và nghỉ lễ Quốc khánh năm 2026, theo ý kiến đồng ý của Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt (10/2025)',
      decides:
        'Tết Âm lịch: nghỉ từ thứ Hai 16/02 (29 tháng Chạp Ất Tỵ) đến hết thứ Sáu 20/02/2026 (mùng 4 tháng Giêng Bính Ngọ), nối tiếp 4 ngày nghỉ hằng tuần (14/02–22/02); ' +
        'Quốc khánh: nghỉ thứ Ba 01/09 và thứ Tư 02/09/2026, hoán đổi ngày làm việc thứ Hai 31/08 sang thứ Bảy 22/08/2026 (nghỉ liền 29/08–02/09)',
      seenAt: [
        'https://vietbao.vn/bo-noi-vu-thong-bao-lich-nghi-tet-nguyen-dan-va-quoc-khanh-nam-2026-568329.html (17/10/2025)',
        'https://tienphong.vn/thu-tuong-dong-y-nghi-9-ngay-tet-nguyen-dan-binh-ngo-post1786865.tpo (13/10/2025)',
        'https://dantri.com.vn/noi-vu/de-xuat-hoan-doi-de-quoc-khanh-nam-2026-duoc-nghi-5-ngay-lien-tiep-20251002144910692.htm (the proposal the Prime Minister approved, naming Saturday 22/08)',
      ],
    },
    labourCode: {
      document: 'Bộ luật Lao động số 45/2019/QH14, Điều 112.1 (ngày lễ, tết) và Điều 111.3 (nghỉ bù khi ngày nghỉ hằng tuần trùng ngày lễ)',
      decides: 'Giỗ Tổ Hùng Vương (10/3 Âm lịch) rơi vào Chủ nhật 26/04/2026, nghỉ bù thứ Hai 27/04; 30/04 (thứ Năm) và 01/05 (thứ Sáu) không hoán đổi',
      seenAt: [
        'https://thanhnien.vn/gio-to-hung-vuong-304-15-quoc-khanh-29-nam-2026-duoc-nghi-may-ngay-185260223083506397.htm (23/02/2026)',
        'https://kenh14.vn/gio-to-hung-vuong-2026-roi-vao-ngay-nao-duong-lich-215260311155539564.chn (11/03/2026: no other arrangement decided)',
      ],
    },
  },
  days: [
    { date: '2026-01-01', kind: 'holiday', name: 'Tết Dương lịch', source: 'newYear' },
    { date: '2026-01-02', kind: 'swapped-off', name: 'Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)', source: 'newYear' },
    { date: '2026-01-10', kind: 'swapped-workday', name: 'Làm bù cho thứ Sáu 02/01/2026 (Tết Dương lịch)', source: 'newYear' },
    { date: '2026-02-16', kind: 'holiday', name: 'Tết Âm lịch: 29 tháng Chạp Ất Tỵ (Giao thừa)', source: 'tetAndNationalDay' },
    { date: '2026-02-17', kind: 'holiday', name: 'Tết Âm lịch: mùng 1 Tết Bính Ngọ', source: 'tetAndNationalDay' },
    { date: '2026-02-18', kind: 'holiday', name: 'Tết Âm lịch: mùng 2 Tết Bính Ngọ', source: 'tetAndNationalDay' },
    { date: '2026-02-19', kind: 'holiday', name: 'Tết Âm lịch: mùng 3 Tết Bính Ngọ', source: 'tetAndNationalDay' },
    { date: '2026-02-20', kind: 'holiday', name: 'Tết Âm lịch: mùng 4 Tết Bính Ngọ', source: 'tetAndNationalDay' },
    { date: '2026-04-26', kind: 'holiday', name: 'Giỗ Tổ Hùng Vương (10/3 Âm lịch)', source: 'labourCode' },
    { date: '2026-04-27', kind: 'compensatory', name: 'Nghỉ bù Giỗ Tổ Hùng Vương (Chủ nhật 26/04/2026)', source: 'labourCode' },
    { date: '2026-04-30', kind: 'holiday', name: 'Ngày Chiến thắng (30/4)', source: 'labourCode' },
    { date: '2026-05-01', kind: 'holiday', name: 'Ngày Quốc tế Lao động (1/5)', source: 'labourCode' },
    { date: '2026-08-22', kind: 'swapped-workday', name: 'Làm bù cho thứ Hai 31/08/2026 (Quốc khánh)', source: 'tetAndNationalDay' },
    { date: '2026-08-31', kind: 'swapped-off', name: 'Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/08/2026)', source: 'tetAndNationalDay' },
    { date: '2026-09-01', kind: 'holiday', name: 'Quốc khánh (ngày liền kề trước 2/9)', source: 'tetAndNationalDay' },
    { date: '2026-09-02', kind: 'holiday', name: 'Quốc khánh (2/9)', source: 'tetAndNationalDay' },
  ],
};
