import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AlarmOverride, MemcachedCluster, MetricAggregation, NetworkAllowance, NodeType, RecommendedAlarmOverrides, RedisOssVersion,
  ReplicationGroup,
} from '../lib';
import { CacheValidationError } from '../lib/validation-error';

const ALARM = 'AWS::CloudWatch::Alarm';
const NS = 'AWS/ElastiCache';

function setup() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
    { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  ] });
  return { stack, vpc };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The alarms of a template by the id of their construct (`.../RecommendedAlarms/<id>` or a test's own id). */
function alarmsById(template: Template): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [logicalId, resource] of Object.entries<Json>(template.findResources(ALARM))) {
    out[logicalId] = resource.Properties;
  }
  return out;
}

function alarmWithPrefix(template: Template, prefix: string): Json {
  const found = Object.entries(alarmsById(template)).filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0][1];
}

/** The member cluster id of replication group node `n` (`<Ref>-00n`). */
function member(cacheLogicalId: string, n: number): Json {
  return { 'Fn::Join': ['', [{ Ref: cacheLogicalId }, `-00${n}`]] };
}

function nodeStat(metricName: string, clusterId: Json, nodeId: string, stat: string, period = 60): Json {
  return {
    Metric: { Namespace: NS, MetricName: metricName, Dimensions: [
      { Name: 'CacheClusterId', Value: clusterId }, { Name: 'CacheNodeId', Value: nodeId },
    ] },
    Period: period,
    Stat: stat,
  };
}

