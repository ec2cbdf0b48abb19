import { App, CfnParameter, Duration, RemovalPolicy, SecretValue, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnParameterGroup, CfnReplicationGroup, CfnUserGroup } from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  AccessString, Authentication, DayOfWeek, EvictionPolicy, IpDiscovery, MaintenanceWindow, MemcachedVersion, NetworkType, NodeType,
  ParameterGroup, RedisOssVersion, ReplicationGroup, ReplicationGroupProps, SnapshotWindow, SubnetGroup,
  TransitEncryptionMode, ValkeyVersion,
} from '../lib';
import { AuthenticationConfig } from '../lib/auth';
import { CacheValidationError } from '../lib/validation-error';

const RG = 'AWS::ElastiCache::ReplicationGroup';

function setup(ipProtocol?: ec2.IpProtocol) {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, ipProtocol,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ] });
  return { stack, vpc };
}

/**
 * The seed's hands-on configuration, as the console steps describe it, on cache.t3.micro: the seed's
 * cache.t2.micro can no longer be created (test/known-values.test.ts has the T2 form and its warning).
 */
function handsOn(scope: Construct, vpc: ec2.IVpc): ReplicationGroup {
  return new ReplicationGroup(scope, 'Cache', {
    vpc,
    engine: RedisOssVersion.VER_7_1,
    nodeType: NodeType.T3_MICRO,
    replicas: 0,
    multiAz: false,
    atRestEncryption: false,
    transitEncryption: false,
    backupRetention: Duration.days(0),
    autoMinorVersionUpgrade: true,
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rgProps(template: Template): Record<string, any> {
  const groups = Object.values(template.findResources(RG));
  expect(groups).toHaveLength(1);
  return groups[0].Properties;
}

function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
}

/** An authentication method that needs an engine feature, as RBAC and IAM will (security issue). */
class FeatureAuthentication extends Authentication {
  constructor(private readonly feature: 'rbac' | 'iamAuthentication') {
    super();
  }
  public _bind(): AuthenticationConfig {
    return {
      description: this.feature === 'rbac' ? 'an RBAC user group' : 'IAM authentication',
      userGroupIds: ['my-users'],
      requiredFeature: this.feature,
      requiresTransitEncryption: true,
    };
  }
}

describe('ReplicationGroup defaults (production)', () => {
  const { stack, vpc } = setup();
  const cache = new ReplicationGroup(stack, 'Cache', { vpc });
  const template = Template.fromStack(stack);

  test('Valkey 8.2 on cache.t4g.micro, a primary and one replica, failover and Multi-AZ on', () => {
    template.hasResourceProperties(RG, {
      Engine: 'valkey',
      EngineVersion: '8.2',
      CacheNodeType: 'cache.t4g.micro',
      Port: 6379,
      NumCacheClusters: 2,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      CacheParameterGroupName: 'default.valkey8',
      ReplicationGroupDescription: 'Replication group Stack/Cache',
      AutoMinorVersionUpgrade: true,
    });
    const props = rgProps(template);
    for (const absent of ['NumNodeGroups', 'ReplicasPerNodeGroup', 'ClusterMode', 'PreferredCacheClusterAZs', 'NetworkType',
      'IpDiscovery', 'DataTieringEnabled', 'KmsKeyId', 'SnapshotName', 'SnapshotArns', 'SnapshotWindow',
      'PreferredMaintenanceWindow', 'NotificationTopicArn', 'AuthToken']) {
      expect(props[absent]).toBeUndefined();
    }
  });

  test('encrypted at rest and in transit (mode required), set explicitly', () => {
    template.hasResourceProperties(RG, {
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
    });
  });

  test('RBAC: a new user group with a disabled default user and an application user whose password is in a secret', () => {
    const groupId = stack.getLogicalId(cache.userGroup!.node.defaultChild as CfnUserGroup);
    expect(groupId).toMatch(/^CacheUserGroup[0-9A-F]{8}$/);
    expect(rgProps(template).UserGroupIds).toEqual([{ Ref: groupId }]);
    template.resourceCountIs('AWS::ElastiCache::User', 2);
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'default', Engine: 'valkey', AccessString: 'off -@all', AuthenticationMode: Match.objectLike({ Type: 'password' }),
    });
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'app', Engine: 'valkey', AccessString: AccessString.readWrite().value, AuthenticationMode: Match.objectLike({ Type: 'password' }),
    });
    // Least privilege, not an administrator (test/servers/access-strings.test.ts runs it on real servers).
    expect(cache.applicationUser!.accessString.value).toBe('on ~* -@all +@connection +@read +@write +@transaction -@dangerous -@scripting -move '
      + '+eval +evalsha +script|load +script|exists +info +cluster|info +cluster|nodes +cluster|shards +cluster|slots');
    // authSecret is the application user's secret, JSON { username, password }.
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    expect(cache.authSecret).toBe(cache.applicationUser!.secret);
    const secretId = stack.getLogicalId(cache.authSecret!.node.defaultChild as secretsmanager.CfnSecret);
    expect(secretId).toMatch(/^CacheAppUserSecret[0-9A-F]{8}$/);
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: { GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"app"}', GenerateStringKey: 'password' }) },
      DeletionPolicy: 'Delete',
    });
  });

  test('daily backups kept 15 days, a final snapshot on delete and on replacement', () => {
    template.hasResource(RG, {
      Properties: { SnapshotRetentionLimit: 15 },
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  test('a new subnet group over the private subnets and a security group with no egress', () => {
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcIsolatedSubnet1') }, { Ref: Match.stringLikeRegexp('VpcIsolatedSubnet2') }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'ElastiCache replication group Stack/Cache',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
    template.hasResourceProperties(RG, {
      CacheSubnetGroupName: { Ref: Match.stringLikeRegexp('^CacheSubnetGroup') },
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] }],
    });
    template.resourceCountIs('AWS::ElastiCache::ParameterGroup', 0);
  });

  test('a generated id: lowercase, within 40 characters, the L1 is "Resource"', () => {
    const id = rgProps(template).ReplicationGroupId as string;
    expect(id).toMatch(/^stack-cache-[a-z0-9]+$/);
    expect(id.length).toBeLessThanOrEqual(40);
    expect(cache.node.defaultChild).toBeInstanceOf(CfnReplicationGroup);
    expect((cache.node.defaultChild as CfnReplicationGroup).node.id).toBe('Resource');
    expect(stack.getLogicalId(cache.node.defaultChild as CfnReplicationGroup)).toMatch(/^Cache[0-9A-F]{8}$/);
  });

  test('attributes: id, ARN, endpoints, node ids, secret', () => {
    const logicalId = stack.getLogicalId(cache.node.defaultChild as CfnReplicationGroup);
    expect(stack.resolve(cache.replicationGroupId)).toEqual({ Ref: logicalId });
    expect(stack.resolve(cache.replicationGroupRef.replicationGroupId)).toEqual({ Ref: logicalId });
    expect(stack.resolve(cache.replicationGroupArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':',
        { Ref: 'AWS::AccountId' }, ':replicationgroup:', { Ref: logicalId }]],
    });
    expect(stack.resolve(cache.primaryEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [logicalId, 'PrimaryEndPoint.Address'] });
    expect(stack.resolve(cache.primaryEndpoint.port)).toEqual({ 'Fn::GetAtt': [logicalId, 'PrimaryEndPoint.Port'] });
    expect(stack.resolve(cache.primaryEndpoint.socketAddress)).toEqual({ 'Fn::Join': ['', [
      { 'Fn::GetAtt': [logicalId, 'PrimaryEndPoint.Address'] }, ':', { 'Fn::GetAtt': [logicalId, 'PrimaryEndPoint.Port'] }]] });
    expect(stack.resolve(cache.readerEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [logicalId, 'ReaderEndPoint.Address'] });
    expect(stack.resolve(cache.readerEndpoint.socketAddress)).toEqual({ 'Fn::Join': ['', [
      { 'Fn::GetAtt': [logicalId, 'ReaderEndPoint.Address'] }, ':', { 'Fn::GetAtt': [logicalId, 'ReaderEndPoint.Port'] }]] });
    expect(cache.nodeCount).toBe(2);
    expect(cache.replicas).toBe(1);
    expect(stack.resolve(cache.memberClusterIds)).toEqual([
      { 'Fn::Join': ['', [{ Ref: logicalId }, '-001']] },
      { 'Fn::Join': ['', [{ Ref: logicalId }, '-002']] },
    ]);
    expect(cache.authSecret).toBeDefined();
    expect(cache.engine).toBe(ValkeyVersion.VER_8_2);
    expect(cache.nodeType).toBe(NodeType.T4G_MICRO);
    expect(cache.transitEncryption).toBe(true);
    expect(cache.parameterGroup).toBeUndefined();
    expect(cache.subnetGroup).toBeInstanceOf(SubnetGroup);
  });

  test('no warnings', () => {
    expect(warnings(stack)).toEqual([]);
  });

  test('whole template (snapshot)', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('ReplicationGroup: the seed hands-on configuration', () => {
  const { stack, vpc } = setup();
  const cache = handsOn(stack, vpc);
  const template = Template.fromStack(stack);

  test('cluster mode disabled, cache.t3.micro, one node, Multi-AZ off, encryption off, backups off, auto minor upgrade on', () => {
    template.hasResourceProperties(RG, {
      Engine: 'redis',
      EngineVersion: '7.1',
      CacheNodeType: 'cache.t3.micro',
      CacheParameterGroupName: 'default.redis7',
      NumCacheClusters: 1,
      AutomaticFailoverEnabled: false,
      MultiAZEnabled: false,
      AtRestEncryptionEnabled: false,
      TransitEncryptionEnabled: false,
      SnapshotRetentionLimit: 0,
      AutoMinorVersionUpgrade: true,
      Port: 6379,
    });
    const props = rgProps(template);
    expect(props.AuthToken).toBeUndefined();
    expect(props.TransitEncryptionMode).toBeUndefined();
    expect(props.NumNodeGroups).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(cache.authSecret).toBeUndefined();
    expect(cache.nodeCount).toBe(1);
  });

  test('warns about the single node and the missing encryption', () => {
    const ws = warnings(stack);
    expect(ws).toEqual(expect.arrayContaining([
      expect.stringContaining('[ack: cdk-elasticache:noReplicas]'),
      expect.stringContaining('[ack: cdk-elasticache:transitEncryptionDisabled]'),
      expect.stringContaining('[ack: cdk-elasticache:atRestEncryptionDisabled]'),
    ]));
    expect(ws).toHaveLength(3);
  });

  test('whole template (snapshot)', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('ReplicationGroup props', () => {
  test('replicationGroupId is lowercased; description', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, replicationGroupId: 'My-Cache', description: 'sessions' });
    Template.fromStack(stack).hasResourceProperties(RG, { ReplicationGroupId: 'my-cache', ReplicationGroupDescription: 'sessions' });
    expect(stack.resolve(cache.replicationGroupId)).toEqual({ Ref: stack.getLogicalId(cache.node.defaultChild as CfnReplicationGroup) });
  });

  test.each([
    [RedisOssVersion.VER_7_1, 'redis', '7.1', 'default.redis7', 'required'],
    [RedisOssVersion.VER_6_2, 'redis', '6.2', 'default.redis6.x', undefined],
    [ValkeyVersion.VER_7_2, 'valkey', '7.2', 'default.valkey7', 'required'],
    [ValkeyVersion.of('9.0'), 'valkey', '9.0', 'default.valkey9', 'required'],
  ])('engine %s', (engine, name, version, group, mode) => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, engine });
    const props = rgProps(Template.fromStack(stack));
    expect(props.Engine).toBe(name);
    expect(props.EngineVersion).toBe(version);
    expect(props.CacheParameterGroupName).toBe(group);
    expect(props.TransitEncryptionMode).toBe(mode);
    expect(props.TransitEncryptionEnabled).toBe(true);
  });

  test('nodeType and port; connections use the literal port the template sets (policy packs can read the rule)', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, nodeType: NodeType.R7G_LARGE, port: 6380 });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    cache.connections.allowDefaultPortFrom(client);
    const template = Template.fromStack(stack);
    template.hasResourceProperties(RG, { CacheNodeType: 'cache.r7g.large', Port: 6380 });
    expect(cache.connections.defaultPort?.toRuleJson()).toEqual({ ipProtocol: 'tcp', fromPort: 6380, toPort: 6380 });
    // Its string form (and so the rules' logical ids) stays the one of 0.1: a renamed rule is revoked by the cleanup.
    expect(cache.connections.defaultPort?.toString()).toBe('{IndirectPort}');
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 6380,
      ToPort: 6380,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Client'), 'GroupId'] },
    });
    // The endpoints keep the attribute: the port the group really answers on.
    const logicalId = stack.getLogicalId(cache.node.defaultChild as CfnReplicationGroup);
    expect(stack.resolve(cache.primaryEndpoint.port)).toEqual({ 'Fn::GetAtt': [logicalId, 'PrimaryEndPoint.Port'] });
  });

  test('connections of an import: the given port, none without one', () => {
    const { stack } = setup();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345678');
    const withPort = ReplicationGroup.fromReplicationGroupAttributes(stack, 'WithPort', { replicationGroupId: 'a', port: 6390, securityGroups: [sg] });
    expect(withPort.connections.defaultPort?.toString()).toBe('6390');
    const without = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Without', { replicationGroupId: 'b', securityGroups: [sg] });
    expect(without.connections.defaultPort).toBeUndefined();
    expect(() => without.connections.allowDefaultPortFrom(ec2.Peer.ipv4('10.0.0.0/16'))).toThrow(/no default port/);
  });

  test.each([
    [0, 1, false, false],
    [1, 2, true, true],
    [5, 6, true, true],
  ])('replicas %d: %d nodes, failover %s, Multi-AZ %s follow the count', (replicas, nodes, failover, multiAz) => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, replicas });
    Template.fromStack(stack).hasResourceProperties(RG, {
      NumCacheClusters: nodes, AutomaticFailoverEnabled: failover, MultiAZEnabled: multiAz,
    });
    expect(cache.nodeCount).toBe(nodes);
    expect(cache.memberClusterIds).toHaveLength(nodes);
  });

  test('failover on with Multi-AZ off; failover off turns the Multi-AZ default off', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'A', { vpc, replicas: 2, multiAz: false });
    new ReplicationGroup(stack, 'B', { vpc, replicas: 2, automaticFailover: false });
    const groups = Object.entries(Template.fromStack(stack).findResources(RG));
    const byId = Object.fromEntries(groups.map(([id, r]) => [id.slice(0, 1), r.Properties]));
    expect(byId.A).toMatchObject({ AutomaticFailoverEnabled: true, MultiAZEnabled: false, NumCacheClusters: 3 });
    expect(byId.B).toMatchObject({ AutomaticFailoverEnabled: false, MultiAZEnabled: false, NumCacheClusters: 3 });
  });

  test('preferredAvailabilityZones, primary first', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, replicas: 2, preferredAvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1a'] });
    Template.fromStack(stack).hasResourceProperties(RG, { PreferredCacheClusterAZs: ['eu-west-1a', 'eu-west-1b', 'eu-west-1a'] });
  });

  test('vpcSubnets select the subnets of the new subnet group', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcPublicSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPublicSubnet2') }],
    });
  });

  test('an existing subnet group and security groups: nothing network-related is created', () => {
    const { stack } = setup();
    const subnetGroup = SubnetGroup.fromSubnetGroupName(stack, 'Subnets', 'shared-subnets');
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345');
    const cache = new ReplicationGroup(stack, 'Cache', { subnetGroup, securityGroups: [sg] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ElastiCache::SubnetGroup', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    template.hasResourceProperties(RG, { CacheSubnetGroupName: 'shared-subnets', SecurityGroupIds: ['sg-12345'] });
    expect(cache.connections.securityGroups).toEqual([sg]);
  });

  test('networkType and ipDiscovery', () => {
    const { stack, vpc } = setup(ec2.IpProtocol.DUAL_STACK);
    new ReplicationGroup(stack, 'Cache', { vpc, networkType: NetworkType.DUAL_STACK, ipDiscovery: IpDiscovery.IPV6 });
    Template.fromStack(stack).hasResourceProperties(RG, { NetworkType: 'dual_stack', IpDiscovery: 'ipv6' });
  });

  test('an existing parameter group of the right family', () => {
    const { stack, vpc } = setup();
    const parameterGroup = ParameterGroup.fromParameterGroupAttributes(stack, 'Params', { parameterGroupName: 'shared', family: 'valkey8' });
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, parameterGroup });
    Template.fromStack(stack).hasResourceProperties(RG, { CacheParameterGroupName: 'shared' });
    expect(cache.parameterGroup).toBe(parameterGroup);
    expect(warnings(stack)).toEqual([]);
  });

  test('evictionPolicy and parameters create a parameter group of the engine family', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc, engine: RedisOssVersion.VER_7_1,
      evictionPolicy: EvictionPolicy.ALLKEYS_LRU, parameters: { 'reserved-memory-percent': '30' },
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ElastiCache::ParameterGroup', {
      Properties: {
        CacheParameterGroupFamily: 'redis7',
        Properties: { 'maxmemory-policy': 'allkeys-lru', 'reserved-memory-percent': '30' },
      },
      DeletionPolicy: 'Delete',
    });
    const groupId = stack.getLogicalId(cache.parameterGroup!.node.defaultChild as CfnParameterGroup);
    expect(groupId).toMatch(/^CacheParameterGroup/);
    template.hasResourceProperties(RG, { CacheParameterGroupName: { Ref: groupId } });
  });

  test('data tiering is on by default with r6gd', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, nodeType: NodeType.R6GD_XLARGE });
    Template.fromStack(stack).hasResourceProperties(RG, { DataTieringEnabled: true, CacheNodeType: 'cache.r6gd.xlarge' });
  });

  test('dataTiering: false on other node types renders nothing', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, dataTiering: false });
    expect(rgProps(Template.fromStack(stack)).DataTieringEnabled).toBeUndefined();
  });

  test('kmsKey: a customer managed key for encryption at rest', () => {
    const { stack, vpc } = setup();
    const key = new kms.Key(stack, 'Key');
    new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: key });
    Template.fromStack(stack).hasResourceProperties(RG, {
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });
  });

  test('atRestEncryption: false', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, atRestEncryption: false });
    Template.fromStack(stack).hasResourceProperties(RG, { AtRestEncryptionEnabled: false });
    expect(warnings(stack)).toEqual([expect.stringContaining('Turning it on later replaces the group. [ack: cdk-elasticache:atRestEncryptionDisabled]')]);
  });

  test('transitEncryption: false: no AUTH token, no secret, no mode', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, transitEncryption: false });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(RG, { TransitEncryptionEnabled: false });
    const props = rgProps(template);
    expect(props.AuthToken).toBeUndefined();
    expect(props.TransitEncryptionMode).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(cache.authSecret).toBeUndefined();
    expect(cache.transitEncryption).toBe(false);
    expect(warnings(stack)).toEqual([expect.stringContaining('Turning it on later takes two deployments on Valkey 8.2: '
      + 'transitEncryptionMode PREFERRED, move the clients to TLS, then REQUIRED. [ack: cdk-elasticache:transitEncryptionDisabled]')]);
  });

  test('transitEncryption off on Redis OSS 6.2 warns that turning it on replaces the group', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, engine: RedisOssVersion.VER_6_2, transitEncryption: false });
    expect(warnings(stack)).toEqual([expect.stringContaining('Turning it on later replaces the group on Redis OSS 6.2')]);
  });

  test('transitEncryptionMode PREFERRED, the migration step', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, transitEncryptionMode: TransitEncryptionMode.PREFERRED });
    Template.fromStack(stack).hasResourceProperties(RG, { TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred' });
    expect(warnings(stack)).toEqual([expect.stringContaining('[ack: cdk-elasticache:transitEncryptionPreferred]')]);
  });

  test('Authentication.authToken with a literal token', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc, authentication: Authentication.authToken(SecretValue.unsafePlainText('Abcdefgh12345678!&#$^<>-')),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(RG, { AuthToken: 'Abcdefgh12345678!&#$^<>-' });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(cache.authSecret).toBeUndefined();
  });

  test('a literal token is checked and rendered with @aws-cdk/core:checkSecretUsage on (as in cdk.json)', () => {
    const stack = new Stack(new App({ context: { '@aws-cdk/core:checkSecretUsage': true } }), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    expect(() => new ReplicationGroup(stack, 'Bad', { vpc, authentication: Authentication.authToken(SecretValue.unsafePlainText('short')) }))
      .toThrow("Invalid authentication: got an AUTH token of 5 characters.");
    new ReplicationGroup(stack, 'Cache', { vpc, authentication: Authentication.authToken(SecretValue.unsafePlainText('a'.repeat(16))) });
    Template.fromStack(stack).hasResourceProperties(RG, { AuthToken: 'a'.repeat(16) });
  });

  test('Authentication.authToken with a Secrets Manager reference passes unchecked', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, authentication: Authentication.authToken(SecretValue.secretsManager('cache-token')) });
    Template.fromStack(stack).hasResourceProperties(RG, { AuthToken: '{{resolve:secretsmanager:cache-token:SecretString:::}}' });
  });

  test('Authentication.authTokenFromSecret exposes the secret; a JSON field', () => {
    const { stack, vpc } = setup();
    const secret = new secretsmanager.Secret(stack, 'Token');
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, authentication: Authentication.authTokenFromSecret(secret, 'token') });
    const secretId = stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret);
    Template.fromStack(stack).hasResourceProperties(RG, {
      AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:token::}}']] },
    });
    expect(cache.authSecret).toBe(secret);
    const whole = new ReplicationGroup(stack, 'Whole', { vpc, authentication: Authentication.authTokenFromSecret(secret) });
    expect(stack.resolve((whole.node.defaultChild as CfnReplicationGroup).authToken)).toEqual(
      { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] });
  });

  test('Authentication.generatedAuthToken options', () => {
    const { stack, vpc } = setup();
    const key = new kms.Key(stack, 'Key');
    new ReplicationGroup(stack, 'Cache', {
      vpc, authentication: Authentication.generatedAuthToken({ length: 32, secretName: 'cache/auth', encryptionKey: key }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'cache/auth',
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
    });
  });

  test('Authentication.none() with TLS on warns that adding a token later replaces the group', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, authentication: Authentication.none() });
    const template = Template.fromStack(stack);
    expect(rgProps(template).AuthToken).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(cache.authSecret).toBeUndefined();
    expect(warnings(stack)).toEqual([expect.stringContaining('adding one later makes CloudFormation replace the group. '
      + 'Choose the authentication method at creation. [ack: cdk-elasticache:noAuthToken]')]);
  });

  test('a user-group method renders UserGroupIds and no token', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, authentication: new FeatureAuthentication('rbac') });
    const props = rgProps(Template.fromStack(stack));
    expect(props.UserGroupIds).toEqual(['my-users']);
    expect(props.AuthToken).toBeUndefined();
    expect(warnings(stack)).toEqual([]);
  });

  test('backups: retention, windows, restore from a snapshot', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', {
      vpc,
      backupRetention: Duration.days(35),
      snapshotWindow: SnapshotWindow.fromString('03:00-05:00'),
      maintenanceWindow: MaintenanceWindow.of({ startDay: DayOfWeek.SUNDAY, startHour: 6 }),
      restoreFromSnapshot: 'nightly-2026-01-01',
    });
    Template.fromStack(stack).hasResourceProperties(RG, {
      SnapshotRetentionLimit: 35,
      SnapshotWindow: '03:00-05:00',
      PreferredMaintenanceWindow: 'sun:06:00-sun:07:00',
      SnapshotName: 'nightly-2026-01-01',
    });
  });

  test('restore from S3 .rdb files', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, restoreFromS3: ['arn:aws:s3:::my-bucket/backups/cache.rdb'] });
    Template.fromStack(stack).hasResourceProperties(RG, { SnapshotArns: ['arn:aws:s3:::my-bucket/backups/cache.rdb'] });
  });

  test('backupRetention of 0 days turns backups off; a snapshot window is then unused (warning)', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, backupRetention: Duration.days(0), snapshotWindow: SnapshotWindow.fromString('03:00-04:00') });
    Template.fromStack(stack).hasResourceProperties(RG, { SnapshotRetentionLimit: 0 });
    expect(warnings(stack)).toEqual([expect.stringContaining('[ack: cdk-elasticache:snapshotWindowWithoutBackups]')]);
  });

  test('maintenance: autoMinorVersionUpgrade off, notification topic', () => {
    const { stack, vpc } = setup();
    const topic = new sns.Topic(stack, 'Events');
    new ReplicationGroup(stack, 'Cache', { vpc, autoMinorVersionUpgrade: false, notificationTopic: topic });
    Template.fromStack(stack).hasResourceProperties(RG, {
      AutoMinorVersionUpgrade: false,
      NotificationTopicArn: { Ref: Match.stringLikeRegexp('^Events') },
    });
  });

  test.each([
    [RemovalPolicy.RETAIN, 'Retain', 'Retain'],
    [RemovalPolicy.DESTROY, 'Delete', 'Delete'],
    [RemovalPolicy.SNAPSHOT, 'Snapshot', 'Delete'],
  ])('removalPolicy %s: the group %s, its helpers %s', (removalPolicy, group, helpers) => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, removalPolicy, evictionPolicy: EvictionPolicy.ALLKEYS_LFU });
    const template = Template.fromStack(stack);
    template.hasResource(RG, { DeletionPolicy: group, UpdateReplacePolicy: group });
    for (const type of ['AWS::ElastiCache::SubnetGroup', 'AWS::ElastiCache::ParameterGroup', 'AWS::EC2::SecurityGroup',
      'AWS::SecretsManager::Secret']) {
      template.hasResource(type, { DeletionPolicy: helpers });
    }
  });

  test('tags through the Tags API', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    Tags.of(cache).add('team', 'payments');
    Template.fromStack(stack).hasResourceProperties(RG, { Tags: [{ Key: 'team', Value: 'payments' }] });
  });
});

