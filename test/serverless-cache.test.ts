import { App, CfnParameter, Duration, RemovalPolicy, SecretValue, Size, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AccessString, Authentication, CacheEngine, DailySnapshotTime, NetworkType, ServerlessCache, ServerlessCacheProps,
  ServerlessEngine, User, UserAuthentication, UserGroup,
} from '../lib';

const SERVERLESS = 'AWS::ElastiCache::ServerlessCache';

function setup(ipProtocol?: ec2.IpProtocol) {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipProtocol,
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return { stack, vpc };
}

function cfnOf(cache: ServerlessCache): CfnServerlessCache {
  return cache.node.defaultChild as CfnServerlessCache;
}

/** The default Valkey cache and the Memcached variant, synthesized once for the assertions that only read them. */
const shared = (() => {
  const { stack, vpc } = setup();
  const valkey = new ServerlessCache(stack, 'Cache', { vpc });
  const memcached = new ServerlessCache(stack, 'Memcached', { vpc, engine: ServerlessEngine.MEMCACHED_1_6 });
  const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
  valkey.connections.allowDefaultPortFrom(client);
  memcached.connections.allowDefaultPortFrom(client);
  return { stack, vpc, valkey, memcached, template: Template.fromStack(stack) };
})();

describe('ServerlessCache defaults', () => {
  const { stack, valkey, memcached, template } = shared;

  test('Valkey 8, generated lowercase name, private subnets, RBAC, 15 days of snapshots, final snapshot on delete', () => {
    const logicalId = stack.getLogicalId(cfnOf(valkey));
    expect(logicalId).toMatch(/^Cache[0-9A-F]{8}$/);
    template.hasResource(SERVERLESS, {
      Properties: {
        Engine: 'valkey',
        MajorEngineVersion: '8',
        ServerlessCacheName: Match.stringLikeRegexp('^stack-cache-[a-z0-9]{8}$'),
        Description: 'Serverless cache Stack/Cache',
        SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcIsolatedSubnet1') }, { Ref: Match.stringLikeRegexp('VpcIsolatedSubnet2') }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] }],
        UserGroupId: { Ref: Match.stringLikeRegexp('^CacheUserGroup') },
        SnapshotRetentionLimit: 15,
        FinalSnapshotName: Match.stringLikeRegexp('^stack-cache-[a-z0-9]{8}-final$'),
        CacheUsageLimits: Match.absent(),
        KmsKeyId: Match.absent(),
        NetworkType: Match.absent(),
        DailySnapshotTime: Match.absent(),
        SnapshotArnsToRestore: Match.absent(),
      },
      // CloudFormation has no DeletionPolicy Snapshot for serverless caches: FinalSnapshotName takes the snapshot.
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    expect(valkey.engine).toBe(ServerlessEngine.VALKEY_8);
    expect(valkey.userGroup).toBeInstanceOf(UserGroup);
    expect(valkey.applicationUser).toBeInstanceOf(User);
    expect(valkey.authSecret).toBe(valkey.applicationUser!.secret);
    // A new security group, closed both ways until connections.allow*.
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'ElastiCache serverless cache Stack/Cache',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('the default user group comes from Authentication.generatedUserGroup(), as the replication group\'s', () => {
    const { stack: other, vpc } = setup();
    const generated = new ServerlessCache(other, 'Cache', { vpc, authentication: Authentication.generatedUserGroup() });
    const resources = (s: Stack, prefix: string) => Object.entries(Template.fromStack(s).toJSON().Resources as Record<string, { Type: string }>)
      .filter(([id, r]) => id.startsWith(prefix) && /ElastiCache::User|SecretsManager/.test(r.Type));
    expect(resources(stack, 'Cache')).toEqual(resources(other, 'Cache'));
    expect(resources(stack, 'Cache').length).toBe(5);
    expect(generated.applicationUser).toBeDefined();
  });

  test('no warning on the defaults', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('attributes: name, ARN, reference, endpoint and reader endpoint', () => {
    const logicalId = stack.getLogicalId(cfnOf(valkey));
    expect(stack.resolve(valkey.serverlessCacheName)).toEqual({ Ref: logicalId });
    expect(stack.resolve(valkey.serverlessCacheArn)).toEqual({ 'Fn::Join': ['', [
      'arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
      ':serverlesscache:', { Ref: logicalId }]] });
    expect(stack.resolve(valkey.serverlessCacheRef)).toEqual({
      serverlessCacheName: { Ref: logicalId }, serverlessCacheArn: stack.resolve(valkey.serverlessCacheArn),
    });
    expect(stack.resolve(valkey.endpoint.hostname)).toEqual({ 'Fn::GetAtt': [logicalId, 'Endpoint.Address'] });
    expect(stack.resolve(valkey.endpoint.portAsString)).toEqual({ 'Fn::GetAtt': [logicalId, 'Endpoint.Port'] });
    expect(stack.resolve(valkey.readerEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [logicalId, 'ReaderEndpoint.Address'] });
    expect(stack.resolve(valkey.readerEndpoint.portAsString)).toEqual({ 'Fn::GetAtt': [logicalId, 'ReaderEndpoint.Port'] });
    expect(stack.resolve(valkey.fullEngineVersion)).toEqual({ 'Fn::GetAtt': [logicalId, 'FullEngineVersion'] });
  });

  test('connections open 6379 and 6380 (endpoint and reader endpoint) for Valkey, 11211 for Memcached, as literals', () => {
    expect(valkey.connections.defaultPort?.toString()).toBe('6379-6380');
    expect(memcached.connections.defaultPort?.toString()).toBe('11211');
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 6379, ToPort: 6380,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Client'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 11211, ToPort: 11211,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MemcachedSecurityGroup'), 'GroupId'] },
    });
  });

  test('Memcached: version 1.6, no user group, no snapshots, DESTROY, no reader endpoint', () => {
    template.hasResource(SERVERLESS, {
      Properties: {
        Engine: 'memcached',
        MajorEngineVersion: '1.6',
        UserGroupId: Match.absent(),
        SnapshotRetentionLimit: 0,
        FinalSnapshotName: Match.absent(),
      },
      DeletionPolicy: 'Delete',
    });
    expect(memcached.authSecret).toBeUndefined();
    expect(memcached.userGroup).toBeUndefined();
    expect(stack.resolve(memcached.endpoint.hostname)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(cfnOf(memcached)), 'Endpoint.Address'] });
    expect(() => memcached.readerEndpoint).toThrow(/Memcached has no reader endpoint/);
  });

  test('whole templates: the default Valkey cache and the Memcached variant', () => {
    const resources = template.toJSON().Resources as Record<string, { Type: string }>;
    const of = (prefix: string) => Object.fromEntries(Object.entries(resources).filter(([id]) => id.startsWith(prefix)));
    expect(of('Cache')).toMatchSnapshot();
    expect(of('Memcached')).toMatchSnapshot();
  });
});

