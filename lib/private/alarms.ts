import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { CacheValidationError } from '../validation-error';
import { invalid } from './errors';
import { isToken } from './validation';

/**
 * The recommended alarms of every cache (node-based and serverless), made once: the one-call rule,
 * the checks of the overrides, and the loop that turns the alarm specifications of a cache, its
 * overrides and its actions into CloudWatch alarms. The caches only declare their specifications.
 */

/** One-minute periods an alarm evaluates, unless overridden. */
export const EVALUATION_PERIODS = 5;

/** The construct id of a cache's alarm set (one per cache). */
const ALARM_SET_ID = 'RecommendedAlarms';

/** The fields of one override (`AlarmOverride`). */
export interface AlarmOverrideFields {
  readonly enabled?: boolean;
  readonly threshold?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
}

/** One recommended alarm of a cache: its override key, construct id, metric, default threshold and rule. */
export interface AlarmSpec<K extends string = string> {
  /** Where its override sits: `overrides.<key>`. */
  readonly key: K;
  /** The alarm's construct id. */
  readonly id: string;
  /** What the description calls the metric (`CPUUtilization`, `ECPUs per second`). */
  readonly what: string;
  /** The metric, made only for an alarm that is created. */
  readonly metric: () => cloudwatch.IMetric;
  /** The default threshold; undefined when the cache has nothing to derive it from. */
  readonly threshold: () => number | undefined;
  /**
   * Whether the alarm is created unless its override says.
   * @default - when it has a threshold (its override's or the default)
   */
  readonly enabled?: () => boolean;
  /** The threshold's unit in the description (`' bytes'`, `'%'`, `''`). */
  readonly unit: string;
  /** The description's last sentences: what the alarm means and what to do. */
  readonly why: string;
  /** The `Allowed:` part of the error for an alarm enabled without a threshold. */
  readonly missingThreshold?: string;
}

/** What every cache's `addRecommendedAlarms()` takes. */
export interface AlarmSetOptions<K extends string> {
  readonly actions?: cloudwatch.IAlarmAction[];
  readonly okActions?: cloudwatch.IAlarmAction[];
  readonly overrides?: { readonly [key in K]?: AlarmOverrideFields };
}

/** The cache whose alarms are made: its construct, and what the descriptions call it. */
export interface AlarmedCache {
  readonly scope: IConstruct;
  /** 'replication group', 'Memcached cluster', 'serverless cache'. */
  readonly what: string;
}

/** How the set is checked and built: the keys of percentages, the specifications, the set construct. */
export interface AlarmSetPlan<K extends string, T extends IConstruct> {
  /** The overrides whose threshold is a percentage (at most 100). */
  readonly percentKeys?: readonly K[];
  /** The alarms, in order; called after the overrides are checked. */
  readonly specs: () => Array<AlarmSpec<K>>;
  /** The set construct (the public alarm set class), created in the cache with the given id. */
  readonly newSet: (scope: IConstruct, id: string) => T;
}

/**
 * The recommended alarms of a cache: refuses a second call and invalid overrides, then creates the
 * set and, in it, each alarm the overrides or the specification's rule enable, with the override's
 * threshold or the default, its periods, and the actions.
 */
export function createAlarmSet<K extends string, T extends IConstruct>(cache: AlarmedCache, options: AlarmSetOptions<K>,
  plan: AlarmSetPlan<K, T>): T {
  rejectSecondAlarmSet(cache.scope);
  const overrides: { readonly [key in K]?: AlarmOverrideFields } = options.overrides ?? {};
  validateAlarmOverrides(cache.scope, overrides, plan.percentKeys ?? []);
  const specs = plan.specs();
  const set = plan.newSet(cache.scope, ALARM_SET_ID);
  for (const spec of specs) {
    const override: AlarmOverrideFields = overrides[spec.key] ?? {};
    const threshold = (): number | undefined => override.threshold ?? spec.threshold();
    if (!(override.enabled ?? (spec.enabled ? spec.enabled() : threshold() !== undefined))) {
      continue;
    }
    const value = threshold();
    if (value === undefined) {
      invalid(cache.scope, `overrides.${spec.key}`, 'enabled: true', spec.missingThreshold ?? 'Allowed: with a threshold.');
    }
    createRecommendedAlarm(set, spec.id, {
      metric: spec.metric(),
      threshold: value,
      override,
      actions: options.actions,
      okActions: options.okActions,
      describe: (shown, datapointsToAlarm, evaluationPeriods) => `${spec.what} of the ElastiCache ${cache.what} `
        + `${cache.scope.node.path} above ${shown}${spec.unit} in ${datapointsToAlarm} of ${evaluationPeriods} minutes. ${spec.why}`,
    });
  }
  return set;
}