describe('ReplicationGroup generated id', () => {
  function idOf(props: Partial<ReplicationGroupProps>, id = 'Cache'): string {
    const { stack, vpc } = setup(ec2.IpProtocol.DUAL_STACK);
    new ReplicationGroup(stack, id, { vpc, ...props });
    return rgProps(Template.fromStack(stack)).ReplicationGroupId;
  }

  test('the generated id does not depend on the settings: a replacing change fails at deployment instead of renaming', () => {
    // CloudFormation will not replace a resource with a physical name, so a change of a
    // create-only setting stops the deployment instead of silently replacing the cache.
    const base = idOf({});
    expect(idOf({})).toBe(base);
    for (const change of [{ nodeType: NodeType.R7G_LARGE, replicas: 3, backupRetention: Duration.days(7) },
      { engine: ValkeyVersion.VER_7_2 }, { port: 6380 }, { atRestEncryption: false }, { networkType: NetworkType.DUAL_STACK },
      { restoreFromSnapshot: 'x' }, { authentication: Authentication.none() }]) {
      expect(idOf(change)).toBe(base);
    }
  });

  test('long construct ids stay within 40 characters, start with a letter, no double or trailing hyphen', () => {
    for (const id of ['A'.repeat(200), '9Lives', 'Cache--Group']) {
      const name = idOf({}, id);
      expect(name.length).toBeLessThanOrEqual(40);
      expect(name).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
      expect(name).not.toContain('--');
    }
  });
});

