import { ElastiCacheClient, ElastiCacheClientConfig } from '@aws-sdk/client-elasticache';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { signIamAuthToken } from '../client/iam-token';
import { OpsError } from './errors';
import { assertCacheId } from './ids';

export { IAM_AUTH_TOKEN_EXPIRY_SECONDS } from '../client/iam-token';

/** Options of `generateIamAuthToken`. */
export interface IamAuthTokenOptions {
  /** The replication group id (or, with `serverless`, the serverless cache name) the client connects to. */
  readonly cacheName: string;
  /**
   * The ElastiCache user id. IAM-enabled users have the same user id and user name; clients pass
   * this id as the username and the token as the password.
   */
  readonly userId: string;
  /**
   * The cache's region.
   * @default - the AWS SDK's region chain (AWS_REGION, the profile's region)
   */
  readonly region?: string;
  /**
   * The credentials of the IAM identity allowed `elasticache:Connect` on the cache and the user.
   * @default - the AWS SDK's default credential chain (`fromNodeProviderChain()`)
   */
  readonly credentials?: ElastiCacheClientConfig['credentials'];
  /**
   * Whether `cacheName` is a serverless cache (adds `ResourceType=ServerlessCache`).
   * @default false
   */
  readonly serverless?: boolean;
  /**
   * The signing time; the token is valid for 15 minutes from it.
   * @default - now
   */
  readonly signingDate?: Date;
}

let defaultCredentials: ElastiCacheClientConfig['credentials'] | undefined;

/**
 * An IAM authentication token for a Valkey / Redis OSS user of ElastiCache: a SigV4-presigned
 * `GET http://<cacheName>/?Action=connect&User=<userId>` for the service `elasticache`, valid
 * 15 minutes, without its `http://` prefix. Pass it as the password (the user id as the username)
 * to `AUTH` / `HELLO`; request a new one for every new connection, since connections made with
 * IAM authentication are disconnected after 12 hours.
 *
 * Signing is local (no network call); credentials come from the default chain unless given.
 */
export async function generateIamAuthToken(options: IamAuthTokenOptions): Promise<string> {
  assertCacheId(options.serverless ? 'serverless-cache' : 'replication-group', options.cacheName);
  // ElastiCache stores ids in lowercase, and the token is checked against the stored id.
  const cacheName = options.cacheName.toLowerCase();
  if (options.userId.trim() === '') {
    throw new OpsError('Invalid user id for an IAM token: got an empty string. Allowed: the id of an ElastiCache user with IAM authentication.');
  }
  const region = options.region ?? await new ElastiCacheClient({}).config.region();
  const provider = options.credentials ?? (defaultCredentials ??= fromNodeProviderChain());
  const credentials = typeof provider === 'function' ? await provider() : provider!;
  // The signature itself is the client helper's (node:crypto only), so that both sign alike.
  return signIamAuthToken({
    cacheName,
    userId: options.userId,
    region,
    credentials,
    ...(options.serverless ? { serverless: true } : {}),
    ...(options.signingDate ? { signingDate: options.signingDate } : {}),
  });
}
