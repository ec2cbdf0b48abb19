import { ElastiCacheServiceException, ReplicationGroupNotFoundFault, TestFailoverNotAvailableFault } from '@aws-sdk/client-elasticache';
import { formatError, OpsError } from '../../lib/ops/errors';
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
      'AWS throttled the request even after retries; try again in a moment (Rate exceeded)'],
    ['throttling (JSON code)', awsError('ThrottlingException', 'Rate exceeded'),
      'AWS throttled the request even after retries; try again in a moment (Rate exceeded)'],
    ['access denied', awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: elasticache:TestFailover'),
      'Access denied: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: elasticache:TestFailover'],
    ['access denied (JSON code)', awsError('AccessDeniedException', 'not authorized'), 'Access denied: not authorized'],
    ['expired credentials', awsError('ExpiredToken', 'The security token included in the request is expired'),
      'The AWS credentials have expired: refresh them (for SSO: aws sso login) (The security token included in the request is expired)'],
    ['unknown access key', awsError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
      'AWS does not recognise the access key: check the credentials or --profile (The security token included in the request is invalid)'],
    ['wrong secret', awsError('SignatureDoesNotMatch', 'The request signature we calculated does not match.'),
      'AWS rejected the request signature: check the secret key or --profile (The request signature we calculated does not match)'],
    ['group not found', new ReplicationGroupNotFoundFault({ message: 'ReplicationGroup my-cache not found.', $metadata: {} }),
      'Replication group not found: ReplicationGroup my-cache not found'],
    ['test failover not available', new TestFailoverNotAvailableFault({ message: 'TestFailover is not available.', $metadata: {} }),
      'ElastiCache cannot run a test failover on this group now: TestFailover is not available'],
    ['TestFailover quota', awsError('APICallRateForCustomerExceededFault', 'You exceeded the rate.'),
      'ElastiCache allows test failovers of at most 15 shards in any rolling 24 hours; try again later (You exceeded the rate)'],
    ['an answer\'s own code follows the explanation', Object.assign(awsError('APICallRateForCustomerExceededFault', 'You exceeded the rate.'),
      { Code: 'APICallRateForCustomerExceeded' }),
    'ElastiCache allows test failovers of at most 15 shards in any rolling 24 hours; try again later (You exceeded the rate) '
      + '[APICallRateForCustomerExceeded]'],
    ['invalid state', awsError('InvalidReplicationGroupStateFault', 'Replication group must be in available state.'),
      'The replication group is not in a state that allows this now: Replication group must be in available state'],
    ['snapshot name taken', awsError('SnapshotAlreadyExistsFault', 'Snapshot already exists.'),
      'A snapshot with that name already exists; pass another --name (Snapshot already exists)'],
    ['invalid parameter', awsError('InvalidParameterValueException', 'The parameter SnapshotName must begin with a letter.'),
      'Invalid value: The parameter SnapshotName must begin with a letter'],
    ['no region', new Error('Region is missing'), 'No AWS region: set AWS_REGION, give your profile a region, or pass --region'],
    ['bad region', new Error('Region not accepted: region="eu west" is not a valid hostname component.'),
      'Invalid AWS region: Region not accepted: region="eu west" is not a valid hostname component; pass a region such as --region eu-west-1'],
    ['no network', Object.assign(new Error('getaddrinfo ENOTFOUND elasticache.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      'Cannot reach the ElastiCache API (check the network, proxy and --region): getaddrinfo ENOTFOUND elasticache.eu-west-1.amazonaws.com'],
    ['request timeout', Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }),
      'Cannot reach the ElastiCache API (check the network, proxy and --region): Connection timed out after 1000 ms'],
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
      'Access denied: Unknown'],
    ['a 5xx AWS error gets its status and request id', unreadable('InternalFailure', 'An internal error occurred.', 'server',
      { httpStatusCode: 500, requestId: 'req-4' }), 'InternalFailure: An internal error occurred (HTTP 500 Internal Server Error, request id req-4)'],
  ])('%s', (_label, error, line) => {
    const text = formatError(error);
    expect(text).toBe(line);
    expect(text).not.toMatch(/\n|\s{2}|\bat .*:\d+:\d+/);
  });
});
