import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, IConstruct } from 'constructs';
import { NodeType } from './node-type';
import { alarmOf, alarmsOf, AlarmSpec, createAlarmSet } from './private/alarms';
import { CacheValidationError } from './validation-error';
import { aggregateMetric, MonitoredCache } from './private/metrics';

/**
 * Metrics, recommended alarms and dashboards of the caches (`ReplicationGroup`, `MemcachedCluster`).
 *
 * ElastiCache publishes its metrics per node (namespace `AWS/ElastiCache`, dimensions
 * `CacheClusterId` and `CacheNodeId`, one sample every 60 s:
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html). The caches' `metric*()`
 * methods combine the nodes into one metric of the whole cache; `nodeMetrics()` gives one per node.
 * The recommended alarms follow
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.WhichShouldIMonitor.html
 * where it gives a number, and this library's documented choice where it does not.
 */

/** How the nodes' datapoints of a metric are combined into the metric of the whole cache. */
export enum MetricAggregation {
  /** The highest node (CPU, memory use, swap, replication lag). */
  MAXIMUM = 'MAX',
  /** The lowest node (freeable memory). */
  MINIMUM = 'MIN',
  /** All nodes added up (connections, evictions, hits, commands). */
  SUM = 'SUM',
  /** The nodes' average (ratios such as the hit rate). */
  AVERAGE = 'AVG',
}

/** Options of a cache metric. */
export interface CacheMetricOptions extends cloudwatch.MetricOptions {
  /**
   * How the nodes are combined into the metric of the whole cache.
   * @default - per metric: `SUM` for counts (the metrics whose statistic is `Sum`), `MINIMUM` for
   * `FreeableMemory`, `UnusedMemory` and `CPUCreditBalance`, `AVERAGE` for `CacheHitRate` and
   * `MemoryFragmentationRatio`, `MAXIMUM` otherwise
   */
  readonly aggregation?: MetricAggregation;
}

/** A network allowance of the node's EC2 host; packets beyond it are queued or dropped. */
export enum NetworkAllowance {
  /** Inbound bandwidth (`NetworkBandwidthInAllowanceExceeded`). */
  BANDWIDTH_IN = 'NetworkBandwidthInAllowanceExceeded',
  /** Outbound bandwidth (`NetworkBandwidthOutAllowanceExceeded`). */
  BANDWIDTH_OUT = 'NetworkBandwidthOutAllowanceExceeded',
  /** Packets per second (`NetworkPacketsPerSecondAllowanceExceeded`). */
  PACKETS_PER_SECOND = 'NetworkPacketsPerSecondAllowanceExceeded',
  /** Tracked connections (`NetworkConntrackAllowanceExceeded`). */
  CONNTRACK = 'NetworkConntrackAllowanceExceeded',
  /** Traffic to link-local services such as DNS (`NetworkLinkLocalAllowanceExceeded`). */
  LINK_LOCAL = 'NetworkLinkLocalAllowanceExceeded',
}

/** Changes to one recommended alarm. */
export interface AlarmOverride {
  /**
   * Whether the alarm is created.
   * @default - the alarm's own rule (see `RecommendedAlarmOverrides`)
   */
  readonly enabled?: boolean;
  /**
   * The threshold the metric must exceed.
   * @default - the alarm's recommended threshold (see `RecommendedAlarmOverrides`)
   */
  readonly threshold?: number;
  /**
   * The number of one-minute periods evaluated.
   * @default 5
   */
  readonly evaluationPeriods?: number;
  /**
   * How many of the evaluated periods must breach the threshold.
   * @default - all of them (`evaluationPeriods`)
   */
  readonly datapointsToAlarm?: number;
}

/**
 * Changes to the recommended alarms. Each alarm watches the worst node of the cache (or the sum over
 * the nodes, for evictions) over one-minute periods and goes off when the metric is above its
 * threshold for 5 consecutive minutes.
 */