describe('ServerlessCache props', () => {
  test('IPv6 on dual-stack subnets is refused at synthesis: a serverless cache takes IPv6 on IPv6-only subnets', () => {
    const { stack, vpc } = setup(ec2.IpProtocol.DUAL_STACK);
    new ServerlessCache(stack, 'Cache', { vpc, networkType: NetworkType.IPV6 });
    expect(() => Template.fromStack(stack)).toThrow("Stack/Cache: Invalid networkType: got 'ipv6'. Allowed: IPv6-only subnets "
      + '(ipv6Native) for NetworkType.IPV6; Stack/Vpc/IsolatedSubnet1 is a dual-stack subnet.');
  });

  test('every prop reaches the template', () => {
    const { stack, vpc } = setup(ec2.IpProtocol.DUAL_STACK);
    const key = new kms.Key(stack, 'Key');
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const cache = new ServerlessCache(stack, 'Cache', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true },
      securityGroups: [sg],
      serverlessCacheName: 'Orders-Cache',
      description: 'Orders',
      engine: ServerlessEngine.REDIS_OSS_7,
      networkType: NetworkType.DUAL_STACK,
      dataStorageMinimum: Size.gibibytes(2),
      dataStorageMaximum: Size.gibibytes(10),
      ecpuPerSecondMinimum: 1000,
      ecpuPerSecondMaximum: 100_000,
      kmsKey: key,
      backupRetention: Duration.days(7),
      dailySnapshotTime: DailySnapshotTime.of({ hour: 4, minute: 30 }),
      restoreFromSnapshots: ['arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:orders-1'],
      finalSnapshotName: 'Orders-Last',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(SERVERLESS, {
      ServerlessCacheName: 'orders-cache',
      Description: 'Orders',
      Engine: 'redis',
      MajorEngineVersion: '7',
      NetworkType: 'dual_stack',
      CacheUsageLimits: { DataStorage: { Minimum: 2, Maximum: 10, Unit: 'GB' }, ECPUPerSecond: { Minimum: 1000, Maximum: 100000 } },
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Sg'), 'GroupId'] }],
      SnapshotRetentionLimit: 7,
      DailySnapshotTime: '04:30',
      SnapshotArnsToRestore: ['arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:orders-1'],
      FinalSnapshotName: 'orders-last',
      UserGroupId: { Ref: Match.stringLikeRegexp('^CacheUserGroup') },
    });
    // The given security group is used: none created. The users are Redis OSS ones on Redis OSS.
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.allResourcesProperties('AWS::ElastiCache::User', { Engine: 'redis' });
    // The generated password is encrypted with the cache's key.
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    expect(cache.engine).toBe(ServerlessEngine.REDIS_OSS_7);
    expect(cache.subnets).toHaveLength(2);
  });

  test.each([
    ['only a maximum', { dataStorageMaximum: Size.gibibytes(100) }, { DataStorage: { Maximum: 100, Unit: 'GB' } }],
    ['only an ECPU minimum', { ecpuPerSecondMinimum: 5000 }, { ECPUPerSecond: { Minimum: 5000 } }],
    ['the extremes', { dataStorageMinimum: Size.gibibytes(1), dataStorageMaximum: Size.tebibytes(1), ecpuPerSecondMaximum: 15_000_000 },
      { DataStorage: { Minimum: 1, Maximum: 1024, Unit: 'GB' }, ECPUPerSecond: { Maximum: 15000000 } }],
  ])('usage limits: %s', (_, props, expected) => {
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'Cache', { vpc, ...props });
    Template.fromStack(stack).hasResourceProperties(SERVERLESS, { CacheUsageLimits: Match.exact(expected) });
  });

  test('an env-bound stack synthesizes on its first pass, with placeholder Availability Zones', () => {
    const stack = new Stack(new App(), 'Env', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(vpc.availabilityZones[0]).toMatch(/^dummy/);
    new ServerlessCache(stack, 'Cache', { vpc });
    Template.fromStack(stack).resourceCountIs(SERVERLESS, 1);
  });

  test('DailySnapshotTime from a string', () => {
    expect(DailySnapshotTime.fromString('23:59').value).toBe('23:59');
    expect(DailySnapshotTime.of({ hour: 0 }).toString()).toBe('00:00');
  });

  test.each([
    ['RETAIN', RemovalPolicy.RETAIN, 'Retain', undefined],
    ['DESTROY', RemovalPolicy.DESTROY, 'Delete', undefined],
    ['SNAPSHOT', RemovalPolicy.SNAPSHOT, 'Delete', 'final'],
  ])('removal policy %s', (_, removalPolicy, deletionPolicy, finalSnapshot) => {
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'Cache', { vpc, removalPolicy });
    const template = Template.fromStack(stack);
    template.hasResource(SERVERLESS, {
      DeletionPolicy: deletionPolicy,
      Properties: { FinalSnapshotName: finalSnapshot ? Match.stringLikeRegexp('-final$') : Match.absent() },
    });
    // The helpers follow: kept with RETAIN (the retained cache still uses them), deleted otherwise.
    const helper = removalPolicy === RemovalPolicy.RETAIN ? 'Retain' : 'Delete';
    for (const type of ['AWS::EC2::SecurityGroup', 'AWS::ElastiCache::UserGroup', 'AWS::ElastiCache::User', 'AWS::SecretsManager::Secret']) {
      expect(Object.values(template.findResources(type)).map(r => r.DeletionPolicy)).toEqual(expect.arrayContaining([helper]));
      expect(new Set(Object.values(template.findResources(type)).map(r => r.DeletionPolicy))).toEqual(new Set([helper]));
    }
  });

  test('Memcached takes snapshots when asked: retention, time, SNAPSHOT', () => {
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'Cache', {
      vpc, engine: ServerlessEngine.MEMCACHED_1_6, backupRetention: Duration.days(3),
      dailySnapshotTime: DailySnapshotTime.fromString('02:00'), removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    Template.fromStack(stack).hasResourceProperties(SERVERLESS, {
      SnapshotRetentionLimit: 3, DailySnapshotTime: '02:00', FinalSnapshotName: Match.stringLikeRegexp('-final$'),
    });
  });

  test('generated names are lowercase, start with a letter and stay within 40 characters', () => {
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'A'.repeat(80), { vpc });
    new ServerlessCache(stack, '9Lives', { vpc, engine: ServerlessEngine.MEMCACHED_1_6 });
    const names = Object.values(Template.fromStack(stack).findResources(SERVERLESS)).map(r => r.Properties.ServerlessCacheName as string);
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(40);
      expect(name).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
    }
  });

  test('engines: explicit major versions, escape hatches', () => {
    expect([ServerlessEngine.VALKEY_7, ServerlessEngine.VALKEY_8, ServerlessEngine.REDIS_OSS_7, ServerlessEngine.MEMCACHED_1_6]
      .map(e => `${e.engine.name} ${e.majorVersion} ${e.port} ${e.readerPort}`))
      .toEqual(['valkey 7 6379 6380', 'valkey 8 6379 6380', 'redis 7 6379 6380', 'memcached 1.6 11211 undefined']);
    expect(ServerlessEngine.valkey('9').majorVersion).toBe('9');
    expect(ServerlessEngine.VALKEY_8.toString()).toBe('Valkey 8 (serverless)');
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'Cache', { vpc, engine: ServerlessEngine.valkey('9') });
    Template.fromStack(stack).hasResourceProperties(SERVERLESS, { Engine: 'valkey', MajorEngineVersion: '9' });
  });

  test('tokens pass validation', () => {
    const { stack, vpc } = setup();
    const n = (name: string) => new CfnParameter(stack, name, { type: 'Number' }).valueAsNumber;
    const s = (name: string) => new CfnParameter(stack, name).valueAsString;
    new ServerlessCache(stack, 'Cache', {
      vpc,
      serverlessCacheName: s('Name'),
      description: s('Description'),
      dataStorageMaximum: Size.gibibytes(n('Storage')),
      ecpuPerSecondMinimum: n('EcpuMin'),
      ecpuPerSecondMaximum: n('EcpuMax'),
      backupRetention: Duration.days(n('Retention')),
      dailySnapshotTime: DailySnapshotTime.fromString(s('Time')),
      restoreFromSnapshots: [s('Snapshot')],
    });
    Template.fromStack(stack).hasResourceProperties(SERVERLESS, {
      ServerlessCacheName: { Ref: 'Name' },
      CacheUsageLimits: { DataStorage: { Maximum: { Ref: 'Storage' } }, ECPUPerSecond: { Minimum: { Ref: 'EcpuMin' }, Maximum: { Ref: 'EcpuMax' } } },
      FinalSnapshotName: { 'Fn::Join': ['', [{ Ref: 'Name' }, '-final']] },
    });
  });
});

