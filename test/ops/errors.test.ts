import { ElastiCacheServiceException, ReplicationGroupNotFoundFault, TestFailoverNotAvailableFault } from '@aws-sdk/client-elasticache';
import { NoAnswerError } from '../../lib/ops/client';
import { formatError, IncompleteLookupError, OpsError } from '../../lib/ops/errors';
import { awsError } from './fixtures';

/** An error as the SDK's credential chain throws it (@smithy/property-provider's CredentialsProviderError). */
function credentialsError(message: string): Error {
  return Object.assign(new Error(message), { name: 'CredentialsProviderError', tryNextLink: false });
}

/** An error as the SDK deserializes a failed answer. */
function unreadable(name: string, message: string, fault: 'client' | 'server', $metadata: { httpStatusCode: number; requestId?: string }) {
  return new ElastiCacheServiceException({ name, message, $fault: fault, $metadata });
}

describe('formatError', () => {
  test.each<[string, unknown, string]>([
    ['an OpsError keeps its message', new OpsError("No replication group or cache cluster named 'x' in eu-west-1."),
      "No replication group or cache cluster named 'x' in eu-west-1."],
    ['no credentials', credentialsError('Could not load credentials from any providers'),
      'No AWS credentials: configure them (environment variables, ~/.aws profile, SSO, instance or task role) or pass --profile '
      + '(Could not load credentials from any providers)'],
    ['throttling (awsQuery code)', awsError('Throttling', 'Rate exceeded'),
      'Throttling: Rate exceeded (throttled even after retries; try again in a moment)'],
    ['throttling (JSON code)', awsError('ThrottlingException', 'Rate exceeded'),
      'ThrottlingException: Rate exceeded (throttled even after retries; try again in a moment)'],
    ['access denied', awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: elasticache:TestFailover'),
      'AccessDenied: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: elasticache:TestFailover'],
    ['access denied (JSON code)', awsError('AccessDeniedException', 'not authorized'), 'AccessDeniedException: not authorized'],
    ['expired credentials', awsError('ExpiredToken', 'The security token included in the request is expired'),
      'ExpiredToken: The security token included in the request is expired (the AWS credentials have expired: refresh them; for SSO: aws sso login)'],
    ['unknown access key', awsError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
      'InvalidClientTokenId: The security token included in the request is invalid (AWS does not recognise the access key: check the credentials or --profile)'],
    ['wrong secret', awsError('SignatureDoesNotMatch', 'The request signature we calculated does not match.'),
      'SignatureDoesNotMatch: The request signature we calculated does not match (AWS rejected the request signature: check the secret key or --profile)'],
    ['group not found', new ReplicationGroupNotFoundFault({ message: 'ReplicationGroup my-cache not found.', $metadata: {} }),
      'ReplicationGroupNotFoundFault: ReplicationGroup my-cache not found'],
    ['test failover not available', new TestFailoverNotAvailableFault({ message: 'TestFailover is not available.', $metadata: {} }),
      'TestFailoverNotAvailableFault: TestFailover is not available (ElastiCache cannot run a test failover on this group now)'],
    ['TestFailover quota', awsError('APICallRateForCustomerExceededFault', 'You exceeded the rate.'),
      'APICallRateForCustomerExceededFault: You exceeded the rate (ElastiCache allows test failovers of at most 15 shards in any rolling 24 hours; try again later)'],
    ['the code the answer gives, not the SDK\'s name of the error', Object.assign(awsError('APICallRateForCustomerExceededFault', 'You exceeded the rate.'),
      { Code: 'APICallRateForCustomerExceeded' }),
    'APICallRateForCustomerExceeded: You exceeded the rate (ElastiCache allows test failovers of at most 15 shards in any rolling 24 hours; '
      + 'try again later)'],
    ['invalid state', awsError('InvalidReplicationGroupStateFault', 'Replication group must be in available state.'),
      'InvalidReplicationGroupStateFault: Replication group must be in available state (the replication group is not in a state that allows this now)'],
    ['snapshot name taken', awsError('SnapshotAlreadyExistsFault', 'Snapshot already exists.'),
      'SnapshotAlreadyExistsFault: Snapshot already exists (pass another --name)'],
    ['invalid parameter', awsError('InvalidParameterValueException', 'The parameter SnapshotName must begin with a letter.'),
      'InvalidParameterValueException: The parameter SnapshotName must begin with a letter'],
    ['no region', new Error('Region is missing'), 'No AWS region: set AWS_REGION, give your profile a region, or pass --region'],
    ['bad region', new Error('Region not accepted: region="eu west" is not a valid hostname component.'),
      'Invalid AWS region: Region not accepted: region="eu west" is not a valid hostname component; pass a region such as --region eu-west-1'],
    ['no network', Object.assign(new Error('getaddrinfo ENOTFOUND elasticache.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      'Cannot reach the ElastiCache API (check the network, proxy, --endpoint-url and --region): getaddrinfo ENOTFOUND elasticache.eu-west-1.amazonaws.com'],
    ['request timeout', Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }),
      'Cannot reach the ElastiCache API (check the network, proxy, --endpoint-url and --region): Connection timed out after 1000 ms'],
    ['an unknown AWS error keeps its code', awsError('ServiceUnavailable', 'Service is unavailable.\nTry again.'),
      'ServiceUnavailable: Service is unavailable. Try again'],
    ['a non-Error', 'boom', 'Unexpected failure: boom'],
    // What the SDK makes of an answer without an AWS error in it (shapes as seen from a real HTTP server in cli-moto.test.ts).
    ['an HTML 503 (a load balancer\'s page)', unreadable('Unknown', 'Unknown', 'server', { httpStatusCode: 503, requestId: 'req-1' }),
      'The ElastiCache API answered HTTP 503 Service Unavailable, request id req-1 without an AWS error in the body: '
      + 'a failure at AWS or at a proxy in between; try again in a moment'],
    ['an empty 500 without a request id', unreadable('Unknown', 'Unknown', 'server', { httpStatusCode: 500 }),
      'The ElastiCache API answered HTTP 500 Internal Server Error, no request id without an AWS error in the body: '
      + 'a failure at AWS or at a proxy in between; try again in a moment'],
    ['an HTML 403 (a proxy)', unreadable('Forbidden', 'Unknown', 'client', { httpStatusCode: 403, requestId: 'req-2' }),
      'The ElastiCache API answered HTTP 403 Forbidden, request id req-2 without an AWS error in the body: '
      + 'check --endpoint-url / AWS_ENDPOINT_URL, a proxy in between, or the credentials'],
    ['a body that is not XML', Object.assign(new Error('@aws-sdk XML parse error: unexpected content.\n  Deserialization error: to see the raw '
      + 'response, inspect the hidden field {error}.$response on this object.'), { $metadata: { httpStatusCode: 200, requestId: 'req-3' } }),
    'The ElastiCache API answered HTTP 200 OK, request id req-3 without an AWS error in the body: '
      + 'check --endpoint-url / AWS_ENDPOINT_URL, a proxy in between, or the credentials'],
    ['a known AWS code without a message stays that error', unreadable('AccessDenied', 'Unknown', 'client', { httpStatusCode: 403 }),
      'AccessDenied: Unknown'],
    ['a 5xx AWS error gets its status and request id', unreadable('InternalFailure', 'An internal error occurred.', 'server',
      { httpStatusCode: 500, requestId: 'req-4' }), 'InternalFailure: An internal error occurred (HTTP 500 Internal Server Error, request id req-4)'],
    // What the command's clients record (instrumentCalls): the operation, then the error.
    ['the operation that failed comes first', Object.assign(awsError('AccessDenied', 'User: u is not authorized to perform: '
      + 'elasticache:DescribeReplicationGroups'), { $operation: 'DescribeReplicationGroups' }),
    'DescribeReplicationGroups failed: AccessDenied: User: u is not authorized to perform: elasticache:DescribeReplicationGroups'],
    ['a call without an answer', Object.assign(new NoAnswerError('DescribeCacheClusters', 1500, 'http://127.0.0.1:9'),
      { $operation: 'DescribeCacheClusters' }), 'DescribeCacheClusters failed: no answer from http://127.0.0.1:9 within the --timeout of 1.5s '
      + '(check --endpoint-url / AWS_ENDPOINT_URL, the network and proxy, or pass a longer --timeout)'],
    ['a connection timeout, without the SDK\'s package prefix', Object.assign(new Error('@smithy/node-http-handler - the request socket did not '
      + 'establish a connection with the server within the configured timeout of 5000 ms.'), { name: 'TimeoutError', $operation: 'DescribeEvents' }),
    'DescribeEvents failed: cannot reach the ElastiCache API (check the network, proxy, --endpoint-url and --region): the request socket did not '
      + 'establish a connection with the server within the configured timeout of 5000 ms'],
    ['a lookup that could not finish', new IncompleteLookupError("No replication group or cache cluster named 'x' in eu-west-1.", 'serverless caches',
      Object.assign(awsError('AccessDenied', 'not authorized'), { $operation: 'DescribeServerlessCaches' })),
    "No replication group or cache cluster named 'x' in eu-west-1, and the serverless caches could not be looked at: "
      + 'DescribeServerlessCaches failed: AccessDenied: not authorized'],
  ])('%s', (_label, error, line) => {
    const text = formatError(error);
    expect(text).toBe(line);
    expect(text).not.toMatch(/\n|\s{2}|\bat .*:\d+:\d+/);
  });
});
