import {
  DescribeReplicationGroupsCommand,
  DescribeUserGroupsCommand,
  ElastiCacheClient,
  ModifyReplicationGroupCommand,
  ReplicationGroupNotFoundFault,
  DescribeCacheClustersCommand,
  CacheClusterNotFoundFault,
} from '@aws-sdk/client-elasticache';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Clock } from '../../lib/ops/clock';
import { OpsError } from '../../lib/ops/errors';
import { generateAuthToken, ROTATION_TAGS, rotateAuthToken, rotateNow } from '../../lib/ops/rotate';
import { ROTATION_TAGS as CONSTRUCT_TAGS } from '../../lib/private/rotation-function';
import { TAGS as HANDLER_TAGS } from '../../lib/rotation/index.js';
import { REGION, replicationGroup, testClient } from './fixtures';

const ec = mockClient(ElastiCacheClient);
const sm = mockClient(SecretsManagerClient);
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const clients = { elastiCache: testClient(), secretsManager: new SecretsManagerClient({ region: REGION, credentials }) };
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf';
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:Stack-CdkElastiCacheRotationFunction-abc';

let now: number;
const clock: Clock = { now: () => now, sleep: async ms => { now += ms; } };
let progress: string[];
const onProgress = (line: string) => progress.push(line);

function secret(overrides: Record<string, unknown> = {}) {
  return {
    ARN, Name: 'app', RotationEnabled: true, RotationLambdaARN: FN,
    Tags: [{ Key: ROTATION_TAGS.kind, Value: 'user' }, { Key: ROTATION_TAGS.userId, Value: 'app-user' }],
    VersionIdsToStages: { v0: ['AWSCURRENT'] },
    ...overrides,
  };
}

beforeEach(() => {
  ec.reset();
  sm.reset();
  now = 1_000_000;
  progress = [];
});

test('the tag names agree: constructs, rotation function, ops', () => {
  expect(ROTATION_TAGS).toEqual(CONSTRUCT_TAGS);
  expect(ROTATION_TAGS).toEqual(HANDLER_TAGS);
});