describe('ServerlessCache validation', () => {
  const otherVpcSubnet = (stack: Stack) => new ec2.Vpc(stack, 'Other', {
    maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'I', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  }).isolatedSubnets[0];
  const cases: Array<[string, (stack: Stack, vpc: ec2.IVpc) => Partial<ServerlessCacheProps>, RegExp]> = [
    ['a name with an underscore', () => ({ serverlessCacheName: 'my_cache' }), /Invalid serverlessCacheName: got 'my_cache'/],
    ['a name over 40 characters', () => ({ serverlessCacheName: 'a'.repeat(41) }), /Invalid serverlessCacheName: .*1 to 40 characters/],
    ['a name ending in a hyphen', () => ({ serverlessCacheName: 'cache-' }), /Invalid serverlessCacheName: got 'cache-'/],
    ['a long description', () => ({ description: 'd'.repeat(256) }), /Invalid description: .*at most 255 characters \(got 256\)/],
    ['a description with <', () => ({ description: 'a <b>' }), /Invalid description: got 'a <b>'.*without < and >/],
    ['storage of half a GB', () => ({ dataStorageMaximum: Size.mebibytes(512) }), /Invalid dataStorageMaximum: got 0.5 GB. Allowed: whole GB from 1 to 5000/],
    ['storage of 1.5 GB', () => ({ dataStorageMinimum: Size.mebibytes(1536) }), /Invalid dataStorageMinimum: got 1.5 GB/],
    ['storage above 5,000 GB', () => ({ dataStorageMaximum: Size.gibibytes(5001) }), /Invalid dataStorageMaximum: got 5001 GB/],
    ['storage minimum above maximum', () => ({ dataStorageMinimum: Size.gibibytes(20), dataStorageMaximum: Size.gibibytes(10) }),
      /Invalid dataStorageMinimum: got 20 GB. Allowed: at most dataStorageMaximum \(10 GB\)/],
    ['ECPU below 1,000', () => ({ ecpuPerSecondMaximum: 999 }), /Invalid ecpuPerSecondMaximum: got 999. Allowed: an integer from 1,000 to 15,000,000/],
    ['ECPU above 15,000,000', () => ({ ecpuPerSecondMinimum: 15_000_001 }), /Invalid ecpuPerSecondMinimum: got 15000001/],
    ['a fractional ECPU', () => ({ ecpuPerSecondMaximum: 1500.5 }), /Invalid ecpuPerSecondMaximum: got 1500.5/],
    ['ECPU minimum above maximum', () => ({ ecpuPerSecondMinimum: 5000, ecpuPerSecondMaximum: 2000 }),
      /Invalid ecpuPerSecondMinimum: got 5000 ECPUs per second. Allowed: at most ecpuPerSecondMaximum \(2000 ECPUs per second\)/],
    ['retention of 36 days', () => ({ backupRetention: Duration.days(36) }), /Invalid backupRetention: got '36 days'. Allowed: whole days from 0 to 35/],
    ['retention of 36 hours', () => ({ backupRetention: Duration.hours(36) }), /Invalid backupRetention: got '1 day 12 hours'/],
    ['a restore source that is no ARN', () => ({ restoreFromSnapshots: ['my-snapshot'] }), /Invalid restoreFromSnapshots: got 'my-snapshot'/],
    ['an empty restore list', () => ({ restoreFromSnapshots: [] }), /Invalid restoreFromSnapshots: got \[\]/],
    ['an .rdb file on Memcached', () => ({ engine: ServerlessEngine.MEMCACHED_1_6, restoreFromSnapshots: ['arn:aws:s3:::b/c.rdb'] }),
      /Invalid restoreFromSnapshots: got 'arn:aws:s3:::b\/c.rdb'. Allowed: serverless cache snapshots on Memcached 1.6/],
    ['a final snapshot name without SNAPSHOT', () => ({ finalSnapshotName: 'last', removalPolicy: RemovalPolicy.DESTROY }),
      /Invalid finalSnapshotName: got 'last'. Allowed: nothing with removalPolicy destroy/],
    ['a final snapshot name on Memcached (DESTROY by default)', () => ({ engine: ServerlessEngine.MEMCACHED_1_6, finalSnapshotName: 'last' }),
      /Invalid finalSnapshotName/],
    ['an AUTH token', () => ({ authentication: Authentication.authToken(SecretValue.unsafePlainText('a'.repeat(32))) }),
      /Invalid authentication: got an AUTH token. Allowed: .*serverless caches have no AUTH token/],
    ['a generated AUTH token', () => ({ authentication: Authentication.generatedAuthToken() }), /Invalid authentication: got a generated AUTH token/],
    ['a user group on Memcached', () => ({ engine: ServerlessEngine.MEMCACHED_1_6, authentication: Authentication.generatedUserGroup() }),
      new RegExp('Invalid authentication: got a generated user group. Allowed: Authentication.none\\(\\) on Memcached 1.6 '
        + '\\(serverless\\); Memcached serverless caches take no user groups')],
    ['a Valkey user group on Redis OSS', (stack) => ({ engine: ServerlessEngine.REDIS_OSS_7,
      authentication: Authentication.userGroup(new UserGroup(stack, 'Users', { engine: CacheEngine.VALKEY })) }),
    /Invalid authentication: got a Valkey user group. Allowed: a Redis OSS user group on Redis OSS 7.1/],
    ['an empty security group list', () => ({ securityGroups: [] }), /Invalid securityGroups: got an empty list/],
    ['a selection with no subnet', () => ({ vpcSubnets: { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-none'])] } }),
      /Invalid vpcSubnets: got \[\]. Allowed: a selection of at least one subnet/],
    ['subnets of two VPCs', (stack) => ({ vpcSubnets: { subnets: [otherVpcSubnet(stack)] } }),
      /Invalid vpcSubnets: got subnet Stack\/Other\/ISubnet1 of another VPC. Allowed: subnets of vpc only/],
  ];

  test.each(cases)('%s', (_, props, message) => {
    const { stack, vpc } = setup();
    expect(() => new ServerlessCache(stack, 'Cache', { vpc, ...props(stack, vpc) })).toThrow(message);
  });

  test.each([
    ['a time without minutes', () => DailySnapshotTime.fromString('4'), /Invalid daily snapshot time: got '4'/],
    ['hour 24', () => DailySnapshotTime.of({ hour: 24 }), /hour: got 24/],
    ['minute 60', () => DailySnapshotTime.of({ hour: 1, minute: 60 }), /minute: got 60/],
    ['Valkey 6', () => ServerlessEngine.valkey('6'), /Invalid Valkey serverless major version: got '6'. Allowed: 7 or later/],
    ['Valkey 8.1', () => ServerlessEngine.valkey('8.1'), /got '8.1'. Allowed: a whole number/],
    ['Redis OSS 6', () => ServerlessEngine.redisOss('6'), /Invalid Redis OSS serverless major version: got '6'/],
    ['Memcached 1', () => ServerlessEngine.memcached('1'), /Invalid Memcached serverless major version: got '1'. Allowed: major.minor/],
    ['a token major', () => ServerlessEngine.valkey(Token.asString({ Ref: 'V' })), /got a token/],
  ])('value types reject %s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  test('the valid neighbours of the rejected values pass', () => {
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'Cache', {
      vpc, serverlessCacheName: 'a'.repeat(40), description: 'd'.repeat(255), dataStorageMinimum: Size.gibibytes(5000),
      dataStorageMaximum: Size.gibibytes(5000), ecpuPerSecondMinimum: 1000, ecpuPerSecondMaximum: 1000, backupRetention: Duration.days(35),
    });
    Template.fromStack(stack).resourceCountIs(SERVERLESS, 1);
  });
});

describe('ServerlessCache warnings', () => {
  test('a customer managed key: create-only, and outlived by the final snapshot when deleted with the stack', () => {
    const { stack, vpc } = setup();
    const kmsKey = new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY });
    new ServerlessCache(stack, 'Cache', { vpc, kmsKey });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
    expect(warnings).toEqual([
      expect.stringMatching(/replace the serverless cache. Keep the key for the life of the cache .*\[ack: cdk-elasticache:kmsKeyCreateOnly\]/),
      expect.stringMatching(/while the serverless cache leaves a final snapshot .*\[ack: cdk-elasticache:kmsKeyOutlivedBySnapshot\]/),
    ]);
  });

  test.each([
    ['no authentication on Valkey', { authentication: Authentication.none() }, 'cdk-elasticache:serverlessNoAuthentication'],
    ['public subnets', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, 'cdk-elasticache:publicSubnets'],
    ['a snapshot time without snapshots', { backupRetention: Duration.days(0), dailySnapshotTime: DailySnapshotTime.of({ hour: 3 }) },
      'cdk-elasticache:snapshotTimeWithoutBackups'],
  ])('%s', (_, props, id) => {
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'Cache', { vpc, ...props });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
    expect(warnings).toEqual([expect.stringContaining(`[ack: ${id}]`)]);
  });

  test('no authentication warning on Memcached, which has none', () => {
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'Cache', { vpc, engine: ServerlessEngine.MEMCACHED_1_6, authentication: Authentication.none() });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('ServerlessCache authentication and grants', () => {
  test('a user group of IAM users, and grantConnect on the cache and the user', () => {
    const { stack, vpc } = setup();
    const iamUser = new User(stack, 'Worker', { userName: 'worker', authentication: UserAuthentication.iam(),
      accessString: AccessString.keyPrefix('jobs:') });
    const group = new UserGroup(stack, 'Users', { users: [iamUser] });
    const cache = new ServerlessCache(stack, 'Cache', { vpc, authentication: Authentication.userGroup(group) });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    cache.grantConnect(role, iamUser);
    const template = Template.fromStack(stack);
    template.hasResourceProperties(SERVERLESS, { UserGroupId: { Ref: Match.stringLikeRegexp('^UsersUserGroup|^Users') } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{
        Action: 'elasticache:Connect',
        Effect: 'Allow',
        Resource: [stack.resolve(cache.serverlessCacheArn), stack.resolve(iamUser.userArn)],
      }] },
    });
    expect(cache.userGroup).toBe(group);
    expect(cache.authSecret).toBeUndefined();
  });

  test('grantConnect refuses a password user', () => {
    const { stack, vpc } = setup();
    const cache = new ServerlessCache(stack, 'Cache', { vpc });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => cache.grantConnect(role, cache.applicationUser!)).toThrow(/Invalid grantConnect user: got the password user/);
  });

  test('a Redis OSS user group is accepted on Valkey', () => {
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'Cache', { vpc, authentication: Authentication.userGroup(new UserGroup(stack, 'Users', { engine: CacheEngine.REDIS_OSS })) });
    Template.fromStack(stack).resourceCountIs(SERVERLESS, 1);
  });
});

