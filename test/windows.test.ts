import { Duration, Token } from 'aws-cdk-lib';
import { DayOfWeek, MaintenanceWindow, SnapshotWindow } from '../lib';
import { CacheValidationError } from '../lib/validation-error';

describe('SnapshotWindow', () => {
  test.each([
    ['05:00-06:00', '05:00-06:00'],
    ['23:30-00:30', '23:30-00:30'],
    ['22:00-04:00', '22:00-04:00'],
  ])('fromString(%p)', (input, value) => {
    expect(SnapshotWindow.fromString(input).value).toBe(value);
  });

  test('of() renders the string, wrapping midnight', () => {
    expect(SnapshotWindow.of({ startHour: 5 }).value).toBe('05:00-06:00');
    expect(SnapshotWindow.of({ startHour: 23, startMinute: 15, duration: Duration.minutes(90) }).value).toBe('23:15-00:45');
    expect(`${SnapshotWindow.of({ startHour: 0, duration: Duration.hours(23) })}`).toBe('00:00-23:00');
  });

  test('tokens are accepted unchecked', () => {
    const token = Token.asString({ Ref: 'Window' });
    expect(SnapshotWindow.fromString(token).value).toBe(token);
    expect(SnapshotWindow.fromString(token).overlaps(MaintenanceWindow.fromString('sun:05:00-sun:06:00'))).toBe(false);
  });

  test.each([
    ['5:00-6:00', "Invalid snapshot window: got '5:00-6:00'. Allowed: 'hh24:mi-hh24:mi' in UTC"],
    ['05:00-05:30', "Invalid snapshot window: got '05:00-05:30' (30 minutes). Allowed: at least 60 minutes."],
    ['05:00-05:00', "got '05:00-05:00' (0 minutes)"],
    ['24:00-01:00', "got '24:00-01:00'"],
    ['sun:05:00-sun:06:00', "got 'sun:05:00-sun:06:00'"],
  ])('fromString rejects %p', (input, message) => {
    expect(() => SnapshotWindow.fromString(input)).toThrow(CacheValidationError);
    expect(() => SnapshotWindow.fromString(input)).toThrow(message);
  });

  test.each([
    [{ startHour: 24 }, 'Invalid snapshot window startHour: got 24. Allowed: an integer from 0 to 23 (UTC).'],
    [{ startHour: -1 }, 'startHour: got -1'],
    [{ startHour: 1.5 }, 'startHour: got 1.5'],
    [{ startHour: 1, startMinute: 60 }, 'Invalid snapshot window startMinute: got 60. Allowed: an integer from 0 to 59.'],
    [{ startHour: 1, duration: Duration.minutes(59) }, 'Invalid snapshot window duration: got 59 minutes. Allowed: whole minutes, at least 60 and less than 24 hours.'],
    [{ startHour: 1, duration: Duration.hours(24) }, 'got 1440 minutes'],
    [{ startHour: 1, duration: Duration.seconds(3630) }, 'got 60.5 minutes'],
  ])('of rejects %p', (props, message) => {
    expect(() => SnapshotWindow.of(props)).toThrow(message);
  });
});

