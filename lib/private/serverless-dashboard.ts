import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CacheDashboardOptions } from '../monitoring';
import { ServerlessRecommendedAlarms } from '../serverless-monitoring';
import { CacheValidationError } from '../validation-error';
import { invalid } from './errors';
import { BYTES_PER_GB, ecpuPerSecondMetric, MonitoredServerlessCache, serverlessHitRateMetric, serverlessMetric } from './serverless-metrics';
import { isToken } from './validation';

const WIDTH = 8;
const HEIGHT = 6;

/** The dashboard of a serverless cache: alarm states (when added before), then one graph per concern. */
export function createServerlessDashboard(cache: MonitoredServerlessCache, options: CacheDashboardOptions = {}): cloudwatch.Dashboard {
  const { scope, cacheName } = cache;
  if (scope.node.tryFindChild('Dashboard')) {
    throw new CacheValidationError('Cannot add a second dashboard: addDashboard() was already called. Allowed: one call per cache.', scope);
  }
  const name = options.dashboardName;
  if (name !== undefined && !isToken(name) && !/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    invalid(scope, 'dashboardName', name, 'Allowed: 1 to 255 letters, digits, hyphens and underscores.');
  }
  const m = (metricName: string, label?: string) => serverlessMetric(scope, cacheName, metricName, { label });
  const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = [], leftLabel?: string,
    leftAnnotations?: cloudwatch.HorizontalAnnotation[]) =>
    new cloudwatch.GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT, leftYAxis: { min: 0, label: leftLabel }, leftAnnotations });
  const limit = (value: number | undefined, label: string): cloudwatch.HorizontalAnnotation[] | undefined =>
    value === undefined || isToken(value) ? undefined : [{ value, label, color: '#d62728' }];
  const [hits, misses] = cache.memcached ? ['GetHits', 'GetMisses'] : ['CacheHits', 'CacheMisses'];

  const widgets: cloudwatch.IWidget[] = [];
  const alarms = scope.node.tryFindChild('RecommendedAlarms');
  if (alarms instanceof ServerlessRecommendedAlarms && alarms.alarms.length > 0) {
    widgets.push(new cloudwatch.AlarmStatusWidget({ title: 'Recommended alarms', alarms: alarms.alarms, width: 24, height: 3 }));
  }
  widgets.push(
    graph('ECPUs per second', [ecpuPerSecondMetric(scope, cacheName)], [], 'ECPU/s',
      limit(cache.ecpuPerSecondMaximum, 'ecpuPerSecondMaximum')),
    graph('Data stored (bytes)', [m('BytesUsedForCache', 'BytesUsedForCache')], [], 'bytes',
      limit(cache.dataStorageMaximumGb === undefined ? undefined : cache.dataStorageMaximumGb * BYTES_PER_GB, 'dataStorageMaximum')),
    graph('Throttled commands and evictions', [m('ThrottledCmds', 'ThrottledCmds'), m('Evictions', 'Evictions')]),
    graph('Hits and misses', [m(hits, hits), m(misses, misses)], [serverlessHitRateMetric(scope, cacheName, hits, misses)]),
    graph('Latency (microseconds)', [m('SuccessfulReadRequestLatency', 'read'), m('SuccessfulWriteRequestLatency', 'write')], [], 'µs'),
    graph('Connections and commands', [m('CurrConnections', 'CurrConnections')], [m('TotalCmdsCount', 'TotalCmdsCount')]),
  );
  return new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: options.dashboardName,
    defaultInterval: options.defaultInterval ?? Duration.hours(3),
    widgets: rows(widgets),
  });
}

function rows(widgets: cloudwatch.IWidget[]): cloudwatch.IWidget[][] {
  const out: cloudwatch.IWidget[][] = [];
  let row: cloudwatch.IWidget[] = [];
  for (const widget of widgets) {
    if (row.length > 0 && row.reduce((w, x) => w + x.width, 0) + widget.width > 24) {
      out.push(row);
      row = [];
    }
    row.push(widget);
  }
  if (row.length) {
    out.push(row);
  }
  return out;
}
