import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CacheAuthMode } from './connection-environment';
import { IUser } from './user';

/** Options of `connectFrom()`: who the consumer connects as, and where its variables go. */
export interface ConnectFromOptions {
  /**
   * A connection name, for a consumer of several caches: the variables become `CACHE_<NAME>_HOST`...
   * (uppercased, hyphens as underscores). A letter, then letters, digits, `-` or `_`, at most 32.
   * @default - none: `CACHE_HOST`...
   */
  readonly name?: string;
  /**
   * The RBAC user the consumer connects as. An IAM user (`UserAuthentication.iam()`) gets
   * `elasticache:Connect` on the group and the user; a password user gets read on its secret.
   * Required with `Authentication.userGroup(group)`, whose users the construct cannot choose from.
   * @default - the cache's application user (`Authentication.generatedUserGroup()`, the default) or
   * AUTH token
   */
  readonly user?: IUser;
  /**
   * The secret holding `user`'s `{ "username", "password" }`, for a password user that is not a
   * `User` of this app (an imported one).
   * @default - `user.secret` when `user` is a `User` with a generated password, otherwise the cache's `authSecret`
   */
  readonly secret?: secretsmanager.ISecret;
  /**
   * The principal granted read on the secret (and decrypt on its key) or `elasticache:Connect`.
   * @default - the consumer, when it is `IGrantable` (a Lambda function); give the task role for an ECS service
   */
  readonly grantee?: iam.IGrantable;
  /**
   * The container of an ECS task whose environment gets the variables.
   * @default - the consumer's own environment when it is a `lambda.Function`; otherwise none (read
   * them from the returned `environment`)
   */
  readonly container?: ecs.ContainerDefinition;
  /**
   * Whether `CACHE_HOST` and `CACHE_READER_HOST` are the DNS names of the cache's `addDnsRecords()`
   * (so that a replacement cache reaches the consumer by a record change, no redeployment of the
   * consumer) or its endpoints. `true` without `addDnsRecords()` is an error.
   * @default - the DNS names when `addDnsRecords()` was called on the cache before, otherwise the endpoints
   */
  readonly useDnsNames?: boolean;
}

/** What `connectFrom()` wired. */
export interface CacheConnectionBinding {
  /** The variables (name to value; values may be tokens), as set on the consumer. */
  readonly environment: Record<string, string>;
  /** How the consumer authenticates (`CACHE_AUTH`). */
  readonly authMode: CacheAuthMode;
}