describe('ReplicationGroup validation', () => {
  test.each<[string, () => Partial<ReplicationGroupProps>, string]>([
    ['Memcached', () => ({ engine: MemcachedVersion.VER_1_6_22 }),
      "Stack/Cache: Invalid engine: got 'Memcached 1.6.22'. Allowed: a ValkeyVersion or a RedisOssVersion."],
    ['a previous-generation node type', () => ({ nodeType: NodeType.of('cache.m3.medium') }),
      "Invalid nodeType: got 'cache.m3.medium'. Allowed: a current-generation node type"],
    ['replicas above 5', () => ({ replicas: 6 }),
      'Stack/Cache: Invalid replicas: got 6. Allowed: an integer from 0 to 5 (a primary and up to 5 read replicas'],
    ['negative replicas', () => ({ replicas: -1 }), 'Invalid replicas: got -1. Allowed: an integer from 0 to 5'],
    ['fractional replicas', () => ({ replicas: 1.5 }), 'Invalid replicas: got 1.5.'],
    ['automatic failover with no replica', () => ({ replicas: 0, automaticFailover: true }),
      'Invalid automaticFailover: got true. Allowed: false with 0 replicas. Failover promotes a read replica to primary, so it '
      + 'needs at least one (replicas: 1 or more); ElastiCache rejects it on a single node, and a single node with automatic '
      + 'failover blocks every later update of the group.'],
    ['Multi-AZ with no replica', () => ({ replicas: 0, multiAz: true }),
      'Invalid multiAz: got true. Allowed: false with 0 replicas. Multi-AZ keeps a replica in another Availability Zone'],
    ['Multi-AZ without automatic failover', () => ({ automaticFailover: false, multiAz: true }),
      'Invalid multiAz: got true. Allowed: false with automaticFailover: false. Multi-AZ fails over to a replica'],
    ['an AZ list of the wrong length', () => ({ replicas: 2, preferredAvailabilityZones: ['a', 'b'] }),
      "Invalid preferredAvailabilityZones: got ['a', 'b']. Allowed: exactly one Availability Zone per node, the primary's first: "
      + '3 for 2 replicas (got 2).'],
    ['an AUTH token without TLS', () => ({ transitEncryption: false, authentication: Authentication.generatedAuthToken() }),
      "Invalid authentication: got a generated AUTH token. Allowed: Authentication.none() without encryption in transit"],
    ['a given AUTH token without TLS', () => ({ transitEncryption: false,
      authentication: Authentication.authToken(SecretValue.secretsManager('t')) }),
    "Invalid authentication: got an AUTH token. Allowed: Authentication.none() without encryption in transit"],
    ['an AUTH token with forbidden characters', () => ({
      authentication: Authentication.authToken(SecretValue.unsafePlainText('abcdefgh12345678@"% ')) }),
    "Invalid authentication: got an AUTH token with the characters @ \" % space. Allowed: letters, digits and ! & # $ ^ < > -"],
    ['a short AUTH token', () => ({ authentication: Authentication.authToken(SecretValue.unsafePlainText('short')) }),
      "Invalid authentication: got an AUTH token of 5 characters. Allowed: 16 to 128 characters."],
    ['a long AUTH token', () => ({ authentication: Authentication.authToken(SecretValue.unsafePlainText('a'.repeat(129))) }),
      "Invalid authentication: got an AUTH token of 129 characters."],
    ['RBAC on Redis OSS 5.0.6', () => ({ engine: RedisOssVersion.of('5.0.6'), authentication: new FeatureAuthentication('rbac') }),
      "Invalid authentication: got an RBAC user group. Allowed: an AUTH token or none on Redis OSS 5.0.6; RBAC (user groups) "
      + 'needs Valkey 7.2+ or Redis OSS 6.0+.'],
    ['IAM on Redis OSS 6.2', () => ({ engine: RedisOssVersion.VER_6_2, authentication: new FeatureAuthentication('iamAuthentication') }),
      "Invalid authentication: got IAM authentication. Allowed: an AUTH token or none on Redis OSS 6.2; IAM authentication "
      + 'needs Valkey 7.2+ or Redis OSS 7.0+.'],
    ['RBAC without TLS', () => ({ transitEncryption: false, authentication: new FeatureAuthentication('rbac') }),
      "Invalid authentication: got an RBAC user group. Allowed: Authentication.none() without encryption in transit"],
    ['a TLS mode on Redis OSS 6.2', () => ({ engine: RedisOssVersion.VER_6_2, transitEncryptionMode: TransitEncryptionMode.PREFERRED }),
      "Invalid transitEncryptionMode: got 'preferred'. Allowed: no mode on Redis OSS 6.2 (always required there); the mode needs "
      + 'Valkey 7.2+ or Redis OSS 7.0+.'],
    ['a TLS mode with TLS off', () => ({ transitEncryption: false, transitEncryptionMode: TransitEncryptionMode.REQUIRED }),
      "Invalid transitEncryptionMode: got 'required'. Allowed: no mode with transitEncryption: false"],
    ['TLS on a version without it', () => ({ engine: RedisOssVersion.of('3.2.4'), atRestEncryption: false }),
      "Invalid transitEncryption: got true. Allowed: false on Redis OSS 3.2.4; encryption in transit needs"],
    ['encryption at rest on a version without it', () => ({ engine: RedisOssVersion.of('3.2.4'), transitEncryption: false }),
      "Invalid atRestEncryption: got true. Allowed: false on Redis OSS 3.2.4; encryption at rest needs Valkey 7.2+ or Redis OSS 4.0.10+."],
    ['a KMS key with encryption at rest off', () => ({ atRestEncryption: false, kmsKey: kms.Key.fromKeyArn(new Stack(), 'K',
      'arn:aws:kms:eu-west-1:111111111111:key/abc') }),
    "Invalid kmsKey: got a key. Allowed: no kmsKey with atRestEncryption: false"],
    ['backup retention above 35 days', () => ({ backupRetention: Duration.days(36) }),
      "Invalid backupRetention: got '36 days'. Allowed: whole days from 0 to 35 (Duration.days(0) turns automatic backups off)."],
    ['backup retention of half a day', () => ({ backupRetention: Duration.days(0.5) }),
      "Invalid backupRetention: got '12 hours'. Allowed: whole days from 0 to 35 (Duration.days(0) turns automatic backups off)."],
    ['backup retention in hours', () => ({ backupRetention: Duration.hours(36) }),
      "Invalid backupRetention: got '1 day 12 hours'. Allowed: whole days from 0 to 35"],
    ['backups on a node type without them', () => ({ nodeType: NodeType.of('cache.t1.micro'), atRestEncryption: false }),
      "Invalid backupRetention: got '15 days'. Allowed: Duration.days(0) on cache.t1.micro; cache.t1.micro nodes have no backups."],
    ['restore on a node type without backups', () => ({ nodeType: NodeType.of('cache.t1.micro'), atRestEncryption: false,
      backupRetention: Duration.days(0), restoreFromSnapshot: 'nightly' }),
    "Invalid restoreFromSnapshot: got 'nightly'. Allowed: nothing on cache.t1.micro; cache.t1.micro nodes have no restore."],
    ['encryption at rest on a node type without it', () => ({ nodeType: NodeType.of('cache.t1.micro') }),
      'Invalid atRestEncryption: got true. Allowed: false on cache.t1.micro; encryption at rest is not supported on T1, M1, M2 and C1 nodes.'],
    ['Multi-AZ on a node type without it', () => ({ nodeType: NodeType.of('cache.t1.micro'), multiAz: true }),
      'Invalid multiAz: got true. Allowed: false on cache.t1.micro; Multi-AZ is not supported on T1 nodes.'],
    ['TLS on a node type without it', () => ({ nodeType: NodeType.of('cache.m2.xlarge'), atRestEncryption: false }),
      'Invalid transitEncryption: got true. Allowed: false on cache.m2.xlarge; encryption in transit is not supported on M1 and M2 nodes.'],
    ['a snapshot window overlapping the maintenance window', () => ({
      snapshotWindow: SnapshotWindow.fromString('05:00-07:00'), maintenanceWindow: MaintenanceWindow.fromString('tue:06:00-tue:07:00') }),
    "Invalid snapshotWindow: got '05:00-07:00'. Allowed: a window that does not overlap the maintenance window 'tue:06:00-tue:07:00' "
      + 'on any day (ElastiCache rejects overlapping windows).'],
    ['a snapshot window under 60 minutes', () => ({ snapshotWindow: SnapshotWindow.fromString('05:00-05:30') }),
      "Invalid snapshot window: got '05:00-05:30' (30 minutes). Allowed: at least 60 minutes."],
    ['a maintenance window under 60 minutes', () => ({ maintenanceWindow: MaintenanceWindow.fromString('sun:05:00-sun:05:59') }),
      "Invalid maintenance window: got 'sun:05:00-sun:05:59' (59 minutes). Allowed: at least 60 minutes."],
    ['a maintenance window over 24 hours', () => ({ maintenanceWindow: MaintenanceWindow.fromString('sun:05:00-mon:06:00') }),
      "Invalid maintenance window: got 'sun:05:00-mon:06:00' (1500 minutes). Allowed: at most 24 hours (1440 minutes); "
      + 'ElastiCache takes a weekly window of 60 minutes to 24 hours.'],
    ['a Graviton node type on Redis OSS before 5.0.6', () => ({ engine: RedisOssVersion.VER_4_0_10 }),
      "Stack/Cache: Invalid nodeType: got 'cache.t4g.micro'. Allowed: on Redis OSS 4.0.10, a node type that is not Graviton-based "
      + '(t4g needs Redis OSS 5.0.6 or later), or a newer engine version.'],
    ['an r6g node type on Redis OSS 5.0.5', () => ({ engine: RedisOssVersion.of('5.0.5'), nodeType: NodeType.R6G_LARGE }),
      "Invalid nodeType: got 'cache.r6g.large'. Allowed: on Redis OSS 5.0.5, a node type that is not Graviton-based "
      + '(r6g needs Redis OSS 5.0.6 or later)'],
    ['an id starting with a digit', () => ({ replicationGroupId: '1cache' }),
      "Invalid replicationGroupId: got '1cache'. Allowed: 1 to 40 characters, letters, digits and hyphens, starting with a letter, "
      + 'with no two consecutive hyphens and no hyphen at the end.'],
    ['an id with a double hyphen', () => ({ replicationGroupId: 'my--cache' }), "Invalid replicationGroupId: got 'my--cache'."],
    ['an id ending in a hyphen', () => ({ replicationGroupId: 'cache-' }), "Invalid replicationGroupId: got 'cache-'."],
    ['an id over 40 characters', () => ({ replicationGroupId: 'c'.repeat(41) }), 'Allowed: 1 to 40 characters'],
    ['a description over 255 characters', () => ({ description: 'd'.repeat(256) }), 'Invalid description: got'],
    ['a parameter group of another family', () => ({ engine: ValkeyVersion.VER_8_2,
      parameterGroup: ParameterGroup.fromParameterGroupAttributes(new Stack(), 'P', { parameterGroupName: 'old', family: 'redis7' }) }),
    "Invalid parameterGroup: got 'family redis7'. Allowed: a group of family valkey8, the family of Valkey 8.2. A new engine major "
      + 'needs a parameter group of the new family.'],
    ['parameters with an existing parameter group', () => ({ evictionPolicy: EvictionPolicy.ALLKEYS_LRU,
      parameterGroup: ParameterGroup.fromParameterGroupName(new Stack(), 'P', 'x') }),
    'Invalid evictionPolicy: got it together with parameterGroup.'],
    ['data tiering on a node type without it', () => ({ dataTiering: true }),
      "Invalid dataTiering: got true. Allowed: false on cache.t4g.micro; data tiering needs an r6gd node type (NodeType.R6GD_*)."],
    ['r6gd without data tiering', () => ({ nodeType: NodeType.R6GD_XLARGE, dataTiering: false }),
      'Invalid dataTiering: got false. Allowed: true on cache.r6gd.xlarge; r6gd nodes always use data tiering.'],
    ['data tiering on a version without it', () => ({ nodeType: NodeType.R6GD_XLARGE, engine: RedisOssVersion.VER_6_0 }),
      "Invalid engine: got 'Redis OSS 6.0'. Allowed: Valkey 7.2+ or Redis OSS 6.2+ with data tiering (cache.r6gd.xlarge)."],
    ['IPv6 on a version without it', () => ({ engine: RedisOssVersion.VER_6_0, networkType: NetworkType.IPV6 }),
      "Invalid networkType: got 'ipv6'. Allowed: ipv4 on Redis OSS 6.0"],
    ['IPv6 on a Xen node type', () => ({ nodeType: NodeType.T2_MICRO, networkType: NetworkType.DUAL_STACK }),
      "Invalid networkType: got 'dual_stack'. Allowed: ipv4 on cache.t2.micro"],
    ['a port out of range', () => ({ port: 70000 }), 'Invalid port: got 70000. Allowed: an integer from 1 to 65535.'],
    ['restore from a snapshot and S3', () => ({ restoreFromSnapshot: 'nightly', restoreFromS3: ['arn:aws:s3:::b/k.rdb'] }),
      "Invalid restoreFromS3: got ['arn:aws:s3:::b/k.rdb']. Allowed: no S3 files together with restoreFromSnapshot ('nightly'); "
      + 'restore from one source.'],
    ['restore from something that is not an S3 object ARN', () => ({ restoreFromS3: ['s3://bucket/key.rdb'] }),
      "Invalid restoreFromS3: got 's3://bucket/key.rdb'. Allowed: S3 object ARNs of .rdb files"],
    ['restore from an empty S3 list', () => ({ restoreFromS3: [] }), 'Invalid restoreFromS3: got []. Allowed: at least one S3 object ARN'],
    ['restore from a snapshot name with spaces', () => ({ restoreFromSnapshot: 'my backup' }),
      "Invalid restoreFromSnapshot: got 'my backup'. Allowed: the name of an ElastiCache backup"],
    ['no vpc and no subnet group', () => ({ vpc: undefined }), 'Invalid vpc: got nothing.'],
    ['a raw maxmemory-policy the engine does not know', () => ({ parameters: { 'maxmemory-policy': 'allkeys-lfu-ttl' } }),
      "Stack/Cache/ParameterGroup: Invalid parameters['maxmemory-policy']: got 'allkeys-lfu-ttl'. Allowed: a policy Valkey 8.2 knows"],
    ['a FIFO notification topic', () => ({ notificationTopic: new sns.Topic(new Stack(undefined, 'Other'), 'Events', { fifo: true }) }),
      'Stack/Cache: Invalid notificationTopic: got the FIFO topic Other/Events. Allowed: a standard SNS topic; ElastiCache publishes '
      + 'event notifications only to standard topics (a FIFO topic needs a message group id on every message).'],
    ['an imported FIFO notification topic', () => ({ notificationTopic: sns.Topic.fromTopicArn(new Stack(undefined, 'Other'), 'Events',
      'arn:aws:sns:eu-west-1:111111111111:events.fifo') }),
    'Invalid notificationTopic: got the FIFO topic Other/Events. Allowed: a standard SNS topic'],
    ['Multi-AZ with every node in one AZ', () => ({ replicas: 2, preferredAvailabilityZones: ['eu-west-1a', 'eu-west-1a', 'eu-west-1a'] }),
      "Invalid preferredAvailabilityZones: got ['eu-west-1a', 'eu-west-1a', 'eu-west-1a']. Allowed: at least one replica in another "
      + "Availability Zone than the primary's (eu-west-1a) while Multi-AZ is on (the default with a replica); Multi-AZ fails over "
      + 'to a replica in another zone. Or set multiAz: false to keep every node in one zone.'],
    ['Multi-AZ set on with every node in one AZ', () => ({ multiAz: true, preferredAvailabilityZones: ['eu-west-1b', 'eu-west-1b'] }),
      "Invalid preferredAvailabilityZones: got ['eu-west-1b', 'eu-west-1b']. Allowed: at least one replica in another Availability "
      + "Zone than the primary's (eu-west-1b) while Multi-AZ is on; Multi-AZ fails over"],
  ])('rejects %s', (_, bad, message) => {
    const { stack, vpc } = setup();
    let error: unknown;
    try {
      new ReplicationGroup(stack, 'Cache', { vpc, ...bad() } as ReplicationGroupProps);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheValidationError);
    expect((error as Error).message).toContain(message);
  });

  // Checked at synthesis (a subnet may get its IPv6 block after the cache is created): the synthesis fails.
  test.each<[string, ec2.IpProtocol | undefined, NetworkType, string]>([
    ['dual stack on subnets without IPv6', undefined, NetworkType.DUAL_STACK,
      "Stack/Cache: Invalid networkType: got 'dual_stack'. Allowed: dual-stack subnets (IPv4 and IPv6 CIDR blocks) for "
      + 'NetworkType.DUAL_STACK; Stack/Vpc/IsolatedSubnet1 is a subnet without an IPv6 CIDR block. Give the VPC IPv6 (ec2.Vpc with '
      + 'ipProtocol: ec2.IpProtocol.DUAL_STACK) or choose other subnets, or use NetworkType.IPV4.'],
    ['IPv6 on subnets without IPv6', undefined, NetworkType.IPV6,
      "Stack/Cache: Invalid networkType: got 'ipv6'. Allowed: IPv6-only subnets (ipv6Native) for NetworkType.IPV6; "
      + 'Stack/Vpc/IsolatedSubnet1 is a subnet without an IPv6 CIDR block.'],
    ['IPv6 on dual-stack subnets', ec2.IpProtocol.DUAL_STACK, NetworkType.IPV6,
      "Stack/Cache: Invalid networkType: got 'ipv6'. Allowed: IPv6-only subnets (ipv6Native) for NetworkType.IPV6; "
      + 'Stack/Vpc/IsolatedSubnet1 is a dual-stack subnet.'],
  ])('refuses at synthesis %s', (_, ipProtocol, networkType, message) => {
    const { stack, vpc } = setup(ipProtocol);
    new ReplicationGroup(stack, 'Cache', { vpc, networkType });
    expect(() => Template.fromStack(stack)).toThrow(message);
  });

  test('dual stack passes on dual-stack subnets, on a subnet given IPv6 after the cache, and where the subnets are unknown', () => {
    const dual = setup(ec2.IpProtocol.DUAL_STACK);
    new ReplicationGroup(dual.stack, 'Cache', { vpc: dual.vpc, networkType: NetworkType.DUAL_STACK });
    expect(() => Template.fromStack(dual.stack)).not.toThrow();

    const later = setup();
    new ReplicationGroup(later.stack, 'Cache', { vpc: later.vpc, networkType: NetworkType.DUAL_STACK });
    later.vpc.isolatedSubnets.forEach((subnet, i) => {
      (subnet.node.defaultChild as ec2.CfnSubnet).ipv6CidrBlock = `2001:db8:0:${i}::/64`;
    });
    expect(() => Template.fromStack(later.stack)).not.toThrow();

    const stack = new Stack(new App(), 'Imported');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'],
      isolatedSubnetIds: ['subnet-1'] });
    new ReplicationGroup(stack, 'Cache', { vpc, networkType: NetworkType.IPV6 });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('every node in one AZ passes with Multi-AZ off', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, multiAz: false, preferredAvailabilityZones: ['eu-west-1a', 'eu-west-1a'] });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      MultiAZEnabled: false, PreferredCacheClusterAZs: ['eu-west-1a', 'eu-west-1a'],
    });
  });

  test('a negative backupRetention never reaches the group: aws-cdk-lib refuses the Duration itself, naming the amount', () => {
    // Duration.days(-1) throws in aws-cdk-lib before any prop is read, so this library's rule cannot run;
    // the message still says what is wrong (docs/validation.md, Backups).
    expect(() => Duration.days(-1)).toThrow('Duration amounts cannot be negative. Received: -1');
    expect(() => Duration.days(3).minus(Duration.days(5))).toThrow('Duration amounts cannot be negative. Received: -2');
  });

  test('a replicas token is rejected: the node count must be known', () => {
    const { stack, vpc } = setup();
    const replicas = new CfnParameter(stack, 'Replicas', { type: 'Number' }).valueAsNumber;
    expect(() => new ReplicationGroup(stack, 'Cache', { vpc, replicas })).toThrow(
      'Stack/Cache: Invalid replicas: got a token. Allowed: a literal integer from 0 to 5');
  });

  test('generatedAuthToken length out of range', () => {
    expect(() => Authentication.generatedAuthToken({ length: 8 })).toThrow(
      'Invalid generatedAuthToken length: got 8. Allowed: an integer from 16 to 128.');
  });
});