export interface RecommendedAlarmOverrides {
  /**
   * `CPUUtilization` of the host, highest node. Replication groups on nodes with 2 vCPUs or fewer:
   * 90% divided by the vCPU count (45% on 2 vCPUs; AWS: the engine is single-threaded, so 90% of
   * one core is the limit). Memcached (multi-threaded): 90% (this library's choice, after the older
   * AWS guidance). Not created by default on replication groups with more than 2 vCPUs, where
   * `engineCpuUtilization` replaces it.
   * @default - see above
   */
  readonly cpuUtilization?: AlarmOverride;
  /**
   * `EngineCPUUtilization` (the engine thread), highest node, above 90% (this library's choice: AWS
   * recommends the metric on nodes with more than 2 vCPUs but gives no number). Replication groups
   * with more than 2 vCPUs per node only, unless enabled here.
   * @default - see above
   */
  readonly engineCpuUtilization?: AlarmOverride;
  /**
   * `SwapUsage`, highest node, above 50 MiB (52,428,800 bytes): AWS says it should not exceed 50 MB.
   * @default - see above
   */
  readonly swapUsage?: AlarmOverride;
  /**
   * `DatabaseMemoryUsagePercentage` (used memory over `maxmemory`), highest node, above 80%
   * (this library's choice: evictions, or write errors with `noeviction`, start at 100%; 80% leaves
   * time to scale up or out). Replication groups only.
   * @default - see above
   */
  readonly memoryUsage?: AlarmOverride;
  /**
   * `Evictions`, summed over the nodes, above 0 in every minute of 5 (this library's choice: AWS calls
   * the threshold application-specific; a cache sized for its data does not evict, so sustained
   * evictions mean it is full and should be scaled up or out. Raise it for a cache that is meant to
   * run full with an LRU policy).
   * @default - see above
   */
  readonly evictions?: AlarmOverride;
  /**
   * `CurrConnections`, highest node, above 52,000 (this library's choice: 80% of the 65,000 connections
   * an ElastiCache node accepts by default, `maxclients` on Valkey / Redis OSS and
   * `max_simultaneous_connections` on Memcached; AWS calls the threshold application-specific and a
   * steady rise a sign of leaked connections).
   * @default - see above
   */
  readonly currConnections?: AlarmOverride;
  /**
   * `ReplicationLag` (seconds a replica is behind the primary), highest replica, above 5 seconds (this
   * library's choice: a replica that far behind serves stale reads and loses those writes if promoted).
   * Replication groups with at least one replica only.
   * @default - see above
   */
  readonly replicationLag?: AlarmOverride;
  /**
   * `GlobalDatastoreReplicationLag` (seconds the secondary Region is behind the primary Region), highest
   * node, above 5 seconds (this library's choice, as for `replicationLag`: AWS gives no number; a
   * secondary that far behind serves stale reads and loses those writes if promoted). Secondaries of a
   * global datastore only.
   * @default - see above
   */
  readonly globalDatastoreReplicationLag?: AlarmOverride;
}

/** Options of `addRecommendedAlarms()`. */
export interface RecommendedAlarmsOptions {
  /**
   * What the alarms do when they go off (for example `new cloudwatch_actions.SnsAction(topic)`).
   * @default - none: the alarms only change state
   */
  readonly actions?: cloudwatch.IAlarmAction[];
  /**
   * What the alarms do when they return to OK.
   * @default - none
   */
  readonly okActions?: cloudwatch.IAlarmAction[];
  /**
   * Changes to the thresholds, evaluation periods, or which alarms are created.
   * @default - the recommended alarms as documented on `RecommendedAlarmOverrides`
   */
  readonly overrides?: RecommendedAlarmOverrides;
  /**
   * The node type, whose vCPU count decides the CPU alarms of a replication group. Needed for an
   * imported replication group (unless both CPU alarms are decided in `overrides`).
   * @default - the node type of a cache created by this library
   */
  readonly nodeType?: NodeType;
}

/** Options of `addDashboard()`. */
export interface CacheDashboardOptions {
  /**
   * The name of the dashboard.
   * @default - generated by CloudFormation
   */
  readonly dashboardName?: string;
  /**
   * The time range the dashboard opens with.
   * @default Duration.hours(3)
   */
  readonly defaultInterval?: Duration;
}

