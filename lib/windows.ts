import { Duration, Token } from 'aws-cdk-lib';
import { CacheValidationError } from './validation-error';

/** A day of the week, as ElastiCache writes it in maintenance windows. */
export enum DayOfWeek {
  /** Sunday. */
  SUNDAY = 'sun',
  /** Monday. */
  MONDAY = 'mon',
  /** Tuesday. */
  TUESDAY = 'tue',
  /** Wednesday. */
  WEDNESDAY = 'wed',
  /** Thursday. */
  THURSDAY = 'thu',
  /** Friday. */
  FRIDAY = 'fri',
  /** Saturday. */
  SATURDAY = 'sat',
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MIN_WINDOW_MINUTES = 60;
/**
 * The longest maintenance window ElastiCache takes: 24 hours (ElastiCache User Guide, "Managing
 * maintenance": a time range "of up to 24 hours in duration"); a longer one is refused at create.
 */
const MAX_MAINTENANCE_WINDOW_MINUTES = MINUTES_PER_DAY;

/** The start of a window made from parts, and its length. */
export interface SnapshotWindowProps {
  /** Start hour, UTC, 0-23. */
  readonly startHour: number;
  /**
   * Start minute, 0-59.
   * @default 0
   */
  readonly startMinute?: number;
  /**
   * The window's length: at least 60 minutes, less than a day.
   * @default Duration.hours(1)
   */
  readonly duration?: Duration;
}

/** The start of a weekly maintenance window made from parts, and its length. */
export interface MaintenanceWindowProps extends SnapshotWindowProps {
  /** The day the window starts on, UTC. */
  readonly startDay: DayOfWeek;
}

const HH_MM = '([01]\\d|2[0-3]):([0-5]\\d)';
const DDD = '(sun|mon|tue|wed|thu|fri|sat)';

function two(n: number): string {
  return n.toString().padStart(2, '0');
}

/**
 * Validates a window's parts; the duration is at most `maxMinutes`, described as `maxText` ('less than 24 hours').
 */
function validateParts(kind: string, props: SnapshotWindowProps, maxMinutes: number, maxText: string): number {
  const minute = props.startMinute ?? 0;
  if (!Number.isInteger(props.startHour) || props.startHour < 0 || props.startHour > 23) {
    throw new CacheValidationError(`Invalid ${kind} startHour: got ${props.startHour}. Allowed: an integer from 0 to 23 (UTC).`);
  }
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new CacheValidationError(`Invalid ${kind} startMinute: got ${minute}. Allowed: an integer from 0 to 59.`);
  }
  const duration = props.duration ?? Duration.hours(1);
  if (duration.isUnresolved()) {
    throw new CacheValidationError(`Invalid ${kind} duration: got a token. The window's length must be known at synth time.`);
  }
  const minutes = duration.toMinutes({ integral: false });
  if (!Number.isInteger(minutes) || minutes < MIN_WINDOW_MINUTES || minutes > maxMinutes) {
    throw new CacheValidationError(`Invalid ${kind} duration: got ${minutes} minutes. Allowed: whole minutes, at least `
      + `${MIN_WINDOW_MINUTES} and ${maxText}.`);
  }
  return minutes;
}

/**
 * The daily window (UTC) in which ElastiCache takes automatic backups: `hh24:mi-hh24:mi`,
 * at least 60 minutes, may wrap midnight.
 *
 * @example
 * SnapshotWindow.fromString('05:00-06:00')
 * SnapshotWindow.of({ startHour: 5, duration: Duration.hours(2) })
 */