describe('metrics', () => {
  // One stack holds an alarm per metric helper; the template is synthesized once.
  const { stack, vpc } = setup();
  const cache = new ReplicationGroup(stack, 'Cache', { vpc, replicas: 2 });
  const cacheId = stack.getLogicalId(cache.node.defaultChild as never);
  const memcached = new MemcachedCluster(stack, 'Memcached', { vpc, nodes: 3 });
  const memcachedId = stack.getLogicalId(memcached.node.defaultChild as never);
  const alarm = (id: string, metric: cloudwatch.IMetric) => new cloudwatch.Alarm(stack, id, { metric, threshold: 1, evaluationPeriods: 1 });

  const rgCases: Array<[string, cloudwatch.IMetric, string, string, string]> = [
    ['metricCpuUtilization', cache.metricCpuUtilization(), 'CPUUtilization', 'Average', 'MAX'],
    ['metricEngineCpuUtilization', cache.metricEngineCpuUtilization(), 'EngineCPUUtilization', 'Average', 'MAX'],
    ['metricFreeableMemory', cache.metricFreeableMemory(), 'FreeableMemory', 'Average', 'MIN'],
    ['metricSwapUsage', cache.metricSwapUsage(), 'SwapUsage', 'Average', 'MAX'],
    ['metricDatabaseMemoryUsagePercentage', cache.metricDatabaseMemoryUsagePercentage(), 'DatabaseMemoryUsagePercentage', 'Average', 'MAX'],
    ['metricEvictions', cache.metricEvictions(), 'Evictions', 'Sum', 'SUM'],
    ['metricCurrConnections', cache.metricCurrConnections(), 'CurrConnections', 'Sum', 'SUM'],
    ['metricNewConnections', cache.metricNewConnections(), 'NewConnections', 'Sum', 'SUM'],
    ['metricCacheHits', cache.metricCacheHits(), 'CacheHits', 'Sum', 'SUM'],
    ['metricCacheMisses', cache.metricCacheMisses(), 'CacheMisses', 'Sum', 'SUM'],
    ['metricReplicationLag', cache.metricReplicationLag(), 'ReplicationLag', 'Average', 'MAX'],
    ['metricNetworkAllowanceExceeded(BANDWIDTH_IN)', cache.metricNetworkAllowanceExceeded(NetworkAllowance.BANDWIDTH_IN),
      'NetworkBandwidthInAllowanceExceeded', 'Average', 'MAX'],
    ['metric(CacheHitRate)', cache.metric('CacheHitRate'), 'CacheHitRate', 'Average', 'AVG'],
  ];
  rgCases.forEach(([name, metric]) => alarm(`Rg${name.replace(/[^A-Za-z]/g, '')}`, metric));
  const mcCases: Array<[string, cloudwatch.IMetric, string, string, string]> = [
    ['metricCpuUtilization', memcached.metricCpuUtilization(), 'CPUUtilization', 'Average', 'MAX'],
    ['metricFreeableMemory', memcached.metricFreeableMemory(), 'FreeableMemory', 'Average', 'MIN'],
    ['metricSwapUsage', memcached.metricSwapUsage(), 'SwapUsage', 'Average', 'MAX'],
    ['metricEvictions', memcached.metricEvictions(), 'Evictions', 'Sum', 'SUM'],
    ['metricCurrConnections', memcached.metricCurrConnections(), 'CurrConnections', 'Sum', 'SUM'],
    ['metricNewConnections', memcached.metricNewConnections(), 'NewConnections', 'Sum', 'SUM'],
    ['metricGetHits', memcached.metricGetHits(), 'GetHits', 'Sum', 'SUM'],
    ['metricGetMisses', memcached.metricGetMisses(), 'GetMisses', 'Sum', 'SUM'],
    ['metricCmdGet', memcached.metricCmdGet(), 'CmdGet', 'Sum', 'SUM'],
    ['metricCmdSet', memcached.metricCmdSet(), 'CmdSet', 'Sum', 'SUM'],
    ['metricCurrItems', memcached.metricCurrItems(), 'CurrItems', 'Sum', 'SUM'],
    ['metricBytesUsedForCacheItems', memcached.metricBytesUsedForCacheItems(), 'BytesUsedForCacheItems', 'Average', 'MAX'],
    ['metricUnusedMemory', memcached.metricUnusedMemory(), 'UnusedMemory', 'Average', 'MIN'],
    ['metricNetworkAllowanceExceeded(CONNTRACK)', memcached.metricNetworkAllowanceExceeded(NetworkAllowance.CONNTRACK),
      'NetworkConntrackAllowanceExceeded', 'Average', 'MAX'],
  ];
  mcCases.forEach(([name, metric]) => alarm(`Mc${name.replace(/[^A-Za-z]/g, '')}`, metric));
  alarm('RgAverage', cache.metric('CPUUtilization', { aggregation: MetricAggregation.AVERAGE, statistic: 'Maximum',
    period: Duration.minutes(5) }));
  alarm('RgHitRate', cache.metricCacheHitRate());
  alarm('McHitRate', memcached.metricGetHitRate());
  const template = Template.fromStack(stack);

  test.each(rgCases)('replication group %s: %s, %s of each member node, %s over the 3 nodes',
    (name, _metric, metricName, stat, agg) => {
      const props = alarmWithPrefix(template, `Rg${name.replace(/[^A-Za-z]/g, '')}`);
      const prefix = metricName.replace(/^[A-Z]+(?=[A-Z][a-z])|^[A-Z]/, s => s.toLowerCase());
      expect(props.Metrics).toEqual([
        { Id: 'expr_1', Expression: `${agg}([${prefix}1, ${prefix}2, ${prefix}3])`, Label: expect.stringContaining(metricName),
          ReturnData: true },
        ...[1, 2, 3].map(n => ({ Id: `${prefix}${n}`, MetricStat: nodeStat(metricName, member(cacheId, n), '0001', stat), ReturnData: false })),
      ]);
    });

  test.each(mcCases)('Memcached %s: %s, %s of each node 0001-0003 of the cluster, %s over the nodes',
    (name, _metric, metricName, stat, agg) => {
      const props = alarmWithPrefix(template, `Mc${name.replace(/[^A-Za-z]/g, '')}`);
      expect(props.Metrics[0]).toMatchObject({ Expression: expect.stringMatching(new RegExp(`^${agg}\\(\\[`)) });
      expect(props.Metrics.slice(1).map((m: Json) => m.MetricStat)).toEqual(['0001', '0002', '0003'].map(node =>
        nodeStat(metricName, { Ref: memcachedId }, node, stat)));
    });

  test('aggregation, statistic and period can be overridden', () => {
    const props = alarmWithPrefix(template, 'RgAverage');
    expect(props.Metrics[0].Expression).toBe('AVG([cpuUtilization1, cpuUtilization2, cpuUtilization3])');
    expect(props.Metrics[1].MetricStat).toEqual(nodeStat('CPUUtilization', member(cacheId, 1), '0001', 'Maximum', 300));
  });

  test.each([
    ['RgHitRate', 'cacheHits', 'cacheMisses'],
    ['McHitRate', 'getHits', 'getMisses'],
  ])('%s: 100 * hits / (hits + misses) over the summed nodes', (id, hits, misses) => {
    const props = alarmWithPrefix(template, id);
    expect(props.Metrics[0]).toMatchObject({ Expression: '100 * hits / (hits + misses)', ReturnData: true });
    expect(props.Metrics).toEqual(expect.arrayContaining([
      expect.objectContaining({ Id: 'hits', Expression: expect.stringMatching(new RegExp(`^SUM\\(\\[${hits}1, `)) }),
      expect.objectContaining({ Id: 'misses', Expression: expect.stringMatching(new RegExp(`^SUM\\(\\[${misses}1, `)) }),
    ]));
  });

  test('nodeMetrics: one metric per node, in node order', () => {
    const rg = cache.nodeMetrics('CPUUtilization');
    expect(rg).toHaveLength(3);
    expect(stack.resolve(rg[2].dimensions)).toEqual({ CacheClusterId: member(cacheId, 3), CacheNodeId: '0001' });
    expect(rg[2]).toMatchObject({ namespace: NS, metricName: 'CPUUtilization', statistic: 'Average' });
    expect(rg[2].period.toSeconds()).toBe(60);
    const mc = memcached.nodeMetrics('GetHits', { period: Duration.minutes(5) });
    expect(mc.map(m => stack.resolve(m.dimensions))).toEqual(['0001', '0002', '0003'].map(CacheNodeId => ({
      CacheClusterId: { Ref: memcachedId }, CacheNodeId,
    })));
    expect(mc[0].statistic).toBe('Sum');
    expect(mc[0].period.toSeconds()).toBe(300);
  });
});

