import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ClusterMode, EvictionPolicy, NodeType, ParameterGroup, RedisOssVersion, ReplicationGroup, ReplicationGroupProps, ValkeyVersion,
} from '../lib';
import { CacheValidationError } from '../lib/validation-error';

function setup() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return { stack, vpc };
}

/** The L1 resource of a cache, as synthesized (properties and policies). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function resourceOf(stack: Stack, cache: ReplicationGroup): Record<string, any> {
  const id = stack.getLogicalId(cache.node.defaultChild as CfnReplicationGroup);
  return Template.fromStack(stack).toJSON().Resources[id];
}

function warningsOf(stack: Stack, cache: ReplicationGroup): string[] {
  return Annotations.fromStack(stack).findWarning(`/${cache.node.path}`, Match.anyValue()).map(w => String(w.entry.data));
}

describe('cluster mode enabled: the canonical sharded group (3 shards x 2 replicas, defaults otherwise)', () => {
  const { stack, vpc } = setup();
  const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.ENABLED, shards: 3, replicas: 2 });
  const resource = resourceOf(stack, cache);
  const props = resource.Properties;

  test('shards, replicas per shard, every shard listed by id, cluster mode and failover on', () => {
    expect(props).toMatchObject({
      ClusterMode: 'enabled',
      NumNodeGroups: 3,
      ReplicasPerNodeGroup: 2,
      NodeGroupConfiguration: [{ NodeGroupId: '0001' }, { NodeGroupId: '0002' }, { NodeGroupId: '0003' }],
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      CacheParameterGroupName: 'default.valkey8.cluster.on',
    });
    // The cluster-mode-disabled topology props are not rendered.
    expect(props.NumCacheClusters).toBeUndefined();
    expect(props.PreferredCacheClusterAZs).toBeUndefined();
    // No ReplicaCount per shard: it would pin the replicas that ReplicasPerNodeGroup (and auto scaling) change.
    expect(props.NodeGroupConfiguration.every((c: object) => Object.keys(c).length === 1)).toBe(true);
  });

  test('UpdatePolicy UseOnlineResharding, a final snapshot', () => {
    expect(resource.UpdatePolicy).toEqual({ UseOnlineResharding: true });
    expect(resource.DeletionPolicy).toBe('Snapshot');
  });

  test('node count and member ids per shard, <id>-<shard>-<node>', () => {
    expect(cache.nodeCount).toBe(9);
    expect(cache.shards).toBe(3);
    expect(cache.shardIds).toEqual(['0001', '0002', '0003']);
    const ids = stack.resolve(cache.memberClusterIds);
    expect(ids).toHaveLength(9);
    const ref = stack.resolve(cache.replicationGroupId);
    expect(ids[0]).toEqual({ 'Fn::Join': ['', [ref, '-0001-001']] });
    expect(ids[8]).toEqual({ 'Fn::Join': ['', [ref, '-0003-003']] });
  });

  test('the configuration endpoint; the primary and reader endpoints are an error', () => {
    const logicalId = stack.getLogicalId(cache.node.defaultChild as CfnReplicationGroup);
    expect(stack.resolve(cache.configurationEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [logicalId, 'ConfigurationEndPoint.Address'] });
    expect(() => cache.primaryEndpoint).toThrow(/Cannot read primaryEndpoint of a cluster-mode-enabled replication group.*configurationEndpoint/);
    expect(() => cache.readerEndpoint).toThrow(/Cannot read readerEndpoint of a cluster-mode-enabled/);
    // Nothing in the template refers to the attributes that do not exist on an enabled group.
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toMatch(/PrimaryEndPoint|ReaderEndPoint/);
  });

  test('no warnings', () => {
    expect(warningsOf(stack, cache)).toEqual([]);
  });

  test('whole template (snapshot)', () => {
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

describe('cluster mode: defaults and the other modes', () => {
  const { stack, vpc } = setup();
  const enabled = new ReplicationGroup(stack, 'Enabled', { vpc, clusterMode: ClusterMode.ENABLED });
  const fromConfig = new ReplicationGroup(stack, 'FromConfig', {
    vpc,
    clusterMode: ClusterMode.ENABLED,
    replicas: 1,
    shardConfiguration: [
      { primaryAvailabilityZone: 'eu-west-1a', replicaAvailabilityZones: ['eu-west-1b'] },
      { shardId: '12', primaryAvailabilityZone: 'eu-west-1b', replicaAvailabilityZones: ['eu-west-1a'] },
    ],
  });
  const compatible = new ReplicationGroup(stack, 'Compatible', { vpc, clusterMode: ClusterMode.COMPATIBLE });
  const disabled = new ReplicationGroup(stack, 'Disabled', { vpc, clusterMode: ClusterMode.DISABLED });
  const noReplicas = new ReplicationGroup(stack, 'NoReplicas', { vpc, clusterMode: ClusterMode.ENABLED, shards: 2, replicas: 0 });
  const created = new ReplicationGroup(stack, 'Created', { vpc, clusterMode: ClusterMode.ENABLED, evictionPolicy: EvictionPolicy.ALLKEYS_LRU });
  const createdCompatible = new ReplicationGroup(stack, 'CreatedCompatible', {
    vpc, clusterMode: ClusterMode.COMPATIBLE, parameters: { 'maxmemory-policy': 'allkeys-lfu' },
  });
  const givenGroup = new ParameterGroup(stack, 'ClusterOn', { engine: ValkeyVersion.VER_8_2, parameters: { 'cluster-enabled': 'yes' } });
  const given = new ReplicationGroup(stack, 'Given', { vpc, clusterMode: ClusterMode.ENABLED, parameterGroup: givenGroup });
  const redis = new ReplicationGroup(stack, 'Redis', { vpc, clusterMode: ClusterMode.ENABLED, engine: RedisOssVersion.VER_7_0, shards: 2 });
  const props = (c: ReplicationGroup) => resourceOf(stack, c).Properties;

  test('enabled without shards: one shard of a primary and a replica', () => {
    expect(props(enabled)).toMatchObject({ NumNodeGroups: 1, ReplicasPerNodeGroup: 1, NodeGroupConfiguration: [{ NodeGroupId: '0001' }] });
    expect(enabled.nodeCount).toBe(2);
  });

  test('shardConfiguration: shards from its length, ids (given or by position) and Availability Zones; a warning', () => {
    expect(props(fromConfig)).toMatchObject({
      NumNodeGroups: 2,
      NodeGroupConfiguration: [
        { NodeGroupId: '0001', PrimaryAvailabilityZone: 'eu-west-1a', ReplicaAvailabilityZones: ['eu-west-1b'] },
        { NodeGroupId: '12', PrimaryAvailabilityZone: 'eu-west-1b', ReplicaAvailabilityZones: ['eu-west-1a'] },
      ],
    });
    expect(fromConfig.shardIds).toEqual(['0001', '12']);
    expect(stack.resolve(fromConfig.memberClusterIds[2])).toEqual({ 'Fn::Join': ['', [stack.resolve(fromConfig.replicationGroupId), '-12-001']] });
    expect(warningsOf(stack, fromConfig))
      .toEqual([expect.stringMatching(/changing a shard's zones later replaces the group.*\[ack: cdk-elasticache:shardAvailabilityZones\]/)]);
  });

  test('compatible: one shard as before (NumCacheClusters), the cluster.on default group, every endpoint', () => {
    const p = props(compatible);
    expect(p).toMatchObject({ ClusterMode: 'compatible', NumCacheClusters: 2, AutomaticFailoverEnabled: true,
      CacheParameterGroupName: 'default.valkey8.cluster.on' });
    expect(p.NumNodeGroups).toBeUndefined();
    expect(resourceOf(stack, compatible).UpdatePolicy).toBeUndefined();
    expect(compatible.primaryEndpoint.hostname).toBeDefined();
    expect(compatible.configurationEndpoint.hostname).toBeDefined();
    expect(compatible.memberClusterIds).toHaveLength(2);
  });

  test('disabled, given explicitly: the same template as the default (no ClusterMode); no configuration endpoint', () => {
    const p = props(disabled);
    expect(p.ClusterMode).toBeUndefined();
    expect(p.CacheParameterGroupName).toBe('default.valkey8');
    expect(() => disabled.configurationEndpoint).toThrow(/Cannot read configurationEndpoint of a cluster-mode-disabled replication group/);
  });

  test('0 replicas per shard: failover stays on (ElastiCache requires it), Multi-AZ off, a warning that updates will fail', () => {
    expect(props(noReplicas)).toMatchObject({ ReplicasPerNodeGroup: 0, AutomaticFailoverEnabled: true, MultiAZEnabled: false });
    const warnings = warningsOf(stack, noReplicas);
    expect(warnings).toEqual([expect.stringMatching(/rejects every later update.*\[ack: cdk-elasticache:clusterWithoutReplicas\]/)]);
  });

  test('a created parameter group has cluster-enabled yes, under its own construct id', () => {
    const group = created.parameterGroup as ParameterGroup;
    expect(group.node.id).toBe('ClusterParameterGroup');
    expect(group.parameter('cluster-enabled')).toBe('yes');
    expect(group.parameter('maxmemory-policy')).toBe('allkeys-lru');
    expect((createdCompatible.parameterGroup as ParameterGroup).parameter('cluster-enabled')).toBe('yes');
    expect(props(created).CacheParameterGroupName).toEqual({ Ref: stack.getLogicalId(group.node.defaultChild as CfnReplicationGroup) });
  });

  test('a given group with cluster-enabled yes; Redis OSS 7.0 uses default.redis7.cluster.on', () => {
    expect(props(given).CacheParameterGroupName).toEqual({ Ref: stack.getLogicalId(givenGroup.node.defaultChild as CfnReplicationGroup) });
    expect(props(redis)).toMatchObject({ Engine: 'redis', CacheParameterGroupName: 'default.redis7.cluster.on', NumNodeGroups: 2 });
  });
});

describe('cluster mode: seeding from .rdb files in S3 with slots', () => {
  const { stack, vpc } = setup();
  const cache = new ReplicationGroup(stack, 'Cache', {
    vpc,
    clusterMode: ClusterMode.ENABLED,
    restoreFromS3: ['arn:aws:s3:::bucket/dump.rdb'],
    shardConfiguration: [{ slots: '0-8191' }, { slots: '8192-10000,10001-16383' }],
  });

  test('slots rendered per shard; a warning to remove them once the group exists', () => {
    expect(resourceOf(stack, cache).Properties.NodeGroupConfiguration).toEqual([
      { NodeGroupId: '0001', Slots: '0-8191' }, { NodeGroupId: '0002', Slots: '8192-10000,10001-16383' },
    ]);
    expect(warningsOf(stack, cache)).toEqual([expect.stringMatching(/Remove them.*\[ack: cdk-elasticache:shardSlots\]/)]);
  });
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, got none');
}

describe('cluster mode validation', () => {
  const shared = setup();
  let count = 0;
  const enabled = { clusterMode: ClusterMode.ENABLED };
  const s3 = { restoreFromS3: ['arn:aws:s3:::bucket/dump.rdb'] };
  test.each<[string, Partial<ReplicationGroupProps>, RegExp]>([
    ['shards below 1', { ...enabled, shards: 0 }, /Invalid shards: got 0\. Allowed: an integer from 1 to 500/],
    ['shards above 500', { ...enabled, shards: 501 }, /Invalid shards: got 501\. Allowed: an integer from 1 to 500/],
    ['shards not whole', { ...enabled, shards: 1.5 }, /Invalid shards: got 1.5/],
    ['nodes over the default quota', { ...enabled, shards: 31, replicas: 2 },
      /Invalid shards: got 31\. Allowed: at most 90 nodes in the group.*31 x 3 = 93.*Service Quotas.*nodeQuota/],
    ['nodes over a given quota', { ...enabled, shards: 100, replicas: 2, nodeQuota: 250 }, /at most 250 nodes.*= 300/],
    ['a quota above 500', { ...enabled, nodeQuota: 501 }, /Invalid nodeQuota: got 501\. Allowed: an integer from 1 to 500/],
    ['failover off', { ...enabled, automaticFailover: false }, /Invalid automaticFailover: got false\. Allowed: true \(or unset\) with ClusterMode.ENABLED/],
    ['Multi-AZ without a replica', { ...enabled, replicas: 0, multiAz: true }, /Invalid multiAz: got true\. Allowed: false with 0 replicas per shard/],
    ['replicas above 5 per shard', { ...enabled, replicas: 6 }, /Invalid replicas: got 6\. Allowed: an integer from 0 to 5 \(a primary and up to 5 read replicas per shard\)/],
    ['shards on a disabled group', { shards: 2 }, /Invalid shards: got 2\. Allowed: nothing with ClusterMode.DISABLED.*ClusterMode.ENABLED/],
    ['shards on a compatible group', { clusterMode: ClusterMode.COMPATIBLE, shards: 1 }, /Invalid shards: got 1\. Allowed: nothing with ClusterMode.COMPATIBLE/],
    ['shardConfiguration on a disabled group', { shardConfiguration: [{}] }, /Invalid shardConfiguration: got 1 shard configurations\. Allowed: nothing with ClusterMode.DISABLED/],
    ['nodeQuota on a disabled group', { nodeQuota: 200 }, /Invalid nodeQuota: got 200\. Allowed: nothing with ClusterMode.DISABLED/],
    ['enabled before Valkey 7.2 / Redis OSS 7.0', { ...enabled, engine: RedisOssVersion.VER_6_2 },
      /Invalid clusterMode: got 'enabled'\. Allowed: ClusterMode.DISABLED on Redis OSS 6.2.*Valkey 7.2\+ or Redis OSS 7.0\+/],
    ['compatible before Redis OSS 7.0', { clusterMode: ClusterMode.COMPATIBLE, engine: RedisOssVersion.VER_6_2 },
      /Invalid clusterMode: got 'compatible'\. Allowed: ClusterMode.DISABLED on Redis OSS 6.2/],
    ['compatible without a replica', { clusterMode: ClusterMode.COMPATIBLE, replicas: 0 },
      /Invalid replicas: got 0\. Allowed: automatic failover with at least one replica in ClusterMode.COMPATIBLE/],
    ['compatible with failover off', { clusterMode: ClusterMode.COMPATIBLE, automaticFailover: false, multiAz: false },
      /Invalid automaticFailover: got false\. Allowed: automatic failover with at least one replica in ClusterMode.COMPATIBLE/],
    ['preferredAvailabilityZones on an enabled group', { ...enabled, preferredAvailabilityZones: ['a', 'b'] },
      /Invalid preferredAvailabilityZones: got \['a', 'b'\]\. Allowed: nothing with ClusterMode.ENABLED.*shardConfiguration/],
    ['shardConfiguration of the wrong length', { ...enabled, shards: 3, shardConfiguration: [{}, {}] },
      /Invalid shardConfiguration: got 2 entries\. Allowed: one entry per shard, 3 \(shards: 3\)/],
    ['replica AZs of the wrong length', { ...enabled, replicas: 2, shardConfiguration: [{ replicaAvailabilityZones: ['a'] }] },
      /Invalid shardConfiguration\[0\].replicaAvailabilityZones: got \['a'\]\. Allowed: one Availability Zone per replica.*2 for replicas: 2/],
    ['a shard id too long', { ...enabled, shardConfiguration: [{ shardId: '00001' }] },
      /Invalid shardConfiguration\[0\].shardId: got '00001'\. Allowed: 1 to 4 digits/],
    ['a shard id with letters (NodeGroupId is digits)', { ...enabled, shardConfiguration: [{ shardId: 'ab' }] },
      /Invalid shardConfiguration\[0\].shardId: got 'ab'\. Allowed: 1 to 4 digits, such as '0001' \(the NodeGroupId pattern of ElastiCache\)\./],
    ['a shard with every node in one AZ under Multi-AZ', { ...enabled, replicas: 1, shardConfiguration: [
      { primaryAvailabilityZone: 'eu-west-1a', replicaAvailabilityZones: ['eu-west-1b'] },
      { primaryAvailabilityZone: 'eu-west-1a', replicaAvailabilityZones: ['eu-west-1a'] }] },
    new RegExp("Invalid shardConfiguration\\[1\\]: got every node in eu-west-1a\\. Allowed: at least one replica in another Availability "
      + "Zone than the primary's \\(eu-west-1a\\) while Multi-AZ is on \\(the default with a replica\\); Multi-AZ fails over")],
    ['two shards with one id', { ...enabled, shardConfiguration: [{ shardId: '7' }, { shardId: '7' }] },
      /Invalid shardConfiguration\[1\].shardId: got '7'\. Allowed: an id no other shard of the group has/],
    ['a default id taken by a given one', { ...enabled, shardConfiguration: [{}, { shardId: '0001' }] },
      /Invalid shardConfiguration\[1\].shardId: got '0001'/],
    ['slots without restoreFromS3', { ...enabled, shardConfiguration: [{ slots: '0-16383' }] },
      /Invalid shardConfiguration\[0\].slots: got '0-16383'\. Allowed: nothing unless the group is seeded from .rdb files/],
    ['restoreFromS3 without shardConfiguration', { ...enabled, ...s3 },
      /Invalid shardConfiguration: got nothing\. Allowed: one entry per shard with its slots when seeding/],
    ['restoreFromS3 without slots', { ...enabled, ...s3, shardConfiguration: [{}] },
      /Invalid shardConfiguration\[0\].slots: got nothing\. Allowed: the slots of every shard when seeding/],
    ['slots on some shards only', { ...enabled, ...s3, shardConfiguration: [{ slots: '0-16383' }, {}] },
      /Invalid shardConfiguration\[1\].slots: got nothing\. Allowed: the slots of every shard once one shard has them/],
    ['slots past 16383', { ...enabled, ...s3, shardConfiguration: [{ slots: '0-16384' }] },
      /Invalid shardConfiguration\[0\].slots: got '0-16384'\. Allowed: ranges start-end within 0-16383/],
    ['slots not a range', { ...enabled, ...s3, shardConfiguration: [{ slots: '0,1,2' }] }, /Invalid shardConfiguration\[0\].slots: got '0,1,2'/],
    ['a range backwards', { ...enabled, ...s3, shardConfiguration: [{ slots: '16383-0' }] }, /start <= end/],
    ['overlapping slots', { ...enabled, ...s3, shardConfiguration: [{ slots: '0-8191' }, { slots: '8000-16383' }] },
      /Invalid shardConfiguration\[1\].slots: got '8000-16383'\. Allowed: slots no other shard holds; slot 8000 is in two shards/],
    ['a gap', { ...enabled, ...s3, shardConfiguration: [{ slots: '0-8000' }, { slots: '8192-16383' }] },
      /Allowed: ranges that together cover 0-16383; slots 8001-8191 are in no shard/],
    ['the end left out', { ...enabled, ...s3, shardConfiguration: [{ slots: '0-8191' }, { slots: '8192-16000' }] },
      /slots 16001-16383 are in no shard/],
    ['the start left out', { ...enabled, ...s3, shardConfiguration: [{ slots: '1-16383' }] }, /slots 0-0 are in no shard/],
    ['slots with data tiering', { ...enabled, ...s3, nodeType: NodeType.R6GD_XLARGE, shardConfiguration: [{ slots: '0-16383' }] },
      /Allowed: nothing with data tiering; a chosen keyspace distribution is an offline operation/],
    ['cluster-enabled no in the parameters of an enabled group', { ...enabled, parameters: { 'cluster-enabled': 'no' } },
      /Invalid parameters\['cluster-enabled'\]: got 'no'\. Allowed: 'yes' with ClusterMode.ENABLED/],
    ['cluster-enabled yes in the parameters of a disabled group', { parameters: { 'cluster-enabled': 'yes' } },
      /Invalid parameters\['cluster-enabled'\]: got 'yes'\. Allowed: 'no' with ClusterMode.DISABLED/],
  ])('%s', (_, extra, message) => {
    // One stack for the table (never synthesized): each case a new construct id.
    const error = catchError(() => new ReplicationGroup(shared.stack, `Cache${++count}`, { vpc: shared.vpc, ...extra }));
    expect(error).toBeInstanceOf(CacheValidationError);
    expect(error.message).toMatch(message);
  });

  test('a given parameter group without cluster-enabled yes', () => {
    const { stack, vpc } = setup();
    const group = new ParameterGroup(stack, 'Plain', { engine: ValkeyVersion.VER_8_2, evictionPolicy: EvictionPolicy.ALLKEYS_LRU });
    expect(() => new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.ENABLED, parameterGroup: group }))
      .toThrow(/Invalid parameterGroup: got a group with cluster-enabled no\. Allowed: a group with cluster-enabled yes with ClusterMode.ENABLED/);
    const on = new ParameterGroup(stack, 'On', { engine: ValkeyVersion.VER_8_2, parameters: { 'cluster-enabled': 'yes' } });
    expect(() => new ReplicationGroup(stack, 'Disabled', { vpc, parameterGroup: on }))
      .toThrow(/Invalid parameterGroup: got a group with cluster-enabled yes\. Allowed: a group with cluster-enabled no with ClusterMode.DISABLED/);
  });

  test('tokens pass: shard ids, zones and slots', () => {
    const { stack, vpc } = setup();
    const az = new CfnParameter(stack, 'Az').valueAsString;
    const zones = new CfnParameter(stack, 'Zones', { type: 'List<String>' }).valueAsList;
    const slots = new CfnParameter(stack, 'Slots').valueAsString;
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc, clusterMode: ClusterMode.ENABLED, ...s3,
      shardConfiguration: [{ shardId: new CfnParameter(stack, 'Id').valueAsString, primaryAvailabilityZone: az, replicaAvailabilityZones: zones, slots }],
    });
    expect(resourceOf(stack, cache).Properties.NodeGroupConfiguration).toEqual([{
      NodeGroupId: { Ref: 'Id' }, PrimaryAvailabilityZone: { Ref: 'Az' }, ReplicaAvailabilityZones: { Ref: 'Zones' }, Slots: { Ref: 'Slots' },
    }]);
  });

  test('a shards token is rejected: the node count must be known', () => {
    const { stack, vpc } = setup();
    const shards = new CfnParameter(stack, 'Shards', { type: 'Number' }).valueAsNumber;
    expect(() => new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.ENABLED, shards }))
      .toThrow(/Invalid shards: got a token\. Allowed: a literal integer from 1 to 500/);
  });
});

describe('cluster mode: imported groups', () => {
  test('configurationEndpoint from its address and port; throws without them', () => {
    const stack = new Stack();
    const cache = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Cache', {
      replicationGroupId: 'shop', configurationEndpointAddress: 'clustercfg.shop.abc.euw1.cache.amazonaws.com', port: 6379,
    });
    expect(cache.configurationEndpoint.socketAddress).toBe('clustercfg.shop.abc.euw1.cache.amazonaws.com:6379');
    const bare = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Bare', { replicationGroupId: 'x', port: 6379 });
    expect(() => bare.configurationEndpoint)
      .toThrow(/Cannot read configurationEndpoint of an imported replication group without configurationEndpointAddress/);
  });
});

describe('cluster mode: connectFrom wires a consumer to the configuration endpoint', () => {
  test('CACHE_HOST is the configuration endpoint, no reader host; the port is opened', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.ENABLED, shards: 2 });
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
    });
    cache.connectFrom(fn);
    const template = Template.fromStack(stack);
    const logicalId = stack.getLogicalId(cache.node.defaultChild as CfnReplicationGroup);
    const env = Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
    expect(env.CACHE_HOST).toEqual({ 'Fn::GetAtt': [logicalId, 'ConfigurationEndPoint.Address'] });
    expect(Object.keys(env).filter(k => /READER/.test(k))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/PrimaryEndPoint|ReaderEndPoint/);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 6379, ToPort: 6379 });
  });
});

describe('createdWithClusterMode: a group moved to cluster mode enabled keeps the properties it was created with', () => {
  function rendered(props: Partial<ReplicationGroupProps>) {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, ...props });
    return { cache, resource: resourceOf(stack, cache), stack };
  }

  test('compatible -> enabled changes ClusterMode only: NumCacheClusters stays, no topology of a group created enabled', () => {
    const compatible = rendered({ clusterMode: ClusterMode.COMPATIBLE, replicas: 2 }).resource.Properties;
    const { resource, cache } = rendered({ clusterMode: ClusterMode.ENABLED, createdWithClusterMode: ClusterMode.COMPATIBLE, replicas: 2 });
    const changed = Object.keys({ ...compatible, ...resource.Properties })
      .filter(k => JSON.stringify(compatible[k]) !== JSON.stringify(resource.Properties[k]));
    expect(changed).toEqual(['ClusterMode']);
    expect(resource.Properties).toMatchObject({ ClusterMode: 'enabled', NumCacheClusters: 3, AutomaticFailoverEnabled: true });
    for (const prop of ['NumNodeGroups', 'ReplicasPerNodeGroup', 'NodeGroupConfiguration']) {
      expect(resource.Properties[prop]).toBeUndefined();
    }
    // A cluster-mode-enabled group in every other respect: online resharding, the configuration endpoint.
    expect(resource.UpdatePolicy).toEqual({ UseOnlineResharding: true });
    expect(cache.shards).toBe(1);
  });

  test('shards join as NumNodeGroups next to NumCacheClusters; DISABLED renders as COMPATIBLE', () => {
    const fromCompatible = rendered({ clusterMode: ClusterMode.ENABLED, createdWithClusterMode: ClusterMode.COMPATIBLE, shards: 3 });
    expect(fromCompatible.resource.Properties).toMatchObject({ NumCacheClusters: 2, NumNodeGroups: 3 });
    expect(fromCompatible.resource.Properties.ReplicasPerNodeGroup).toBeUndefined();
    const fromDisabled = rendered({ clusterMode: ClusterMode.ENABLED, createdWithClusterMode: ClusterMode.DISABLED, shards: 3 });
    expect(fromDisabled.resource.Properties).toEqual(fromCompatible.resource.Properties);
  });

  test('the Availability Zones the group was created with stay (PreferredCacheClusterAZs is create-only)', () => {
    const zones = ['us-east-1a', 'us-east-1b'];
    const { resource } = rendered({
      clusterMode: ClusterMode.ENABLED, createdWithClusterMode: ClusterMode.COMPATIBLE, preferredAvailabilityZones: zones,
    });
    expect(resource.Properties.PreferredCacheClusterAZs).toEqual(zones);
    // A group created enabled takes shardConfiguration instead.
    expect(() => rendered({ clusterMode: ClusterMode.ENABLED, preferredAvailabilityZones: zones })).toThrow(/Invalid preferredAvailabilityZones/);
  });

  test('unset, or the same mode: the template of today', () => {
    const plain = rendered({ clusterMode: ClusterMode.ENABLED, shards: 2 }).resource;
    expect(rendered({ clusterMode: ClusterMode.ENABLED, shards: 2, createdWithClusterMode: ClusterMode.ENABLED }).resource).toEqual(plain);
    const compatible = rendered({ clusterMode: ClusterMode.COMPATIBLE }).resource;
    expect(rendered({ clusterMode: ClusterMode.COMPATIBLE, createdWithClusterMode: ClusterMode.DISABLED }).resource).toEqual(compatible);
  });

  test.each([
    [ClusterMode.DISABLED, ClusterMode.COMPATIBLE, "Invalid createdWithClusterMode: got 'compatible'. Allowed: a cluster mode the group has moved from to clusterMode (disabled): ClusterMode.DISABLED; a group moves to cluster mode one way only (disabled -> compatible -> enabled)."],
    [ClusterMode.COMPATIBLE, ClusterMode.ENABLED, "Invalid createdWithClusterMode: got 'enabled'. Allowed: a cluster mode the group has moved from to clusterMode (compatible): ClusterMode.DISABLED, ClusterMode.COMPATIBLE; a group moves to cluster mode one way only (disabled -> compatible -> enabled)."],
  ])('clusterMode %s created %s: refused', (mode, created, message) => {
    expect(() => rendered({ clusterMode: mode, createdWithClusterMode: created })).toThrow(CacheValidationError);
    expect(() => rendered({ clusterMode: mode, createdWithClusterMode: created })).toThrow(message);
  });

  test('shardConfiguration on a moved group: refused, naming why', () => {
    expect(() => rendered({
      clusterMode: ClusterMode.ENABLED, createdWithClusterMode: ClusterMode.COMPATIBLE, shardConfiguration: [{ primaryAvailabilityZone: 'us-east-1a' }],
    })).toThrow("Invalid shardConfiguration: got 1 shard configuration. Allowed: nothing on a group created with cluster mode compatible "
      + '(createdWithClusterMode): the placement of its shards (NodeGroupConfiguration) is fixed at creation; ElastiCache places the shards online resharding adds.');
  });
});
