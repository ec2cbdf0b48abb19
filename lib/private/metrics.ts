import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { NodeType } from '../node-type';
import { CacheValidationError } from '../validation-error';

/**
 * How the caches' CloudWatch metrics are addressed, shared by the replication group and the
 * Memcached cluster.
 *
 * Sources (checked against the AWS documentation):
 * - ElastiCache publishes its host-level and engine metrics in the `AWS/ElastiCache` namespace, for
 *   each cache node, every 60 seconds, with the dimensions `CacheClusterId` and `CacheNodeId`:
 *   https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html (and its sub-pages
 *   CacheMetrics.HostLevel.html, CacheMetrics.Redis.html, CacheMetrics.Memcached.html).
 * - "For any 60 second period, a cache node metric will only contain a single sample":
 *   https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.ChoosingStatisticsAndPeriods.html
 *   Hence the one-minute default period: one sample per node and period, so that the statistic
 *   (`Average`, `Sum` or `Maximum`) of a node's datapoint is the sample itself, even for gauges
 *   such as `CurrConnections` whose canned statistic is `Sum`.
 * - The member clusters of a (cluster mode disabled) replication group are named
 *   `<replicationGroupId>-001`, `-002`, ... (the `MemberClusters` and `CacheClusterId` values of
 *   https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Replication.ViewDetails.CLI.html), and
 *   each holds one node, `0001`. The nodes of a Memcached cluster are `0001` to `00NN` in the
 *   cluster's own `CacheClusterId`.
 * - Statistics: those of aws-cdk-lib's canned `ElastiCacheMetrics`
 *   (`aws-elasticache/lib/elasticache-canned-metrics.generated.d.ts`).
 * - An alarm on a math expression may reference at most 10 metrics (a hard limit):
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
 *   Above 10 nodes (Memcached only) the aggregate is a CloudWatch Metrics Insights query over the
 *   cluster's `CacheClusterId`, which alarms and dashboards both accept (a SEARCH expression would
 *   not work in alarms).
 */

/** The CloudWatch namespace of ElastiCache. */
export const NAMESPACE = 'AWS/ElastiCache';
/** ElastiCache publishes one sample per node every 60 seconds. */
export const DEFAULT_PERIOD = Duration.minutes(1);
/** The most metrics an alarm on a math expression may reference. */
export const MAX_MATH_METRICS = 10;

/**
 * The statistic of each metric, from aws-cdk-lib's canned `ElastiCacheMetrics`. Metrics not listed
 * use `Average`.
 */
const SUM_METRICS = new Set([
  // Valkey / Redis OSS
  'CacheHits', 'CacheMisses', 'CurrConnections', 'NewConnections', 'Evictions', 'Reclaimed', 'CurrItems',
  'AuthenticationFailures', 'KeyAuthorizationFailures', 'CommandAuthorizationFailures', 'ActiveDefragHits',
  'GetTypeCmds', 'SetTypeCmds', 'KeyBasedCmds', 'StringBasedCmds', 'HashBasedCmds', 'ListBasedCmds',
  'SetBasedCmds', 'SortedSetBasedCmds', 'StreamBasedCmds', 'EvalBasedCmds', 'PubSubBasedCmds',
  'GeoSpatialBasedCmds', 'HyperLogLogBasedCmds', 'JsonBasedCmds', 'NonKeyTypeCmds',
  // Memcached
  'CmdGet', 'CmdSet', 'CmdFlush', 'CmdTouch', 'CmdConfigGet', 'CmdConfigSet', 'GetHits', 'GetMisses',
  'DeleteHits', 'DeleteMisses', 'IncrHits', 'IncrMisses', 'DecrHits', 'DecrMisses', 'CasHits', 'CasMisses',
  'CasBadval', 'TouchHits', 'TouchMisses', 'EvictedUnfetched', 'ExpiredUnfetched', 'CurrConfig',
  'NewItems', 'SlabsMoved', 'TotalItems',
]);

/**
 * A metric of the `AWS/ElastiCache` namespace with these dimensions, one-minute period unless `props`
 * say otherwise (every cache's metrics: a node's, a role's, a serverless cache's).
 */
export function elastiCacheMetric(scope: IConstruct, metricName: string, dimensionsMap: Record<string, string>, statistic: string,
  props: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: NAMESPACE,
    metricName,
    dimensionsMap,
    statistic,
    period: DEFAULT_PERIOD,
    ...props,
  }).attachTo(scope);
}