describe('ServerlessCache.fromServerlessCacheAttributes', () => {
  test('given attributes work, missing ones throw', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1');
    const cache = ServerlessCache.fromServerlessCacheAttributes(stack, 'Cache', {
      serverlessCacheName: 'orders', engine: ServerlessEngine.VALKEY_8, endpointAddress: 'orders.serverless.cache.amazonaws.com',
      securityGroups: [sg],
    });
    expect(stack.resolve(cache.serverlessCacheArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' },
      ':elasticache:eu-west-1:123456789012:serverlesscache:orders']] });
    expect(cache.endpoint.socketAddress).toBe('orders.serverless.cache.amazonaws.com:6379');
    expect(cache.connections.defaultPort?.toString()).toBe('6379-6380');
    expect(() => cache.readerEndpoint).toThrow(/without readerEndpointAddress: give it in fromServerlessCacheAttributes/);

    const bare = ServerlessCache.fromServerlessCacheAttributes(stack, 'Bare', { serverlessCacheName: 'bare' });
    expect(() => bare.endpoint).toThrow(/Cannot read endpoint of an imported serverless cache without endpointAddress/);
    expect(bare.connections.defaultPort).toBeUndefined();
    const noEngine = ServerlessCache.fromServerlessCacheAttributes(stack, 'NoEngine', { serverlessCacheName: 'x', endpointAddress: 'h' });
    expect(() => noEngine.endpoint).toThrow(/without engine \(which decides the port\)/);
    const mem = ServerlessCache.fromServerlessCacheAttributes(stack, 'Mem', { serverlessCacheName: 'm', engine: ServerlessEngine.MEMCACHED_1_6 });
    expect(() => mem.readerEndpoint).toThrow(/Memcached has no reader endpoint/);
    expect(mem.connections.defaultPort?.toString()).toBe('11211');
  });

  test('an import gets the limit alarms from its maximums', () => {
    const stack = new Stack(new App(), 'Stack');
    const cache = ServerlessCache.fromServerlessCacheAttributes(stack, 'Cache', {
      serverlessCacheName: 'orders', dataStorageMaximum: Size.gibibytes(4), ecpuPerSecondMaximum: 10_000,
    });
    const alarms = cache.addRecommendedAlarms();
    expect(alarms.alarms.map(a => a.node.id)).toEqual(['DataStorage', 'EcpuPerSecond', 'ThrottledCmds', 'Evictions']);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'BytesUsedForCache', Threshold: 3_000_000_000 });
  });
});

