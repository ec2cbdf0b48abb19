import { Token } from 'aws-cdk-lib';
import { CacheValidationError } from './validation-error';

/**
 * The time of day (UTC) at which ElastiCache takes the daily snapshot of a serverless cache, `HH:MM`.
 *
 * @example
 * DailySnapshotTime.of({ hour: 4, minute: 30 })
 * DailySnapshotTime.fromString('04:30')
 */
export class DailySnapshotTime {
  /** A time from its ElastiCache string, `HH:MM` (UTC, 24-hour). Tokens are accepted unchecked. */
  public static fromString(time: string): DailySnapshotTime {
    if (!Token.isUnresolved(time) && !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
      throw new CacheValidationError(`Invalid daily snapshot time: got '${time}'. Allowed: 'HH:MM' in UTC, 24-hour, such as '04:30'.`);
    }
    return new DailySnapshotTime(time);
  }

  /** A time from its hour (0-23, UTC) and minute (0-59). */
  public static of(props: DailySnapshotTimeProps): DailySnapshotTime {
    const minute = props.minute ?? 0;
    if (!Number.isInteger(props.hour) || props.hour < 0 || props.hour > 23) {
      throw new CacheValidationError(`Invalid daily snapshot time hour: got ${props.hour}. Allowed: an integer from 0 to 23 (UTC).`);
    }
    if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
      throw new CacheValidationError(`Invalid daily snapshot time minute: got ${minute}. Allowed: an integer from 0 to 59.`);
    }
    return new DailySnapshotTime(`${String(props.hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`);
  }

  /** The time as ElastiCache takes it, `HH:MM`. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** The time as ElastiCache takes it. */
  public toString(): string {
    return this.value;
  }
}

/** The parts of a `DailySnapshotTime`. */
export interface DailySnapshotTimeProps {
  /** The hour, UTC, 0-23. */
  readonly hour: number;
  /**
   * The minute, 0-59.
   * @default 0
   */
  readonly minute?: number;
}
