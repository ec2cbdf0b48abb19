import { App, CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnCacheCluster } from 'aws-cdk-lib/aws-elasticache';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AzMode, DayOfWeek, IpDiscovery, MaintenanceWindow, MemcachedCluster, MemcachedClusterProps, MemcachedVersion, NetworkType,
  NodeType, ParameterGroup, RedisOssVersion, SubnetGroup, ValkeyVersion,
} from '../lib';

const CLUSTER = 'AWS::ElastiCache::CacheCluster';

function setup(env?: { account: string; region: string }, ipProtocol?: ec2.IpProtocol) {
  const stack = new Stack(new App(), 'Stack', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    ipProtocol,
    ...(env ? { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] } : { maxAzs: 2 }),
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return { stack, vpc };
}

function cfnOf(cluster: MemcachedCluster): CfnCacheCluster {
  return cluster.node.defaultChild as CfnCacheCluster;
}

describe('MemcachedCluster', () => {
  test('defaults: Memcached 1.6.22, 2 cache.t4g.micro nodes cross-AZ, TLS, port 11211, DESTROY', () => {
    const { stack, vpc } = setup();
    const cluster = new MemcachedCluster(stack, 'Cache', { vpc });
    const template = Template.fromStack(stack);
    template.hasResource(CLUSTER, {
      Properties: {
        Engine: 'memcached',
        EngineVersion: '1.6.22',
        CacheNodeType: 'cache.t4g.micro',
        NumCacheNodes: 2,
        AZMode: 'cross-az',
        Port: 11211,
        TransitEncryptionEnabled: true,
        AutoMinorVersionUpgrade: true,
        ClusterName: Match.stringLikeRegexp('^stack-cache-[a-z0-9]+$'),
        CacheSubnetGroupName: { Ref: Match.stringLikeRegexp('^CacheSubnetGroup') },
        VpcSecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] }],
        PreferredAvailabilityZones: Match.absent(),
        CacheParameterGroupName: Match.absent(),
        PreferredMaintenanceWindow: Match.absent(),
        NotificationTopicArn: Match.absent(),
        NetworkType: Match.absent(),
        IpDiscovery: Match.absent(),
      },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    template.resourceCountIs(CLUSTER, 1);
    template.resourceCountIs('AWS::ElastiCache::ParameterGroup', 0);
    // A new subnet group over the private subnets, a security group closed both ways.
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcIsolatedSubnet1') }, { Ref: Match.stringLikeRegexp('VpcIsolatedSubnet2') }],
      Description: 'Subnets of the ElastiCache Memcached cluster Stack/Cache',
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'ElastiCache Memcached cluster Stack/Cache',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
      SecurityGroupIngress: Match.absent(),
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(cluster.engine).toBe(MemcachedVersion.VER_1_6_22);
    expect(cluster.nodeType).toBe(NodeType.T4G_MICRO);
    expect(cluster.transitEncryption).toBe(true);
    expect(cluster.azMode).toBe(AzMode.CROSS_AZ);
    expect(cluster.parameterGroup).toBeUndefined();
    expect(cluster.subnetGroup).toBeInstanceOf(SubnetGroup);
  });

  test('generated names are lowercase, start with a letter and stay within 50 characters', () => {
    const { stack, vpc } = setup();
    new MemcachedCluster(stack, 'A'.repeat(80), { vpc });
    new MemcachedCluster(stack, '9Lives', { vpc });
    const names = Object.values(Template.fromStack(stack).findResources(CLUSTER)).map(r => r.Properties.ClusterName as string);
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(50);
      expect(name).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
    }
  });

  test('attributes: name, ARN, configuration endpoint, node ids, connections on the literal port', () => {
    const { stack, vpc } = setup();
    const cluster = new MemcachedCluster(stack, 'Cache', { vpc, nodes: 3 });
    const logicalId = stack.getLogicalId(cfnOf(cluster));
    expect(logicalId).toMatch(/^Cache[0-9A-F]{8}$/);
    expect(stack.resolve(cluster.clusterName)).toEqual({ Ref: logicalId });
    expect(stack.resolve(cluster.cacheClusterRef.clusterName)).toEqual({ Ref: logicalId });
    expect(stack.resolve(cluster.clusterArn)).toEqual({ 'Fn::Join': ['', [
      'arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
      ':cluster:', { Ref: logicalId }]] });
    expect(stack.resolve(cluster.configurationEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [logicalId, 'ConfigurationEndpoint.Address'] });
    expect(stack.resolve(cluster.configurationEndpoint.port)).toEqual({ 'Fn::GetAtt': [logicalId, 'ConfigurationEndpoint.Port'] });
    expect(stack.resolve(cluster.configurationEndpoint.portAsString)).toEqual({ 'Fn::GetAtt': [logicalId, 'ConfigurationEndpoint.Port'] });
    expect(stack.resolve(cluster.configurationEndpoint.socketAddress)).toEqual({ 'Fn::Join': ['', [
      { 'Fn::GetAtt': [logicalId, 'ConfigurationEndpoint.Address'] }, ':', { 'Fn::GetAtt': [logicalId, 'ConfigurationEndpoint.Port'] }]] });
    expect(cluster.nodeCount).toBe(3);
    expect(cluster.nodeIds).toEqual(['0001', '0002', '0003']);

    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    cluster.connections.allowDefaultPortFrom(client);
    // The literal port the template sets, not the endpoint attribute (policy packs can read the rule).
    expect(cluster.connections.defaultPort?.toRuleJson()).toEqual({ ipProtocol: 'tcp', fromPort: 11211, toPort: 11211 });
    // Its string form (and so the rules' logical ids) stays the one of 0.1: a renamed rule is revoked by the cleanup.
    expect(cluster.connections.defaultPort?.toString()).toBe('{IndirectPort}');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 11211,
      ToPort: 11211,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Client'), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] },
    });
  });

  test('dual stack on subnets without IPv6 is refused at synthesis', () => {
    const { stack, vpc } = setup();
    new MemcachedCluster(stack, 'Cache', { vpc, networkType: NetworkType.DUAL_STACK });
    expect(() => Template.fromStack(stack)).toThrow("Stack/Cache: Invalid networkType: got 'dual_stack'. Allowed: dual-stack "
      + 'subnets (IPv4 and IPv6 CIDR blocks) for NetworkType.DUAL_STACK; Stack/Vpc/IsolatedSubnet1 is a subnet without an IPv6 CIDR block.');
  });

  test('every prop reaches the template', () => {
    const { stack, vpc } = setup({ account: '123456789012', region: 'us-east-1' }, ec2.IpProtocol.DUAL_STACK);
    const topic = new sns.Topic(stack, 'Events');
    const cluster = new MemcachedCluster(stack, 'Cache', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      clusterName: 'Orders-Cache',
      engine: MemcachedVersion.VER_1_6_17,
      nodeType: NodeType.R7G_LARGE,
      nodes: 3,
      port: 11311,
      azMode: AzMode.CROSS_AZ,
      preferredAvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1a'],
      networkType: NetworkType.DUAL_STACK,
      ipDiscovery: IpDiscovery.IPV4,
      parameters: { max_item_size: '10485760' },
      maintenanceWindow: MaintenanceWindow.of({ startDay: DayOfWeek.SUNDAY, startHour: 3, duration: Duration.minutes(90) }),
      autoMinorVersionUpgrade: false,
      notificationTopic: topic,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const template = Template.fromStack(stack);
    template.hasResource(CLUSTER, {
      Properties: {
        ClusterName: 'orders-cache',
        Engine: 'memcached',
        EngineVersion: '1.6.17',
        CacheNodeType: 'cache.r7g.large',
        NumCacheNodes: 3,
        Port: 11311,
        AZMode: 'cross-az',
        PreferredAvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1a'],
        NetworkType: 'dual_stack',
        IpDiscovery: 'ipv4',
        CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^CacheParameterGroup') },
        PreferredMaintenanceWindow: 'sun:03:00-sun:04:30',
        AutoMinorVersionUpgrade: false,
        NotificationTopicArn: { Ref: Match.stringLikeRegexp('^Events') },
        TransitEncryptionEnabled: true,
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcPublicSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPublicSubnet2') },
        { Ref: Match.stringLikeRegexp('VpcPublicSubnet3') }],
    });
    // A retained cluster keeps its helpers: deleting groups still in use would fail.
    template.hasResource('AWS::ElastiCache::SubnetGroup', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::ElastiCache::ParameterGroup', {
      Properties: { CacheParameterGroupFamily: 'memcached1.6', Properties: { max_item_size: '10485760' } },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: 'ElastiCache Memcached cluster Stack/Cache' },
      DeletionPolicy: 'Retain',
    });
    expect(cluster.parameterGroup).toBeInstanceOf(ParameterGroup);
    expect(stack.resolve(cluster.connections.defaultPort!.toRuleJson())).toMatchObject({ ipProtocol: 'tcp' });
  });

  test('an existing subnet group, security groups and parameter group are used as given', () => {
    const { stack, vpc } = setup();
    const subnetGroup = SubnetGroup.fromSubnetGroupName(stack, 'Subnets', 'shared-cache-subnets');
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345');
    const parameterGroup = ParameterGroup.fromParameterGroupAttributes(stack, 'Params', {
      parameterGroupName: 'shared-memcached', family: 'memcached1.6',
    });
    const cluster = new MemcachedCluster(stack, 'Cache', { subnetGroup, securityGroups: [sg], parameterGroup });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(CLUSTER, {
      CacheSubnetGroupName: 'shared-cache-subnets',
      VpcSecurityGroupIds: ['sg-12345'],
      CacheParameterGroupName: 'shared-memcached',
    });
    template.resourceCountIs('AWS::ElastiCache::SubnetGroup', 0);
    template.resourceCountIs('AWS::ElastiCache::ParameterGroup', 0);
    expect(cluster.connections.securityGroups).toEqual([sg]);
    expect(cluster.parameterGroup).toBe(parameterGroup);
    void vpc;
  });

  test('one node: single AZ by default, with a warning', () => {
    const { stack, vpc } = setup();
    const cluster = new MemcachedCluster(stack, 'Cache', { vpc, nodes: 1 });
    Template.fromStack(stack).hasResourceProperties(CLUSTER, { NumCacheNodes: 1, AZMode: 'single-az' });
    expect(cluster.azMode).toBe(AzMode.SINGLE_AZ);
    Annotations.fromStack(stack).hasWarning('/Stack/Cache', Match.stringLikeRegexp('one node has no sharding.*\\[ack: cdk-elasticache:memcachedSingleNode\\]'));
  });

  test('an AZ list naming one AZ only defaults to single AZ; explicit SINGLE_AZ with several nodes is kept', () => {
    const { stack, vpc } = setup();
    new MemcachedCluster(stack, 'Same', { vpc, nodes: 2, preferredAvailabilityZones: ['us-east-1a', 'us-east-1a'] });
    new MemcachedCluster(stack, 'Single', { vpc, nodes: 3, azMode: AzMode.SINGLE_AZ });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(CLUSTER, { ClusterName: Match.stringLikeRegexp('same'), AZMode: 'single-az' });
    template.hasResourceProperties(CLUSTER, { ClusterName: Match.stringLikeRegexp('single'), AZMode: 'single-az', NumCacheNodes: 3 });
  });

  test.each([
    [MemcachedVersion.VER_1_6_12, true],
    [MemcachedVersion.VER_1_6_6, undefined],
    [MemcachedVersion.VER_1_5_16, undefined],
  ])('transit encryption by default on %s: %p', (engine, expected) => {
    const { stack, vpc } = setup();
    const cluster = new MemcachedCluster(stack, 'Cache', { vpc, engine });
    Template.fromStack(stack).hasResourceProperties(CLUSTER, {
      EngineVersion: engine.version,
      TransitEncryptionEnabled: expected ?? Match.absent(),
    });
    expect(cluster.transitEncryption).toBe(expected ?? false);
  });

  test('transit encryption can be turned off explicitly, with a warning', () => {
    const { stack, vpc } = setup();
    const cluster = new MemcachedCluster(stack, 'Cache', { vpc, transitEncryption: false });
    Template.fromStack(stack).hasResourceProperties(CLUSTER, { TransitEncryptionEnabled: false });
    expect(cluster.transitEncryption).toBe(false);
    Annotations.fromStack(stack).hasWarning('/Stack/Cache',
      Match.stringLikeRegexp('plaintext.*\\[ack: cdk-elasticache:transitEncryptionDisabled\\]'));
  });

  test('an older engine on an Intel node type, and a Graviton node type on 1.5.16', () => {
    const { stack, vpc } = setup();
    new MemcachedCluster(stack, 'Old', { vpc, engine: MemcachedVersion.VER_1_4_34, nodeType: NodeType.T3_MICRO });
    new MemcachedCluster(stack, 'Graviton', { vpc, engine: MemcachedVersion.VER_1_5_16, nodeType: NodeType.M6G_LARGE });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(CLUSTER, { EngineVersion: '1.4.34', CacheNodeType: 'cache.t3.micro' });
    template.hasResourceProperties(CLUSTER, { EngineVersion: '1.5.16', CacheNodeType: 'cache.m6g.large' });
  });

  test('tokens pass validation', () => {
    const { stack, vpc } = setup();
    const nodes = new CfnParameter(stack, 'Nodes', { type: 'Number' }).valueAsNumber;
    const port = new CfnParameter(stack, 'Port', { type: 'Number' }).valueAsNumber;
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const zones = new CfnParameter(stack, 'Zones', { type: 'CommaDelimitedList' }).valueAsList;
    const cluster = new MemcachedCluster(stack, 'Cache', { vpc, nodes, port, clusterName: name, preferredAvailabilityZones: zones });
    Template.fromStack(stack).hasResourceProperties(CLUSTER, {
      NumCacheNodes: { Ref: 'Nodes' },
      Port: { Ref: 'Port' },
      ClusterName: { Ref: 'Name' },
      PreferredAvailabilityZones: { Ref: 'Zones' },
      AZMode: Match.absent(),
    });
    expect(cluster.azMode).toBeUndefined();
    expect(() => cluster.nodeIds).toThrow('Cannot list the node ids: nodes is a token. Allowed: a literal node count.');
  });

  test('a token node count with an explicit AZ mode', () => {
    const { stack, vpc } = setup();
    const nodes = Token.asNumber({ Ref: 'Nodes' });
    new MemcachedCluster(stack, 'Cache', { vpc, nodes, azMode: AzMode.CROSS_AZ });
    Template.fromStack(stack).hasResourceProperties(CLUSTER, { AZMode: 'cross-az' });
  });

  const invalidCases: Array<[string, (vpc: ec2.IVpc) => MemcachedClusterProps, string]> = [
    ['0 nodes', vpc => ({ vpc, nodes: 0 }),
      'Stack/Cache: Invalid nodes: got 0. Allowed: an integer from 1 to 40 (more needs an ElastiCache quota increase).'],
    ['41 nodes', vpc => ({ vpc, nodes: 41 }), 'Invalid nodes: got 41. Allowed: an integer from 1 to 40'],
    ['2.5 nodes', vpc => ({ vpc, nodes: 2.5 }), 'Invalid nodes: got 2.5.'],
    ['an AZ list shorter than the nodes', vpc => ({ vpc, nodes: 3, preferredAvailabilityZones: ['us-east-1a', 'us-east-1b'] }),
      "Invalid preferredAvailabilityZones: got ['us-east-1a', 'us-east-1b']. Allowed: exactly one Availability Zone per node, 3 (got 2)"],
    ['an AZ list longer than the default 2 nodes', vpc => ({ vpc, preferredAvailabilityZones: ['a', 'b', 'c'] }),
      'Allowed: exactly one Availability Zone per node, 2 (got 3)'],
    ['cross-AZ with one node', vpc => ({ vpc, nodes: 1, azMode: AzMode.CROSS_AZ }),
      "Invalid azMode: got 'cross-az'. Allowed: AzMode.SINGLE_AZ with one node; AzMode.CROSS_AZ needs 2 or more nodes."],
    ['single AZ with several AZs listed', vpc => ({ vpc, azMode: AzMode.SINGLE_AZ, preferredAvailabilityZones: ['us-east-1a', 'us-east-1b'] }),
      "Invalid azMode: got 'single-az'. Allowed: AzMode.CROSS_AZ, since preferredAvailabilityZones names 2 different Availability Zones"],
    ['TLS on 1.6.6', vpc => ({ vpc, engine: MemcachedVersion.VER_1_6_6, transitEncryption: true }),
      'Invalid transitEncryption: got true. Allowed: false on Memcached 1.6.6; encryption in transit needs Memcached 1.6.12 or later.'],
    ['TLS on 1.5.16', vpc => ({ vpc, engine: MemcachedVersion.VER_1_5_16, transitEncryption: true }),
      'encryption in transit needs Memcached 1.6.12 or later'],
    ['TLS on an M2 node', vpc => ({ vpc, nodeType: NodeType.of('cache.m2.xlarge'), transitEncryption: true }),
      "Invalid transitEncryption: got true. Allowed: false on cache.m2.xlarge; encryption in transit is not supported on M1 and M2 nodes."],
    ['IPv6 on 1.5.16', vpc => ({ vpc, engine: MemcachedVersion.VER_1_5_16, networkType: NetworkType.IPV6 }),
      "Invalid networkType: got 'ipv6'. Allowed: ipv4 on Memcached 1.5.16; IPv6 and dual stack need"],
    ['dual stack on a Xen node type', vpc => ({ vpc, nodeType: NodeType.T2_MICRO, networkType: NetworkType.DUAL_STACK }),
      "Invalid networkType: got 'dual_stack'. Allowed: ipv4 on cache.t2.micro"],
    ['IPv6 discovery on IPv4', vpc => ({ vpc, ipDiscovery: IpDiscovery.IPV6 }),
      "Invalid ipDiscovery: got 'ipv6'. Allowed: ipv6 discovery only with networkType IPV6 or DUAL_STACK."],
    ['a Graviton node type on 1.5.10', vpc => ({ vpc, engine: MemcachedVersion.VER_1_5_10 }),
      "Invalid nodeType: got 'cache.t4g.micro'. Allowed: on Memcached 1.5.10, a node type that is not Graviton-based (t4g needs Memcached 1.5.16 or later)"],
    ['a parameter group of another family', vpc => ({ vpc, parameterGroup: ParameterGroup.fromParameterGroupAttributes(
      Stack.of(vpc), 'Params', { parameterGroupName: 'old', family: 'memcached1.5' }) }),
    "Invalid parameterGroup: got 'family memcached1.5'. Allowed: a group of family memcached1.6, the family of Memcached 1.6.22."],
    ['a Valkey parameter group', vpc => ({ vpc, parameterGroup: new ParameterGroup(Stack.of(vpc), 'Params', { engine: ValkeyVersion.VER_8_2 }) }),
      "Invalid parameterGroup: got 'family valkey8'. Allowed: a group of family memcached1.6"],
    ['parameters with a parameter group', vpc => ({ vpc, parameters: { max_item_size: '1048576' },
      parameterGroup: ParameterGroup.fromParameterGroupName(Stack.of(vpc), 'Params', 'p') }),
    'Invalid parameters: got it together with parameterGroup.'],
    ['a FIFO notification topic', vpc => ({ vpc, notificationTopic: new sns.Topic(Stack.of(vpc), 'Events', { fifo: true }) }),
      'Stack/Cache: Invalid notificationTopic: got the FIFO topic Stack/Events. Allowed: a standard SNS topic; ElastiCache publishes '
      + 'event notifications only to standard topics (a FIFO topic needs a message group id on every message).'],
    ['a Graviton node type on 1.4.34', vpc => ({ vpc, engine: MemcachedVersion.VER_1_4_34, nodeType: NodeType.R6G_LARGE }),
      "Invalid nodeType: got 'cache.r6g.large'. Allowed: on Memcached 1.4.34, a node type that is not Graviton-based (r6g needs "
      + 'Memcached 1.5.16 or later), or a newer engine version.'],
    ['SNAPSHOT removal policy', vpc => ({ vpc, removalPolicy: RemovalPolicy.SNAPSHOT }),
      "Stack/Cache: Invalid removalPolicy: got 'snapshot'. Allowed: RemovalPolicy.DESTROY or RemovalPolicy.RETAIN. Memcached has no snapshots"],
    ['a Valkey engine', vpc => ({ vpc, engine: ValkeyVersion.VER_8_2 as unknown as MemcachedVersion }),
      "Stack/Cache: Invalid engine: got 'Valkey 8.2'. Allowed: a MemcachedVersion. For Valkey or Redis OSS (replication, persistence, backups, authentication) use ReplicationGroup."],
    ['a Redis OSS engine', vpc => ({ vpc, engine: RedisOssVersion.VER_7_1 as unknown as MemcachedVersion }),
      "Invalid engine: got 'Redis OSS 7.1'. Allowed: a MemcachedVersion. For Valkey or Redis OSS"],
    ['an uppercase-only invalid name', vpc => ({ vpc, clusterName: 'Orders_Cache' }),
      "Invalid clusterName: got 'Orders_Cache'. Allowed: 1 to 50 characters, letters, digits and hyphens, starting with a letter"],
    ['a name starting with a digit', vpc => ({ vpc, clusterName: '1cache' }), "Invalid clusterName: got '1cache'."],
    ['a name with two hyphens', vpc => ({ vpc, clusterName: 'my--cache' }), "Invalid clusterName: got 'my--cache'."],
    ['a name ending with a hyphen', vpc => ({ vpc, clusterName: 'cache-' }), "Invalid clusterName: got 'cache-'."],
    ['a name of 51 characters', vpc => ({ vpc, clusterName: 'c'.repeat(51) }), 'Allowed: 1 to 50 characters'],
    ['an empty name', vpc => ({ vpc, clusterName: '' }), "Invalid clusterName: got ''."],
    ['port 0', vpc => ({ vpc, port: 0 }), 'Invalid port: got 0. Allowed: an integer from 1 to 65535.'],
    ['no vpc and no subnet group', () => ({}), 'Invalid vpc: got nothing. Allowed: a vpc (the Memcached cluster creates a subnet group'],
    ['vpcSubnets with a subnet group', vpc => ({ vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      subnetGroup: SubnetGroup.fromSubnetGroupName(Stack.of(vpc), 'Subnets', 'x') }),
    'Invalid vpcSubnets: got a selection together with subnetGroup.'],
  ];

  test.each(invalidCases)('rejects %s', (_name, props, message) => {
    const { stack, vpc } = setup();
    expect(() => new MemcachedCluster(stack, 'Cache', props(vpc))).toThrow(message);
  });

  test('rejects a preferred AZ outside the subnet group', () => {
    const { stack, vpc } = setup({ account: '123456789012', region: 'us-east-1' });
    expect(() => new MemcachedCluster(stack, 'Cache', {
      vpc, vpcSubnets: { availabilityZones: ['us-east-1a', 'us-east-1b'] }, preferredAvailabilityZones: ['us-east-1a', 'us-east-1c'],
    })).toThrow("Invalid preferredAvailabilityZones: got ['us-east-1c']. Allowed: the Availability Zones of the subnet group's subnets, us-east-1a, us-east-1b.");
  });

  test('RETAIN_ON_UPDATE_OR_DELETE is allowed', () => {
    const { stack, vpc } = setup();
    new MemcachedCluster(stack, 'Cache', { vpc, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    Template.fromStack(stack).hasResource(CLUSTER, { DeletionPolicy: 'RetainExceptOnCreate' });
  });

  test('props only a replication group has do not exist (checked by tsc)', () => {
    const { stack, vpc } = setup();
    const typeErrors: MemcachedClusterProps[] = [
      // @ts-expect-error Memcached has no replicas
      { vpc, replicas: 1 },
      // @ts-expect-error Memcached has no automatic failover
      { vpc, automaticFailover: true },
      // @ts-expect-error Memcached has no Multi-AZ failover
      { vpc, multiAz: true },
      // @ts-expect-error Memcached has no backups
      { vpc, backupRetention: Duration.days(1) },
      // @ts-expect-error Memcached has no snapshot window
      { vpc, snapshotWindow: undefined },
      // @ts-expect-error Memcached has no AUTH
      { vpc, authToken: undefined },
      // @ts-expect-error node-based Memcached has no encryption at rest
      { vpc, atRestEncryption: true },
      // @ts-expect-error Memcached has no eviction policy parameter
      { vpc, evictionPolicy: undefined },
    ];
    expect(typeErrors).toHaveLength(8);
    void stack;
  });

  test('the whole template of a 3-node cross-AZ cluster', () => {
    const { stack, vpc } = setup();
    const cluster = new MemcachedCluster(stack, 'Sessions', { vpc, nodes: 3 });
    const client = new ec2.SecurityGroup(stack, 'App', { vpc, allowAllOutbound: false });
    cluster.connections.allowDefaultPortFrom(client);
    const template = Template.fromStack(stack);
    template.hasResourceProperties(CLUSTER, { NumCacheNodes: 3, AZMode: 'cross-az', TransitEncryptionEnabled: true });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('MemcachedCluster.fromMemcachedClusterAttributes', () => {
  test('with every attribute', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345');
    const cluster = MemcachedCluster.fromMemcachedClusterAttributes(stack, 'Imported', {
      clusterName: 'orders-cache',
      configurationEndpointAddress: 'orders-cache.abc123.cfg.euw1.cache.amazonaws.com',
      port: 11211,
      securityGroups: [sg],
      nodes: 2,
    });
    expect(cluster.clusterName).toBe('orders-cache');
    expect(stack.resolve(cluster.clusterArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:eu-west-1:123456789012:cluster:orders-cache']] });
    expect(cluster.cacheClusterRef.clusterName).toBe('orders-cache');
    expect(cluster.configurationEndpoint.socketAddress).toBe('orders-cache.abc123.cfg.euw1.cache.amazonaws.com:11211');
    expect(cluster.configurationEndpoint.portAsString).toBe('11211');
    expect(cluster.nodeCount).toBe(2);
    expect(cluster.nodeIds).toEqual(['0001', '0002']);
    expect(cluster.connections.defaultPort?.toString()).toBe('11211');
    expect(cluster.connections.securityGroups).toEqual([sg]);
  });

  test('getters of missing attributes throw a clear error', () => {
    const stack = new Stack(new App(), 'Stack');
    const cluster = MemcachedCluster.fromMemcachedClusterAttributes(stack, 'Imported', { clusterName: 'orders-cache' });
    expect(() => cluster.configurationEndpoint).toThrow('Stack/Imported: Cannot read configurationEndpoint of an imported '
      + 'Memcached cluster without configurationEndpointAddress: give it in fromMemcachedClusterAttributes().');
    expect(() => cluster.nodeCount).toThrow('Cannot read nodeCount or nodeIds of an imported Memcached cluster without nodes');
    expect(() => cluster.nodeIds).toThrow('without nodes');
    expect(cluster.connections.defaultPort).toBeUndefined();
    const noPort = MemcachedCluster.fromMemcachedClusterAttributes(stack, 'NoPort', { clusterName: 'c', configurationEndpointAddress: 'h' });
    expect(() => noPort.configurationEndpoint).toThrow('without port');
  });
});