export class SnapshotWindow {
  /**
   * A window from its ElastiCache string, `hh24:mi-hh24:mi` (UTC), e.g. `05:00-06:00`.
   * Tokens are accepted unchecked.
   */
  public static fromString(window: string): SnapshotWindow {
    if (Token.isUnresolved(window)) {
      return new SnapshotWindow(window);
    }
    const m = new RegExp(`^${HH_MM}-${HH_MM}$`).exec(window);
    if (!m) {
      throw new CacheValidationError(`Invalid snapshot window: got '${window}'. Allowed: 'hh24:mi-hh24:mi' in UTC, `
        + 'such as \'05:00-06:00\'.');
    }
    const start = Number(m[1]) * 60 + Number(m[2]);
    const end = Number(m[3]) * 60 + Number(m[4]);
    const length = (end - start + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    if (length < MIN_WINDOW_MINUTES) {
      throw new CacheValidationError(`Invalid snapshot window: got '${window}' (${length} minutes). `
        + `Allowed: at least ${MIN_WINDOW_MINUTES} minutes.`);
    }
    return new SnapshotWindow(window, start, length);
  }

  /** A window from its start (UTC) and length. */
  public static of(props: SnapshotWindowProps): SnapshotWindow {
    const length = validateParts('snapshot window', props, MINUTES_PER_DAY - 1, 'less than 24 hours');
    const start = props.startHour * 60 + (props.startMinute ?? 0);
    const end = (start + length) % MINUTES_PER_DAY;
    return new SnapshotWindow(`${two(props.startHour)}:${two(props.startMinute ?? 0)}-${two(Math.floor(end / 60))}:${two(end % 60)}`,
      start, length);
  }

  /** The window as ElastiCache takes it, `hh24:mi-hh24:mi`. */
  public readonly value: string;
  /** Start, in minutes after midnight UTC (undefined for a token). */
  private readonly start?: number;
  /** Length in minutes (undefined for a token). */
  private readonly length?: number;

  private constructor(value: string, start?: number, length?: number) {
    this.value = value;
    this.start = start;
    this.length = length;
  }

  /**
   * Whether this daily window overlaps a weekly maintenance window on any day
   * (ElastiCache rejects that). False when either window is a token.
   */
  public overlaps(maintenanceWindow: MaintenanceWindow): boolean {
    return maintenanceWindow.overlaps(this);
  }

  /**
   * The intervals of the week (in minutes after Sunday 00:00 UTC) this window covers.
   * @internal
   */
  public _weeklyIntervals(): Array<[number, number]> | undefined {
    if (this.start === undefined || this.length === undefined) {
      return undefined;
    }
    const intervals: Array<[number, number]> = [];
    for (let day = -1; day <= 7; day++) {
      intervals.push([day * MINUTES_PER_DAY + this.start, day * MINUTES_PER_DAY + this.start + this.length]);
    }
    return intervals;
  }

  /** The window as ElastiCache takes it. */
  public toString(): string {
    return this.value;
  }
}

/**
 * The weekly window (UTC) in which ElastiCache applies maintenance: `ddd:hh24:mi-ddd:hh24:mi`,
 * 60 minutes to 24 hours, may wrap the end of the week (`sat:23:00-sun:01:00`).
 *
 * @example
 * MaintenanceWindow.fromString('sun:23:00-mon:01:30')
 * MaintenanceWindow.of({ startDay: DayOfWeek.SUNDAY, startHour: 23, duration: Duration.minutes(150) })
 */
export class MaintenanceWindow {
  /**
   * A window from its ElastiCache string, `ddd:hh24:mi-ddd:hh24:mi` (UTC), e.g. `sun:23:00-mon:01:30`.
   * Tokens are accepted unchecked.
   */
  public static fromString(window: string): MaintenanceWindow {
    if (Token.isUnresolved(window)) {
      return new MaintenanceWindow(window);
    }
    const m = new RegExp(`^${DDD}:${HH_MM}-${DDD}:${HH_MM}$`).exec(window.toLowerCase());
    if (!m) {
      throw new CacheValidationError(`Invalid maintenance window: got '${window}'. Allowed: 'ddd:hh24:mi-ddd:hh24:mi' in UTC `
        + 'with ddd one of sun, mon, tue, wed, thu, fri, sat, such as \'sun:23:00-mon:01:30\'.');
    }
    const start = DAYS.indexOf(m[1]) * MINUTES_PER_DAY + Number(m[2]) * 60 + Number(m[3]);
    const end = DAYS.indexOf(m[4]) * MINUTES_PER_DAY + Number(m[5]) * 60 + Number(m[6]);
    const length = (end - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    if (length < MIN_WINDOW_MINUTES) {
      throw new CacheValidationError(`Invalid maintenance window: got '${window}' (${length} minutes). `
        + `Allowed: at least ${MIN_WINDOW_MINUTES} minutes.`);
    }
    if (length > MAX_MAINTENANCE_WINDOW_MINUTES) {
      throw new CacheValidationError(`Invalid maintenance window: got '${window}' (${length} minutes). `
        + 'Allowed: at most 24 hours (1440 minutes); ElastiCache takes a weekly window of 60 minutes to 24 hours.');
    }
    return new MaintenanceWindow(window.toLowerCase(), start, length);
  }

  /** A window from its start day and time (UTC) and length. */
  public static of(props: MaintenanceWindowProps): MaintenanceWindow {
    const length = validateParts('maintenance window', props, MAX_MAINTENANCE_WINDOW_MINUTES, 'at most 24 hours');
    const day = DAYS.indexOf(props.startDay);
    if (day < 0) {
      throw new CacheValidationError(`Invalid maintenance window startDay: got '${props.startDay}'. Allowed: a DayOfWeek.`);
    }
    const start = day * MINUTES_PER_DAY + props.startHour * 60 + (props.startMinute ?? 0);
    const end = (start + length) % MINUTES_PER_WEEK;
    const render = (t: number) => `${DAYS[Math.floor(t / MINUTES_PER_DAY)]}:${two(Math.floor((t % MINUTES_PER_DAY) / 60))}:${two(t % 60)}`;
    return new MaintenanceWindow(`${render(start)}-${render(end)}`, start, length);
  }

  /** The window as ElastiCache takes it, `ddd:hh24:mi-ddd:hh24:mi`. */
  public readonly value: string;
  /** Start, in minutes after Sunday 00:00 UTC (undefined for a token). */
  private readonly start?: number;
  /** Length in minutes (undefined for a token). */
  private readonly length?: number;

  private constructor(value: string, start?: number, length?: number) {
    this.value = value;
    this.start = start;
    this.length = length;
  }

  /**
   * Whether this weekly window overlaps a daily snapshot window on any day
   * (ElastiCache rejects that). False when either window is a token.
   */
  public overlaps(snapshotWindow: SnapshotWindow): boolean {
    const daily = snapshotWindow._weeklyIntervals();
    if (this.start === undefined || this.length === undefined || !daily) {
      return false;
    }
    const weekly: Array<[number, number]> = [[this.start, this.start + this.length]];
    if (this.start + this.length > MINUTES_PER_WEEK) {
      weekly.push([this.start - MINUTES_PER_WEEK, this.start + this.length - MINUTES_PER_WEEK]);
    }
    return weekly.some(([a, b]) => daily.some(([c, d]) => a < d && c < b));
  }

  /** The window as ElastiCache takes it. */
  public toString(): string {
    return this.value;
  }
}
