import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  CacheValidationError, ClusterMode, Durability, GlobalDatastore, GlobalDatastoreAttributes, GlobalDatastoreProps, NodeType,
  RedisOssVersion, ReplicationGroup,
  ReplicationGroupProps, SecondaryReplicationGroupOptions, ValkeyVersion,
} from '../../lib';
import { ACCOUNT, AZ_CONTEXT, consumerFunction, regionVpc } from './app';

// Sources of the rules (lib/private/global-datastore.ts has the same keys):
// GS  = ElastiCache User Guide, global datastores, "Prerequisites and limitations"
// CLI = ElastiCache User Guide, "Using global datastores (CLI)": what a secondary must not pass
// AS  = ElastiCache User Guide, "Auto Scaling ElastiCache clusters": not for global datastore members
// DUR = ElastiCache User Guide, "Durability", limitations: not in a global datastore
// KMS = AWS KMS Developer Guide: keys are regional
// CDK = this library's rule of construction (the construct cannot do what is asked)

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-1', 'us-west-2', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1'];
const CONTEXT = {
  ...AZ_CONTEXT,
  ...Object.fromEntries(REGIONS.map(r => [`availability-zones:account=${ACCOUNT}:region=${r}`, [`${r}a`, `${r}b`]])),
};

function setup(primaryProps: Partial<ReplicationGroupProps> = {}, primaryRegion = 'eu-west-1') {
  const app = new App({ context: CONTEXT });
  const stacks = new Map<string, Stack>();
  const stack = (region: string, name = `Cache-${region}`): Stack => {
    if (!stacks.has(name)) {
      stacks.set(name, new Stack(app, name, { env: { account: ACCOUNT, region } }));
    }
    return stacks.get(name)!;
  };
  const primaryStack = stack(primaryRegion);
  const vpc = regionVpc(primaryStack);
  const primary = new ReplicationGroup(primaryStack, 'Primary', { vpc, nodeType: NodeType.R7G_LARGE, ...primaryProps });
  const secondary = (datastore: GlobalDatastore, region: string, props: SecondaryReplicationGroupOptions = {}, name?: string) => {
    const s = stack(region, name);
    return datastore.addSecondary(s, 'Secondary', { vpc: (s.node.tryFindChild('Vpc') as never) ?? regionVpc(s), ...props });
  };
  return { app, primaryStack, primary, stack, secondary };
}

const loose = (props: object) => props as never;