describe('ServerlessCache monitoring', () => {
  test('metrics: namespace AWS/ElastiCache, dimension clusterId, Sum for counters, Average for gauges', () => {
    const { stack, valkey, memcached } = shared;
    const name = stack.resolve(valkey.serverlessCacheName);
    const read = (m: cloudwatch.IMetric) => {
      const s = m.toMetricConfig().metricStat!;
      return [s.metricName, stack.resolve(s.dimensions), s.statistic, s.period.toSeconds()];
    };
    const dims = [{ name: 'clusterId', value: name }];
    expect(read(valkey.metricElastiCacheProcessingUnits())).toEqual(['ElastiCacheProcessingUnits', dims, 'Sum', 60]);
    expect(read(valkey.metricBytesUsedForCache())).toEqual(['BytesUsedForCache', dims, 'Average', 60]);
    expect(read(valkey.metricThrottledCmds())).toEqual(['ThrottledCmds', dims, 'Sum', 60]);
    expect(read(valkey.metricEvictions())).toEqual(['Evictions', dims, 'Sum', 60]);
    expect(read(valkey.metricCacheHits())).toEqual(['CacheHits', dims, 'Sum', 60]);
    expect(read(valkey.metricCacheMisses())).toEqual(['CacheMisses', dims, 'Sum', 60]);
    expect(read(valkey.metricSuccessfulReadRequestLatency())).toEqual(['SuccessfulReadRequestLatency', dims, 'Average', 60]);
    expect(read(valkey.metricSuccessfulWriteRequestLatency())).toEqual(['SuccessfulWriteRequestLatency', dims, 'Average', 60]);
    expect(read(valkey.metricCurrConnections())).toEqual(['CurrConnections', dims, 'Average', 60]);
    expect(read(valkey.metricTotalCmdsCount())).toEqual(['TotalCmdsCount', dims, 'Sum', 60]);
    expect(read(valkey.metric('NetworkBytesIn', { period: Duration.minutes(5) }))).toEqual(['NetworkBytesIn', dims, 'Sum', 300]);
    expect(read(memcached.metricCacheHits())[0]).toBe('GetHits');
    expect(read(memcached.metricCacheMisses())[0]).toBe('GetMisses');
    const ecpu = valkey.metricEcpuPerSecond().toMetricConfig().mathExpression!;
    expect(ecpu.expression).toBe('ecpu / PERIOD(ecpu)');
    const rate = memcached.metricCacheHitRate().toMetricConfig().mathExpression!;
    expect(Object.values(rate.usingMetrics).map(m => m.toMetricConfig().metricStat!.metricName)).toEqual(['GetHits', 'GetMisses']);
  });

  test('recommended alarms: 75% of each maximum, throttling and evictions', () => {
    const { stack, vpc } = setup();
    const cache = new ServerlessCache(stack, 'Cache', { vpc, dataStorageMaximum: Size.gibibytes(10), ecpuPerSecondMaximum: 100_000 });
    const alarms = cache.addRecommendedAlarms();
    expect(alarms.alarms.map(a => a.node.id)).toEqual(['DataStorage', 'EcpuPerSecond', 'ThrottledCmds', 'Evictions']);
    expect([alarms.dataStorage, alarms.ecpuPerSecond, alarms.throttledCmds, alarms.evictions].every(a => a !== undefined)).toBe(true);
    const template = Template.fromStack(stack);
    const dims = [{ Name: 'clusterId', Value: { Ref: stack.getLogicalId(cfnOf(cache)) } }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BytesUsedForCache', Statistic: 'Maximum', Dimensions: dims, Threshold: 7_500_000_000,
      ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 5, Period: 60,
      AlarmDescription: Match.stringLikeRegexp('75% of the configured maximum \\(10 GB\\)'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 75_000,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'ecpu / PERIOD(ecpu)', ReturnData: true }),
        Match.objectLike({ Id: 'ecpu', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ElastiCacheProcessingUnits', Dimensions: dims }), Stat: 'Sum' }) }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ThrottledCmds', Statistic: 'Sum', Threshold: 0, Dimensions: dims });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Evictions', Statistic: 'Sum', Threshold: 0, Dimensions: dims });
    expect(() => cache.addRecommendedAlarms()).toThrow(/Cannot add the recommended alarms twice/);
  });

  test('without maximums, only throttling and evictions; overrides have the node-based shape', () => {
    const { stack, vpc } = setup();
    const cache = new ServerlessCache(stack, 'Cache', { vpc });
    const topic = new sns.Topic(stack, 'Topic');
    const action = new cloudwatchActions.SnsAction(topic);
    const alarms = cache.addRecommendedAlarms({
      actions: [action],
      overrides: {
        dataStorage: { threshold: 1_000_000 },
        evictions: { enabled: false },
        throttledCmds: { threshold: 10, evaluationPeriods: 3, datapointsToAlarm: 2 },
      },
    });
    expect(alarms.alarms.map(a => a.node.id)).toEqual(['DataStorage', 'ThrottledCmds']);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'BytesUsedForCache', Threshold: 1_000_000 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ThrottledCmds', Threshold: 10, EvaluationPeriods: 3, DatapointsToAlarm: 2, AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
    });
  });

  test.each([
    ['an enabled limit alarm without a maximum or threshold', { ecpuPerSecond: { enabled: true } },
      /Invalid overrides.ecpuPerSecond: got 'enabled: true'. Allowed: with a threshold; the cache has no ecpuPerSecondMaximum/],
    ['a negative threshold', { evictions: { threshold: -1 } }, /Invalid overrides.evictions.threshold: got -1/],
    ['zero evaluation periods', { evictions: { evaluationPeriods: 0 } }, /Invalid overrides.evictions.evaluationPeriods: got 0/],
    ['more datapoints than periods', { evictions: { datapointsToAlarm: 6 } }, /Invalid overrides.evictions.datapointsToAlarm: got 6/],
  ])('alarm overrides reject %s', (_, overrides, message) => {
    const { stack, vpc } = setup();
    const cache = new ServerlessCache(stack, 'Cache', { vpc });
    expect(() => cache.addRecommendedAlarms({ overrides })).toThrow(message);
  });

  test('dashboard: alarm states, the limits drawn, once', () => {
    const { stack, vpc } = setup();
    const cache = new ServerlessCache(stack, 'Cache', { vpc, ecpuPerSecondMaximum: 20_000, dataStorageMaximum: Size.gibibytes(2) });
    cache.addRecommendedAlarms();
    cache.addDashboard({ dashboardName: 'orders' });
    const body = JSON.stringify(stack.resolve(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard')));
    for (const text of ['Recommended alarms', 'ECPUs per second', 'ecpuPerSecondMaximum', '20000', '2000000000', 'ThrottledCmds',
      'SuccessfulReadRequestLatency', 'clusterId', 'CacheHits']) {
      expect(body).toContain(text);
    }
    expect(() => cache.addDashboard()).toThrow(/Cannot add a second dashboard/);
    expect(() => new ServerlessCache(stack, 'Other', { vpc }).addDashboard({ dashboardName: 'bad name' })).toThrow(/Invalid dashboardName/);
  });
});

