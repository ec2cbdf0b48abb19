import { ElastiCacheClient, ElastiCacheClientConfig } from '@aws-sdk/client-elasticache';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { formatUrl } from '@aws-sdk/util-format-url';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { OpsError } from './errors';
import { assertCacheId } from './ids';

/** How long an ElastiCache IAM authentication token is valid: 15 minutes, the service's maximum. */
export const IAM_AUTH_TOKEN_EXPIRY_SECONDS = 900;

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
  const credentials = options.credentials ?? (defaultCredentials ??= fromNodeProviderChain());
  const signer = new SignatureV4({
    service: 'elasticache',
    region,
    credentials: credentials!,
    sha256: Hash.bind(null, 'sha256'),
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'http:',
    hostname: cacheName,
    path: '/',
    headers: { host: cacheName },
    query: {
      Action: 'connect',
      User: options.userId,
      ...(options.serverless ? { ResourceType: 'ServerlessCache' } : {}),
    },
  });
  const signed = await signer.presign(request, {
    expiresIn: IAM_AUTH_TOKEN_EXPIRY_SECONDS,
    ...(options.signingDate ? { signingDate: options.signingDate } : {}),
  });
  return formatUrl(signed).replace(/^http:\/\//, '');
}