describe('ReplicationGroup tokens', () => {
  test('tokens pass validation unchanged', () => {
    const { stack, vpc } = setup();
    const text = (name: string) => new CfnParameter(stack, name, { type: 'String' }).valueAsString;
    new ReplicationGroup(stack, 'Cache', {
      vpc,
      replicationGroupId: text('Id'),
      description: text('Description'),
      port: new CfnParameter(stack, 'Port', { type: 'Number' }).valueAsNumber,
      preferredAvailabilityZones: new CfnParameter(stack, 'Zones', { type: 'CommaDelimitedList' }).valueAsList,
      restoreFromSnapshot: text('Snapshot'),
      snapshotWindow: SnapshotWindow.fromString(text('SnapshotWindow')),
      maintenanceWindow: MaintenanceWindow.fromString(text('MaintenanceWindow')),
      authentication: Authentication.authToken(SecretValue.cfnParameter(new CfnParameter(stack, 'Token', { type: 'String', noEcho: true }))),
    });
    Template.fromStack(stack).hasResourceProperties(RG, {
      ReplicationGroupId: { Ref: 'Id' },
      ReplicationGroupDescription: { Ref: 'Description' },
      Port: { Ref: 'Port' },
      PreferredCacheClusterAZs: { Ref: 'Zones' },
      SnapshotName: { Ref: 'Snapshot' },
      SnapshotWindow: { Ref: 'SnapshotWindow' },
      PreferredMaintenanceWindow: { Ref: 'MaintenanceWindow' },
      AuthToken: { Ref: 'Token' },
    });
  });
});

