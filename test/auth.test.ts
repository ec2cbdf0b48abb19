import { App, Annotations as CoreAnnotations, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnUserGroup } from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AccessString, Authentication, CacheEngine, CacheEngineVersion, RedisOssVersion, ReplicationGroup, ReplicationGroupProps, User,
  UserAuthentication, UserAuthenticationType, UserGroup, ValkeyVersion,
} from '../lib';

const RG = 'AWS::ElastiCache::ReplicationGroup';

function setup(region?: string) {
  const stack = new Stack(new App(), 'Stack', region ? { env: { region, account: '123456789012' } } : undefined);
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
    privateSubnetRouteTableIds: ['rtb-1', 'rtb-2'],
  });
  return { stack, vpc };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rgProps(stack: Stack): Record<string, any> {
  const groups = Object.values(Template.fromStack(stack).findResources(RG));
  expect(groups).toHaveLength(1);
  return groups[0].Properties;
}

function warningIds(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue())
    .map(w => String(w.entry.data).match(/\[ack: ([^\]]+)\]/)?.[1] ?? String(w.entry.data));
}

describe('Authentication.generatedUserGroup (the default on Valkey and Redis OSS 6.0+)', () => {
  test('on Redis OSS 7.1: a Redis OSS group, the disabled default user without a password (no secret for it)', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, engine: RedisOssVersion.VER_7_1 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElastiCache::UserGroup', { Engine: 'redis' });
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'default', Engine: 'redis', AccessString: 'off -@all', AuthenticationMode: { Type: 'no-password-required' },
    });
    template.hasResourceProperties('AWS::ElastiCache::User', { UserName: 'app', Engine: 'redis' });
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(rgProps(stack).UserGroupIds).toEqual([{ Ref: stack.getLogicalId(cache.userGroup!.node.defaultChild as CfnUserGroup) }]);
    expect(rgProps(stack).AuthToken).toBeUndefined();
    expect(cache.applicationUser!.engine).toBe(CacheEngine.REDIS_OSS);
    expect(warningIds(stack)).toEqual([]);
  });

  test('options: user name, access string, secret name, encryption key', () => {
    const { stack, vpc } = setup();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/abc');
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc,
      authentication: Authentication.generatedUserGroup({
        userName: 'orders', accessString: AccessString.keyPrefix('orders:'), secretName: 'cache/orders', encryptionKey: key,
      }),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'orders', AccessString: AccessString.keyPrefix('orders:').value,
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'cache/orders', KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"orders"}' }),
    });
    // The disabled default user's secret gets the key too.
    expect(Object.values(template.findResources('AWS::SecretsManager::Secret'))
      .map(r => r.Properties.KmsKeyId)).toEqual(['arn:aws:kms:eu-west-1:123456789012:key/abc', 'arn:aws:kms:eu-west-1:123456789012:key/abc']);
    expect(cache.applicationUser!.userName).toBe('orders');
  });

  test('the secrets default to the cache\'s kmsKey', () => {
    const { stack, vpc } = setup();
    const key = new kms.Key(stack, 'Key');
    new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: key });
    const template = Template.fromStack(stack);
    const keyRef = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(2);
    secrets.forEach(s => expect(s.Properties.KmsKeyId).toEqual(keyRef));
    expect(rgProps(stack).KmsKeyId).toEqual(keyRef);
  });

  test('RETAIN: the group, the users and their secrets are retained with the cache; otherwise deleted', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, removalPolicy: RemovalPolicy.RETAIN });
    const template = Template.fromStack(stack);
    for (const type of ['AWS::ElastiCache::UserGroup', 'AWS::ElastiCache::User', 'AWS::SecretsManager::Secret']) {
      const resources = Object.values(template.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      resources.forEach(r => expect(r.DeletionPolicy).toBe('Retain'));
    }
  });

  test('on Redis OSS 5.0.6 (no RBAC) the default stays a generated AUTH token', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, engine: RedisOssVersion.VER_5_0_6 });
    expect(rgProps(stack).AuthToken).toBeDefined();
    expect(rgProps(stack).UserGroupIds).toBeUndefined();
    expect(cache.userGroup).toBeUndefined();
    expect(warningIds(stack)).not.toContain('cdk-elasticache:authTokenOnRbacEngine');
  });
});