/** The alarms of a set, in the order they were created. */
export function alarmsOf(set: IConstruct): cloudwatch.Alarm[] {
  return set.node.children.filter((child): child is cloudwatch.Alarm => child instanceof cloudwatch.Alarm);
}

/** The alarm of a set with this construct id, if created. */
export function alarmOf(set: IConstruct, id: string): cloudwatch.Alarm | undefined {
  const child = set.node.tryFindChild(id);
  return child instanceof cloudwatch.Alarm ? child : undefined;
}

/** The alarms of the cache's set, if `addRecommendedAlarms()` was called before (for the dashboard). */
export function recommendedAlarmsOf(scope: IConstruct): cloudwatch.Alarm[] {
  const set = scope.node.tryFindChild(ALARM_SET_ID);
  return set ? alarmsOf(set) : [];
}

/** `addRecommendedAlarms()` may be called once per cache. */
export function rejectSecondAlarmSet(scope: IConstruct): void {
  if (scope.node.tryFindChild(ALARM_SET_ID)) {
    throw new CacheValidationError('Cannot add the recommended alarms twice: addRecommendedAlarms() was already called. '
      + 'Allowed: one call per cache; change the alarms with its overrides.', scope);
  }
}

/** Checks every override given (see `validateAlarmOverride`); the thresholds of `percentKeys` are at most 100. */
export function validateAlarmOverrides(scope: IConstruct, overrides: { readonly [key: string]: AlarmOverrideFields | undefined },
  percentKeys: readonly string[] = []): void {
  for (const [key, override] of Object.entries(overrides)) {
    if (override) {
      validateAlarmOverride(scope, key, override, percentKeys.includes(key) ? 100 : Infinity);
    }
  }
}

/**
 * Checks one override: a threshold from 0 (to `maxThreshold`, for percentages), 1-1440 evaluation
 * periods, datapoints from 1 to the evaluation periods.
 */
export function validateAlarmOverride(scope: IConstruct, key: string, override: AlarmOverrideFields, maxThreshold = Infinity): void {
  const { threshold, evaluationPeriods, datapointsToAlarm } = override;
  if (threshold !== undefined && !isToken(threshold)
    && (!Number.isFinite(threshold) || threshold < 0 || threshold > maxThreshold)) {
    invalid(scope, `overrides.${key}.threshold`, threshold, `Allowed: a number from 0${maxThreshold === 100 ? ' to 100 (percent)' : ' up'}.`);
  }
  if (evaluationPeriods !== undefined && !isToken(evaluationPeriods)
    && (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1 || evaluationPeriods > 1440)) {
    invalid(scope, `overrides.${key}.evaluationPeriods`, evaluationPeriods, 'Allowed: an integer from 1 to 1440 '
      + '(one-minute periods; CloudWatch evaluates at most one day).');
  }
  const periods = evaluationPeriods ?? EVALUATION_PERIODS;
  if (datapointsToAlarm !== undefined && !isToken(datapointsToAlarm)
    && (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > periods)) {
    invalid(scope, `overrides.${key}.datapointsToAlarm`, datapointsToAlarm, `Allowed: an integer from 1 to the `
      + `evaluation periods, ${periods}.`);
  }
}

/** One recommended alarm to create. */
export interface RecommendedAlarmPlan {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly override: AlarmOverrideFields;
  readonly actions?: cloudwatch.IAlarmAction[];
  readonly okActions?: cloudwatch.IAlarmAction[];
  /** The alarm's description, from the values it got. */
  readonly describe: (threshold: number, datapointsToAlarm: number, evaluationPeriods: number) => string;
}

/**
 * A `> threshold` alarm over one-minute datapoints (missing data: missing), with the override's
 * evaluation periods and datapoints, and the actions.
 */
export function createRecommendedAlarm(parent: IConstruct, id: string, plan: RecommendedAlarmPlan): cloudwatch.Alarm {
  const evaluationPeriods = plan.override.evaluationPeriods ?? EVALUATION_PERIODS;
  const datapointsToAlarm = plan.override.datapointsToAlarm ?? evaluationPeriods;
  const alarm = new cloudwatch.Alarm(parent, id, {
    metric: plan.metric,
    threshold: plan.threshold,
    evaluationPeriods,
    datapointsToAlarm,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
    alarmDescription: plan.describe(plan.threshold, datapointsToAlarm, evaluationPeriods),
  });
  if (plan.actions?.length) {
    alarm.addAlarmAction(...plan.actions);
  }
  if (plan.okActions?.length) {
    alarm.addOkAction(...plan.okActions);
  }
  return alarm;
}
