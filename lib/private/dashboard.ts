import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CacheDashboardOptions, NetworkAllowance } from '../monitoring';
import { assembleDashboard } from './dashboard-assembly';
import { aggregateMetric, GRAPH_MAX_METRICS, hitRateMetric, MonitoredCache, nodeMetrics, roleMetrics } from './metrics';

/**
 * The dashboard of a cache: the recommended alarms' states (when they were added before), then one
 * graph per concern, each with a line per node so that a hot or full node stands out (per role,
 * primaries and replicas, on a replication group with group-level metrics).
 */
export function createDashboard(cache: MonitoredCache, options: CacheDashboardOptions = {}): cloudwatch.Dashboard {
  return assembleDashboard(cache.scope, options, graph => {
    // A line per node; for a group whose members change (auto scaling) or too many to draw, a line per role.
    const group = cache.group;
    const perNode = (metricName: string) => (group ? roleMetrics(cache, group, metricName) : nodeMetrics(cache, metricName));
    // Whole-cache lines are math expressions over every node: a graph may hold only one Metrics Insights query.
    const whole = (metricName: string, aggregation?: string) => aggregateMetric(cache, metricName, {}, aggregation, GRAPH_MAX_METRICS);
    const hitRate = (hits: string, misses: string) => hitRateMetric(cache, hits, misses, {}, 'Hit rate (%)');
    const network = graph('Network allowance exceeded (packets)', [
      NetworkAllowance.BANDWIDTH_IN, NetworkAllowance.BANDWIDTH_OUT, NetworkAllowance.PACKETS_PER_SECOND, NetworkAllowance.CONNTRACK,
    ].map(name => whole(name)));
    if (cache.replicationGroup) {
      return [
        graph('CPU (%)', [...perNode('EngineCPUUtilization'), ...perNode('CPUUtilization')], [], '%'),
        graph('Memory used of maxmemory (%)', perNode('DatabaseMemoryUsagePercentage'), [], '%'),
        graph('Swap (bytes)', perNode('SwapUsage'), [], 'bytes'),
        graph('Evictions', perNode('Evictions')),
        graph('Connections', perNode('CurrConnections'), [whole('NewConnections')]),
        graph('Cache hits and misses', [whole('CacheHits'), whole('CacheMisses')],
          [hitRate('CacheHits', 'CacheMisses')]),
        graph('Replication lag (seconds)', perNode('ReplicationLag'), [], 'seconds'),
        // A secondary of a global datastore: how far its Region is behind the primary Region.
        ...(cache.globalDatastoreSecondary
          ? [graph('Cross-Region replication lag (seconds)', perNode('GlobalDatastoreReplicationLag'), [], 'seconds')] : []),
        graph('Freeable memory (bytes)', perNode('FreeableMemory'), [], 'bytes'),
        network,
      ];
    }
    return [
      graph('CPU (%)', perNode('CPUUtilization'), [], '%'),
      graph('Freeable memory (bytes)', perNode('FreeableMemory'), [], 'bytes'),
      graph('Swap (bytes)', perNode('SwapUsage'), [], 'bytes'),
      graph('Evictions', perNode('Evictions')),
      graph('Connections', perNode('CurrConnections'), [whole('NewConnections')]),
      graph('Get hits and misses', [whole('GetHits'), whole('GetMisses')],
        [hitRate('GetHits', 'GetMisses')]),
      graph('Items', [whole('CurrItems')], [whole('BytesUsedForCacheItems', 'SUM')]),
      graph('Commands', [whole('CmdGet'), whole('CmdSet')]),
      network,
    ];
  });
}