describe('metrics of single-node, large and imported caches', () => {
  test('a single node: the node metric itself, no math expression', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, replicas: 0 });
    new cloudwatch.Alarm(stack, 'Alarm', { metric: cache.metricSwapUsage(), threshold: 1, evaluationPeriods: 1 });
    Template.fromStack(stack).hasResourceProperties(ALARM, {
      Namespace: NS, MetricName: 'SwapUsage', Statistic: 'Average', Period: 60,
      Dimensions: [{ Name: 'CacheClusterId', Value: member(stack.getLogicalId(cache.node.defaultChild as never), 1) },
        { Name: 'CacheNodeId', Value: '0001' }],
    });
  });

  test('above 10 nodes (Memcached): a Metrics Insights query over the cluster, accepted by alarms', () => {
    const { stack, vpc } = setup();
    const cluster = new MemcachedCluster(stack, 'Memcached', { vpc, nodes: 40 });
    new cloudwatch.Alarm(stack, 'Alarm', { metric: cluster.metricEvictions(), threshold: 1, evaluationPeriods: 1 });
    Template.fromStack(stack).hasResourceProperties(ALARM, {
      Metrics: [{
        Id: 'expr_1',
        Expression: { 'Fn::Join': ['', [
          'SELECT SUM(Evictions) FROM SCHEMA("AWS/ElastiCache", CacheClusterId, CacheNodeId) WHERE CacheClusterId = \'',
          { Ref: stack.getLogicalId(cluster.node.defaultChild as never) }, '\'',
        ]] },
        Period: 60,
        ReturnData: true,
      }],
    });
    expect(cluster.nodeMetrics('CPUUtilization')).toHaveLength(40);
    // The hit rate holds two aggregates, so it is math over the nodes (a graph takes one Metrics Insights query).
    const hitRate = cluster.metricGetHitRate() as cloudwatch.MathExpression;
    expect((hitRate.usingMetrics.hits as cloudwatch.MathExpression).expression).toMatch(/^SUM\(\[getHits1, .*, getHits40\]\)$/);
  });

  test('10 nodes still use a math expression (the alarm limit is 10 metrics)', () => {
    const { stack, vpc } = setup();
    const cluster = new MemcachedCluster(stack, 'Memcached', { vpc, nodes: 10 });
    const metric = cluster.metricCpuUtilization() as cloudwatch.MathExpression;
    expect(metric.expression).toBe(`MAX([${Array.from({ length: 10 }, (_, i) => `cpuUtilization${i + 1}`).join(', ')}])`);
  });

  test('an imported replication group: member ids from its id and nodes', () => {
    const stack = new Stack();
    const cache = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Cache', { replicationGroupId: 'orders', nodes: 3 });
    expect(cache.nodeMetrics('CPUUtilization').map(m => m.dimensions)).toEqual([1, 2, 3].map(n => ({
      CacheClusterId: `orders-00${n}`, CacheNodeId: '0001',
    })));
    const imported = ReplicationGroup.fromReplicationGroupAttributes(stack, 'NoNodes', { replicationGroupId: 'orders' });
    expect(() => imported.metricCpuUtilization()).toThrow(/without nodes: give it in fromReplicationGroupAttributes/);
  });

  test('an imported Memcached cluster: node ids from nodes', () => {
    const stack = new Stack();
    const cluster = MemcachedCluster.fromMemcachedClusterAttributes(stack, 'Cluster', { clusterName: 'sessions', nodes: 2 });
    expect(cluster.nodeMetrics('Evictions').map(m => m.dimensions)).toEqual([
      { CacheClusterId: 'sessions', CacheNodeId: '0001' }, { CacheClusterId: 'sessions', CacheNodeId: '0002' },
    ]);
  });
});