describe('Authentication.userGroup', () => {
  test('renders the group id; the cache exposes the group; no user or secret is created by the cache', () => {
    const { stack, vpc } = setup();
    const app = new User(stack, 'App', { userName: 'app', accessString: AccessString.readWrite() });
    const group = new UserGroup(stack, 'Users', { users: [app] });
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, authentication: Authentication.userGroup(group) });
    expect(rgProps(stack).UserGroupIds).toEqual([{ Ref: stack.getLogicalId(group.node.defaultChild as CfnUserGroup) }]);
    expect(cache.userGroup).toBe(group);
    expect(cache.applicationUser).toBeUndefined();
    expect(cache.authSecret).toBeUndefined();
    // The app user's secret and the group's disabled default user's secret, nothing from the cache.
    Template.fromStack(stack).resourceCountIs('AWS::SecretsManager::Secret', 2);
    expect(warningIds(stack)).toEqual([]);
  });

  test('an imported group by id; a Redis OSS group on a Valkey cache', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', {
      vpc, authentication: Authentication.userGroup(UserGroup.fromUserGroupId(stack, 'Users', 'my-users')),
    });
    expect(rgProps(stack).UserGroupIds).toEqual(['my-users']);
    const redisGroup = new UserGroup(stack, 'RedisUsers', { engine: CacheEngine.REDIS_OSS });
    expect(() => new ReplicationGroup(stack, 'Other', { vpc, authentication: Authentication.userGroup(redisGroup) })).not.toThrow();
  });

  test('IAM users: a group with an IAM user on Valkey and on Redis OSS 7.0', () => {
    const { stack, vpc } = setup();
    const worker = new User(stack, 'Worker', { userId: 'worker', authentication: UserAuthentication.iam(), accessString: AccessString.readOnly() });
    const redisWorker = new User(stack, 'RedisWorker', {
      userId: 'redis-worker', engine: CacheEngine.REDIS_OSS, authentication: UserAuthentication.iam(),
    });
    new ReplicationGroup(stack, 'Valkey', { vpc, authentication: Authentication.userGroup(new UserGroup(stack, 'Users', { users: [worker] })) });
    expect(() => new ReplicationGroup(stack, 'Redis', {
      vpc, engine: RedisOssVersion.VER_7_0,
      authentication: Authentication.userGroup(new UserGroup(stack, 'RedisUsers', { engine: CacheEngine.REDIS_OSS, users: [redisWorker] })),
    })).not.toThrow();
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::User', { UserId: 'worker', UserName: 'worker', AuthenticationMode: { Type: 'iam' } });
  });

  type Case = [string, () => Partial<ReplicationGroupProps>, string];
  const engineCases: Array<[string, CacheEngineVersion, CacheEngine, string]> = [
    ['RBAC needs Valkey 7.2+ or Redis OSS 6.0+', RedisOssVersion.VER_5_0_6, CacheEngine.REDIS_OSS,
      'Invalid authentication: got a user group on Redis OSS 5.0.6. Allowed: user groups (RBAC) on Valkey 7.2+ or Redis OSS 6.0+'],
    ['a Redis OSS cache takes only Redis OSS groups', RedisOssVersion.VER_7_1, CacheEngine.VALKEY,
      'Invalid authentication: got a Valkey user group. Allowed: a Redis OSS user group on Redis OSS 7.1'],
  ];
  test.each(engineCases)('%s', (_name, engine, groupEngine, message) => {
    const { stack, vpc } = setup();
    const group = new UserGroup(stack, 'Users', { engine: groupEngine });
    expect(() => new ReplicationGroup(stack, 'Cache', { vpc, engine, authentication: Authentication.userGroup(group) })).toThrow(message);
  });

  const cases: Case[] = [
    ['a user group needs TLS', () => ({ transitEncryption: false, authentication: Authentication.generatedUserGroup() }),
      'Invalid authentication: got a user group without encryption in transit. Allowed: user groups (RBAC) only with encryption in transit'],
    ['generatedUserGroup needs RBAC', () => ({ engine: RedisOssVersion.VER_5_0_6, authentication: Authentication.generatedUserGroup() }),
      'Invalid authentication: got a user group on Redis OSS 5.0.6.'],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    const { stack, vpc } = setup();
    expect(() => new ReplicationGroup(stack, 'Cache', { vpc, ...props() })).toThrow(message);
  });

  test('IAM users need Redis OSS 7.0+, also when added to the group after the cache (checked at synthesis)', () => {
    const { stack, vpc } = setup();
    const group = new UserGroup(stack, 'Users', { engine: CacheEngine.REDIS_OSS });
    new ReplicationGroup(stack, 'Cache', { vpc, engine: RedisOssVersion.VER_6_2, authentication: Authentication.userGroup(group) });
    group.addUser(new User(stack, 'Worker', { userId: 'worker', engine: CacheEngine.REDIS_OSS, authentication: UserAuthentication.iam() }));
    expect(() => Template.fromStack(stack)).toThrow('Invalid authentication: got a user group with IAM users on Redis OSS 6.2. '
      + 'Allowed: IAM authentication on Valkey 7.2+ or Redis OSS 7.0+');
  });

  test('known IAM users are rejected at construction', () => {
    const { stack, vpc } = setup();
    const worker = new User(stack, 'Worker', { userId: 'worker', engine: CacheEngine.REDIS_OSS, authentication: UserAuthentication.iam() });
    const group = new UserGroup(stack, 'Users', { engine: CacheEngine.REDIS_OSS, users: [worker] });
    expect(() => new ReplicationGroup(stack, 'Cache', { vpc, engine: RedisOssVersion.VER_6_2, authentication: Authentication.userGroup(group) }))
      .toThrow('Invalid authentication: got a user group with IAM users on Redis OSS 6.2.');
  });
});