describe('GlobalDatastore', () => {
  test('renders the primary as the only member, in its Region, and a generated suffix', () => {
    const { primaryStack, primary } = setup();
    const datastore = new GlobalDatastore(primaryStack, 'Global', { primary });
    const template = Template.fromStack(primaryStack);
    template.hasResourceProperties('AWS::ElastiCache::GlobalReplicationGroup', {
      Members: [{ ReplicationGroupId: { Ref: Match.stringLikeRegexp('^Primary') }, ReplicationGroupRegion: 'eu-west-1', Role: 'PRIMARY' }],
      GlobalReplicationGroupIdSuffix: Match.stringLikeRegexp('^cacheeuwest1-global-[0-9a-f]{8}$'),
      CacheNodeType: Match.absent(),
      EngineVersion: Match.absent(),
      GlobalNodeGroupCount: Match.absent(),
    });
    // The id is the attribute (Region prefix + suffix, from ElastiCache), never built here.
    expect(primaryStack.resolve(datastore.globalDatastoreId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Global/), 'GlobalReplicationGroupId'] });
  });

  test('scaling and upgrades go to the datastore: its props render, the primary\'s template stays', () => {
    const base = setup({ engine: ValkeyVersion.VER_7_2 });
    new GlobalDatastore(base.primaryStack, 'Global', { primary: base.primary, globalDatastoreIdSuffix: 'Sessions' });
    const before = Template.fromStack(base.primaryStack).findResources('AWS::ElastiCache::ReplicationGroup');

    const after = setup({ engine: ValkeyVersion.VER_7_2 });
    new GlobalDatastore(after.primaryStack, 'Global', { primary: after.primary, globalDatastoreIdSuffix: 'Sessions',
      nodeType: NodeType.R7G_XLARGE, engine: ValkeyVersion.VER_8_2 });
    const template = Template.fromStack(after.primaryStack);
    template.hasResourceProperties('AWS::ElastiCache::GlobalReplicationGroup', {
      GlobalReplicationGroupIdSuffix: 'sessions',
      CacheNodeType: 'cache.r7g.xlarge',
      EngineVersion: '8.2',
      Engine: Match.absent(),
      // A major upgrade names the new family's group.
      CacheParameterGroupName: 'default.valkey8',
    });
    expect(template.findResources('AWS::ElastiCache::ReplicationGroup')).toEqual(before);
  });

  test('Redis OSS moves to Valkey through the datastore, and a sharded datastore reshards every member', () => {
    const { primaryStack, primary } = setup({ engine: RedisOssVersion.VER_7_1, clusterMode: ClusterMode.ENABLED, shards: 2 });
    new GlobalDatastore(primaryStack, 'Global', { primary, engine: ValkeyVersion.VER_7_2, shards: 3 });
    Template.fromStack(primaryStack).hasResourceProperties('AWS::ElastiCache::GlobalReplicationGroup', {
      Engine: 'valkey', EngineVersion: '7.2', CacheParameterGroupName: 'default.valkey7.cluster.on', GlobalNodeGroupCount: 3,
    });
  });

  test('a sharded secondary sets replicas per shard and lists its members by shard', () => {
    const { primaryStack, primary, secondary, stack } = setup({ clusterMode: ClusterMode.ENABLED, shards: 2, replicas: 2 });
    const datastore = new GlobalDatastore(primaryStack, 'Global', { primary });
    const sec = secondary(datastore, 'us-east-1', { replicas: 1 });
    const props = Object.values(Template.fromStack(stack('us-east-1')).findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties;
    expect(props).toMatchObject({ ReplicasPerNodeGroup: 1, MultiAZEnabled: true });
    expect(props.NumNodeGroups).toBeUndefined();
    expect(props.NumCacheClusters).toBeUndefined();
    expect(sec.nodeCount).toBe(4);
    expect(stack('us-east-1').resolve(sec.memberClusterIds).map((id: { 'Fn::Join': [string, unknown[]] }) => id['Fn::Join'][1][1]))
      .toEqual(['-0001-001', '-0001-002', '-0002-001', '-0002-002']);
    expect(() => sec.primaryEndpoint).toThrow(CacheValidationError);
    expect(stack('us-east-1').resolve(sec.configurationEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'ConfigurationEndPoint.Address'] });
  });

  test('a secondary\'s key of its own Region is its KmsKeyId; a primary with a key warns on a secondary without one', () => {
    const { primary, primaryStack, secondary, stack } = setup();
    const datastore = new GlobalDatastore(primaryStack, 'Global', { primary });
    const regionalKey = new kms.Key(stack('us-east-1'), 'Key');
    secondary(datastore, 'us-east-1', { kmsKey: regionalKey });
    Template.fromStack(stack('us-east-1')).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });

    const keyed = setup();
    const primaryKey = new kms.Key(keyed.primaryStack, 'PrimaryKey');
    const keyedPrimary = new ReplicationGroup(keyed.primaryStack, 'Keyed', { vpc: keyed.primaryStack.node.findChild('Vpc') as never,
      nodeType: NodeType.R7G_LARGE, kmsKey: primaryKey });
    const keyedDatastore = new GlobalDatastore(keyed.primaryStack, 'Global', { primary: keyedPrimary });
    const sec = keyed.secondary(keyedDatastore, 'us-east-1');
    Annotations.fromStack(keyed.stack('us-east-1')).hasWarning(`/${sec.node.path}`,
      Match.stringLikeRegexp('^The primary encrypts at rest with a customer managed key and this secondary has no kmsKey'));
  });

  test('the secondary\'s GlobalDatastoreReplicationLag: a metric of its nodes and a recommended alarm, 5 seconds', () => {
    const { primaryStack, primary, secondary, stack } = setup();
    const datastore = new GlobalDatastore(primaryStack, 'Global', { primary });
    const sec = secondary(datastore, 'us-east-1');
    const metric = stack('us-east-1').resolve(sec.metricGlobalDatastoreReplicationLag().toMetricConfig());
    expect(metric.mathExpression.expression).toBe('MAX([globalDatastoreReplicationLag1, globalDatastoreReplicationLag2])');
    const alarms = sec.addRecommendedAlarms({ overrides: { globalDatastoreReplicationLag: { threshold: 2 } } });
    expect(alarms.globalDatastoreReplicationLag).toBeDefined();
    Template.fromStack(stack('us-east-1')).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 2,
      AlarmDescription: Match.stringLikeRegexp('^GlobalDatastoreReplicationLag of the ElastiCache replication group'),
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({
        MetricName: 'GlobalDatastoreReplicationLag', Namespace: 'AWS/ElastiCache' }) }) })]),
    });
    // Not on the primary, which replicates to the others.
    expect(primary.addRecommendedAlarms().globalDatastoreReplicationLag).toBeUndefined();
  });

  test('the secondary\'s dashboard graphs the cross-Region lag; the primary\'s does not', () => {
    const { primaryStack, primary, secondary, stack } = setup();
    const datastore = new GlobalDatastore(primaryStack, 'Global', { primary });
    const sec = secondary(datastore, 'us-east-1');
    const body = (s: Stack) => JSON.stringify(s.resolve(Object.values(Template.fromStack(s)
      .findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody));
    sec.addDashboard();
    primary.addDashboard();
    expect(body(stack('us-east-1'))).toContain('Cross-Region replication lag (seconds)');
    expect(body(stack('us-east-1'))).toContain('GlobalDatastoreReplicationLag');
    expect(body(primaryStack)).not.toContain('GlobalDatastoreReplicationLag');
  });

  test('the secondary is a cache like the others: connectFrom() wires a consumer of its Region to its endpoints', () => {
    const { primaryStack, primary, secondary, stack } = setup();
    const datastore = new GlobalDatastore(primaryStack, 'Global', { primary });
    const sec = secondary(datastore, 'us-east-1');
    const binding = sec.connectFrom(consumerFunction(stack('us-east-1'), stack('us-east-1').node.findChild('Vpc') as never));
    const env = stack('us-east-1').resolve(binding.environment);
    expect(env).toMatchObject({ CACHE_HOST: { 'Fn::GetAtt': [expect.stringMatching(/^Secondary/), 'PrimaryEndPoint.Address'] },
      CACHE_READER_HOST: { 'Fn::GetAtt': [expect.stringMatching(/^Secondary/), 'ReaderEndPoint.Address'] },
      CACHE_PORT: '6379', CACHE_TLS: 'true', CACHE_AUTH: 'rbac-password' });
  });
});

