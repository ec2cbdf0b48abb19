import { Duration } from 'aws-cdk-lib';

/**
 * Options of `user.addRotation()` and `cache.addRotation()`: the Secrets Manager rotation schedule of
 * a generated password or AUTH token, rotated by the library's own function (one per stack).
 */
export interface RotationOptions {
  /**
   * How often the secret is rotated: whole days (1 to 1000), or whole hours from 4 to 23.
   * @default Duration.days(30)
   */
  readonly automaticallyAfter?: Duration;
  /**
   * Whether Secrets Manager rotates the secret right when the schedule is created or changed (at
   * the deployment that adds it), rather than only at the end of the first period.
   * @default true
   */
  readonly rotateImmediatelyOnUpdate?: boolean;
}