/** The statistic of a metric (the canned `ElastiCacheMetrics` statistic). */
export function statisticOf(metricName: string): string {
  return SUM_METRICS.has(metricName) ? cloudwatch.Stats.SUM : cloudwatch.Stats.AVERAGE;
}

/** Metrics whose group-wide worst case is the lowest node, not the highest. */
const MIN_METRICS = new Set(['FreeableMemory', 'UnusedMemory', 'CPUCreditBalance']);
/** Ratios whose group-wide value is the nodes' average. */
const AVG_METRICS = new Set(['CacheHitRate', 'MemoryFragmentationRatio']);

/**
 * How the nodes' datapoints of a metric combine into the group's: the sum for counts (`Sum`
 * metrics: connections, evictions, hits), the minimum for free memory and CPU credits (the worst
 * node), the average for ratios (hit rate), the maximum for the rest (CPU, memory use, swap,
 * replication lag: the worst node).
 */
export function defaultAggregation(metricName: string): string {
  if (SUM_METRICS.has(metricName)) {
    return 'SUM';
  }
  if (AVG_METRICS.has(metricName)) {
    return 'AVG';
  }
  return MIN_METRICS.has(metricName) ? 'MIN' : 'MAX';
}

/** The dimensions of one cache node, and a label for graphs. */
export interface CacheNode {
  readonly cacheClusterId: string;
  readonly cacheNodeId: string;
  readonly label: string;
}

/** What the metric, alarm and dashboard helpers need to know about a cache. */
export interface MonitoredCache {
  /** The cache construct: metrics attach to its stack, alarms and dashboards are created in it. */
  readonly scope: IConstruct;
  /** Whether it is a Valkey / Redis OSS replication group (else a Memcached cluster). */
  readonly replicationGroup: boolean;
  /** For messages: 'replication group', 'Memcached cluster'. */
  readonly what: string;
  /** The nodes (may throw for an import without its node count). */
  nodes(): CacheNode[];
  /** The `CacheClusterId` all nodes share (Memcached), for Metrics Insights queries above 10 nodes. */
  readonly sharedClusterId?: string;
  /** The node type, when known (new caches). */
  readonly nodeType?: NodeType;
  /** Whether the cache has read replicas (the replication lag alarm). @default - more than one node */
  readonly hasReplicas?: boolean;
  /**
   * The group-level dimensions (`ReplicationGroupId` + `Role`) that the whole-cache metrics and the
   * dashboard use instead of the member ids: a replication group whose member set changes (auto
   * scaling) or has more nodes than an alarm's math expression takes.
   */
  readonly group?: GroupDimensions;
  /** Whether it is the secondary of a global datastore (the cross-Region replication lag alarm). */
  readonly globalDatastoreSecondary?: boolean;
}

/** A replication group's metrics by role: `ReplicationGroupId` and `Role` (`Primary`, `Replica`). */
export interface GroupDimensions {
  readonly replicationGroupId: string;
  /** Whether there are (or may be, with auto scaling) replicas. */
  readonly replicas: boolean;
}

/** The CloudWatch statistic that combines the nodes' samples of a period the way `aggregation` combines nodes. */
const AGGREGATION_STATISTICS: Record<string, string> = {
  MAX: cloudwatch.Stats.MAXIMUM, MIN: cloudwatch.Stats.MINIMUM, SUM: cloudwatch.Stats.SUM, AVG: cloudwatch.Stats.AVERAGE,
};

/** The roles a metric is published for: replication lag only on replicas. */
function rolesOf(group: GroupDimensions, metricName: string): Array<'Primary' | 'Replica'> {
  if (metricName === 'ReplicationLag') {
    return ['Replica'];
  }
  return group.replicas ? ['Primary', 'Replica'] : ['Primary'];
}

/**
 * A replication group's metric for one role (`ReplicationGroupId`, `Role`): every node of that role,
 * their samples of the period combined by the statistic of `aggregation` (one sample per node and
 * minute: `Maximum` is the busiest node, `Sum` the total).
 */
export function roleMetric(cache: MonitoredCache, group: GroupDimensions, metricName: string, role: 'Primary' | 'Replica',
  aggregation: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return elastiCacheMetric(cache.scope, metricName, { ReplicationGroupId: group.replicationGroupId, Role: role },
    AGGREGATION_STATISTICS[aggregation] ?? cloudwatch.Stats.AVERAGE,
    { label: `${metricName} ${role.toLowerCase()}s (${AGGREGATION_WORDS[aggregation] ?? aggregation})`, ...props });
}