describe('AUTH tokens on an engine with RBAC', () => {
  test.each<[string, () => Authentication]>([
    ['generatedAuthToken()', () => Authentication.generatedAuthToken()],
    ['authToken(value)', () => Authentication.authToken(SecretValue.ssmSecure('/cache/token'))],
  ])('%s warns that moving to RBAC later replaces the group (acknowledgeable)', (_name, auth) => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, authentication: auth() });
    expect(warningIds(stack)).toEqual(['cdk-elasticache:authTokenOnRbacEngine']);
    expect(rgProps(stack).UserGroupIds).toBeUndefined();
  });

  test('the warning can be acknowledged', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, authentication: Authentication.generatedAuthToken() });
    CoreAnnotations.of(cache).acknowledgeWarning('cdk-elasticache:authTokenOnRbacEngine', 'legacy clients speak AUTH only');
    expect(warningIds(stack)).toEqual([]);
  });

  test('a generated AUTH token is encrypted with the cache\'s kmsKey', () => {
    const { stack, vpc } = setup();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/abc');
    new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: key, authentication: Authentication.generatedAuthToken() });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/abc', Description: Match.stringLikeRegexp('^AUTH token'),
    });
  });
});

describe('grantConnect (IAM authentication)', () => {
  test('elasticache:Connect on the replication group and on the user, both ARNs from formatArn', () => {
    const { stack, vpc } = setup();
    const worker = new User(stack, 'Worker', { userId: 'worker', authentication: UserAuthentication.iam(), accessString: AccessString.readOnly() });
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc, authentication: Authentication.userGroup(new UserGroup(stack, 'Users', { users: [worker] })),
    });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = cache.grantConnect(role, worker);
    expect(grant.success).toBe(true);
    const rgLogicalId = stack.getLogicalId(cache.node.defaultChild as never);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{
        Effect: 'Allow',
        Action: 'elasticache:Connect',
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
            ':replicationgroup:', { Ref: rgLogicalId }]] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
            ':user:worker']] },
        ],
      }] },
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as never) }],
    });
  });

  test('an imported group and an imported user: ARNs with the stack partition, never a literal aws', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'cn-north-1', account: '123456789012' } });
    const cache = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Cache', { replicationGroupId: 'my-cache' });
    const user = User.fromUserAttributes(stack, 'User', { userId: 'worker', authenticationType: UserAuthenticationType.IAM });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    cache.grantConnect(role, user);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({
        Action: 'elasticache:Connect',
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:cn-north-1:123456789012:replicationgroup:my-cache']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:cn-north-1:123456789012:user:worker']] },
        ],
      })] },
    });
  });

  test('a user whose authentication is unknown is accepted', () => {
    const { stack } = setup();
    const cache = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Cache', { replicationGroupId: 'my-cache' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => cache.grantConnect(role, User.fromUserId(stack, 'User', 'someone'))).not.toThrow();
  });

  test.each<[string, UserAuthentication]>([
    ['password', UserAuthentication.generatedPassword()],
    ['no-password-required', UserAuthentication.noPassword()],
  ])('a %s user is rejected', (type, authentication) => {
    const { stack } = setup();
    const cache = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Cache', { replicationGroupId: 'my-cache' });
    const user = new User(stack, 'User', { userId: 'app', engine: CacheEngine.REDIS_OSS, authentication });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => cache.grantConnect(role, user)).toThrow(`Invalid grantConnect user: got the ${type} user 'app'. `
      + 'Allowed: a user with IAM authentication (UserAuthentication.iam())');
  });
});

