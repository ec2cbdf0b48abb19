import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { CacheValidationError } from '../validation-error';
import { invalid } from './errors';
import { isToken } from './validation';

/**
 * What the recommended alarms of every cache (node-based and serverless) share: the one-call rule,
 * the checks of an override, and how one alarm is made from its metric, threshold and override.
 */

/** One-minute periods an alarm evaluates, unless overridden. */
export const EVALUATION_PERIODS = 5;

/** The override fields every recommended alarm takes (`AlarmOverride`). */
export interface AlarmOverrideFields {
  readonly threshold?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
}

/** `addRecommendedAlarms()` may be called once per cache. */
export function rejectSecondAlarmSet(scope: IConstruct): void {
  if (scope.node.tryFindChild('RecommendedAlarms')) {
    throw new CacheValidationError('Cannot add the recommended alarms twice: addRecommendedAlarms() was already called. '
      + 'Allowed: one call per cache; change the alarms with its overrides.', scope);
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
