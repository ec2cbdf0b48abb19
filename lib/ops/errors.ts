import { STATUS_CODES } from 'node:http';

/**
 * The error every operation of `cdk-elasticache/ops` throws for a condition it recognises:
 * an unknown cache, a refused drill, a timeout. Its message is one line, written for a person.
 */
export class OpsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpsError';
    Object.setPrototypeOf(this, OpsError.prototype);
  }
}

/** One line: collapses newlines and runs of blanks, trims a trailing period. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

/** SDK error names (AWS error codes) with a fixed explanation; `%s` is the service's message. */
const KNOWN: Record<string, string> = {
  CredentialsProviderError:
    'No AWS credentials: configure them (environment variables, ~/.aws profile, SSO, instance or task role) or pass --profile (%s)',
  ExpiredToken: 'The AWS credentials have expired: refresh them (for SSO: aws sso login) (%s)',
  ExpiredTokenException: 'The AWS credentials have expired: refresh them (for SSO: aws sso login) (%s)',
  RequestExpired: 'The request expired before AWS received it: check the system clock (%s)',
  InvalidClientTokenId: 'AWS does not recognise the access key: check the credentials or --profile (%s)',
  UnrecognizedClientException: 'AWS does not recognise the access key: check the credentials or --profile (%s)',
  SignatureDoesNotMatch: 'AWS rejected the request signature: check the secret key or --profile (%s)',
  InvalidSignatureException: 'AWS rejected the request signature: check the secret key or --profile (%s)',
  AccessDenied: 'Access denied: %s',
  AccessDeniedException: 'Access denied: %s',
  UnauthorizedOperation: 'Access denied: %s',
  Throttling: 'AWS throttled the request even after retries; try again in a moment (%s)',
  ThrottlingException: 'AWS throttled the request even after retries; try again in a moment (%s)',
  TooManyRequestsException: 'AWS throttled the request even after retries; try again in a moment (%s)',
  RequestLimitExceeded: 'AWS throttled the request even after retries; try again in a moment (%s)',
  ReplicationGroupNotFoundFault: 'Replication group not found: %s',
  CacheClusterNotFoundFault: 'Cache cluster not found: %s',
  NodeGroupNotFoundFault: 'Shard (node group) not found: %s',
  SnapshotNotFoundFault: 'Snapshot not found: %s',
  InvalidReplicationGroupStateFault: 'The replication group is not in a state that allows this now: %s',
  InvalidCacheClusterStateFault: 'The cache cluster is not in a state that allows this now: %s',
  GlobalReplicationGroupNotFoundFault: 'Global datastore not found: %s',
  InvalidGlobalReplicationGroupStateFault: 'The global datastore is not in a state that allows this now: %s',
  TestFailoverNotAvailableFault: 'ElastiCache cannot run a test failover on this group now: %s',
  APICallRateForCustomerExceededFault: 'ElastiCache allows test failovers of at most 15 shards in any rolling 24 hours; try again later (%s)',
  SnapshotAlreadyExistsFault: 'A snapshot with that name already exists; pass another --name (%s)',
  SnapshotQuotaExceededFault: 'The account has reached its snapshot quota: delete old manual snapshots first (%s)',
  SnapshotFeatureNotSupportedFault: 'This cache does not support snapshots: %s',
  InvalidParameterValueException: 'Invalid value: %s',
  InvalidParameterCombinationException: 'Invalid combination of parameters: %s',
};

/** Node.js network error codes. */
const NETWORK_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** What the SDK attaches to an error that came back from an HTTP answer. */
interface ResponseMetadata {
  readonly httpStatusCode?: number;
  readonly requestId?: string;
}

function metadataOf(error: Error): ResponseMetadata | undefined {
  const metadata = (error as { $metadata?: ResponseMetadata }).$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata : undefined;
}

/** `HTTP 503 Service Unavailable, request id abc` (`no request id` when the answer had none). */
function httpPart(metadata: ResponseMetadata): string {
  const status = metadata.httpStatusCode!;
  const reason = STATUS_CODES[status];
  return `HTTP ${status}${reason ? ` ${reason}` : ''}, ${metadata.requestId ? `request id ${metadata.requestId}` : 'no request id'}`;
}

/**
 * Renders any error of an operation as one clear line, without a stack trace.
 *
 * `OpsError`s keep their message; SDK errors are recognised by name (the AWS error code:
 * `ReplicationGroupNotFoundFault`, `AccessDenied`, `Throttling`, `CredentialsProviderError`, ...),
 * explained, and followed by the code the API answered with (`[APICallRateForCustomerExceeded]`);
 * an answer without a readable AWS error (an HTML page from a proxy or load balancer, an empty
 * body) gives its HTTP status and request id; anything else is `<name>: <message>`, with the
 * HTTP status and request id for server-side (5xx) errors.
 */
export function formatError(error: unknown): string {
  return formatServiceError(error, 'ElastiCache');
}

/** `formatError` for an error of another API: `service` (`CloudFormation`) names it in the messages about the network and unreadable answers. */
export function formatServiceError(error: unknown, service: string): string {
  if (error instanceof OpsError) {
    return error.message.replace(/\s+/g, ' ').trim();
  }
  if (!(error instanceof Error)) {
    return oneLine(`Unexpected failure: ${String(error)}`);
  }
  const message = oneLine(error.message || '(no message)');
  const metadata = metadataOf(error);
  // The SDK names an error it cannot read `Unknown` (or after the status: `NotFound`) with the
  // message `Unknown`, or fails to parse the body at all: say what came back instead.
  const unreadable = error.name === 'Unknown' || (error.message === 'Unknown' && !KNOWN[error.name])
    || /Deserialization error|XML parse error/i.test(error.message);
  if (metadata && unreadable) {
    const status = metadata.httpStatusCode!;
    const advice = status >= 500
      ? 'a failure at AWS or at a proxy in between; try again in a moment'
      : 'check --endpoint-url / AWS_ENDPOINT_URL, a proxy in between, or the credentials';
    return `The ${service} API answered ${httpPart(metadata)} without an AWS error in the body: ${advice}`;
  }
  const template = KNOWN[error.name];
  if (template) {
    // The code the API answered with (`APICallRateForCustomerExceeded`; the SDK names the error
    // `APICallRateForCustomerExceededFault`): what the API reference and AWS CLI output show.
    const code = (error as { Code?: unknown }).Code;
    return `${oneLine(template.replace('%s', message))}${metadata && typeof code === 'string' && code ? ` [${code}]` : ''}`;
  }
  if (/region is missing/i.test(error.message)) {
    return 'No AWS region: set AWS_REGION, give your profile a region, or pass --region';
  }
  if (/region not accepted|invalid region/i.test(error.message)) {
    return oneLine(`Invalid AWS region: ${message}; pass a region such as --region eu-west-1`);
  }
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || error.name === 'TimeoutError') {
    return oneLine(`Cannot reach the ${service} API (check the network, proxy and --region): ${message}`);
  }
  if (metadata && metadata.httpStatusCode! >= 500) {
    return oneLine(`${error.name}: ${message} (${httpPart(metadata)})`);
  }
  return oneLine(`${error.name}: ${message}`);
}