test('a consumer in another stack: VPC, cache and consumer stacks synthesize without a cycle, with a customer managed key', () => {
  const app = new App();
  const network = new Stack(app, 'Network');
  const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const cacheStack = new Stack(app, 'CacheStack');
  const cache = new ServerlessCache(cacheStack, 'Cache', { vpc, kmsKey: new kms.Key(cacheStack, 'Key') });
  const consumerStack = new Stack(app, 'Consumer');
  const fn = new lambda.Function(consumerStack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
    vpc,
    environment: {
      CACHE_HOST: cache.endpoint.hostname, CACHE_PORT: cache.endpoint.portAsString, CACHE_READER_PORT: cache.readerEndpoint.portAsString,
    },
  });
  cache.connections.allowDefaultPortFrom(fn);
  cache.authSecret!.grantRead(fn);
  const assembly = app.synth();
  expect(assembly.stacks.map(s => s.stackName).sort()).toEqual(['CacheStack', 'Consumer', 'Network']);
  const ingress = Template.fromStack(consumerStack).findResources('AWS::EC2::SecurityGroupIngress');
  const cacheIngress = Template.fromStack(cacheStack).findResources('AWS::EC2::SecurityGroupIngress');
  const rules = [...Object.values(ingress), ...Object.values(cacheIngress)];
  expect(rules.map(r => [r.Properties.FromPort, r.Properties.ToPort])).toEqual([[6379, 6380]]);
});

