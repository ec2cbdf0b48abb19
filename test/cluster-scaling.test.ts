import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import { ClusterMode, NodeType, ReplicationGroup, ReplicationGroupProps } from '../lib';
import { CacheValidationError } from '../lib/validation-error';

const TARGET = 'AWS::ApplicationAutoScaling::ScalableTarget';
const POLICY = 'AWS::ApplicationAutoScaling::ScalingPolicy';

function setup() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return { stack, vpc };
}

const sharded = (extra: Partial<ReplicationGroupProps> = {}): Partial<ReplicationGroupProps> =>
  ({ clusterMode: ClusterMode.ENABLED, shards: 3, replicas: 2, nodeType: NodeType.R7G_LARGE, ...extra });

function warningsOf(stack: Stack, path: string): string[] {
  return Annotations.fromStack(stack).findWarning(`/${path}`, Match.anyValue()).map(w => String(w.entry.data));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const dimensionsOf = (stack: Stack, metric: cloudwatch.IMetric): any[] => {
  const config = metric.toMetricConfig();
  if (config.metricStat) {
    return [stack.resolve(config.metricStat.dimensions)];
  }
  return Object.values(config.mathExpression!.usingMetrics).map(m => stack.resolve(m.toMetricConfig().metricStat!.dimensions));
};

describe('metrics of a cluster-mode-enabled group (no auto scaling): per shard and node', () => {
  const { stack, vpc } = setup();
  const cache = new ReplicationGroup(stack, 'Cache', { vpc, ...sharded() });
  const ref = stack.resolve(cache.replicationGroupId);
  const member = (suffix: string) => [{ name: 'CacheClusterId', value: { 'Fn::Join': ['', [ref, suffix]] } },
    { name: 'CacheNodeId', value: '0001' }];

  test('a metric per node, <id>-<shard>-<node>, labelled by shard', () => {
    const metrics = cache.nodeMetrics('EngineCPUUtilization');
    expect(metrics).toHaveLength(9);
    expect(stack.resolve(metrics[4].dimensions)).toEqual({ CacheClusterId: { 'Fn::Join': ['', [ref, '-0002-002']] }, CacheNodeId: '0001' });
    expect(metrics[4].label).toBe('EngineCPUUtilization shard 0002 node 2');
  });

  test('the whole group: a math expression over its 9 members', () => {
    const metric = cache.metricEngineCpuUtilization();
    expect(metric.toMetricConfig().mathExpression!.expression).toMatch(/^MAX\(\[engineCPUUtilization1, .*engineCPUUtilization9\]\)$/);
    expect(dimensionsOf(stack, metric)[8]).toEqual(member('-0003-003'));
  });

  test('one shard: shardMetric over the shard\'s members, aggregation as metric()', () => {
    const metric = cache.shardMetric('0002', 'CurrConnections');
    const config = metric.toMetricConfig().mathExpression!;
    expect(config.expression).toBe('SUM([currConnections1, currConnections2, currConnections3])');
    expect(dimensionsOf(stack, metric)).toEqual([member('-0002-001'), member('-0002-002'), member('-0002-003')]);
    expect(cache.shardMetric('0001', 'EngineCPUUtilization').toMetricConfig().mathExpression!.expression).toMatch(/^MAX/);
    expect(() => cache.shardMetric('0004', 'CPUUtilization')).toThrow(/Invalid shardMetric shardId: got '0004'\. Allowed: a shard of the group, 0001, 0002, 0003/);
  });

  test('the recommended alarms watch the members', () => {
    const alarms = cache.addRecommendedAlarms();
    expect(dimensionsOf(stack, alarms.memoryUsage!.metric)).toHaveLength(9);
    expect(alarms.replicationLag).toBeDefined();
  });
});

describe('metrics of larger or replica-less sharded groups', () => {
  const { stack, vpc } = setup();
  const big = new ReplicationGroup(stack, 'Big', { vpc, ...sharded({ shards: 4 }) });
  const noReplicas = new ReplicationGroup(stack, 'NoReplicas', { vpc, ...sharded({ shards: 2, replicas: 0 }) });

  test('more than 10 nodes: the group-level dimensions (ReplicationGroupId + Role), which an alarm can take', () => {
    const metric = big.metricEngineCpuUtilization();
    expect(metric.toMetricConfig().mathExpression!.expression).toBe('MAX([engineCPUUtilizationPrimary, engineCPUUtilizationReplica])');
    const ref = stack.resolve(big.replicationGroupId);
    expect(dimensionsOf(stack, metric)).toEqual([
      [{ name: 'ReplicationGroupId', value: ref }, { name: 'Role', value: 'Primary' }],
      [{ name: 'ReplicationGroupId', value: ref }, { name: 'Role', value: 'Replica' }],
    ]);
    expect(() => big.addRecommendedAlarms()).not.toThrow();
  });

  test('no replica per shard: no replication lag alarm, though the group has several nodes', () => {
    const alarms = noReplicas.addRecommendedAlarms();
    expect(alarms.replicationLag).toBeUndefined();
    expect(alarms.memoryUsage).toBeDefined();
  });
});

describe('auto scaling: shards and replicas of the canonical group', () => {
  const { stack, vpc } = setup();
  const cache = new ReplicationGroup(stack, 'Cache', { vpc, ...sharded() });
  const shards = cache.autoScaleShards({ minCapacity: 2, maxCapacity: 10 });
  shards.scaleOnEngineCpuUtilization({ targetUtilizationPercent: 60 });
  shards.scaleOnMemoryUtilization({ targetUtilizationPercent: 70 });
  shards.scaleOnSchedule('MorningPeak', { schedule: appscaling.Schedule.cron({ hour: '7', minute: '30' }), minCapacity: 6 });
  const replicas = cache.autoScaleReplicas({ minCapacity: 1, maxCapacity: 3 });
  replicas.scaleOnEngineCpuUtilization({ targetUtilizationPercent: 50 });
  const alarms = cache.addRecommendedAlarms();
  cache.addDashboard();
  const template = Template.fromStack(stack);
  const groupRef = { Ref: stack.getLogicalId(cache.node.defaultChild as CfnReplicationGroup) };
  const slr = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' },
    ':role/aws-service-role/elasticache.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG']] };

  test('a scalable target per dimension on the group\'s Ref, with the ElastiCache service-linked role and no new role', () => {
    template.resourceCountIs(TARGET, 2);
    template.hasResourceProperties(TARGET, {
      ServiceNamespace: 'elasticache',
      ScalableDimension: 'elasticache:replication-group:NodeGroups',
      ResourceId: { 'Fn::Join': ['', ['replication-group/', groupRef]] },
      MinCapacity: 2,
      MaxCapacity: 10,
      RoleARN: slr,
      ScheduledActions: [{ ScheduledActionName: 'MorningPeak', Schedule: 'cron(30 7 * * ? *)', ScalableTargetAction: { MinCapacity: 6 } }],
    });
    template.hasResourceProperties(TARGET, {
      ScalableDimension: 'elasticache:replication-group:Replicas', MinCapacity: 1, MaxCapacity: 3, RoleARN: slr,
    });
    template.resourceCountIs('AWS::IAM::Role', 0);
    expect(shards.minCapacity).toBe(2);
    expect(shards.maxCapacity).toBe(10);
  });

  test('target tracking on the predefined metrics of each dimension', () => {
    template.resourceCountIs(POLICY, 3);
    const metric = (type: string, value: number) => template.hasResourceProperties(POLICY, {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: type }, TargetValue: value },
    });
    metric('ElastiCachePrimaryEngineCPUUtilization', 60);
    metric('ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage', 70);
    metric('ElastiCacheReplicaEngineCPUUtilization', 50);
  });

  test('the template keeps the counts it was created with', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumNodeGroups: 3, ReplicasPerNodeGroup: 2 });
  });

  test('alarms and dashboard use ReplicationGroupId + Role, not member ids', () => {
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toMatch(/CacheClusterId/);
    expect(dimensionsOf(stack, alarms.replicationLag!.metric)).toEqual([[{ name: 'ReplicationGroupId', value: groupRef },
      { name: 'Role', value: 'Replica' }]]);
    const dashboard = JSON.stringify(stack.resolve(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties));
    expect(dashboard).toMatch(/ReplicationGroupId.*Role.*Primary/);
  });

  test('warnings: a later change of shards or replicas resets the capacity auto scaling chose', () => {
    const warnings = warningsOf(stack, cache.node.path);
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/shards is auto scaled.*sets the live count back.*\[ack: cdk-elasticache:autoScalingShardsReset\]/),
      expect.stringMatching(/replicas is auto scaled.*\[ack: cdk-elasticache:autoScalingReplicasReset\]/),
    ]));
    expect(warnings).toHaveLength(2);
  });

  test('whole template (snapshot)', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('auto scaling validation', () => {
  const shared = setup();
  let count = 0;
  const cache = (extra: Partial<ReplicationGroupProps> = {}) =>
    new ReplicationGroup(shared.stack, `Cache${++count}`, { vpc: shared.vpc, ...sharded(), ...extra });
  const catchError = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected an error, got none');
  };
  const bounds = { minCapacity: 1, maxCapacity: 4 };

  test.each<[string, () => unknown, RegExp]>([
    ['a cluster-mode-disabled group', () => cache({ clusterMode: undefined, shards: undefined }).autoScaleShards(bounds),
      /Cannot autoScaleShards\(\): the group is not cluster-mode enabled\. Allowed: clusterMode: ClusterMode.ENABLED/],
    ['a compatible group', () => cache({ clusterMode: ClusterMode.COMPATIBLE, shards: undefined }).autoScaleReplicas(bounds),
      /Cannot autoScaleReplicas\(\): the group is not cluster-mode enabled/],
    ['a burstable node type', () => cache({ nodeType: NodeType.T4G_MEDIUM }).autoScaleShards(bounds),
      /Invalid nodeType: got 'cache.t4g.medium'\. Allowed for autoScaleShards\(\): the families r7g, .* sizes large, xlarge and 2xlarge/],
    ['a size the guide does not list', () => cache({ nodeType: NodeType.R7G_4XLARGE }).autoScaleShards(bounds),
      /Invalid nodeType: got 'cache.r7g.4xlarge'/],
    ['min below 1', () => cache().autoScaleShards({ minCapacity: 0, maxCapacity: 4 }),
      /Invalid autoScaleShards minCapacity: got 0\. Allowed: an integer from 1 to 250/],
    ['max above 250 shards', () => cache().autoScaleShards({ minCapacity: 1, maxCapacity: 251 }),
      /Invalid autoScaleShards maxCapacity: got 251\. Allowed: an integer from 1 to 250/],
    ['max above 5 replicas', () => cache().autoScaleReplicas({ minCapacity: 1, maxCapacity: 6 }),
      /Invalid autoScaleReplicas maxCapacity: got 6\. Allowed: an integer from 1 to 5/],
    ['replicas min 0', () => cache().autoScaleReplicas({ minCapacity: 0, maxCapacity: 2 }), /Invalid autoScaleReplicas minCapacity: got 0/],
    ['min above max', () => cache().autoScaleShards({ minCapacity: 5, maxCapacity: 4 }),
      /Invalid autoScaleShards minCapacity: got 5\. Allowed: at most maxCapacity \(4\)/],
    ['max shards over the node quota', () => cache().autoScaleShards({ minCapacity: 1, maxCapacity: 31 }),
      /Invalid autoScaleShards maxCapacity: got 31\. Allowed: a capacity whose group stays within the node quota, 90 nodes.*make 93/],
    ['max replicas over the quota, with the shards\' max', () => {
      const c = cache();
      c.autoScaleShards({ minCapacity: 1, maxCapacity: 20 });
      c.autoScaleReplicas({ minCapacity: 1, maxCapacity: 4 });
    }, /Invalid autoScaleReplicas maxCapacity: got 4\..*90 nodes \(nodeQuota\); 4 replicas make 100/],
    ['the memory metric on r6gd', () => cache({ nodeType: NodeType.R6GD_XLARGE }).autoScaleShards(bounds)
      .scaleOnMemoryUtilization({ targetUtilizationPercent: 60 }),
    /Invalid scaleOnMemoryUtilization: got 'cache.r6gd.xlarge'\. Allowed: scaleOnCapacityUtilization\(\) on data tiering/],
    ['two policies on one metric', () => {
      const s = cache().autoScaleShards(bounds);
      s.scaleOnEngineCpuUtilization({ targetUtilizationPercent: 50 });
      s.scaleOnEngineCpuUtilization({ targetUtilizationPercent: 60 });
    }, /Cannot add a second ElastiCachePrimaryEngineCPUUtilization policy to the shards auto scaling: .* one policy per metric/],
    ['autoScaleShards twice', () => {
      const c = cache();
      c.autoScaleShards(bounds);
      c.autoScaleShards(bounds);
    }, /Cannot call autoScaleShards\(\) twice/],
    ['after the recommended alarms', () => {
      const c = cache();
      c.addRecommendedAlarms();
      c.autoScaleShards(bounds);
    }, /Cannot call autoScaleShards\(\) after addRecommendedAlarms\(\): they watch the group's members/],
    ['after the dashboard', () => {
      const c = cache();
      c.addDashboard();
      c.autoScaleReplicas(bounds);
    }, /Cannot call autoScaleReplicas\(\) after addDashboard\(\)/],
    ['a target of 0', () => cache().autoScaleShards(bounds).scaleOnEngineCpuUtilization({ targetUtilizationPercent: 0 }),
      /Invalid targetUtilizationPercent: got 0\. Allowed: a percentage above 0 and at most 100/],
    ['a target above 100', () => cache().autoScaleReplicas(bounds).scaleOnEngineCpuUtilization({ targetUtilizationPercent: 101 }),
      /Invalid targetUtilizationPercent: got 101/],
    ['a schedule without capacity', () => cache().autoScaleShards(bounds).scaleOnSchedule('Never',
      { schedule: appscaling.Schedule.rate(Duration.hours(1)) }), /Invalid scaleOnSchedule action: got no capacity/],
    ['a schedule above the maximum', () => cache().autoScaleReplicas(bounds).scaleOnSchedule('Many',
      { schedule: appscaling.Schedule.rate(Duration.hours(1)), maxCapacity: 6 }),
    /Invalid scaleOnSchedule maxCapacity: got 6\. Allowed: an integer from 1 to 5 \(replicas\)/],
  ])('%s', (_, act, message) => {
    const error = catchError(act);
    expect(error).toBeInstanceOf(CacheValidationError);
    expect(error.message).toMatch(message);
  });

  test('warnings: a node family the guide does not list, a start outside the bounds, a target outside 35-70', () => {
    // Its own stack: reading the annotations synthesizes it, which the table's many groups would slow down.
    const own = setup();
    const c = new ReplicationGroup(own.stack, 'Cache', { vpc: own.vpc, ...sharded({ nodeType: NodeType.of('cache.r8g.large'), shards: 1 }) });
    c.autoScaleShards({ minCapacity: 2, maxCapacity: 4 }).scaleOnEngineCpuUtilization({ targetUtilizationPercent: 80 });
    const warnings = warningsOf(own.stack, c.node.path);
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/cache.r8g.large is not in the node families.*\[ack: cdk-elasticache:autoScalingNodeTypeUnlisted\]/),
      expect.stringMatching(/created with 1 shards, outside the auto scaling bounds 2-4.*\[ack: cdk-elasticache:autoScalingMovesCapacity\]/),
    ]));
    expect(warningsOf(own.stack, `${c.node.path}/ShardScaling`))
      .toEqual([expect.stringMatching(/targetUtilizationPercent 80 is outside 35-70.*autoScalingTargetOutsideConsoleRange/)]);
  });
});