describe('rotateNow', () => {
  test('a secret by name: RotateSecret, then polls until the new version is AWSCURRENT', async () => {
    sm.on(DescribeSecretCommand)
      .resolvesOnce(secret())
      .resolvesOnce(secret())
      .resolvesOnce(secret({ VersionIdsToStages: { v0: ['AWSCURRENT'], v1: ['AWSPENDING'] } }))
      .resolves(secret({ VersionIdsToStages: { v0: ['AWSPREVIOUS'], v1: ['AWSCURRENT'] } }));
    sm.on(RotateSecretCommand).resolves({ ARN, VersionId: 'v1' });
    const results = await rotateNow(clients, 'app', { clock, onProgress });
    expect(sm.commandCalls(RotateSecretCommand)[0].args[0].input).toEqual({ SecretId: ARN, RotateImmediately: true });
    expect(results).toEqual([{ secretArn: ARN, name: 'app', target: 'user app-user', versionId: 'v1', durationMs: 5_000 }]);
    expect(progress).toEqual([
      'app (user app-user): rotation started, version v1',
      'app: version v1 AWSPENDING [0s]',
      'app: version v1 AWSCURRENT [5s]',
    ]);
    expect(ec.calls()).toHaveLength(0);
  });

  test('a replication group id: the secrets of its user group\'s users that cdk-elasticache rotates', async () => {
    sm.on(DescribeSecretCommand, { SecretId: 'my-cache' }).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ UserGroupIds: ['my-users'] })] });
    ec.on(DescribeUserGroupsCommand).resolves({ UserGroups: [{ UserGroupId: 'my-users', UserIds: ['default-user', 'app-user'] }] });
    sm.on(ListSecretsCommand).resolves({ SecretList: [
      { ARN, Name: 'app', Tags: [{ Key: ROTATION_TAGS.userId, Value: 'app-user' }] },
      // a tag-value filter matches any tag: this one is a different key
      { ARN: 'arn:other', Name: 'other', Tags: [{ Key: 'owner', Value: 'app-user' }] },
    ] });
    sm.on(DescribeSecretCommand, { SecretId: ARN }).resolves(secret({ VersionIdsToStages: { v0: ['AWSPREVIOUS'], v1: ['AWSCURRENT'] } }));
    sm.on(RotateSecretCommand).resolves({ ARN, VersionId: 'v1' });
    const results = await rotateNow(clients, 'my-cache', { clock, onProgress });
    expect(results.map(r => r.name)).toEqual(['app']);
    expect(sm.commandCalls(ListSecretsCommand)[0].args[0].input.Filters).toEqual([
      { Key: 'tag-key', Values: [ROTATION_TAGS.userId] }, { Key: 'tag-value', Values: ['default-user', 'app-user'] },
    ]);
  });

  test('a replication group with an AUTH token: the secret tagged with the group', async () => {
    sm.on(DescribeSecretCommand, { SecretId: 'my-cache' }).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ AuthTokenEnabled: true, UserGroupIds: [] })] });
    sm.on(ListSecretsCommand).resolves({ SecretList: [{ ARN, Name: 'token', Tags: [{ Key: ROTATION_TAGS.replicationGroupId, Value: 'my-cache' }] }] });
    sm.on(DescribeSecretCommand, { SecretId: ARN }).resolves(secret({
      Name: 'token', Tags: [{ Key: ROTATION_TAGS.kind, Value: 'auth-token' }, { Key: ROTATION_TAGS.replicationGroupId, Value: 'my-cache' }],
      VersionIdsToStages: { v1: ['AWSCURRENT'] },
    }));
    sm.on(RotateSecretCommand).resolves({ ARN, VersionId: 'v1' });
    const [result] = await rotateNow(clients, 'my-cache', { clock, onProgress });
    expect(result.target).toBe('replication group my-cache');
  });

  test('a group without a rotated secret says what to do', async () => {
    sm.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ UserGroupIds: ['g'] })] });
    ec.on(DescribeUserGroupsCommand).resolves({ UserGroups: [{ UserIds: ['u'] }] });
    sm.on(ListSecretsCommand).resolves({ SecretList: [] });
    await expect(rotateNow(clients, 'my-cache', { clock })).rejects.toThrow(new OpsError('No secret of replication group \'my-cache\' '
      + 'is rotated by cdk-elasticache (no secret tagged cdk-elasticache:rotation for its users): add cache.addRotation() to the app '
      + 'and deploy, pass the secret\'s name or ARN, or rotate an AUTH token by hand with \'rotate-auth-token\'.'));
  });

  test('a group without credentials', async () => {
    sm.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ AuthTokenEnabled: false, UserGroupIds: [] })] });
    await expect(rotateNow(clients, 'my-cache', { clock })).rejects.toThrow(new OpsError('Replication group \'my-cache\' has no AUTH '
      + 'token and no user group: it has no credentials to rotate.'));
    expect(sm.commandCalls(ListSecretsCommand)).toHaveLength(0);
  });

  test('neither a secret nor a cache', async () => {
    sm.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    ec.on(DescribeReplicationGroupsCommand).rejects(new ReplicationGroupNotFoundFault({ message: 'nf', $metadata: {} }));
    ec.on(DescribeCacheClustersCommand).rejects(new CacheClusterNotFoundFault({ message: 'nf', $metadata: {} }));
    await expect(rotateNow(clients, 'nope', { clock })).rejects.toThrow(
      'No secret and no replication group or cache cluster named \'nope\' in eu-west-1.');
  });

  test('a secret without rotation', async () => {
    sm.on(DescribeSecretCommand).resolves(secret({ RotationEnabled: false, RotationLambdaARN: undefined }));
    await expect(rotateNow(clients, 'app', { clock })).rejects.toThrow('Secret app has no rotation: add user.addRotation() / '
      + 'cache.addRotation() to the app and deploy');
    expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(0);
  });

  test('a rotation already in progress', async () => {
    sm.on(DescribeSecretCommand).resolves(secret());
    sm.on(RotateSecretCommand).rejects(new InvalidRequestException({ message: 'A previous rotation isn\'t complete.', $metadata: {} }));
    await expect(rotateNow(clients, 'app', { clock })).rejects.toThrow('Secrets Manager refused to rotate app: A previous rotation '
      + 'isn\'t complete. (a rotation still in progress');
  });

  test('a rotation that does not finish: the timeout names the function', async () => {
    sm.on(DescribeSecretCommand).resolves(secret({ VersionIdsToStages: { v0: ['AWSCURRENT'], v1: ['AWSPENDING'] } }));
    sm.on(RotateSecretCommand).resolves({ ARN, VersionId: 'v1' });
    await expect(rotateNow(clients, 'app', { clock, timeoutMs: 60_000 })).rejects.toThrow('Timed out after 1m0s: version v1 of app is '
      + 'still AWSPENDING. The rotation function Stack-CdkElastiCacheRotationFunction-abc failed or is still waiting for user app-user');
    expect(sm.commandCalls(DescribeSecretCommand)).toHaveLength(2 + 13);
  });

  test('a version that disappears: the rotation failed', async () => {
    sm.on(DescribeSecretCommand).resolvesOnce(secret()).resolves(secret({ VersionIdsToStages: { v0: ['AWSCURRENT'] } }));
    sm.on(RotateSecretCommand).resolves({ ARN, VersionId: 'v1' });
    await expect(rotateNow(clients, 'app', { clock })).rejects.toThrow('The rotation of app failed: version v1 is gone.');
  });
});