/** The recommended alarms of a template: construct id -> [metric names, threshold, properties]. */
function recommended(template: Template): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [logicalId, props] of Object.entries(alarmsById(template))) {
    const match = /RecommendedAlarms([A-Za-z]+?)[0-9A-F]{8}$/.exec(logicalId);
    if (match) {
      out[match[1]] = props;
    }
  }
  return out;
}

function thresholds(template: Template): Record<string, number> {
  return Object.fromEntries(Object.entries(recommended(template)).map(([id, p]) => [id, p.Threshold]));
}

describe('recommended alarms', () => {
  test('2-vCPU replication group (the default cache.t4g.micro, 1 replica): CPU at 45%, no engine CPU', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    const alarms = cache.addRecommendedAlarms();
    const template = Template.fromStack(stack);
    expect(thresholds(template)).toEqual({
      CpuUtilization: 45, MemoryUsage: 80, SwapUsage: 52428800, Evictions: 0, CurrConnections: 52000, ReplicationLag: 5,
    });
    const all = recommended(template);
    expect(all.CpuUtilization).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 5, TreatMissingData: 'missing',
      AlarmDescription: expect.stringMatching(/^CPUUtilization of the ElastiCache replication group Stack\/Cache above 45% in 5 of 5 minutes. AWS:/),
    });
    expect(all.CpuUtilization.Metrics[0].Expression).toBe('MAX([cpuUtilization1, cpuUtilization2])');
    expect(all.Evictions.Metrics[0].Expression).toBe('SUM([evictions1, evictions2])');
    expect(all.CurrConnections.Metrics[0].Expression).toBe('MAX([currConnections1, currConnections2])');
    expect(all.MemoryUsage.Metrics[1].MetricStat.Metric.MetricName).toBe('DatabaseMemoryUsagePercentage');
    for (const props of Object.values(all)) {
      expect(props.AlarmDescription).toMatch(/\. \S.+/);
      expect(props.AlarmActions).toBeUndefined();
    }
    expect(alarms.alarms).toHaveLength(6);
    expect(alarms.cpuUtilization).toBeDefined();
    expect(alarms.engineCpuUtilization).toBeUndefined();
    expect(alarms.replicationLag).toBeDefined();
    expect([alarms.swapUsage, alarms.memoryUsage, alarms.evictions, alarms.currConnections].every(a => a !== undefined)).toBe(true);
  });

  test('8-vCPU replication group (cache.r7g.2xlarge): engine CPU at 90%, no host CPU alarm', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, nodeType: NodeType.R7G_2XLARGE, replicas: 2 });
    cache.addRecommendedAlarms();
    const template = Template.fromStack(stack);
    expect(thresholds(template)).toEqual({
      EngineCpuUtilization: 90, MemoryUsage: 80, SwapUsage: 52428800, Evictions: 0, CurrConnections: 52000, ReplicationLag: 5,
    });
    expect(recommended(template).EngineCpuUtilization.Metrics[0].Expression)
      .toBe('MAX([engineCPUUtilization1, engineCPUUtilization2, engineCPUUtilization3])');
  });

  test('1-vCPU node without replicas (the hands-on cache.t2.micro): CPU at 90%, no replication-lag alarm', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc, engine: RedisOssVersion.VER_7_1, nodeType: NodeType.T2_MICRO, replicas: 0,
    });
    const alarms = cache.addRecommendedAlarms();
    expect(thresholds(Template.fromStack(stack))).toEqual({
      CpuUtilization: 90, MemoryUsage: 80, SwapUsage: 52428800, Evictions: 0, CurrConnections: 52000,
    });
    expect(alarms.replicationLag).toBeUndefined();
  });

  test.each([
    [NodeType.T4G_MICRO, 'CPUUtilization'],
    [NodeType.R7G_2XLARGE, 'CPUUtilization'],
  ])('Memcached on %s: CPU at 90% (multi-threaded), swap, evictions, connections; no memory or lag alarm', (nodeType) => {
    const { stack, vpc } = setup();
    const cluster = new MemcachedCluster(stack, 'Memcached', { vpc, nodeType, nodes: 3 });
    cluster.addRecommendedAlarms();
    const template = Template.fromStack(stack);
    expect(thresholds(template)).toEqual({ CpuUtilization: 90, SwapUsage: 52428800, Evictions: 0, CurrConnections: 52000 });
    expect(recommended(template).SwapUsage.AlarmDescription).toMatch(/Memcached cluster Stack\/Memcached above 52428800 bytes/);
  });

  test('actions and OK actions go to every alarm', () => {
    const { stack, vpc } = setup();
    const topic = new sns.Topic(stack, 'Topic');
    const ok = new sns.Topic(stack, 'Ok');
    new ReplicationGroup(stack, 'Cache', { vpc }).addRecommendedAlarms({
      actions: [new actions.SnsAction(topic)], okActions: [new actions.SnsAction(ok)],
    });
    for (const props of Object.values(recommended(Template.fromStack(stack)))) {
      expect(props.AlarmActions).toEqual([{ Ref: stack.getLogicalId(topic.node.defaultChild as never) }]);
      expect(props.OKActions).toEqual([{ Ref: stack.getLogicalId(ok.node.defaultChild as never) }]);
    }
  });

  test('overrides: thresholds, periods, turning alarms off and on', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc }).addRecommendedAlarms({ overrides: {
      cpuUtilization: { threshold: 60, evaluationPeriods: 10, datapointsToAlarm: 3 },
      engineCpuUtilization: { enabled: true, threshold: 85 },
      evictions: { threshold: 1000 },
      replicationLag: { enabled: false },
      swapUsage: { threshold: 0 },
    } });
    const all = recommended(Template.fromStack(stack));
    expect(Object.fromEntries(Object.entries(all).map(([id, p]) => [id, p.Threshold]))).toEqual({
      CpuUtilization: 60, EngineCpuUtilization: 85, MemoryUsage: 80, SwapUsage: 0, Evictions: 1000, CurrConnections: 52000,
    });
    expect(all.CpuUtilization).toMatchObject({ EvaluationPeriods: 10, DatapointsToAlarm: 3 });
    expect(all.Evictions).toMatchObject({ EvaluationPeriods: 5, DatapointsToAlarm: 5 });
  });

  test('an imported replication group needs its node type for the CPU alarms', () => {
    const stack = new Stack();
    const attrs = { replicationGroupId: 'orders', nodes: 2 };
    expect(() => ReplicationGroup.fromReplicationGroupAttributes(stack, 'A', attrs).addRecommendedAlarms())
      .toThrow('Default/A: Cannot derive the CPU alarms of the replication group: the vCPU count of its node type is unknown. '
        + 'Allowed: give it with addRecommendedAlarms({ nodeType })');
    ReplicationGroup.fromReplicationGroupAttributes(stack, 'B', attrs).addRecommendedAlarms({ nodeType: NodeType.R7G_XLARGE });
    ReplicationGroup.fromReplicationGroupAttributes(stack, 'C', attrs).addRecommendedAlarms({ overrides: {
      cpuUtilization: { enabled: true, threshold: 50 }, engineCpuUtilization: { enabled: false },
    } });
    const ids = Object.keys(alarmsById(Template.fromStack(stack)));
    const byScope = (scope: string) => ids.filter(id => id.startsWith(`${scope}RecommendedAlarms`))
      .map(id => id.replace(new RegExp(`^${scope}RecommendedAlarms|[0-9A-F]{8}$`, 'g'), ''));
    expect(byScope('B')).toEqual(['EngineCpuUtilization', 'MemoryUsage', 'SwapUsage', 'Evictions', 'CurrConnections', 'ReplicationLag']);
    expect(byScope('C')).toEqual(['CpuUtilization', 'MemoryUsage', 'SwapUsage', 'Evictions', 'CurrConnections', 'ReplicationLag']);
    // An imported Memcached cluster needs no node type (its CPU threshold does not depend on it).
    MemcachedCluster.fromMemcachedClusterAttributes(stack, 'M', { clusterName: 'sessions', nodes: 2 }).addRecommendedAlarms();
  });

  test('a node type of unknown vCPU count is an error that says how to give it', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, nodeType: NodeType.of('cache.x9g.18xlarge') });
    expect(() => cache.addRecommendedAlarms()).toThrow(CacheValidationError);
    expect(() => cache.addRecommendedAlarms()).toThrow(/give it with NodeType.of\('cache.x9g.18xlarge', \{ vcpus \}\)/);
    const known = new ReplicationGroup(stack, 'Known', { vpc, nodeType: NodeType.of('cache.x9g.18xlarge', { vcpus: 2 }) });
    expect(known.addRecommendedAlarms().cpuUtilization).toBeDefined();
  });

  test('added once per cache', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    cache.addRecommendedAlarms();
    expect(() => cache.addRecommendedAlarms()).toThrow(/Cannot add the recommended alarms twice/);
  });

  test.each<[string, keyof RecommendedAlarmOverrides, AlarmOverride, string]>([
    ['a negative threshold', 'evictions', { threshold: -1 }, 'Invalid overrides.evictions.threshold: got -1. Allowed: a number from 0 up.'],
    ['a CPU threshold above 100%', 'cpuUtilization', { threshold: 120 },
      'Invalid overrides.cpuUtilization.threshold: got 120. Allowed: a number from 0 to 100 (percent).'],
    ['a memory threshold above 100%', 'memoryUsage', { threshold: 101 }, 'Invalid overrides.memoryUsage.threshold: got 101.'],
    ['a non-finite threshold', 'swapUsage', { threshold: NaN }, 'Invalid overrides.swapUsage.threshold: got NaN.'],
    ['no evaluation period', 'swapUsage', { evaluationPeriods: 0 },
      'Invalid overrides.swapUsage.evaluationPeriods: got 0. Allowed: an integer from 1 to 1440'],
    ['a fractional evaluation period', 'currConnections', { evaluationPeriods: 1.5 }, 'Invalid overrides.currConnections.evaluationPeriods: got 1.5.'],
    ['more than a day of periods', 'replicationLag', { evaluationPeriods: 1441 }, 'Invalid overrides.replicationLag.evaluationPeriods: got 1441.'],
    ['more datapoints than periods', 'evictions', { datapointsToAlarm: 6 },
      'Invalid overrides.evictions.datapointsToAlarm: got 6. Allowed: an integer from 1 to the evaluation periods, 5.'],
    ['no datapoint', 'evictions', { evaluationPeriods: 10, datapointsToAlarm: 0 },
      'Invalid overrides.evictions.datapointsToAlarm: got 0. Allowed: an integer from 1 to the evaluation periods, 10.'],
  ])('rejects %s', (_name, key, override, message) => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    expect(() => cache.addRecommendedAlarms({ overrides: { [key]: override } })).toThrow(`Stack/Cache: ${message}`);
  });
});

