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

/**
 * A lookup that could not finish: what was not found, and the call that failed for the rest (the
 * serverless caches, when `DescribeServerlessCaches` is refused). Not an answer that the cache does
 * not exist: the command exits 2, as for any failed call.
 */
export class IncompleteLookupError extends Error {
  constructor(notFound: string, what: string, public readonly cause: unknown) {
    super(`${notFound.replace(/\.$/, '')}, and the ${what} could not be looked at: ${formatError(cause)}`);
    this.name = 'IncompleteLookupError';
    Object.setPrototypeOf(this, IncompleteLookupError.prototype);
  }
}

/** One line: collapses newlines and runs of blanks, trims a trailing period. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

/**
 * What to do about an AWS error code (the SDK's error name), after the code and the service's message.
 * Codes without an entry are shown as they come.
 */
const ADVICE: Record<string, string> = {
  ExpiredToken: 'the AWS credentials have expired: refresh them; for SSO: aws sso login',
  ExpiredTokenException: 'the AWS credentials have expired: refresh them; for SSO: aws sso login',
  RequestExpired: 'the request expired before AWS received it: check the system clock',
  InvalidClientTokenId: 'AWS does not recognise the access key: check the credentials or --profile',
  UnrecognizedClientException: 'AWS does not recognise the access key: check the credentials or --profile',
  SignatureDoesNotMatch: 'AWS rejected the request signature: check the secret key or --profile',
  InvalidSignatureException: 'AWS rejected the request signature: check the secret key or --profile',
  Throttling: 'throttled even after retries; try again in a moment',
  ThrottlingException: 'throttled even after retries; try again in a moment',
  TooManyRequestsException: 'throttled even after retries; try again in a moment',
  RequestLimitExceeded: 'throttled even after retries; try again in a moment',
  InvalidReplicationGroupStateFault: 'the replication group is not in a state that allows this now',
  InvalidCacheClusterStateFault: 'the cache cluster is not in a state that allows this now',
  TestFailoverNotAvailableFault: 'ElastiCache cannot run a test failover on this group now',
  APICallRateForCustomerExceededFault: 'ElastiCache allows test failovers of at most 15 shards in any rolling 24 hours; try again later',
  SnapshotAlreadyExistsFault: 'pass another --name',
  SnapshotQuotaExceededFault: 'the account has reached its snapshot quota: delete old manual snapshots first',
  GlobalReplicationGroupNotFoundFault: 'no global datastore has that id in this Region: give the full id, with its Region prefix',
  InvalidGlobalReplicationGroupStateFault: 'the global datastore is not in a state that allows this now',
};

/** `Forbidden`, `NotFound`, ...: how the SDK names an error answer whose body it cannot read, after its HTTP status. */
const HTTP_REASONS = new Set(Object.values(STATUS_CODES).map(reason => (reason ?? '').replace(/[^A-Za-z]/g, '')));

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
 * `OpsError`s keep their message. An error of an AWS call starts with the API operation when the
 * client recorded it (`DescribeReplicationGroups failed: `, see `instrumentCalls`), then gives the
 * AWS error code and the service's message (`AccessDenied: User: ... is not authorized ...`), with
 * advice for the codes that have one; an answer without a readable AWS error (an HTML page from a
 * proxy or load balancer, an empty body) gives its HTTP status and request id; a call without an
 * answer (network, connection or request timeout, the command's `--timeout`) says so; server-side
 * (5xx) errors add the HTTP status and request id.
 */
export function formatError(error: unknown): string {
  return formatServiceError(error, 'ElastiCache');
}

/** The AWS API operation an error came from, as the command's clients record it (`DescribeReplicationGroups`). */
export function operationOf(error: unknown): string | undefined {
  const operation = (error as { $operation?: unknown } | undefined)?.$operation;
  return typeof operation === 'string' && operation ? operation : undefined;
}

/** `formatError` for an error of another API: `service` (`CloudFormation`) names it in the messages about the network and unreadable answers. */
export function formatServiceError(error: unknown, service: string): string {
  if (error instanceof OpsError || error instanceof IncompleteLookupError) {
    return error.message.replace(/\s+/g, ' ').trim();
  }
  if (!(error instanceof Error)) {
    return oneLine(`Unexpected failure: ${String(error)}`);
  }
  const operation = operationOf(error);
  const body = oneLine(describe(error, service));
  return operation ? `${operation} failed: ${body}` : body.charAt(0).toUpperCase() + body.slice(1);
}

/** The error without the operation, starting in lowercase unless it starts with a code. */
function describe(error: Error, service: string): string {
  const message = oneLine((error.message || '(no message)').replace(/^@smithy\/\S+ - (\[\w+\] )?/, ''));
  if (error.name === 'NoAnswerError') {
    return (error as { target?: string }).target !== undefined
      ? `${message} (check --endpoint-url / AWS_ENDPOINT_URL, the network and proxy, or pass a longer --timeout)`
      : `${message} (check the profile's credential_process, SSO or role settings, or pass a longer --timeout)`;
  }
  const metadata = metadataOf(error);
  // The SDK names an error it cannot read `Unknown` (or after the status: `NotFound`) with the
  // message `Unknown`, or fails to parse the body at all: say what came back instead.
  const unreadable = error.name === 'Unknown' || (error.message === 'Unknown' && HTTP_REASONS.has(error.name))
    || /Deserialization error|XML parse error/i.test(error.message);
  if (metadata && unreadable) {
    const status = metadata.httpStatusCode!;
    const advice = status >= 500
      ? 'a failure at AWS or at a proxy in between; try again in a moment'
      : 'check --endpoint-url / AWS_ENDPOINT_URL, a proxy in between, or the credentials';
    return `the ${service} API answered ${httpPart(metadata)} without an AWS error in the body: ${advice}`;
  }
  if (error.name === 'CredentialsProviderError') {
    return `no AWS credentials: configure them (environment variables, ~/.aws profile, SSO, instance or task role) or pass --profile (${message})`;
  }
  if (/region is missing/i.test(error.message)) {
    return 'no AWS region: set AWS_REGION, give your profile a region, or pass --region';
  }
  if (/region not accepted|invalid region/i.test(error.message)) {
    return `invalid AWS region: ${message}; pass a region such as --region eu-west-1`;
  }
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || error.name === 'TimeoutError') {
    return `cannot reach the ${service} API (check the network, proxy, --endpoint-url and --region): ${message}`;
  }
  // An AWS error: the code the API answered with (`APICallRateForCustomerExceeded`; the SDK names the
  // error `APICallRateForCustomerExceededFault`), as the API reference and the AWS CLI show it.
  const answered = (error as { Code?: unknown }).Code;
  const awsCode = typeof answered === 'string' && answered ? answered : error.name;
  const advice = ADVICE[error.name];
  const status = metadata && metadata.httpStatusCode! >= 500 ? ` (${httpPart(metadata)})` : '';
  return `${awsCode}: ${message}${advice ? ` (${advice})` : ''}${status}`;
}
