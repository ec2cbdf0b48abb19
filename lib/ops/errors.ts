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
  TestFailoverNotAvailableFault: 'ElastiCache cannot run a test failover on this group now: %s',
  APICallRateForCustomerExceededFault: 'ElastiCache limits how often TestFailover may be called (per shard, per 24 hours): %s',
  SnapshotAlreadyExistsFault: 'A snapshot with that name already exists; pass another --name (%s)',
  SnapshotQuotaExceededFault: 'The account has reached its snapshot quota: delete old manual snapshots first (%s)',
  SnapshotFeatureNotSupportedFault: 'This cache does not support snapshots: %s',
  InvalidParameterValueException: 'Invalid value: %s',
  InvalidParameterCombinationException: 'Invalid combination of parameters: %s',
};

/** Node.js network error codes. */
const NETWORK_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Renders any error of an operation as one clear line, without a stack trace.
 *
 * `OpsError`s keep their message; SDK errors are recognised by name (the AWS error code:
 * `ReplicationGroupNotFoundFault`, `AccessDenied`, `Throttling`, `CredentialsProviderError`, ...);
 * anything else is `<name>: <message>`.
 */
export function formatError(error: unknown): string {
  if (error instanceof OpsError) {
    return error.message.replace(/\s+/g, ' ').trim();
  }
  if (!(error instanceof Error)) {
    return oneLine(`Unexpected failure: ${String(error)}`);
  }
  const message = oneLine(error.message || '(no message)');
  const template = KNOWN[error.name];
  if (template) {
    return oneLine(template.replace('%s', message));
  }
  if (/region is missing/i.test(error.message)) {
    return 'No AWS region: set AWS_REGION, give your profile a region, or pass --region';
  }
  if (/region not accepted|invalid region/i.test(error.message)) {
    return oneLine(`Invalid AWS region: ${message}; pass a region such as --region eu-west-1`);
  }
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || error.name === 'TimeoutError') {
    return oneLine(`Cannot reach the ElastiCache API (check the network, proxy and --region): ${message}`);
  }
  return oneLine(`${error.name}: ${message}`);
}
