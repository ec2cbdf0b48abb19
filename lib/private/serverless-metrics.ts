import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { DEFAULT_PERIOD, elastiCacheMetric, hitRate } from './metrics';

/**
 * The metrics of a serverless cache (sources: the ElastiCache user guide, "Metrics and events for
 * Valkey and Redis OSS serverless caches" and "... for Memcached", serverless-metrics-events-redis.html
 * and serverless-metrics-events.memcached.html):
 *
 * - namespace `AWS/ElastiCache`, one dimension `clusterId` whose value is the serverless cache name
 *   (not `CacheClusterId`, which node-based caches use, nor `ServerlessCacheName`, which the alpha
 *   module uses and which receives no data: cdk-monitoring-constructs#750, open-constructs#68);
 * - the whole cache publishes one series per metric: nothing to aggregate over nodes;
 * - counters (ECPUs, commands, throttled commands, evictions, hits, bytes in/out, auth failures) are
 *   read with `Sum`, gauges (bytes used, connections, items, latency in microseconds) with `Average`.
 */

/** The dimension serverless caches publish under. */
export const SERVERLESS_DIMENSION = 'clusterId';

const SUM_METRICS = new Set([
  'ElastiCacheProcessingUnits', 'TotalCmdsCount', 'ThrottledCmds', 'Evictions', 'Reclaimed', 'NewConnections',
  'CacheHits', 'CacheMisses', 'NetworkBytesIn', 'NetworkBytesOut', 'AuthenticationFailures', 'KeyAuthorizationFailures',
  'CommandAuthorizationFailures', 'IamAuthenticationExpirations', 'IamAuthenticationThrottling',
  'GetHits', 'GetMisses', 'CmdGet', 'CmdSet', 'CmdTouch', 'CmdFlush', 'CmdConfigGet', 'CmdConfigSet',
  'DeleteHits', 'DeleteMisses', 'IncrHits', 'IncrMisses', 'DecrHits', 'DecrMisses', 'CasHits', 'CasMisses',
  'CasBadval', 'TouchHits', 'TouchMisses', 'GetTypeCmds', 'SetTypeCmds', 'KeyBasedCmds', 'StringBasedCmds',
  'HashBasedCmds', 'ListBasedCmds', 'SetBasedCmds', 'SortedSetBasedCmds', 'StreamBasedCmds', 'EvalBasedCmds',
  'PubSubBasedCmds', 'GeoSpatialBasedCmds', 'HyperLogLogBasedCmds', 'JsonBasedCmds', 'NonKeyTypeCmds',
]);

/** The statistic a serverless metric is read with. */
export function serverlessStatistic(metricName: string): string {
  return SUM_METRICS.has(metricName) ? cloudwatch.Stats.SUM : cloudwatch.Stats.AVERAGE;
}

/** One metric of a serverless cache: dimension `clusterId`, one-minute period unless overridden. */
export function serverlessMetric(scope: IConstruct, cacheName: string, metricName: string,
  props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return elastiCacheMetric(scope, metricName, { [SERVERLESS_DIMENSION]: cacheName }, serverlessStatistic(metricName), props);
}

/** ECPUs per second: the period's `ElastiCacheProcessingUnits` sum over the period's length in seconds. */
export function ecpuPerSecondMetric(scope: IConstruct, cacheName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
  const period = props.period ?? DEFAULT_PERIOD;
  return new cloudwatch.MathExpression({
    expression: 'ecpu / PERIOD(ecpu)',
    usingMetrics: { ecpu: serverlessMetric(scope, cacheName, 'ElastiCacheProcessingUnits', { period }) },
    period,
    label: props.label ?? 'ECPUs per second',
    color: props.color,
  });
}

/** The hit rate (percent), `100 * hits / (hits + misses)`. */
export function serverlessHitRateMetric(scope: IConstruct, cacheName: string, hits: string, misses: string,
  props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
  return hitRate(period => serverlessMetric(scope, cacheName, hits, { period }),
    period => serverlessMetric(scope, cacheName, misses, { period }), props, 'Hit rate (%)');
}

/** What the serverless alarm and dashboard helpers need to know of a cache. */
export interface MonitoredServerlessCache {
  readonly scope: IConstruct;
  /** The cache name (the `clusterId` dimension). */
  readonly cacheName: string;
  /** Whether the engine is Memcached (`GetHits` / `GetMisses` instead of `CacheHits` / `CacheMisses`). */
  readonly memcached: boolean;
  /** The configured maximum data storage in GB, if known. */
  readonly dataStorageMaximumGb?: number;
  /** The configured maximum ECPUs per second, if known. */
  readonly ecpuPerSecondMaximum?: number;
}


/** ElastiCache serverless counts storage in GB; this library reads a GB as 10^9 bytes (the lower reading). */
export const BYTES_PER_GB = 1_000_000_000;
