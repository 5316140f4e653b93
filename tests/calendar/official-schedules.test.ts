import { describe, expect, it } from 'vitest';
import Holidays from 'date-holidays';
import { OFFICIAL_SCHEDULES } from '../../src/calendar/schedules/index.ts';
import { scheduleProblems, type OfficialSchedule } from '../../src/calendar/schedules/official-schedule.ts';
import { hasOfficialSchedule, WorkingCalendar, yearSchedule } from '../../src/calendar/working-calendar.ts';

/** The official schedules shipped as data (Labour Code 2019 Art. 112.3) and the Labour Code fallback for other years. */
const cal = new WorkingCalendar();
const vn = (local: string): Date => new Date(`${local}+07:00`);
const iso = (d: Date): string => d.toISOString();

/** Lunar New Year (mùng 1 Tết) of a year from date-holidays' own VN data, written apart from the calendar's code. */
const vnHolidays = new Holidays('VN');
function lunarNewYear(year: number): string {
  const tet = vnHolidays.getHolidays(year).find((h) => h.rule === 'vietnamese 1-0-1');
  if (!tet) throw new Error(`no lunar new year in ${year}`);
  return tet.date.slice(0, 10);
}
function hungKings(year: number): string {
  const day = vnHolidays.getHolidays(year).find((h) => h.rule === 'vietnamese 3-0-10');
  if (!day) throw new Error(`no Giỗ Tổ in ${year}`);
  return day.date.slice(0, 10);
}
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('the shipped schedules', () => {
  it('are consistent: dates of their year, each once, named, sourced, swaps balanced', () => {
    expect(OFFICIAL_SCHEDULES.size).toBeGreaterThan(0);
    for (const schedule of OFFICIAL_SCHEDULES.values()) {
      expect(scheduleProblems(schedule), String(schedule.year)).toEqual([]);
      for (const source of Object.values(schedule.sources)) {
        expect(source.document).toMatch(/\d/);
        expect(source.seenAt.length).toBeGreaterThan(0);
      }
    }
  });

  it('the consistency check finds each kind of mistake', () => {
    const sources = { s: { document: 'Thông báo 1', decides: 'x', seenAt: ['y'] } };
    const broken: OfficialSchedule = {
      year: 2030,
      sources,
      days: [
        { date: '2031-01-01', kind: 'holiday', name: 'Tết Dương lịch', source: 's' },
        { date: '2030-02-30', kind: 'holiday', name: 'x', source: 's' },
        { date: '2030-05-01', kind: 'holiday', name: 'a', source: 's' },
        { date: '2030-05-01', kind: 'holiday', name: 'b', source: 'nosuch' },
        { date: '2030-05-04', kind: 'swapped-off', name: 'Saturday', source: 's' },
        { date: '2030-05-06', kind: 'swapped-workday', name: 'Monday', source: 's' },
        { date: '2030-05-07', kind: 'swapped-off', name: ' ', source: 's' },
        { date: '2030-05-05', kind: 'compensatory', name: 'Sunday', source: 's' },
      ],
    };
    const problems = scheduleProblems(broken).join('\n');
    expect(problems).toMatch(/2031-01-01: not in 2030/);
    expect(problems).toMatch(/2030-02-30: not a YYYY-MM-DD date/);
    expect(problems).toMatch(/2030-05-01: listed twice/);
    expect(problems).toMatch(/unknown source nosuch/);
    expect(problems).toMatch(/2030-05-04: a swapped-off day must be a weekday/);
    expect(problems).toMatch(/2030-05-06: a swapped workday must be a Saturday or Sunday/);
    expect(problems).toMatch(/2030-05-07: no name/);
    expect(problems).toMatch(/2030-05-05: a compensatory day must be a weekday/);
    expect(problems).toMatch(/2 swapped-off day\(s\) but 1 swapped workday/);
  });
});

