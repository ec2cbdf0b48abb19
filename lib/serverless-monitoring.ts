import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmOverride } from './monitoring';
import { alarmOf, alarmsOf, AlarmSpec, createAlarmSet } from './private/alarms';
import { BYTES_PER_GB, ecpuPerSecondMetric, MonitoredServerlessCache, serverlessMetric } from './private/serverless-metrics';
import { isToken } from './private/validation';

/**
 * Changes to the recommended alarms of a serverless cache. Each alarm goes off when its metric is above
 * the threshold in every one-minute period of 5 (as the node-based caches' alarms).
 */
export interface ServerlessAlarmOverrides {
  /**
   * `BytesUsedForCache` above 75% of `dataStorageMaximum` (AWS: alarm at 75% of each configured
   * maximum). At the maximum the cache evicts keys that have a TTL (LRU) and then rejects writes with
   * out-of-memory errors. A GB counts as 10^9 bytes here, the lower reading, so that the alarm never
   * comes late. Created when the cache has a `dataStorageMaximum` (or a threshold is given here).
   * @default - see above
   */
  readonly dataStorage?: AlarmOverride;
  /**
   * ECPUs per second (`ElastiCacheProcessingUnits` over the period) above 75% of
   * `ecpuPerSecondMaximum` (AWS). At the maximum, requests are throttled. Created when the cache has an
   * `ecpuPerSecondMaximum` (or a threshold is given here).
   * @default - see above
   */
  readonly ecpuPerSecond?: AlarmOverride;
  /**
   * `ThrottledCmds` above 0: requests ElastiCache throttled, because the load rose faster than the cache
   * scales or reached `ecpuPerSecondMaximum`. Clients see errors or added latency.
   * @default - see above
   */
  readonly throttledCmds?: AlarmOverride;
  /**
   * `Evictions` above 0: the cache is at `dataStorageMaximum` and drops keys before they expire
   * (this library's choice, as on node-based caches; raise it for a cache meant to run full).
   * @default - see above
   */
  readonly evictions?: AlarmOverride;
}

/** AWS: alarm at 75% of each configured maximum. */
const LIMIT_FRACTION = 0.75;

/** Options of a serverless cache's `addRecommendedAlarms()`. */
export interface ServerlessRecommendedAlarmsOptions {
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
   * @default - the recommended alarms as documented on `ServerlessAlarmOverrides`
   */
  readonly overrides?: ServerlessAlarmOverrides;
}

/**
 * The recommended alarms of a serverless cache, created by its `addRecommendedAlarms()` (see
 * `ServerlessAlarmOverrides`).
 */
export class ServerlessRecommendedAlarms extends Construct {
  /** Every alarm created. */
  public get alarms(): cloudwatch.Alarm[] { return alarmsOf(this); }

  /** The data storage alarm (75% of `dataStorageMaximum`), if created. */
  public get dataStorage(): cloudwatch.Alarm | undefined { return alarmOf(this, 'DataStorage'); }

  /** The ECPU alarm (75% of `ecpuPerSecondMaximum`), if created. */
  public get ecpuPerSecond(): cloudwatch.Alarm | undefined { return alarmOf(this, 'EcpuPerSecond'); }

  /** The `ThrottledCmds` alarm, if created. */
  public get throttledCmds(): cloudwatch.Alarm | undefined { return alarmOf(this, 'ThrottledCmds'); }

  /** The `Evictions` alarm, if created. */
  public get evictions(): cloudwatch.Alarm | undefined { return alarmOf(this, 'Evictions'); }

  /** Creates the alarms of `cache`. @internal */
  public static _create(cache: MonitoredServerlessCache, options: ServerlessRecommendedAlarmsOptions = {}): ServerlessRecommendedAlarms {
    return createAlarmSet({ scope: cache.scope, what: 'serverless cache' }, options, {
      specs: () => specs(cache),
      newSet: (scope, id) => new ServerlessRecommendedAlarms(scope, id),
    });
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }
}

/** 75% of a configured maximum, when there is one to read at synth time. */
function limitThreshold(maximum: number | undefined, unitsPerMaximum: number): number | undefined {
  return maximum === undefined || isToken(maximum) ? undefined : Math.floor(maximum * unitsPerMaximum * LIMIT_FRACTION);
}

/** What to set for an alarm enabled without a threshold, when the cache has no `maximum`. */
function needs(key: keyof ServerlessAlarmOverrides, maximum: string): string {
  return `Allowed: with a threshold; the cache has no ${maximum} `
    + 'to derive it from (75% of it). Give overrides.' + `${key}.threshold, or set ${maximum}.`;
}

function specs(cache: MonitoredServerlessCache): Array<AlarmSpec<keyof ServerlessAlarmOverrides>> {
  const { scope, cacheName } = cache;
  const storageMax = cache.dataStorageMaximumGb;
  const ecpuMax = cache.ecpuPerSecondMaximum;
  return [
    {
      key: 'dataStorage', id: 'DataStorage', what: 'BytesUsedForCache', unit: ' bytes',
      metric: () => serverlessMetric(scope, cacheName, 'BytesUsedForCache', { statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: () => limitThreshold(storageMax, BYTES_PER_GB),
      missingThreshold: needs('dataStorage', 'dataStorageMaximum'),
      why: `AWS: alarm at 75% of the configured maximum${storageMax === undefined ? '' : ` (${storageMax} GB)`}. At the maximum the `
        + 'cache evicts keys with a TTL, then rejects writes (OOM): raise dataStorageMaximum or review the TTLs.',
    },
    {
      key: 'ecpuPerSecond', id: 'EcpuPerSecond', what: 'ECPUs per second', unit: '',
      metric: () => ecpuPerSecondMetric(scope, cacheName),
      threshold: () => limitThreshold(ecpuMax, 1),
      missingThreshold: needs('ecpuPerSecond', 'ecpuPerSecondMaximum'),
      why: `AWS: alarm at 75% of the configured maximum${ecpuMax === undefined ? '' : ` (${ecpuMax} ECPUs per second)`}. `
        + 'At the maximum requests are throttled: raise ecpuPerSecondMaximum.',
    },
    {
      key: 'throttledCmds', id: 'ThrottledCmds', what: 'ThrottledCmds', unit: '', threshold: () => 0,
      metric: () => serverlessMetric(scope, cacheName, 'ThrottledCmds'),
      why: 'Requests were throttled: the load rose faster than the cache scales, or reached ecpuPerSecondMaximum. '
        + 'Raise ecpuPerSecondMinimum ahead of known peaks, or the maximum.',
    },
    {
      key: 'evictions', id: 'Evictions', what: 'Evictions', unit: '', threshold: () => 0,
      metric: () => serverlessMetric(scope, cacheName, 'Evictions'),
      why: 'The cache is at dataStorageMaximum and drops keys before they expire: raise the maximum or review the TTLs.',
    },
  ];
}