describe('GlobalDatastore.fromGlobalDatastoreAttributes', () => {
  const imported = (c: ReturnType<typeof setup>, attrs: Partial<GlobalDatastoreAttributes> = {}) =>
    GlobalDatastore.fromGlobalDatastoreAttributes(c.stack('us-east-1'), 'Imported', {
      globalDatastoreId: 'ldgnf-sessions', primaryRegion: 'eu-west-1', engine: ValkeyVersion.VER_8_2, nodeType: NodeType.R7G_LARGE, ...attrs,
    });

  test('a secondary joins an imported datastore by the full id given, with no reference to another stack', () => {
    const ctx = setup();
    const sec = imported(ctx).addSecondary(ctx.stack('us-east-1'), 'Secondary', { vpc: regionVpc(ctx.stack('us-east-1')) });
    const props = Object.values(Template.fromStack(ctx.stack('us-east-1')).findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties;
    expect(props.GlobalReplicationGroupId).toBe('ldgnf-sessions');
    expect(props).toMatchObject({ Port: 6379, NumCacheClusters: 2 });
    expect(sec.nodeCount).toBe(2);
    expect(ctx.stack('us-east-1').dependencies).toEqual([]);
  });

  test('the members\' cluster mode and port come from the attributes', () => {
    const ctx = setup();
    const sec = imported(ctx, { clusterMode: ClusterMode.ENABLED, shards: 3, port: 6380 })
      .addSecondary(ctx.stack('us-east-1'), 'Secondary', { vpc: regionVpc(ctx.stack('us-east-1')), replicas: 2 });
    Template.fromStack(ctx.stack('us-east-1')).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ReplicasPerNodeGroup: 2, Port: 6380, NumCacheClusters: Match.absent(),
    });
    expect(sec.nodeCount).toBe(9);
  });

  test.each<[string, Partial<GlobalDatastoreAttributes>, string]>([
    ['a suffix instead of the full id', { globalDatastoreId: 'Sessions' }, "Invalid globalDatastoreId: got 'Sessions'. Allowed: the "
      + 'full id of the global datastore, its Region prefix, a hyphen and the suffix, lowercase'],
    ['a T node type [GS]', { nodeType: NodeType.T4G_MICRO }, "Invalid nodeType: got 'cache.t4g.micro'."],
    ['Redis OSS 5.0.0 [GS]', { engine: RedisOssVersion.of('5.0.0') }, "Invalid engine: got 'Redis OSS 5.0.0'."],
    ['shards with cluster mode disabled [GS]', { shards: 2 }, 'Invalid shards: got 2.'],
  ])('refuses %s', (_, attrs, message) => {
    expect(() => imported(setup(), attrs)).toThrow(message);
  });

  test('a secondary in the imported primary\'s Region is refused [GS]', () => {
    const ctx = setup();
    expect(() => imported(ctx, { primaryRegion: 'us-east-1' }).addSecondary(ctx.stack('us-east-1'), 'Secondary',
      { vpc: regionVpc(ctx.stack('us-east-1')) })).toThrow("Invalid region: got 'us-east-1'. Allowed: a Region other than the primary's");
  });
});