/** The metrics, alarms and dashboard every cache (replication group, Memcached cluster) offers. */
export interface ICacheMonitoring extends IConstruct {
  /**
   * A metric of the whole cache, `AWS/ElastiCache` namespace: the nodes' metrics combined by
   * `aggregation` (a math expression over the nodes; one node: its metric).
   */
  metric(metricName: string, props?: CacheMetricOptions): cloudwatch.IMetric;
  /** A metric of each node (dimensions `CacheClusterId` and `CacheNodeId`), in node order. */
  nodeMetrics(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric[];
  /** `CPUUtilization` of the hosts (percent), highest node. */
  metricCpuUtilization(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `FreeableMemory` of the hosts (bytes), lowest node. */
  metricFreeableMemory(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `SwapUsage` of the hosts (bytes), highest node. */
  metricSwapUsage(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `Evictions`: keys evicted for lack of memory, summed over the nodes. */
  metricEvictions(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `CurrConnections`: client connections, summed over the nodes. */
  metricCurrConnections(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `NewConnections`: connections accepted, summed over the nodes. */
  metricNewConnections(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** Packets queued or dropped because a network allowance of the hosts was exceeded, highest node. */
  metricNetworkAllowanceExceeded(allowance: NetworkAllowance, props?: CacheMetricOptions): cloudwatch.IMetric;
  /**
   * Creates the alarms AWS recommends for the cache, with thresholds derived from the node type
   * (see `RecommendedAlarmOverrides`), once per cache.
   */
  addRecommendedAlarms(options?: RecommendedAlarmsOptions): RecommendedAlarms;
  /** Creates a CloudWatch dashboard with the key graphs of the cache (and its recommended alarms, if added before). */
  addDashboard(options?: CacheDashboardOptions): cloudwatch.Dashboard;
}

/** The metrics of a Valkey / Redis OSS replication group beyond those every cache has. */
export interface IReplicationGroupMonitoring extends ICacheMonitoring {
  /** `EngineCPUUtilization`: CPU of the engine thread (percent), highest node. */
  metricEngineCpuUtilization(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `DatabaseMemoryUsagePercentage`: used memory over `maxmemory` (percent), highest node. */
  metricDatabaseMemoryUsagePercentage(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `CacheHits`: successful key lookups, summed over the nodes. */
  metricCacheHits(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `CacheMisses`: unsuccessful key lookups, summed over the nodes. */
  metricCacheMisses(props?: CacheMetricOptions): cloudwatch.IMetric;
  /**
   * The hit rate of the whole group (percent): `100 * hits / (hits + misses)` over the nodes' sums.
   * For graphs: an alarm on it references two metrics per node, too many above 5 nodes.
   */
  metricCacheHitRate(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** `ReplicationLag`: seconds the replicas are behind the primary, highest replica. */
  metricReplicationLag(props?: CacheMetricOptions): cloudwatch.IMetric;
}

/** The metrics of a Memcached cluster beyond those every cache has. */
export interface IMemcachedClusterMonitoring extends ICacheMonitoring {
  /** `GetHits`: get requests that found their key, summed over the nodes. */
  metricGetHits(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `GetMisses`: get requests that did not, summed over the nodes. */
  metricGetMisses(props?: CacheMetricOptions): cloudwatch.IMetric;
  /**
   * The hit rate of the whole cluster (percent): `100 * hits / (hits + misses)` over the nodes' sums.
   * For graphs: an alarm on it references two metrics per node, too many above 5 nodes.
   */
  metricGetHitRate(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** `CmdGet`: get commands, summed over the nodes. */
  metricCmdGet(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `CmdSet`: set commands, summed over the nodes. */
  metricCmdSet(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `CurrItems`: items stored, summed over the nodes. */
  metricCurrItems(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `BytesUsedForCacheItems`: bytes used to store items, highest node. */
  metricBytesUsedForCacheItems(props?: CacheMetricOptions): cloudwatch.IMetric;
  /** `UnusedMemory`: bytes Memcached has not used yet, lowest node. */
  metricUnusedMemory(props?: CacheMetricOptions): cloudwatch.IMetric;
}

/** Swap above 50 MB (AWS). */
const SWAP_THRESHOLD_BYTES = 50 * 1024 * 1024;
/** 90% of the CPU capacity the single-threaded engine can use (AWS), or of the host (Memcached). */
const CPU_PERCENT = 90;
/** This library's memory-usage threshold. */
const MEMORY_PERCENT = 80;
/** 80% of the 65,000 connections a node takes by default. */
const CONNECTIONS = 52_000;
/** This library's replication-lag threshold, seconds. */
const REPLICATION_LAG_SECONDS = 5;
/** The overrides whose threshold is a percentage. */
const PERCENT_OVERRIDES: Array<keyof RecommendedAlarmOverrides> = ['cpuUtilization', 'engineCpuUtilization', 'memoryUsage'];

/**
 * The recommended alarms of a cache, created by `addRecommendedAlarms()`: one CloudWatch alarm per
 * condition AWS recommends watching (see `RecommendedAlarmOverrides`).
 */
export class RecommendedAlarms extends Construct {
  /**
   * Creates the alarms of `cache`.
   * @internal
   */
  public static _create(cache: MonitoredCache, options: RecommendedAlarmsOptions = {}): RecommendedAlarms {
    return createAlarmSet(cache, options, {
      percentKeys: PERCENT_OVERRIDES,
      specs: () => alarmSpecs(cache, options.overrides ?? {}, options.nodeType),
      newSet: (scope, id) => new RecommendedAlarms(scope, id),
    });
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Every alarm created. */
  public get alarms(): cloudwatch.Alarm[] { return alarmsOf(this); }

  /** The `CPUUtilization` alarm, if created. */
  public get cpuUtilization(): cloudwatch.Alarm | undefined { return alarmOf(this, 'CpuUtilization'); }

  /** The `EngineCPUUtilization` alarm, if created. */
  public get engineCpuUtilization(): cloudwatch.Alarm | undefined { return alarmOf(this, 'EngineCpuUtilization'); }

  /** The `SwapUsage` alarm. */
  public get swapUsage(): cloudwatch.Alarm | undefined { return alarmOf(this, 'SwapUsage'); }

  /** The `DatabaseMemoryUsagePercentage` alarm, if created (replication groups). */
  public get memoryUsage(): cloudwatch.Alarm | undefined { return alarmOf(this, 'MemoryUsage'); }

  /** The `Evictions` alarm, if created. */
  public get evictions(): cloudwatch.Alarm | undefined { return alarmOf(this, 'Evictions'); }

  /** The `CurrConnections` alarm, if created. */
  public get currConnections(): cloudwatch.Alarm | undefined { return alarmOf(this, 'CurrConnections'); }

  /** The `ReplicationLag` alarm, if created (replication groups with replicas). */
  public get replicationLag(): cloudwatch.Alarm | undefined { return alarmOf(this, 'ReplicationLag'); }

  /** The `GlobalDatastoreReplicationLag` alarm, if created (secondaries of a global datastore). */
  public get globalDatastoreReplicationLag(): cloudwatch.Alarm | undefined { return alarmOf(this, 'GlobalDatastoreReplicationLag'); }
}

/** The alarms of a cache, in a stable order, with their default thresholds and rules. */
function alarmSpecs(cache: MonitoredCache, overrides: RecommendedAlarmOverrides,
  nodeType: NodeType | undefined): Array<AlarmSpec<keyof RecommendedAlarmOverrides>> {
  // The alarm on the whole cache's metric: the nodes combined by `aggregation`.
  const spec = (key: keyof RecommendedAlarmOverrides, id: string, metricName: string, aggregation: MetricAggregation,
    rule: { threshold: () => number; enabled?: () => boolean; unit: string; why: string }): AlarmSpec<keyof RecommendedAlarmOverrides> => ({
    key, id, what: metricName, metric: () => aggregateMetric(cache, metricName, {}, aggregation), enabled: () => true, ...rule,
  });
  const swap = spec('swapUsage', 'SwapUsage', 'SwapUsage', MetricAggregation.MAXIMUM, {
    threshold: () => SWAP_THRESHOLD_BYTES, unit: ' bytes',
    why: 'AWS: swap should not exceed 50 MB; a swapping node is short of memory: scale up'
      + `${cache.replicationGroup ? ', or raise reserved-memory-percent' : ''}.`,
  });
  const evictions = spec('evictions', 'Evictions', 'Evictions', MetricAggregation.SUM, {
    threshold: () => 0, unit: '',
    why: 'The cache is full and drops keys before they expire: scale up or out, or review the TTLs and the eviction policy.',
  });
  const connections = spec('currConnections', 'CurrConnections', 'CurrConnections', MetricAggregation.MAXIMUM, {
    threshold: () => CONNECTIONS, unit: '',
    why: `A node nears the 65,000 connections it accepts (${cache.replicationGroup ? 'maxclients' : 'max_simultaneous_connections'}): `
      + 'look for leaked client connections, use connection pooling.',
  });
  if (!cache.replicationGroup) {
    const cpu = spec('cpuUtilization', 'CpuUtilization', 'CPUUtilization', MetricAggregation.MAXIMUM, {
      threshold: () => CPU_PERCENT, unit: '%',
      why: 'Memcached is multi-threaded and can use every vCPU: a node this busy adds latency; scale up or add nodes.',
    });
    return [cpu, swap, evictions, connections];
  }

  const vcpus = (): number => {
    const type = nodeType ?? cache.nodeType;
    if (type?.vcpus === undefined) {
      const fix = type ? `NodeType.of('${type.name}', { vcpus })` : 'addRecommendedAlarms({ nodeType })';
      throw new CacheValidationError(`Cannot derive the CPU alarms of the ${cache.what}: the vCPU count of `
        + `${type ? `node type ${type.name}` : 'its node type'} is unknown. Allowed: give it with ${fix}, or set both `
        + 'overrides.cpuUtilization.enabled and overrides.engineCpuUtilization.enabled (with a threshold for an enabled '
        + 'cpuUtilization).', cache.scope);
    }
    return type.vcpus;
  };
  const small = (): boolean => vcpus() <= 2;
  const cpu = spec('cpuUtilization', 'CpuUtilization', 'CPUUtilization', MetricAggregation.MAXIMUM, {
    threshold: () => Math.round((CPU_PERCENT / vcpus()) * 100) / 100, enabled: small, unit: '%',
    why: 'AWS: on nodes with 2 vCPUs or fewer, alarm at 90% divided by the vCPU count (the engine is single-threaded). '
      + 'Scale up, or spread reads over replicas.',
  });
  const engineCpu = spec('engineCpuUtilization', 'EngineCpuUtilization', 'EngineCPUUtilization', MetricAggregation.MAXIMUM, {
    threshold: () => CPU_PERCENT, enabled: () => !small(), unit: '%',
    why: 'The engine thread is nearly saturated (AWS recommends this metric on nodes with more than 2 vCPUs). '
      + 'Scale up, spread reads over replicas, or look for expensive commands in the slow log.',
  });
  const memory = spec('memoryUsage', 'MemoryUsage', 'DatabaseMemoryUsagePercentage', MetricAggregation.MAXIMUM, {
    threshold: () => MEMORY_PERCENT, unit: '%',
    why: 'Evictions (or write errors with noeviction) start at 100%: scale up or out before then.',
  });
  const lag = spec('replicationLag', 'ReplicationLag', 'ReplicationLag', MetricAggregation.MAXIMUM, {
    threshold: () => REPLICATION_LAG_SECONDS, enabled: () => cache.hasReplicas ?? cache.nodes().length > 1, unit: ' seconds',
    why: 'A replica far behind serves stale reads and loses those writes if promoted: check the primary\'s write load and network.',
  });
  // Decide the CPU alarms up front when their rule needs the vCPU count, so that a missing node type
  // is reported even if the caller only overrides thresholds.
  if (overrides.cpuUtilization?.enabled === undefined || overrides.engineCpuUtilization?.enabled === undefined
    || (overrides.cpuUtilization.enabled && overrides.cpuUtilization.threshold === undefined)) {
    vcpus();
  }
  const globalLag = spec('globalDatastoreReplicationLag', 'GlobalDatastoreReplicationLag', 'GlobalDatastoreReplicationLag',
    MetricAggregation.MAXIMUM, {
      threshold: () => REPLICATION_LAG_SECONDS, enabled: () => cache.globalDatastoreSecondary === true, unit: ' seconds',
      why: 'This Region\'s copy of the global datastore is behind the primary Region: its reads are stale, and a promotion now '
        + 'would lose the writes not yet replicated. Check the primary\'s write load and the cross-Region link.',
    });
  return [cpu, engineCpu, memory, swap, evictions, connections, lag, globalLag];
}
