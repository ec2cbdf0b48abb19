import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { CacheDashboardOptions } from '../monitoring';
import { recommendedAlarmsOf } from './alarms';
import { CacheValidationError } from '../validation-error';
import { invalid } from './errors';
import { isToken } from './validation';

/**
 * The dashboard of every cache (node-based and serverless), assembled once: the one-call rule and
 * the name check, the recommended alarms' states (when they were added before), the graphs the
 * cache declares, three to a row, and the Dashboard construct.
 */

const WIDTH = 8;
const HEIGHT = 6;

/** Makes one graph of the dashboard: metrics on the left axis (from 0) and, optionally, on the right. */
export type GraphFactory = (title: string, left: cloudwatch.IMetric[], right?: cloudwatch.IMetric[], leftLabel?: string,
  leftAnnotations?: cloudwatch.HorizontalAnnotation[]) => cloudwatch.GraphWidget;

/** A graph widget of the dashboard's size. */
const graph: GraphFactory = (title, left, right = [], leftLabel, leftAnnotations) =>
  new cloudwatch.GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT, leftYAxis: { min: 0, label: leftLabel }, leftAnnotations });

/**
 * The dashboard `Dashboard` of the cache `scope`: refuses a second call and an invalid name, then
 * lays out the alarm states and the `graphs` (made once the checks passed) with a default interval
 * of 3 hours.
 */
export function assembleDashboard(scope: IConstruct, options: CacheDashboardOptions,
  graphs: (graphOf: GraphFactory) => cloudwatch.IWidget[]): cloudwatch.Dashboard {
  if (scope.node.tryFindChild('Dashboard')) {
    throw new CacheValidationError('Cannot add a second dashboard: addDashboard() was already called. Allowed: one call per cache.', scope);
  }
  const name = options.dashboardName;
  if (name !== undefined && !isToken(name) && !/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    invalid(scope, 'dashboardName', name, 'Allowed: 1 to 255 letters, digits, hyphens and underscores.');
  }
  const widgets: cloudwatch.IWidget[] = [];
  const alarms = recommendedAlarmsOf(scope);
  if (alarms.length > 0) {
    widgets.push(new cloudwatch.AlarmStatusWidget({ title: 'Recommended alarms', alarms, width: 24, height: 3 }));
  }
  widgets.push(...graphs(graph));
  return new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: options.dashboardName,
    defaultInterval: options.defaultInterval ?? Duration.hours(3),
    widgets: rows(widgets),
  });
}

/** Rows of widgets: the full-width alarm widget alone, then three graphs per row. */
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