describe('MaintenanceWindow', () => {
  test.each([
    ['sun:23:00-mon:01:30', 'sun:23:00-mon:01:30'],
    ['SAT:23:00-SUN:01:00', 'sat:23:00-sun:01:00'],
    ['wed:03:00-wed:04:00', 'wed:03:00-wed:04:00'],
  ])('fromString(%p)', (input, value) => {
    expect(MaintenanceWindow.fromString(input).value).toBe(value);
  });

  test('24 hours is the longest window', () => {
    expect(MaintenanceWindow.fromString('sun:05:00-mon:05:00').value).toBe('sun:05:00-mon:05:00');
    expect(MaintenanceWindow.of({ startDay: DayOfWeek.SATURDAY, startHour: 12, duration: Duration.hours(24) }).value)
      .toBe('sat:12:00-sun:12:00');
  });

  test('of() renders the string, wrapping the week', () => {
    expect(MaintenanceWindow.of({ startDay: DayOfWeek.SUNDAY, startHour: 23, duration: Duration.minutes(150) }).value)
      .toBe('sun:23:00-mon:01:30');
    expect(MaintenanceWindow.of({ startDay: DayOfWeek.SATURDAY, startHour: 23, startMinute: 30 }).value)
      .toBe('sat:23:30-sun:00:30');
  });

  test('tokens are accepted unchecked', () => {
    const token = Token.asString({ Ref: 'Window' });
    expect(MaintenanceWindow.fromString(token).value).toBe(token);
    expect(MaintenanceWindow.fromString(token).overlaps(SnapshotWindow.fromString('05:00-06:00'))).toBe(false);
  });

  test.each([
    ['sun:23:00', "Invalid maintenance window: got 'sun:23:00'. Allowed: 'ddd:hh24:mi-ddd:hh24:mi' in UTC"],
    ['sunday:23:00-monday:01:00', "got 'sunday:23:00-monday:01:00'"],
    ['sun:23:00-sun:23:59', "Invalid maintenance window: got 'sun:23:00-sun:23:59' (59 minutes). Allowed: at least 60 minutes."],
    ['sun:23:00-sun:23:00', "(0 minutes)"],
    ['sun:25:00-mon:01:00', "got 'sun:25:00-mon:01:00'"],
    ['sun:23:00-tue:01:00', "Invalid maintenance window: got 'sun:23:00-tue:01:00' (1560 minutes). Allowed: at most 24 hours "
      + '(1440 minutes); ElastiCache takes a weekly window of 60 minutes to 24 hours.'],
    ['sat:00:00-fri:00:00', "Invalid maintenance window: got 'sat:00:00-fri:00:00' (8640 minutes). Allowed: at most 24 hours"],
  ])('fromString rejects %p', (input, message) => {
    expect(() => MaintenanceWindow.fromString(input)).toThrow(CacheValidationError);
    expect(() => MaintenanceWindow.fromString(input)).toThrow(message);
  });

  test.each([
    [{ startDay: DayOfWeek.MONDAY, startHour: 24 }, 'Invalid maintenance window startHour: got 24'],
    [{ startDay: DayOfWeek.MONDAY, startHour: 1, duration: Duration.minutes(30) }, 'Invalid maintenance window duration: got 30 minutes. Allowed: whole minutes, at least 60 and at most 24 hours.'],
    [{ startDay: DayOfWeek.MONDAY, startHour: 1, duration: Duration.hours(25) },
      'Invalid maintenance window duration: got 1500 minutes. Allowed: whole minutes, at least 60 and at most 24 hours.'],
    [{ startDay: 'someday' as DayOfWeek, startHour: 1 }, "Invalid maintenance window startDay: got 'someday'"],
  ])('of rejects %p', (props, message) => {
    expect(() => MaintenanceWindow.of(props)).toThrow(message);
  });
});

describe('overlaps', () => {
  test.each([
    ['sun:05:00-sun:06:00', '05:00-06:00', true],
    ['sun:05:00-sun:06:00', '06:00-07:00', false], // touching is not overlapping
    ['sun:05:00-sun:06:00', '04:00-05:00', false],
    ['sun:05:00-sun:06:00', '05:59-07:00', true],
    ['wed:03:00-wed:04:00', '03:30-04:30', true], // the snapshot window is daily
    ['sun:23:00-mon:01:00', '00:00-01:00', true], // across midnight
    ['sat:23:00-sun:01:00', '00:30-01:30', true], // across the end of the week
    ['sat:23:00-sun:01:00', '23:30-00:30', true],
    ['sat:23:00-sun:01:00', '01:00-22:00', false],
    ['mon:10:00-mon:11:00', '23:00-09:00', false], // snapshot wraps midnight
    ['mon:10:00-mon:11:00', '23:00-10:30', true],
    ['mon:00:00-tue:00:00', '12:00-13:00', true], // the longest maintenance window, 24 hours
  ])('%s with %s: %p', (maintenance, snapshot, expected) => {
    const m = MaintenanceWindow.fromString(maintenance);
    const s = SnapshotWindow.fromString(snapshot);
    expect(m.overlaps(s)).toBe(expected);
    expect(s.overlaps(m)).toBe(expected);
  });
});