describe('ServerlessCache.connectFrom', () => {
  const threeStacks = () => {
    const app = new App();
    const network = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cacheStack = new Stack(app, 'CacheStack');
    const consumerStack = new Stack(app, 'Consumer');
    const fn = new lambda.Function(consumerStack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
    });
    return { app, vpc, cacheStack, consumerStack, fn };
  };

  test('one call, across stacks: both ports, the application user\'s secret, the CACHE_* variables with CACHE_SERVERLESS and CACHE_CLUSTER', () => {
    const { app, vpc, cacheStack, consumerStack, fn } = threeStacks();
    const cache = new ServerlessCache(cacheStack, 'Cache', { vpc, kmsKey: new kms.Key(cacheStack, 'Key') });
    const binding = cache.connectFrom(fn);
    app.synth();
    const resolved = consumerStack.resolve(binding.environment);
    expect(Object.keys(resolved).sort()).toEqual(['CACHE_AUTH', 'CACHE_CLUSTER', 'CACHE_ENGINE', 'CACHE_HOST', 'CACHE_ID', 'CACHE_PORT',
      'CACHE_READER_HOST', 'CACHE_READER_PORT', 'CACHE_SECRET_ARN', 'CACHE_SERVERLESS', 'CACHE_TLS', 'CACHE_USER']);
    expect(resolved).toEqual(expect.objectContaining({
      CACHE_ENGINE: 'valkey', CACHE_PORT: '6379', CACHE_READER_PORT: '6380', CACHE_TLS: 'true', CACHE_AUTH: 'rbac-password',
      CACHE_USER: 'app', CACHE_SERVERLESS: 'true', CACHE_CLUSTER: 'true',
    }));
    const consumer = Template.fromStack(consumerStack);
    consumer.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CACHE_SERVERLESS: 'true' }) } });
    consumer.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 6379, ToPort: 6380 });
    consumer.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] })]) } });
    expect(Template.fromStack(cacheStack).findResources('AWS::EC2::SecurityGroupIngress')).toEqual({});
  });

  test('an IAM user gets elasticache:Connect on the serverless cache and the user', () => {
    const { vpc, cacheStack, consumerStack, fn } = threeStacks();
    const worker = new User(cacheStack, 'Worker', { userName: 'worker', authentication: UserAuthentication.iam() });
    const cache = new ServerlessCache(cacheStack, 'Cache', {
      vpc, authentication: Authentication.userGroup(new UserGroup(cacheStack, 'Users', { users: [worker] })),
    });
    expect(() => cache.connectFrom(fn)).toThrow(/Invalid connectFrom user: got nothing/);
    const binding = cache.connectFrom(fn, { user: worker });
    expect(consumerStack.resolve(binding.environment)).toEqual(expect.objectContaining({ CACHE_AUTH: 'iam', CACHE_SERVERLESS: 'true' }));
    Template.fromStack(consumerStack).hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Action: 'elasticache:Connect', Resource: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.arrayWith([
        Match.arrayWith([':serverlesscache:']) ]) })]) })]) } });
  });

  test('Memcached: port 11211, no reader endpoint, no credentials; an import needs its engine', () => {
    const { vpc, cacheStack, consumerStack, fn } = threeStacks();
    const cache = new ServerlessCache(cacheStack, 'Cache', { vpc, engine: ServerlessEngine.MEMCACHED_1_6 });
    expect(() => cache.connectFrom(fn, { secret: cache.authSecret ?? ({} as never) })).toThrow(/Invalid connectFrom secret/);
    const binding = cache.connectFrom(fn);
    expect(Object.keys(binding.environment).sort()).toEqual(['CACHE_AUTH', 'CACHE_ENGINE', 'CACHE_HOST', 'CACHE_ID', 'CACHE_PORT',
      'CACHE_SERVERLESS', 'CACHE_TLS']);
    expect(binding.environment.CACHE_PORT).toBe('11211');
    Template.fromStack(consumerStack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 11211, ToPort: 11211 });
    const imported = ServerlessCache.fromServerlessCacheAttributes(consumerStack, 'Imported', { serverlessCacheName: 'x', endpointAddress: 'h' });
    expect(() => imported.connectFrom(fn)).toThrow(/without engine/);
  });
});