/** The metric of each role, for graphs of a group whose members change. */
export function roleMetrics(cache: MonitoredCache, group: GroupDimensions, metricName: string, aggregation?: string): cloudwatch.Metric[] {
  const agg = aggregation ?? defaultAggregation(metricName);
  return rolesOf(group, metricName).map(role => roleMetric(cache, group, metricName, role, agg));
}

/** The whole group from its role metrics: one role, its metric; both, `MAX([primaries, replicas])`. */
function groupAggregate(cache: MonitoredCache, group: GroupDimensions, metricName: string, agg: string,
  props: cloudwatch.MetricOptions): cloudwatch.IMetric {
  const period = props.period ?? DEFAULT_PERIOD;
  const roles = rolesOf(group, metricName);
  if (roles.length === 1) {
    return roleMetric(cache, group, metricName, roles[0], agg, { ...props, period, label: props.label });
  }
  const prefix = variablePrefix(metricName);
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const role of roles) {
    usingMetrics[`${prefix}${role}`] = roleMetric(cache, group, metricName, role, agg, { ...props, period, label: undefined, color: undefined });
  }
  return new cloudwatch.MathExpression({
    expression: `${agg}([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    period,
    label: props.label ?? `${metricName} (${AGGREGATION_WORDS[agg] ?? agg} of the group)`,
    color: props.color,
  });
}

/**
 * The nodes of a replication group with cluster mode disabled: one member cluster per node,
 * `<replicationGroupId>-001` ..., each with the single node `0001`.
 */
export function replicationGroupNodes(memberClusterIds: string[]): CacheNode[] {
  return memberClusterIds.map((cacheClusterId, i) => ({ cacheClusterId, cacheNodeId: '0001', label: `node ${i + 1}` }));
}

/**
 * The nodes of a replication group with cluster mode enabled: `<replicationGroupId>-<shard>-001` ...
 * (the shard's primary first, as created), each with the single node `0001`.
 */
export function shardedNodes(replicationGroupId: string, shardIds: string[], replicas: number): CacheNode[] {
  return shardIds.flatMap(shard => Array.from({ length: replicas + 1 }, (_, i) => ({
    cacheClusterId: `${replicationGroupId}-${shard}-${String(i + 1).padStart(3, '0')}`,
    cacheNodeId: '0001',
    label: `shard ${shard} node ${i + 1}`,
  })));
}

/** The nodes of a Memcached cluster: `0001` ... in the cluster's `CacheClusterId`. */
export function memcachedNodes(clusterName: string, nodeIds: string[]): CacheNode[] {
  return nodeIds.map(cacheNodeId => ({ cacheClusterId: clusterName, cacheNodeId, label: `node ${cacheNodeId}` }));
}

/** One node's metric, with the canned statistic and a one-minute period unless overridden. */
export function nodeMetric(cache: MonitoredCache, node: CacheNode, metricName: string,
  props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return elastiCacheMetric(cache.scope, metricName, { CacheClusterId: node.cacheClusterId, CacheNodeId: node.cacheNodeId },
    statisticOf(metricName), { label: `${metricName} ${node.label}`, ...props });
}

/** The metric of every node, in node order. */
export function nodeMetrics(cache: MonitoredCache, metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric[] {
  return cache.nodes().map(node => nodeMetric(cache, node, metricName, props));
}

const AGGREGATION_WORDS: Record<string, string> = { MAX: 'max', MIN: 'min', SUM: 'sum', AVG: 'average' };

/**
 * The metric of the whole cache: the nodes' datapoints combined by `aggregation` (default: per
 * metric, see `defaultAggregation`). One node: its metric. Up to `maxMetrics` nodes (10, the limit
 * of an alarm): a math expression `MAX([m1, m2, ...])` over the node metrics. Above (Memcached): a
 * Metrics Insights query. Graphs pass a higher `maxMetrics`: a graph may hold only one Metrics
 * Insights query (one per GetMetricData call), but hundreds of metrics.
 */
export function aggregateMetric(cache: MonitoredCache, metricName: string, options: cloudwatch.MetricOptions & { aggregation?: string } = {},
  aggregation?: string, maxMetrics: number = MAX_MATH_METRICS): cloudwatch.IMetric {
  // `aggregation` is this library's option, not a property of cloudwatch.Metric.
  const props: cloudwatch.MetricOptions & { aggregation?: string } = { ...options };
  delete props.aggregation;
  const agg = aggregation ?? defaultAggregation(metricName);
  if (cache.group) {
    return groupAggregate(cache, cache.group, metricName, agg, props);
  }
  return aggregateOver(cache, cache.nodes(), metricName, props, agg, maxMetrics);
}

/** `aggregateMetric` over the given nodes (all of the cache, or one shard's). */
export function aggregateOver(cache: MonitoredCache, nodes: CacheNode[], metricName: string, props: cloudwatch.MetricOptions,
  agg: string, maxMetrics: number = MAX_MATH_METRICS, what: string = 'nodes'): cloudwatch.IMetric {
  const period = props.period ?? DEFAULT_PERIOD;
  if (nodes.length === 1) {
    return nodeMetric(cache, nodes[0], metricName, { ...props, period, label: props.label });
  }
  const label = props.label ?? `${metricName} (${AGGREGATION_WORDS[agg] ?? agg} of ${nodes.length} ${what})`;
  if (nodes.length <= maxMetrics) {
    const prefix = variablePrefix(metricName);
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    nodes.forEach((node, i) => {
      usingMetrics[`${prefix}${i + 1}`] = nodeMetric(cache, node, metricName, { ...props, period, label: undefined, color: undefined });
    });
    return new cloudwatch.MathExpression({
      expression: `${agg}([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      period,
      label,
      color: props.color,
    });
  }
  if (cache.sharedClusterId === undefined) {
    throw new CacheValidationError(`Cannot aggregate ${metricName} over ${nodes.length} nodes of the ${cache.what}: `
      + `a math expression takes at most ${MAX_MATH_METRICS} metrics.`, cache.scope);
  }
  // Metrics Insights: the aggregation over every datapoint of the cluster's nodes in the period
  // (one per node and minute, so that SUM adds the nodes and MAX picks the highest).
  return new cloudwatch.MathExpression({
    expression: `SELECT ${agg}(${metricName}) FROM SCHEMA("${NAMESPACE}", CacheClusterId, CacheNodeId) `
      + `WHERE CacheClusterId = '${cache.sharedClusterId}'`,
    period,
    label,
    color: props.color,
  });
}