describe('dashboard', () => {
  function body(template: Template): string {
    const dashboards = Object.values<Json>(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    return JSON.stringify(dashboards[0].Properties.DashboardBody);
  }

  test('replication group: the key graphs per node, and the recommended alarms added before', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    cache.addRecommendedAlarms();
    const dashboard = cache.addDashboard();
    expect(dashboard).toBeInstanceOf(cloudwatch.Dashboard);
    const text = body(Template.fromStack(stack));
    for (const title of ['Recommended alarms', 'CPU (%)', 'Memory used of maxmemory (%)', 'Swap (bytes)', 'Evictions', 'Connections',
      'Cache hits and misses', 'Replication lag (seconds)', 'Freeable memory (bytes)', 'Network allowance exceeded (packets)']) {
      expect(text).toContain(`\\"title\\":\\"${title}\\"`);
    }
    for (const metric of ['EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'ReplicationLag', 'CacheHits',
      'NetworkBandwidthInAllowanceExceeded']) {
      expect(text).toContain(`\\"${metric}\\"`);
    }
    expect(text).toContain('100 * hits / (hits + misses)');
    expect(text).toContain('\\"start\\":\\"-PT3H\\"');
  });

  test('Memcached: its own graphs; no alarm widget without alarms; math over every node above 10 nodes', () => {
    const { stack, vpc } = setup();
    new MemcachedCluster(stack, 'Memcached', { vpc, nodes: 12 }).addDashboard({ dashboardName: 'sessions-cache',
      defaultInterval: Duration.hours(12) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'sessions-cache' });
    const text = body(template);
    expect(text).not.toContain('Recommended alarms');
    for (const title of ['Get hits and misses', 'Items', 'Commands', 'Freeable memory (bytes)']) {
      expect(text).toContain(`\\"title\\":\\"${title}\\"`);
    }
    // A graph may hold only one Metrics Insights query: whole-cluster lines are math over all 12 nodes.
    expect(text).not.toContain('SELECT');
    expect(text).toContain(`SUM([${Array.from({ length: 12 }, (_, i) => `getHits${i + 1}`).join(', ')}])`);
    expect(text).toContain('\\"start\\":\\"-PT12H\\"');
  });

  test.each([
    ['spaces', 'my dashboard'],
    ['too long', 'd'.repeat(256)],
  ])('rejects a dashboard name with %s', (_name, dashboardName) => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    expect(() => cache.addDashboard({ dashboardName })).toThrow(`Stack/Cache: Invalid dashboardName: got '${dashboardName}'. `
      + 'Allowed: 1 to 255 letters, digits, hyphens and underscores.');
  });

  test('added once per cache', () => {
    const { stack, vpc } = setup();
    const cache = new MemcachedCluster(stack, 'Memcached', { vpc });
    cache.addDashboard();
    expect(() => cache.addDashboard()).toThrow(/Cannot add a second dashboard/);
  });
});