type Build = (ctx: ReturnType<typeof setup>) => unknown;
const datastore = (ctx: ReturnType<typeof setup>, props: Partial<GlobalDatastoreProps> = {}) =>
  new GlobalDatastore(ctx.primaryStack, 'Global', { primary: ctx.primary, ...props });

describe('the rules of a global datastore', () => {
  // [rule, source, primary props, primary Region, build, exact message part]
  test.each<[string, string, Partial<ReplicationGroupProps>, string, Build, string]>([
    ['a burstable primary', 'GS', { nodeType: NodeType.T4G_MEDIUM }, 'eu-west-1', c => datastore(c),
      "Invalid primary nodeType: got 'cache.t4g.medium'. Allowed: a node family global datastores support (m5, m6g, m7g, r5, r6g, "
      + 'r6gd, r7g, c7gn), size large and up; not T (burstable), M4 or R4.'],
    ['an M4 datastore node type', 'GS', {}, 'eu-west-1', c => datastore(c, { nodeType: NodeType.of('cache.m4.large') }),
      "Invalid nodeType: got 'cache.m4.large'. Allowed: a node family global datastores support"],
    ['an R4 primary', 'GS', { nodeType: NodeType.of('cache.r4.large'), transitEncryption: false }, 'eu-west-1', c => datastore(c),
      "Invalid primary nodeType: got 'cache.r4.large'."],
    ['a size below large', 'GS', { nodeType: NodeType.of('cache.m6g.medium') }, 'eu-west-1', c => datastore(c),
      "Invalid primary nodeType: got 'cache.m6g.medium'. Allowed: size large and up (cache.m6g.large...); global datastores do not "
      + 'take micro, small or medium nodes.'],
    ['Redis OSS before 5.0.6', 'GS', { engine: RedisOssVersion.of('5.0.5'), nodeType: NodeType.R5_LARGE }, 'eu-west-1', c => datastore(c),
      "Invalid primary engine: got 'Redis OSS 5.0.5'. Allowed: Valkey, or Redis OSS 5.0.6 and later (global datastores need 5.0.6+)."],
    ['an engine downgrade through the datastore', 'GS', { engine: ValkeyVersion.VER_8_2 }, 'eu-west-1',
      c => datastore(c, { engine: ValkeyVersion.VER_8_0 }), "Invalid engine: got 'Valkey 8.0'. Allowed: Valkey 8.2 (the primary's "
      + 'engine) or a newer version: an engine upgrade goes to the global datastore, which applies it to every member; there are no '
      + 'downgrades.'],
    ['Valkey back to Redis OSS', 'GS', {}, 'eu-west-1', c => datastore(c, { engine: RedisOssVersion.VER_7_1 }),
      "Invalid engine: got 'Redis OSS 7.1'. Allowed: a version of Valkey (the primary's engine), or Valkey to upgrade Redis OSS: "
      + 'there is no way back from Valkey to Redis OSS.'],
    ['shards on a cluster-mode-disabled datastore', 'GS', {}, 'eu-west-1', c => datastore(c, { shards: 2 }),
      'Invalid shards: got 2. Allowed: 1 (or nothing): the primary has cluster mode disabled, one shard; a global datastore changes '
      + 'its shard count only with cluster mode enabled.'],
    ['a primary with auto scaling', 'AS', { clusterMode: ClusterMode.ENABLED, shards: 2 }, 'eu-west-1', c => {
      c.primary.autoScaleShards({ minCapacity: 2, maxCapacity: 4 });
      return datastore(c);
    }, 'Invalid primary: got Cache-eu-west-1/Primary, a replication group with auto scaling. Allowed: a replication group without '
      + 'autoScaleShards() or autoScaleReplicas(): ElastiCache does not auto scale members of a global datastore'],
    ['auto scaling added to a member', 'AS', { clusterMode: ClusterMode.ENABLED, shards: 2 }, 'eu-west-1', c => {
      datastore(c);
      return c.primary.autoScaleReplicas({ minCapacity: 1, maxCapacity: 3 });
    }, 'Cannot call autoScaleReplicas() on a member of a global datastore (Cache-eu-west-1/Global): ElastiCache does not auto scale '
      + 'members of a global datastore. Allowed: scale the datastore (GlobalDatastore nodeType, shards).'],
    ['a durable primary', 'DUR', { engine: ValkeyVersion.VER_9_0, clusterMode: ClusterMode.ENABLED, durability: Durability.SYNC },
      'eu-west-1', c => datastore(c), "Invalid primary durability: got 'sync'. Allowed: no durability (or Durability.DISABLED): a "
      + 'group with durability (Valkey 9.0+) cannot be a member of a global datastore.'],
    ['a primary of another stack', 'CDK', {}, 'eu-west-1', c => new GlobalDatastore(c.stack('eu-west-1', 'Other'), 'Global',
      { primary: c.primary }), "Invalid primary: got 'Cache-eu-west-1/Primary'. Allowed: a replication group of this datastore's "
      + 'stack, Other: the datastore is created after its primary, in the primary\'s Region.'],
    ['a primary of two datastores', 'CDK', {}, 'eu-west-1', c => {
      datastore(c);
      return new GlobalDatastore(c.primaryStack, 'Second', { primary: c.primary });
    }, "Invalid primary: got 'Cache-eu-west-1/Primary'. Allowed: a replication group of no other global datastore (it is the "
      + 'primary of Cache-eu-west-1/Global).'],
    ['a third secondary', 'GS', {}, 'eu-west-1', c => {
      const d = datastore(c);
      c.secondary(d, 'us-east-1');
      c.secondary(d, 'ap-southeast-1');
      return c.secondary(d, 'us-west-2');
    }, 'Invalid secondary: got a third secondary (in us-west-2; the datastore has us-east-1 and ap-southeast-1). Allowed: at most 2 '
      + 'secondary Regions per global datastore.'],
    ['a secondary in the primary\'s Region', 'GS', {}, 'eu-west-1', c => c.secondary(datastore(c), 'eu-west-1', {}, 'Same'),
      "Invalid region: got 'eu-west-1'. Allowed: a Region other than the primary's: a secondary is a copy in another Region."],
    ['two secondaries in one Region', 'GS', {}, 'eu-west-1', c => {
      const d = datastore(c);
      c.secondary(d, 'us-east-1');
      return c.secondary(d, 'us-east-1', {}, 'Again');
    }, "Invalid region: got 'us-east-1'. Allowed: a Region without a secondary yet (the datastore has us-east-1): one secondary per Region."],
    ['a China primary with a secondary outside China', 'GS', {}, 'cn-north-1', c => c.secondary(datastore(c), 'us-east-1'),
      "Invalid region: got 'us-east-1'. Allowed: the other China Region (cn-north-1 and cn-northwest-1 replicate only with each "
      + 'other); the primary is in cn-north-1.'],
    ['a secondary in China of a primary outside', 'GS', {}, 'eu-west-1', c => c.secondary(datastore(c), 'cn-northwest-1'),
      "Invalid region: got 'cn-northwest-1'. Allowed: a Region outside China: China (Beijing) and China (Ningxia) replicate only "
      + 'with each other; the primary is in eu-west-1.'],
    ['a secondary of another partition', 'GS (INFERENCE: one partition)', {}, 'eu-west-1', c => c.secondary(datastore(c),
      'us-gov-west-1'), "Invalid region: got 'us-gov-west-1'. Allowed: a Region of the primary's partition (aws, the primary is in "
      + 'eu-west-1).'],
    ['a secondary in an environment-agnostic stack', 'CDK', {}, 'eu-west-1', c => datastore(c).addSecondary(
      new Stack(c.app, 'Agnostic'), 'Secondary', { vpc: c.primaryStack.node.findChild('Vpc') as never }),
    'Invalid region: got the Region of stack Agnostic, unknown at synth time. Allowed: an environment-bound stack (env: { account, '
      + 'region }): the rules of a global datastore compare the Regions of its members.'],
    ['a node type on a secondary', 'CLI', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1',
      loose({ nodeType: NodeType.R7G_XLARGE })), "Invalid nodeType: got cache.r7g.xlarge. Allowed: nothing: a secondary of a "
      + 'global datastore takes the node type (scale with GlobalDatastore nodeType) from the primary, and ElastiCache refuses it on a '
      + 'secondary.'],
    ['an engine on a secondary', 'CLI', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1',
      loose({ engine: ValkeyVersion.VER_8_2 })), 'Invalid engine: got Valkey 8.2. Allowed: nothing: a secondary of a global '
      + 'datastore takes the engine and its version (upgrade with GlobalDatastore engine) from the primary'],
    ['shards on a secondary', 'CLI', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1', loose({ shards: 2 })),
      'Invalid shards: got 2. Allowed: nothing: a secondary of a global datastore takes the shard count (change it with '
      + 'GlobalDatastore shards) from the primary'],
    ['encryption at rest on a secondary', 'CLI', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1',
      loose({ atRestEncryption: false })), 'Invalid atRestEncryption: got false. Allowed: nothing: a secondary of a global datastore '
      + 'takes encryption at rest from the primary, and ElastiCache refuses it on a secondary.'],
    ['encryption in transit on a secondary', 'CLI', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1',
      loose({ transitEncryption: true })), 'Invalid transitEncryption: got true. Allowed: nothing: a secondary of a global datastore '
      + 'takes encryption in transit from the primary'],
    ['a parameter group on a secondary', 'CLI', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1',
      loose({ parameters: { 'maxmemory-policy': 'allkeys-lru' } })), 'Invalid parameters: got a value. Allowed: nothing: a '
      + 'secondary of a global datastore takes the parameter group (a parameter change on one member applies to all) from the primary'],
    ['a restore source on a secondary', 'CLI', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1',
      loose({ restoreFromSnapshot: 'backup' })), "Invalid restoreFromSnapshot: got 'backup'. Allowed: nothing: a secondary of a "
      + 'global datastore takes its data (SnapshotName: data comes from the primary) from the primary'],
    ['durability on a secondary', 'DUR', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1',
      loose({ durability: Durability.SYNC })), 'Invalid durability: got sync. Allowed: nothing: a secondary of a global '
      + 'datastore takes durability (none: a durable group cannot join a global datastore) from the primary'],
    ['replicas beyond 5 on a secondary (counts may differ, within 0-5)', 'GS', {}, 'eu-west-1', c => c.secondary(datastore(c),
      'us-east-1', { replicas: 6 }), 'Invalid replicas: got 6.'],
    ['Multi-AZ on a secondary without replicas', 'GS', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1',
      { replicas: 0, multiAz: true }), 'Invalid multiAz: got true. Allowed: false with 0 replicas.'],
    ['a secondary\'s key of another Region', 'KMS', {}, 'eu-west-1', c => c.secondary(datastore(c), 'us-east-1',
      { kmsKey: new kms.Key(c.primaryStack, 'Key') }), 'Invalid kmsKey: got a key of eu-west-1. Allowed: a key of the secondary\'s '
      + 'Region, us-east-1: KMS keys are regional.'],
    ['a secondary\'s key without encryption at rest', 'CLI', { atRestEncryption: false }, 'eu-west-1', c => c.secondary(datastore(c),
      'us-east-1', { kmsKey: new kms.Key(c.stack('us-east-1'), 'Key') }), 'Invalid kmsKey: got a key. Allowed: nothing: the primary '
      + 'has no encryption at rest, and a secondary takes its encryption from the primary'],
  ])('refuses %s [%s]', (_rule, _source, primaryProps, region, build, message) => {
    const ctx = setup(primaryProps, region);
    let error: unknown;
    try {
      build(ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheValidationError);
    expect((error as Error).message).toContain(message);
  });

  test('replica counts may differ between Regions [GS]', () => {
    const ctx = setup({ replicas: 2 });
    const d = datastore(ctx);
    expect(ctx.secondary(d, 'us-east-1', { replicas: 0 }).nodeCount).toBe(1);
    expect(ctx.secondary(d, 'ap-southeast-1', { replicas: 5 }).nodeCount).toBe(6);
  });

  test('Beijing and Ningxia replicate with each other [GS]', () => {
    const ctx = setup({}, 'cn-north-1');
    expect(ctx.secondary(datastore(ctx), 'cn-northwest-1').region).toBe('cn-northwest-1');
  });

  test('a family the prerequisites do not list warns [GS]', () => {
    const ctx = setup({ nodeType: NodeType.of('cache.r8g.large') });
    const d = datastore(ctx);
    Annotations.fromStack(ctx.primaryStack).hasWarning(`/${d.node.path}`,
      Match.stringLikeRegexp('^primary nodeType cache.r8g.large: the r8g family is not among those'));
  });
});