/**
 * A math-expression variable prefix unique to the metric name (`CPUUtilization` -> `cpuUtilization`),
 * so that expressions combining two aggregates (a hit rate) do not reuse an id for two metrics.
 */
function variablePrefix(metricName: string): string {
  const alnum = metricName.replace(/[^A-Za-z0-9]/g, '');
  return alnum.replace(/^[A-Z]+(?=[A-Z][a-z])|^[A-Z]/, s => s.toLowerCase()) || 'm';
}

/** Enough metrics for any graph of a cache (GetMetricData takes 500; a Memcached cluster has at most 40 nodes). */
export const GRAPH_MAX_METRICS = 500;

/**
 * The hit rate of the whole cache, `100 * hits / (hits + misses)` over the nodes' sums: for graphs
 * (math expressions over every node, no Metrics Insights query, which a graph may hold only once).
 */
export function hitRateMetric(cache: MonitoredCache, hitsName: string, missesName: string, props: cloudwatch.MetricOptions,
  defaultLabel: string): cloudwatch.IMetric {
  return hitRate(period => aggregateMetric(cache, hitsName, { period }, 'SUM', GRAPH_MAX_METRICS),
    period => aggregateMetric(cache, missesName, { period }, 'SUM', GRAPH_MAX_METRICS), props, defaultLabel);
}

/**
 * `100 * hits / (hits + misses)` (percent) over the hits and misses metrics of the period (every
 * cache's hit rate: the node-based caches' sums over the nodes, a serverless cache's own series).
 */
export function hitRate(hits: (period: Duration) => cloudwatch.IMetric, misses: (period: Duration) => cloudwatch.IMetric,
  props: cloudwatch.MetricOptions, defaultLabel: string): cloudwatch.IMetric {
  const period = props.period ?? DEFAULT_PERIOD;
  return new cloudwatch.MathExpression({
    expression: '100 * hits / (hits + misses)',
    usingMetrics: { hits: hits(period), misses: misses(period) },
    period,
    label: props.label ?? defaultLabel,
    color: props.color,
  });
}
