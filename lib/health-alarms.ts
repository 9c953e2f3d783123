/**
 * The alarms an operator expects besides "the function threw": the reconcile stopped running, a
 * secret is overdue for rotation, and the reconcile reports secrets that need a person.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RotationMetrics } from './rotation-metrics.ts';

/** What {@link HealthAlarms} watches. */
export interface HealthAlarmsProps {
  readonly metrics: RotationMetrics;
  readonly rotationFunction: lambda.IFunction;
  readonly reconcileInterval: Duration;
  /** The longest a secret may go without a rotation before it counts as overdue. */
  readonly overdueAfter: Duration;
}

/** The function's errors alarm and the three health alarms. */
export class HealthAlarms extends Construct {
  readonly errors: cloudwatch.Alarm;
  readonly reconcileNotRunning: cloudwatch.Alarm;
  readonly secretOverdue: cloudwatch.Alarm;
  readonly needsAttention: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: HealthAlarmsProps) {
    super(scope, id);
    const { metrics, reconcileInterval } = props;
    this.errors = new cloudwatch.Alarm(this, 'FunctionErrors', {
      alarmDescription:
        'The Stytch secret rotation function failed: a rotation step or the reconcile threw. ' +
        'Read its log group; Secrets Manager retries the rotation.',
      metric: props.rotationFunction.metricErrors({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Every pass publishes SecretsInspected, zero included; no data for two intervals means no
    // pass finished, whether the schedule, the function or its permissions broke.
    this.reconcileNotRunning = new cloudwatch.Alarm(this, 'ReconcileNotRunning', {
      alarmDescription:
        'The Stytch secret rotation reconcile has not finished a pass for two intervals: open ' +
        'overlaps are not completed and stuck rotations not abandoned. Check the ReconcileSchedule ' +
        'rule and the function log group.',
      metric: metrics.reconcile('SecretsInspected', {
        period: reconcileInterval,
        statistic: cloudwatch.Stats.SAMPLE_COUNT,
      }),
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    const overdueHours = props.overdueAfter.toHours({ integral: false });
    this.secretOverdue = new cloudwatch.Alarm(this, 'SecretOverdue', {
      alarmDescription:
        `A Stytch client secret was last rotated more than ${overdueHours} hours ago (the ` +
        'schedule, the rotation window and a margin). Run the operator CLI status command to see ' +
        'which, and rotate it.',
      metric: metrics.reconcile('OldestRotationAgeHours', {
        period: Duration.hours(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: overdueHours,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No age is published while no secret has rotated, and a missing reconcile has its own alarm.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.needsAttention = new cloudwatch.Alarm(this, 'ReconcileNeedsAttention', {
      alarmDescription:
        'The Stytch secret rotation reconcile reported secrets that need a person ' +
        '(RECONCILE_NEEDS_ATTENTION): an abandoned rotation, drift, an unreadable secret or a ' +
        'pass out of time. Its error in the function log group lists each secret and what to do.',
      metric: metrics.reconcile('SecretsNeedingAttention', {
        period: reconcileInterval,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Every alarm, for notification and the dashboard. */
  get all(): cloudwatch.Alarm[] {
    return [this.errors, this.reconcileNotRunning, this.secretOverdue, this.needsAttention];
  }
}
