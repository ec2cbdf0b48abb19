// The ElastiCache IAM authentication token, signed with node:crypto alone: the client helper loads
// this module only for a cache with CACHE_AUTH=iam, and needs no AWS SDK package to sign (the
// `cdk-elasticache` command signs with it too, with the SDK's region and credential chains).
import { createHash, createHmac } from 'node:crypto';

/** How long an ElastiCache IAM authentication token is valid: 15 minutes, the service's maximum. */
export const IAM_AUTH_TOKEN_EXPIRY_SECONDS = 900;

/** AWS credentials, as the AWS SDK's credential providers resolve them. */
export interface IamCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** What `signIamAuthToken` signs. */
export interface IamTokenRequest {
  /** The replication group id, or the serverless cache name with `serverless`. Lowercased (ElastiCache stores ids so). */
  readonly cacheName: string;
  /** The ElastiCache user id (IAM users have the same id and name). */
  readonly userId: string;
  /** The cache's region. */
  readonly region: string;
  readonly credentials: IamCredentials;
  /** Adds `ResourceType=ServerlessCache`. @default false */
  readonly serverless?: boolean;
  /** The signing time; the token is valid 15 minutes from it. @default - now */
  readonly signingDate?: Date;
}

/** RFC 3986 encoding, as SigV4 wants it (what `encodeURIComponent` leaves, less `!'()*`). */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * An IAM authentication token for a Valkey / Redis OSS user of ElastiCache: a SigV4-presigned
 * `GET http://<cacheName>/?Action=connect&User=<userId>` for the service `elasticache`, valid 15
 * minutes, without its `http://` prefix (the query sorted, as the AWS SDK's `formatUrl` writes it).
 * Clients pass the user id as the username and the token as the password. Local: no network call.
 */
export function signIamAuthToken(request: IamTokenRequest): string {
  const host = request.cacheName.toLowerCase();
  const date = request.signingDate ?? new Date();
  const amzDate = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${request.region}/elasticache/aws4_request`;
  const query: Record<string, string> = {
    'Action': 'connect',
    'User': request.userId,
    ...(request.serverless ? { ResourceType: 'ServerlessCache' } : {}),
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${request.credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(IAM_AUTH_TOKEN_EXPIRY_SECONDS),
    ...(request.credentials.sessionToken ? { 'X-Amz-Security-Token': request.credentials.sessionToken } : {}),
    'X-Amz-SignedHeaders': 'host',
  };
  const canonicalQuery = (q: Record<string, string>) => Object.keys(q).sort().map(k => `${encode(k)}=${encode(q[k])}`).join('&');
  const emptyPayload = createHash('sha256').update('').digest('hex');
  const canonicalRequest = ['GET', '/', canonicalQuery(query), `host:${host}`, '', 'host', emptyPayload].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${request.credentials.secretAccessKey}`, day), request.region), 'elasticache'), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return `${host}/?${canonicalQuery({ ...query, 'X-Amz-Signature': signature })}`;
}