describe('rotateAuthToken', () => {
  const tokenSecret = { ARN, Name: 'token', RotationEnabled: false };

  beforeEach(() => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ AuthTokenEnabled: true, UserGroupIds: [] })] });
    ec.on(ModifyReplicationGroupCommand).resolves({});
    sm.on(DescribeSecretCommand).resolves(tokenSecret);
    sm.on(PutSecretValueCommand).resolves({});
  });

  test('ROTATE, the new token into the secret, SET; each after the group is available', async () => {
    const order: string[] = [];
    ec.on(ModifyReplicationGroupCommand).callsFake(i => { order.push(i.AuthTokenUpdateStrategy); return {}; });
    sm.on(PutSecretValueCommand).callsFake(() => { order.push('put'); return {}; });
    const result = await rotateAuthToken(clients, 'my-cache', { secretId: 'token', clock, onProgress });
    expect(order).toEqual(['ROTATE', 'put', 'SET']);
    const [rotate, set] = ec.commandCalls(ModifyReplicationGroupCommand).map(c => c.args[0].input);
    expect(rotate).toEqual({ ReplicationGroupId: 'my-cache', AuthToken: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
      AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true });
    expect(set).toEqual({ ...rotate, AuthTokenUpdateStrategy: 'SET' });
    expect(sm.commandCalls(PutSecretValueCommand)[0].args[0].input).toEqual({ SecretId: ARN, SecretString: rotate.AuthToken });
    expect(result.steps).toEqual(['ROTATE', 'secret updated', 'SET']);
    // findCache, then a wait before and after each of the two modifications
    expect(ec.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(5);
    expect(progress).toContain('my-cache: available [0s] (before ROTATE)');
    expect(progress).toContain('my-cache: SET sent: only the new token works once the group is available');
  });

  test('--step rotate stops with both tokens valid; --step set reads the token from the secret', async () => {
    await rotateAuthToken(clients, 'my-cache', { secretId: 'token', step: 'rotate', clock });
    const token = ec.commandCalls(ModifyReplicationGroupCommand)[0].args[0].input.AuthToken;
    expect(ec.commandCalls(ModifyReplicationGroupCommand).map(c => c.args[0].input.AuthTokenUpdateStrategy)).toEqual(['ROTATE']);
    ec.resetHistory();
    sm.on(GetSecretValueCommand).resolves({ SecretString: token });
    const result = await rotateAuthToken(clients, 'my-cache', { secretId: 'token', step: 'set', clock });
    expect(ec.commandCalls(ModifyReplicationGroupCommand).map(c => c.args[0].input)).toEqual([
      { ReplicationGroupId: 'my-cache', AuthToken: token, AuthTokenUpdateStrategy: 'SET', ApplyImmediately: true }]);
    expect(result.steps).toEqual(['SET']);
  });

  test('waits while the group is modifying', async () => {
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [replicationGroup({ AuthTokenEnabled: true })] })
      .resolvesOnce({ ReplicationGroups: [replicationGroup({ AuthTokenEnabled: true, Status: 'modifying' })] })
      .resolves({ ReplicationGroups: [replicationGroup({ AuthTokenEnabled: true })] });
    await rotateAuthToken(clients, 'my-cache', { secretId: 'token', clock, onProgress, intervalMs: 15_000 });
    expect(progress[0]).toBe('my-cache: modifying [0s] (before ROTATE)');
    expect(progress[1]).toBe('my-cache: available [15s] (before ROTATE)');
  });

  test.each([
    ['a group with RBAC', { AuthTokenEnabled: false, UserGroupIds: ['g'] }, 'Replication group \'my-cache\' has no AUTH token (it uses RBAC '
      + 'user groups: rotate its users\' passwords with \'rotate\').'],
    ['a group without authentication', { AuthTokenEnabled: false, UserGroupIds: [] }, 'Replication group \'my-cache\' has no AUTH token.'],
  ])('%s', async (_name, group, message) => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup(group)] });
    await expect(rotateAuthToken(clients, 'my-cache', { secretId: 'token', clock })).rejects.toThrow(new OpsError(message));
    expect(ec.commandCalls(ModifyReplicationGroupCommand)).toHaveLength(0);
  });

  test('a secret the rotation function rotates: use rotate', async () => {
    sm.on(DescribeSecretCommand).resolves({ ...tokenSecret, RotationEnabled: true, RotationLambdaARN: FN });
    await expect(rotateAuthToken(clients, 'my-cache', { secretId: 'token', clock })).rejects.toThrow('Secret token is rotated by '
      + 'Stack-CdkElastiCacheRotationFunction-abc: use \'rotate token\'');
  });

  test('a secret that does not exist', async () => {
    sm.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'nf', $metadata: {} }));
    await expect(rotateAuthToken(clients, 'my-cache', { secretId: 'nope', clock })).rejects.toThrow('No secret named \'nope\' in eu-west-1');
  });

  test('a token ElastiCache refuses, before any call that changes something', async () => {
    await expect(rotateAuthToken(clients, 'my-cache', { secretId: 'token', token: 'short', clock })).rejects.toThrow(
      'Invalid token: 5 characters. Allowed: 16 to 128 characters');
    await expect(rotateAuthToken(clients, 'my-cache', { secretId: 'token', token: 'has space and @ 0123456789', clock })).rejects.toThrow(
      'Invalid token: 26 characters with characters ElastiCache refuses.');
    expect(ec.commandCalls(ModifyReplicationGroupCommand)).toHaveLength(0);
  });

  test('--step set with a secret that holds no token', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"username":"app","password":"x"}' });
    await expect(rotateAuthToken(clients, 'my-cache', { secretId: 'token', step: 'set', clock })).rejects.toThrow(
      'Secret token does not hold an AUTH token');
  });

  test('generateAuthToken', () => {
    expect(generateAuthToken()).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(generateAuthToken(16)).toHaveLength(16);
    expect(generateAuthToken()).not.toEqual(generateAuthToken());
  });
});