describe('2026 (Công văn 12729/VPCP-KGVX; Thông báo 9441 of the Ministry of Home Affairs; Labour Code Art. 111.3)', () => {
  it('is the official basis of 2026', () => {
    expect(hasOfficialSchedule(2026)).toBe(true);
    const s = yearSchedule(2026);
    expect(s.basis).toBe('official');
    expect(s.sources.map((x) => x.document).join('\n')).toMatch(/12729\/VPCP-KGVX[\s\S]*9441[\s\S]*45\/2019\/QH14/);
  });

  it('Tết Dương lịch: 1/1 and Friday 2/1 off, Saturday 10/1 worked', () => {
    expect(cal.dayInfo('2026-01-01')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.dayInfo('2026-01-02')).toMatchObject({ working: false, reason: 'swapped-off' });
    expect(cal.dayInfo('2026-01-10')).toMatchObject({ working: true, reason: 'swapped-workday' });
    expect(cal.isWorkingDay('2026-01-05')).toBe(true);
    // Wed 31/12/2025 10:00 + 1 working day: 1/1–4/1 off, Monday 5/1 10:00.
    expect(iso(cal.addWorkingDays(vn('2025-12-31T10:00:00'), 1))).toBe(iso(vn('2026-01-05T10:00:00')));
    expect(iso(cal.addWorkingDays(vn('2026-01-09T10:00:00'), 1))).toBe(iso(vn('2026-01-10T10:00:00')));
  });

  it('Tết: 14–22/2 without a working day, back on Monday 23/2', () => {
    for (let d = 14; d <= 22; d++) expect(cal.isWorkingDay(`2026-02-${d}`), `2026-02-${d}`).toBe(false);
    expect(cal.isWorkingDay('2026-02-13')).toBe(true);
    expect(cal.isWorkingDay('2026-02-23')).toBe(true);
  });

  it('names the Tết days by their lunar day: 17/2 is mùng 1 Tết Bính Ngọ, 18–20/2 are mùng 2–4, only 16/2 is Giao thừa', () => {
    const newYear = lunarNewYear(2026);
    expect(newYear).toBe('2026-02-17');
    expect(cal.dayInfo(plusDays(newYear, -1)).name).toMatch(/29 tháng Chạp Ất Tỵ \(Giao thừa\)/);
    for (let k = 1; k <= 4; k++) {
      const name = cal.dayInfo(plusDays(newYear, k - 1)).name ?? '';
      expect(name, plusDays(newYear, k - 1)).toContain(`mùng ${k} Tết Bính Ngọ`);
      expect(name).not.toMatch(/Giao thừa/);
    }
  });

  it('Giỗ Tổ (10/3 âm lịch) is Sunday 26/4, so Monday 27/4 is the compensatory day; 30/4 and 1/5 off', () => {
    expect(hungKings(2026)).toBe('2026-04-26');
    expect(cal.dayInfo('2026-04-26')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.dayInfo('2026-04-27')).toMatchObject({ working: false, reason: 'compensatory' });
    expect(cal.dayInfo('2026-04-30')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.dayInfo('2026-05-01')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.isWorkingDay('2026-05-04')).toBe(true);
  });

  it('Quốc khánh: 29/8–2/9 off with Monday 31/8 swapped for Saturday 22/8', () => {
    expect(cal.isWorkingDay('2026-08-22')).toBe(true);
    for (const d of ['2026-08-29', '2026-08-30', '2026-08-31', '2026-09-01', '2026-09-02']) expect(cal.isWorkingDay(d), d).toBe(false);
    expect(cal.isWorkingDay('2026-09-03')).toBe(true);
  });

  it('has as many working days as a plain year minus its weekday holidays (the swaps cancel out)', () => {
    let working = 0;
    for (let t = Date.UTC(2026, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
      if (cal.isWorkingDay(new Date(t).toISOString().slice(0, 10))) working++;
    }
    // 261 weekdays in 2026; off on weekdays: 1/1, 16–20/2, 27/4, 30/4, 1/5, 1/9, 2/9 = 11.
    expect(working).toBe(261 - 11);
  });
});

describe('a year without a schedule: the Labour Code (Art. 112.1, 111.3)', () => {
  it('2027 has no schedule shipped: it runs on the Labour Code rule', () => {
    expect(hasOfficialSchedule(2027)).toBe(false);
    expect(yearSchedule(2027)).toMatchObject({ basis: 'labour-code', sources: [expect.objectContaining({ document: expect.stringMatching(/Điều 112/) })] });
  });

  it('Tết is the last day of the lunar year and mùng 1–4, named so; weekend days give compensatory days', () => {
    const newYear = lunarNewYear(2027); // Saturday 6/2/2027
    expect(newYear).toBe('2027-02-06');
    expect(cal.dayInfo('2027-02-05')).toMatchObject({ reason: 'holiday', name: 'Tết Âm lịch: ngày cuối năm Âm lịch (Giao thừa)' });
    expect(cal.dayInfo('2027-02-06').name).toBe('Tết Âm lịch: mùng 1 Tết');
    expect(cal.dayInfo('2027-02-09').name).toBe('Tết Âm lịch: mùng 4 Tết');
    expect(cal.dayInfo('2027-02-10')).toMatchObject({ reason: 'compensatory', name: 'Nghỉ bù Tết Âm lịch: mùng 1 Tết' });
    expect(cal.dayInfo('2027-02-11')).toMatchObject({ reason: 'compensatory', name: 'Nghỉ bù Tết Âm lịch: mùng 2 Tết' });
  });

  it('Quốc khánh is 2/9 and the day before, or the day after when 2/9 is a Monday', () => {
    expect(cal.dayInfo('2027-09-01')).toMatchObject({ reason: 'holiday', name: 'Quốc khánh (ngày liền kề trước 2/9)' }); // Thursday 2/9
    expect(cal.dayInfo('2024-09-03')).toMatchObject({ reason: 'holiday', name: 'Quốc khánh (ngày liền kề sau 2/9)' }); // Monday 2/9
    expect(yearSchedule(2027).days.map((d) => `${d.date}:${d.kind}`)).toEqual([
      '2027-01-01:holiday',
      '2027-02-05:holiday',
      '2027-02-06:holiday',
      '2027-02-07:holiday',
      '2027-02-08:holiday',
      '2027-02-09:holiday',
      '2027-02-10:compensatory',
      '2027-02-11:compensatory',
      '2027-04-16:holiday',
      '2027-04-30:holiday',
      '2027-05-01:holiday',
      '2027-05-03:compensatory',
      '2027-09-01:holiday',
      '2027-09-02:holiday',
    ]);
  });

  it('takes the lunar dates right over the whole range (checked against date-holidays VN every tenth year and at the ends)', () => {
    for (const year of [2000, 2010, 2020, 2030, 2040, 2050, 2060, 2070, 2080, 2090, 2099, 2100]) {
      if (hasOfficialSchedule(year)) continue;
      expect(cal.dayInfo(lunarNewYear(year)).name, String(year)).toBe('Tết Âm lịch: mùng 1 Tết');
      expect(cal.dayInfo(hungKings(year)).name, String(year)).toMatch(/Giỗ Tổ Hùng Vương/);
    }
  });
});
