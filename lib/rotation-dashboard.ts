/**
 * One CloudWatch dashboard per construct: rotations by outcome, the age of the oldest rotation,
 * overlaps, the reconcile's outcomes and duration, Stytch's latency and errors, the function, and
 * the state of every alarm.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { HealthAlarms } from './health-alarms.ts';
import type { RotationMetrics } from './rotation-metrics.ts';

/** What {@link RotationDashboard} shows. */
export interface RotationDashboardProps {
  readonly metrics: RotationMetrics;
  readonly alarms: HealthAlarms;
  readonly rotationFunction: lambda.IFunction;
  /** The RotationFailed rules: how often they fired is Secrets Manager's own count of failures. */
  readonly rotationFailedRules: readonly events.IRule[];
  readonly overdueAfter: Duration;
  /** @default - CloudFormation generates one */
  readonly dashboardName?: string;
}

/** The dashboard. */
export class RotationDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RotationDashboardProps) {
    super(scope, id);
    const { metrics, alarms } = props;
    const hour = Duration.hours(1);
    const graph = (title: string, left: cloudwatch.IMetric[], extra = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: alarms.all,
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      graph('Rotations by outcome', [
        metrics.fromLogs('RotationsCompleted', { period: hour, label: 'completed' }),
        metrics.fromLogs('RotationStepsFailed', { period: hour, label: 'failed steps' }),
        rotationsFailed(props.rotationFailedRules, hour),
        metrics.reconcile('RotationsAbandoned', { period: hour, label: 'abandoned' }),
      ]),
      graph(
        'Oldest last rotation (hours)',
        [
          metrics.reconcile('OldestRotationAgeHours', {
            period: hour,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'oldest',
          }),
        ],
        {
          right: [
            metrics.reconcile('SecretsNotRotated', {
              period: hour,
              statistic: cloudwatch.Stats.MAXIMUM,
              label: 'never rotated',
            }),
          ],
          leftAnnotations: [
            { value: props.overdueAfter.toHours({ integral: false }), label: 'overdue' },
          ],
        },
      ),
      graph('Overlaps', [
        metrics.reconcile('OverlapsOpen', {
          period: hour,
          statistic: cloudwatch.Stats.MAXIMUM,
          label: 'open',
        }),
        metrics.reconcile('OverlapsCompleted', { period: hour, label: 'completed' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Reconcile outcomes', [
        metrics.reconcile('SecretsInspected', { statistic: cloudwatch.Stats.MAXIMUM }),
        metrics.reconcile('SecretsNeedingAttention', { statistic: cloudwatch.Stats.MAXIMUM }),
        metrics.reconcile('DriftDetected'),
        metrics.reconcile('StraySecretsDiscarded'),
        metrics.reconcile('ReconcileErrors'),
        metrics.reconcile('SecretsDeferred'),
      ]),
      graph('Reconcile duration (ms)', [
        metrics.reconcile('ReconcileDuration', { statistic: cloudwatch.Stats.AVERAGE }),
        metrics.reconcile('ReconcileDuration', { statistic: cloudwatch.Stats.MAXIMUM }),
      ]),
      graph(
        'Stytch calls',
        [
          metrics.fromLogs('StytchCallDuration', { statistic: 'p50', label: 'p50 ms' }),
          metrics.fromLogs('StytchCallDuration', { statistic: 'p99', label: 'p99 ms' }),
        ],
        { right: [metrics.fromLogs('StytchCallErrors', { label: 'errors and retries' })] },
      ),
    );
    const fn = props.rotationFunction;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function',
        left: [fn.metricInvocations(), fn.metricErrors(), fn.metricThrottles()],
        right: [fn.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM })],
        width: 24,
        height: 6,
      }),
    );
  }
}

/** Secrets Manager's RotationFailed events: the sum of the rules' TriggeredRules. */
function rotationsFailed(rules: readonly events.IRule[], period: Duration): cloudwatch.IMetric {
  const usingMetrics = Object.fromEntries(
    rules.map((rule, index) => [
      `failed${index}`,
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: rule.ruleName },
        statistic: cloudwatch.Stats.SUM,
        period,
      }),
    ]),
  );
  return new cloudwatch.MathExpression({
    // A rule that never fired has no data; FILL keeps the sum defined.
    expression: Object.keys(usingMetrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(' + '),
    usingMetrics,
    label: 'failed (Secrets Manager)',
    period,
  });
}
