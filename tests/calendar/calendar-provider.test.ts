import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../src/db/db.ts';
import { DbCalendarProvider, missingSchedules } from '../../src/domain/calendar/calendar.service.ts';
import { TestClock } from '../support/clock.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts';

/** The calendar as the processes load it: tolerant of bad stored overrides, and telling the log what the admin must do. */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateLatest(database.db);
});
afterAll(() => database.drop());

function recordingLogger() {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  return { lines, warn: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }) };
}

describe('missingSchedules (warned from 1 September of the year before, Asia/Ho_Chi_Minh)', () => {
  it('names the next year from 1 September 00:00 local time, and the current year when it has no schedule', () => {
    expect(missingSchedules(new Date('2026-03-02T02:00:00Z'))).toEqual([]);
    expect(missingSchedules(new Date('2026-08-31T16:59:59Z'))).toEqual([]);
    expect(missingSchedules(new Date('2026-08-31T17:00:00Z'))).toEqual([2027]);
    expect(missingSchedules(new Date('2026-12-03T02:00:00Z'))).toEqual([2027]);
    expect(missingSchedules(new Date('2027-03-01T02:00:00Z'))).toEqual([2027]);
    expect(missingSchedules(new Date('2027-09-01T02:00:00Z'))).toEqual([2027, 2028]);
    expect(missingSchedules(new Date('2100-10-01T02:00:00Z'))).toEqual([2100]);
  });
});

describe('DbCalendarProvider', () => {
  it('skips a bad stored override with a warning, keeps the sound ones, and logs each warning once a day', async () => {
    const clock = new TestClock('2026-12-03T02:00:00Z');
    const logger = recordingLogger();
    const at = clock.now().toISOString();
    await database.db('calendar_overrides').insert([
      { date: '0026-04-30', kind: 'holiday', name: null, created_at: at },
      { date: '2026-12-04', kind: 'holiday', name: 'Nghỉ theo quyết định của tỉnh', created_at: at },
    ]);
    const provider = new DbCalendarProvider(database.db, [{ start: '07:30', end: '11:30' }, { start: '13:30', end: '17:30' }], { clock: clock.now, logger });

    const calendar = await provider.current();
    expect(calendar.isWorkingDay('2026-12-04')).toBe(false);
    expect(calendar.addWorkingDays(new Date('2026-12-03T09:00:00+07:00'), 1).toISOString()).toBe(new Date('2026-12-07T09:00:00+07:00').toISOString());
    expect(await provider.warnings()).toEqual([
      expect.objectContaining({ code: 'SCHEDULE_MISSING', year: 2027 }),
      expect.objectContaining({ code: 'OVERRIDE_SKIPPED', date: '0026-04-30' }),
    ]);
    expect(logger.lines.map((l) => l.message)).toEqual([
      expect.stringMatching(/No official working-day schedule for 2027/),
      expect.stringMatching(/override stored for "0026-04-30" is skipped/),
    ]);

    provider.invalidate();
    await provider.current();
    expect(logger.lines).toHaveLength(2);
    clock.advance(24 * 3_600_000);
    provider.invalidate();
    await provider.current();
    expect(logger.lines).toHaveLength(4);
    await database.db('calendar_overrides').delete();
  });
});
