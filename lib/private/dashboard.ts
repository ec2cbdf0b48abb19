import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CacheDashboardOptions, NetworkAllowance, RecommendedAlarms } from '../monitoring';
import { CacheValidationError } from '../validation-error';
import { invalid } from './errors';
import { isToken } from './validation';
import { aggregateMetric, GRAPH_MAX_METRICS, hitRateMetric, MonitoredCache, nodeMetrics, roleMetrics } from './metrics';

const WIDTH = 8;
const HEIGHT = 6;

/**
 * The dashboard of a cache: the recommended alarms' states (when they were added before), then one
 * graph per concern, each with a line per node so that a hot or full node stands out (per role,
 * primaries and replicas, on a replication group with group-level metrics).
 */
export function createDashboard(cache: MonitoredCache, options: CacheDashboardOptions = {}): cloudwatch.Dashboard {
  if (cache.scope.node.tryFindChild('Dashboard')) {
    throw new CacheValidationError('Cannot add a second dashboard: addDashboard() was already called. Allowed: one call per cache.',
      cache.scope);
  }
  const name = options.dashboardName;
  if (name !== undefined && !isToken(name) && !/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    invalid(cache.scope, 'dashboardName', name, 'Allowed: 1 to 255 letters, digits, hyphens and underscores.');
  }
  const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = [], leftLabel?: string) =>
    new cloudwatch.GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT, leftYAxis: { min: 0, label: leftLabel } });
  // A line per node; for a group whose members change (auto scaling) or too many to draw, a line per role.
  const group = cache.group;
  const perNode = (metricName: string) => (group ? roleMetrics(cache, group, metricName) : nodeMetrics(cache, metricName));
  // Whole-cache lines are math expressions over every node: a graph may hold only one Metrics Insights query.
  const whole = (metricName: string, aggregation?: string) => aggregateMetric(cache, metricName, {}, aggregation, GRAPH_MAX_METRICS);
  const hitRate = (hits: string, misses: string) => hitRateMetric(cache, hits, misses, {}, 'Hit rate (%)');
  const network = graph('Network allowance exceeded (packets)', [
    NetworkAllowance.BANDWIDTH_IN, NetworkAllowance.BANDWIDTH_OUT, NetworkAllowance.PACKETS_PER_SECOND, NetworkAllowance.CONNTRACK,
  ].map(name => whole(name)));

  const widgets: cloudwatch.IWidget[] = [];
  const alarms = cache.scope.node.tryFindChild('RecommendedAlarms');
  if (alarms instanceof RecommendedAlarms && alarms.alarms.length > 0) {
    widgets.push(new cloudwatch.AlarmStatusWidget({ title: 'Recommended alarms', alarms: alarms.alarms, width: 24, height: 3 }));
  }
  if (cache.replicationGroup) {
    widgets.push(
      graph('CPU (%)', [...perNode('EngineCPUUtilization'), ...perNode('CPUUtilization')], [], '%'),
      graph('Memory used of maxmemory (%)', perNode('DatabaseMemoryUsagePercentage'), [], '%'),
      graph('Swap (bytes)', perNode('SwapUsage'), [], 'bytes'),
      graph('Evictions', perNode('Evictions')),
      graph('Connections', perNode('CurrConnections'), [whole('NewConnections')]),
      graph('Cache hits and misses', [whole('CacheHits'), whole('CacheMisses')],
        [hitRate('CacheHits', 'CacheMisses')]),
      graph('Replication lag (seconds)', perNode('ReplicationLag'), [], 'seconds'),
      graph('Freeable memory (bytes)', perNode('FreeableMemory'), [], 'bytes'),
      network,
    );
  } else {
    widgets.push(
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
    );
  }
  return new cloudwatch.Dashboard(cache.scope, 'Dashboard', {
    dashboardName: options.dashboardName,
    defaultInterval: options.defaultInterval ?? Duration.hours(3),
    widgets: chunk(widgets),
  });
}

/** Rows of widgets: the full-width alarm widget alone, then three graphs per row. */
function chunk(widgets: cloudwatch.IWidget[]): cloudwatch.IWidget[][] {
  const rows: cloudwatch.IWidget[][] = [];
  let row: cloudwatch.IWidget[] = [];
  for (const widget of widgets) {
    if (row.length > 0 && row.reduce((w, x) => w + x.width, 0) + widget.width > 24) {
      rows.push(row);
      row = [];
    }
    row.push(widget);
  }
  if (row.length) {
    rows.push(row);
  }
  return rows;
}