describe('ReplicationGroup.fromReplicationGroupAttributes', () => {
  test('every attribute', () => {
    const { stack } = setup();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345');
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'cache-token');
    const cache = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Cache', {
      replicationGroupId: 'orders',
      primaryEndpointAddress: 'master.orders.abc.euw1.cache.amazonaws.com',
      readerEndpointAddress: 'replica.orders.abc.euw1.cache.amazonaws.com',
      port: 6379,
      securityGroups: [sg],
      authSecret: secret,
      nodes: 3,
    });
    expect(cache.replicationGroupId).toBe('orders');
    expect(cache.replicationGroupRef.replicationGroupId).toBe('orders');
    expect(stack.resolve(cache.replicationGroupArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' },
      ':elasticache:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':replicationgroup:orders']] });
    expect(cache.primaryEndpoint.socketAddress).toBe('master.orders.abc.euw1.cache.amazonaws.com:6379');
    expect(cache.readerEndpoint.hostname).toBe('replica.orders.abc.euw1.cache.amazonaws.com');
    expect(cache.memberClusterIds).toEqual(['orders-001', 'orders-002', 'orders-003']);
    expect(cache.nodeCount).toBe(3);
    expect(cache.authSecret).toBe(secret);
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc: new ec2.Vpc(stack, 'Vpc2', { maxAzs: 1, natGateways: 0 }) });
    cache.connections.allowDefaultPortFrom(client);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-12345', FromPort: 6379, ToPort: 6379 });
  });

  test('getters of attributes not given throw', () => {
    const { stack } = setup();
    const cache = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Cache', { replicationGroupId: 'orders', primaryEndpointAddress: 'h' });
    expect(() => cache.primaryEndpoint).toThrow('Stack/Cache: Cannot read primaryEndpoint of an imported replication group '
      + 'without port: give it in fromReplicationGroupAttributes().');
    expect(() => cache.readerEndpoint).toThrow('Cannot read readerEndpoint of an imported replication group without readerEndpointAddress');
    expect(() => cache.memberClusterIds).toThrow('Cannot read nodeCount or memberClusterIds of an imported replication group without nodes');
    expect(() => cache.nodeCount).toThrow(CacheValidationError);
    expect(cache.authSecret).toBeUndefined();
    expect(cache.connections.defaultPort).toBeUndefined();
  });
});

