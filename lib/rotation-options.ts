import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

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
  /**
   * Runs the rotation function in this VPC, so that `testSecret` also checks the new password (or
   * token) on the cache itself: `AUTH` on the primary endpoint, over TLS. With `cache.addRotation()`,
   * the cache's security group lets the function in. The subnets need a way to the Secrets Manager
   * and ElastiCache APIs (a NAT gateway, or interface endpoints for both): without it, every rotation
   * times out. One function per stack and VPC.
   * @default - no VPC: the function calls only the AWS APIs, and checks the new password through them
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of the function, with `vpc`.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}