describe('customer managed KMS key', () => {
  test('kmsKey warns that it is create-only (acknowledgeable); nothing is added to the key policy', () => {
    const { stack, vpc } = setup();
    const key = new kms.Key(stack, 'Key');
    const before = JSON.stringify(stack.resolve((key.node.defaultChild as kms.CfnKey).keyPolicy));
    new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: key });
    expect(warningIds(stack)).toEqual(['cdk-elasticache:kmsKeyCreateOnly']);
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy;
    // Only what Secrets Manager adds for the secrets encrypted with the key; no ElastiCache statement.
    expect(JSON.stringify(policy)).not.toContain('elasticache');
    expect(before).not.toContain('elasticache');
  });

  test('a key deleted with the stack while a final snapshot is kept warns', () => {
    const { stack, vpc } = setup();
    const key = new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY });
    new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: key });
    expect(warningIds(stack)).toEqual(['cdk-elasticache:kmsKeyCreateOnly', 'cdk-elasticache:kmsKeyOutlivedBySnapshot']);
  });

  test.each<[string, () => { key: (s: Stack) => kms.IKey; region?: string }, string]>([
    ['an asymmetric key', () => ({ key: s => new kms.Key(s, 'Key', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY }) }),
      'Invalid kmsKey: got a key of spec RSA_2048. Allowed: a symmetric encryption key'],
    ['an HMAC key', () => ({ key: s => new kms.Key(s, 'Key', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC }) }),
      'Invalid kmsKey: got a key of spec HMAC_256.'],
    ['a key in GovCloud', () => ({ key: s => kms.Key.fromKeyArn(s, 'Key', 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/abc'),
      region: 'us-gov-west-1' }),
    'Invalid kmsKey: got a customer managed key in us-gov-west-1. Allowed: no kmsKey in the AWS GovCloud (US) Regions'],
  ])('rejects %s', (_name, make, message) => {
    const { key, region } = make();
    const { stack, vpc } = setup(region);
    expect(() => new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: key(stack) })).toThrow(message);
  });

  test('a secret encryption key of its own wins over the cache key', () => {
    const { stack, vpc } = setup();
    const cacheKey = kms.Key.fromKeyArn(stack, 'CacheKey', 'arn:aws:kms:eu-west-1:123456789012:key/cache');
    const secretKey = kms.Key.fromKeyArn(stack, 'SecretKey', 'arn:aws:kms:eu-west-1:123456789012:key/secret');
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc, kmsKey: cacheKey, authentication: Authentication.generatedUserGroup({ encryptionKey: secretKey }),
    });
    expect((cache.authSecret as secretsmanager.Secret).encryptionKey).toBe(secretKey);
    expect(rgProps(stack).KmsKeyId).toBe('arn:aws:kms:eu-west-1:123456789012:key/cache');
  });
});

describe('ReplicationGroup defaults for other engines', () => {
  test.each<[string, CacheEngineVersion]>([
    ['Valkey 7.2', ValkeyVersion.VER_7_2],
    ['Redis OSS 6.0', RedisOssVersion.VER_6_0],
  ])('%s: RBAC by default, no warning', (_name, engine) => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, engine });
    expect(rgProps(stack).UserGroupIds).toHaveLength(1);
    expect(warningIds(stack)).toEqual([]);
  });
});

describe('the default authentication follows the engine', () => {
  test('Redis OSS before 6.0 with the default warns that an upgrade would flip it; pinning the token or RBAC engines do not', () => {
    const stack = new Stack(new App(), 'Flip');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new ReplicationGroup(stack, 'Default', { vpc, engine: RedisOssVersion.VER_5_0_6 });
    new ReplicationGroup(stack, 'Pinned', { vpc, engine: RedisOssVersion.VER_5_0_6, authentication: Authentication.generatedAuthToken() });
    new ReplicationGroup(stack, 'Rbac', { vpc, engine: RedisOssVersion.VER_7_1 });
    const warned = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('defaultAuthenticationFollowsEngine'))
      .map(w => w.id);
    expect(warned).toEqual(['/Flip/Default']);
    expect(Annotations.fromStack(stack).findWarning('/Flip/Default', Match.stringLikeRegexp('Authentication.generatedAuthToken\\(\\) to keep the token')))
      .toHaveLength(1);
  });
});