describe('ReplicationGroup across stacks', () => {
  test('the VPC in one stack, the cache and its client in another', () => {
    const app = new App();
    const network = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const cacheStack = new Stack(app, 'Cache');
    const cache = new ReplicationGroup(cacheStack, 'Cache', { vpc });
    const client = new ec2.SecurityGroup(cacheStack, 'Client', { vpc });
    cache.connections.allowDefaultPortFrom(client);
    const assembly = app.synth();
    const template = Template.fromJSON(assembly.getStackByName('Cache').template);
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: [{ 'Fn::ImportValue': Match.stringLikeRegexp('Network') }, { 'Fn::ImportValue': Match.stringLikeRegexp('Network') }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: { 'Fn::ImportValue': Match.stringLikeRegexp('Network') } });
    template.resourceCountIs(RG, 1);
  });
});

describe('ReplicationGroup Availability Zones and the subnet group', () => {
  function knownAzs() {
    const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    return { stack, vpc };
  }

  test('rejects a preferred AZ that holds no subnet of the group', () => {
    const { stack, vpc } = knownAzs();
    expect(() => new ReplicationGroup(stack, 'Cache', {
      vpc, vpcSubnets: { availabilityZones: ['us-east-1a', 'us-east-1b'] }, preferredAvailabilityZones: ['us-east-1a', 'us-east-1c'],
    })).toThrow("Stack/Cache: Invalid preferredAvailabilityZones: got ['us-east-1c']. Allowed: the Availability Zones of the subnet "
      + "group's subnets, us-east-1a, us-east-1b.");
  });

  test('accepts the primary and replica in AZs of the group, and renders them in order', () => {
    const { stack, vpc } = knownAzs();
    new ReplicationGroup(stack, 'Cache', { vpc, replicas: 2, preferredAvailabilityZones: ['us-east-1b', 'us-east-1a', 'us-east-1c'] });
    Template.fromStack(stack).hasResourceProperties(RG, { PreferredCacheClusterAZs: ['us-east-1b', 'us-east-1a', 'us-east-1c'] });
  });

  test('is skipped when the AZs are unknown at synth time (environment-agnostic stack)', () => {
    const { stack, vpc } = setup();
    expect(() => new ReplicationGroup(stack, 'Cache', { vpc, preferredAvailabilityZones: ['eu-west-1a', 'eu-west-1b'] })).not.toThrow();
  });
});