describe('event notifications to an encrypted topic', () => {
  const statement = {
    Sid: 'AllowElastiCacheEventNotifications',
    Effect: 'Allow',
    Principal: { Service: 'elasticache.amazonaws.com' },
    Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    Resource: '*',
  };

  test.each(['replication group', 'Memcached cluster'])('%s: the key policy lets ElastiCache publish', (kind) => {
    const { stack, vpc } = setup();
    const notificationTopic = new sns.Topic(stack, 'Events', { masterKey: new kms.Key(stack, 'Key') });
    if (kind === 'replication group') {
      new ReplicationGroup(stack, 'Cache', { vpc, notificationTopic });
    } else {
      new MemcachedCluster(stack, 'Cache', { vpc, notificationTopic });
    }
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        ...statement,
      })]) },
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('notificationTopicKeyPolicy'))).toHaveLength(0);
  });

  test('an unencrypted topic needs nothing', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, notificationTopic: new sns.Topic(stack, 'Events') });
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
  });

  test('an imported key cannot be changed: a warning says what it must allow', () => {
    const { stack, vpc } = setup();
    const masterKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new MemcachedCluster(stack, 'Cache', { vpc, notificationTopic: new sns.Topic(stack, 'Events', { masterKey }) });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Cache', Match.stringLikeRegexp('elasticache.amazonaws.com'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('kms:GenerateDataKey* and kms:Decrypt');
  });
});
