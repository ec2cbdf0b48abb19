import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, IConstruct } from 'constructs';
import { AlarmOverride } from './monitoring';
import { createRecommendedAlarm, rejectSecondAlarmSet, validateAlarmOverride } from './private/alarms';
import { invalid } from './private/errors';
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

/** AWS: alarm at 75% of each configured maximum. */
const LIMIT_FRACTION = 0.75;


interface ServerlessAlarmSpec {
  readonly key: keyof ServerlessAlarmOverrides;
  readonly id: string;
  readonly metric: () => cloudwatch.IMetric;
  readonly what: string;
  /** The default threshold, undefined when the alarm has none (no maximum configured). */
  readonly threshold?: number;
  readonly unit: string;
  readonly why: string;
  /** What to set when there is no default threshold. */
  readonly needs?: string;
}

/**
 * The recommended alarms of a serverless cache, created by its `addRecommendedAlarms()` (see
 * `ServerlessAlarmOverrides`).
 */
export class ServerlessRecommendedAlarms extends Construct {
  /** Creates the alarms of `cache`. @internal */
  public static _create(cache: MonitoredServerlessCache, options: ServerlessRecommendedAlarmsOptions = {}): ServerlessRecommendedAlarms {
    rejectSecondAlarmSet(cache.scope);
    const overrides = options.overrides ?? {};
    validateOverrides(cache.scope, overrides);
    const alarms = new ServerlessRecommendedAlarms(cache.scope, 'RecommendedAlarms');
    for (const spec of specs(cache)) {
      const override = overrides[spec.key] ?? {};
      const threshold = override.threshold ?? spec.threshold;
      const enabled = override.enabled ?? threshold !== undefined;
      if (!enabled) {
        continue;
      }
      if (threshold === undefined) {
        invalid(cache.scope, `overrides.${spec.key}`, 'enabled: true', `Allowed: with a threshold; the cache has no ${spec.needs} `
          + 'to derive it from (75% of it). Give overrides.' + `${spec.key}.threshold, or set ${spec.needs}.`);
      }
      alarms._alarms.push(createRecommendedAlarm(alarms, spec.id, {
        metric: spec.metric(),
        threshold,
        override,
        actions: options.actions,
        okActions: options.okActions,
        describe: (value, datapointsToAlarm, evaluationPeriods) => `${spec.what} of the ElastiCache serverless cache `
          + `${cache.scope.node.path} above ${value}${spec.unit} in ${datapointsToAlarm} of ${evaluationPeriods} minutes. ${spec.why}`,
      }));
    }
    return alarms;
  }

  private readonly _alarms: cloudwatch.Alarm[] = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Every alarm created. */
  public get alarms(): cloudwatch.Alarm[] {
    return [...this._alarms];
  }

  /** The data storage alarm (75% of `dataStorageMaximum`), if created. */
  public get dataStorage(): cloudwatch.Alarm | undefined {
    return this.find('DataStorage');
  }

  /** The ECPU alarm (75% of `ecpuPerSecondMaximum`), if created. */
  public get ecpuPerSecond(): cloudwatch.Alarm | undefined {
    return this.find('EcpuPerSecond');
  }

  /** The `ThrottledCmds` alarm, if created. */
  public get throttledCmds(): cloudwatch.Alarm | undefined {
    return this.find('ThrottledCmds');
  }

  /** The `Evictions` alarm, if created. */
  public get evictions(): cloudwatch.Alarm | undefined {
    return this.find('Evictions');
  }

  private find(id: string): cloudwatch.Alarm | undefined {
    return this._alarms.find(a => a.node.id === id);
  }
}

function specs(cache: MonitoredServerlessCache): ServerlessAlarmSpec[] {
  const { scope, cacheName } = cache;
  const storageMax = cache.dataStorageMaximumGb;
  const ecpuMax = cache.ecpuPerSecondMaximum;
  return [
    {
      key: 'dataStorage', id: 'DataStorage', what: 'BytesUsedForCache', unit: ' bytes',
      metric: () => serverlessMetric(scope, cacheName, 'BytesUsedForCache', { statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: storageMax === undefined || isToken(storageMax) ? undefined : Math.floor(storageMax * BYTES_PER_GB * LIMIT_FRACTION),
      needs: 'dataStorageMaximum',
      why: `AWS: alarm at 75% of the configured maximum${storageMax === undefined ? '' : ` (${storageMax} GB)`}. At the maximum the `
        + 'cache evicts keys with a TTL, then rejects writes (OOM): raise dataStorageMaximum or review the TTLs.',
    },
    {
      key: 'ecpuPerSecond', id: 'EcpuPerSecond', what: 'ECPUs per second', unit: '',
      metric: () => ecpuPerSecondMetric(scope, cacheName),
      threshold: ecpuMax === undefined || isToken(ecpuMax) ? undefined : Math.floor(ecpuMax * LIMIT_FRACTION),
      needs: 'ecpuPerSecondMaximum',
      why: `AWS: alarm at 75% of the configured maximum${ecpuMax === undefined ? '' : ` (${ecpuMax} ECPUs per second)`}. `
        + 'At the maximum requests are throttled: raise ecpuPerSecondMaximum.',
    },
    {
      key: 'throttledCmds', id: 'ThrottledCmds', what: 'ThrottledCmds', unit: '', threshold: 0,
      metric: () => serverlessMetric(scope, cacheName, 'ThrottledCmds'),
      why: 'Requests were throttled: the load rose faster than the cache scales, or reached ecpuPerSecondMaximum. '
        + 'Raise ecpuPerSecondMinimum ahead of known peaks, or the maximum.',
    },
    {
      key: 'evictions', id: 'Evictions', what: 'Evictions', unit: '', threshold: 0,
      metric: () => serverlessMetric(scope, cacheName, 'Evictions'),
      why: 'The cache is at dataStorageMaximum and drops keys before they expire: raise the maximum or review the TTLs.',
    },
  ];
}

/** The same rules as the node-based caches' overrides. */
function validateOverrides(scope: IConstruct, overrides: ServerlessAlarmOverrides): void {
  for (const [key, override] of Object.entries(overrides) as Array<[string, AlarmOverride | undefined]>) {
    if (override) {
      validateAlarmOverride(scope, key, override);
    }
  }
}
