import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CacheDashboardOptions } from '../monitoring';
import { assembleDashboard } from './dashboard-assembly';
import { BYTES_PER_GB, ecpuPerSecondMetric, MonitoredServerlessCache, serverlessHitRateMetric, serverlessMetric } from './serverless-metrics';
import { isToken } from './validation';

/** The dashboard of a serverless cache: alarm states (when added before), then one graph per concern. */
export function createServerlessDashboard(cache: MonitoredServerlessCache, options: CacheDashboardOptions = {}): cloudwatch.Dashboard {
  const { scope, cacheName } = cache;
  return assembleDashboard(scope, options, graph => {
    const m = (metricName: string, label?: string) => serverlessMetric(scope, cacheName, metricName, { label });
    // The configured maximum as a red line, when it is known at synth time.
    const limit = (value: number | undefined, label: string): cloudwatch.HorizontalAnnotation[] | undefined =>
      value === undefined || isToken(value) ? undefined : [{ value, label, color: '#d62728' }];
    const [hits, misses] = cache.memcached ? ['GetHits', 'GetMisses'] : ['CacheHits', 'CacheMisses'];
    return [
      graph('ECPUs per second', [ecpuPerSecondMetric(scope, cacheName)], [], 'ECPU/s',
        limit(cache.ecpuPerSecondMaximum, 'ecpuPerSecondMaximum')),
      graph('Data stored (bytes)', [m('BytesUsedForCache', 'BytesUsedForCache')], [], 'bytes',
        limit(cache.dataStorageMaximumGb === undefined ? undefined : cache.dataStorageMaximumGb * BYTES_PER_GB, 'dataStorageMaximum')),
      graph('Throttled commands and evictions', [m('ThrottledCmds', 'ThrottledCmds'), m('Evictions', 'Evictions')]),
      graph('Hits and misses', [m(hits, hits), m(misses, misses)], [serverlessHitRateMetric(scope, cacheName, hits, misses)]),
      graph('Latency (microseconds)', [m('SuccessfulReadRequestLatency', 'read'), m('SuccessfulWriteRequestLatency', 'write')], [], 'µs'),
      graph('Connections and commands', [m('CurrConnections', 'CurrConnections')], [m('TotalCmdsCount', 'TotalCmdsCount')]),
    ];
  });
}
