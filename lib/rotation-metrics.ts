/**
 * The construct's CloudWatch metrics, all in its own namespace (`StytchSecretRotation/<managed tag
 * value>` by default) so two stacks in one account never mix their numbers. The reconcile publishes
 * its pass metrics as EMF (lambda/reconcile/metrics.ts); the rotation steps and the Stytch client
 * already log one JSON line per step and per call, which metric filters on the function's log group
 * turn into metrics without another call in the function.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The `service` dimension Powertools adds to every EMF metric; the function's POWERTOOLS_SERVICE_NAME. */
export const METRICS_SERVICE_NAME = 'stytch-secret-rotation';

/** The reconcile's pass metrics (EMF). */
export type ReconcileMetricName =
  | 'SecretsInspected'
  | 'OverlapsCompleted'
  | 'OverlapsOpen'
  | 'RotationsAbandoned'
  | 'StraySecretsDiscarded'
  | 'DriftDetected'
  | 'ReconcileErrors'
  | 'SecretsDeferred'
  | 'SecretsNotRotated'
  | 'SecretsNeedingAttention'
  | 'OldestRotationAgeHours'
  | 'ReconcileDuration';

/** The metrics taken from the function's log lines. */
export type LogMetricName =
  | 'RotationsCompleted'
  | 'RotationStepsFailed'
  | 'StytchCallDuration'
  | 'StytchCallErrors';

const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** What {@link RotationMetrics} reads. */
export interface RotationMetricsProps {
  readonly namespace: string;
  readonly logGroup: logs.ILogGroup;
}

/** The metric filters, and every metric the dashboard and the alarms use. */
export class RotationMetrics extends Construct {
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: RotationMetricsProps) {
    super(scope, id);
    this.namespace = props.namespace;
    const { FilterPattern } = logs;
    const stepIs = FilterPattern.any(
      ...ROTATION_STEPS.map((step) => FilterPattern.stringValue('$.step', '=', step)),
    );
    // A Stytch call line is the only line with an attempt number.
    const stytchCall = FilterPattern.numberValue('$.attempt', '>=', 1);
    const filters: Record<LogMetricName, { pattern: logs.IFilterPattern; value?: string }> = {
      // finishSecret succeeding is a rotation done (a rerun on a promoted version is "skipped").
      RotationsCompleted: {
        pattern: FilterPattern.all(
          FilterPattern.stringValue('$.step', '=', 'finishSecret'),
          FilterPattern.stringValue('$.outcome', '=', 'succeeded'),
        ),
      },
      RotationStepsFailed: {
        pattern: FilterPattern.all(stepIs, FilterPattern.stringValue('$.outcome', '=', 'failed')),
      },
      StytchCallDuration: { pattern: stytchCall, value: '$.duration_ms' },
      // "retry" and "failed" attempts: 429s, 5xx, timeouts, refused connections.
      StytchCallErrors: {
        pattern: FilterPattern.all(stytchCall, FilterPattern.stringValue('$.outcome', '!=', 'ok')),
      },
    };
    for (const [name, filter] of Object.entries(filters)) {
      new logs.MetricFilter(this, name, {
        logGroup: props.logGroup,
        filterPattern: filter.pattern,
        metricNamespace: props.namespace,
        metricName: name,
        metricValue: filter.value ?? '1',
        unit: name === 'StytchCallDuration' ? cloudwatch.Unit.MILLISECONDS : cloudwatch.Unit.COUNT,
      });
    }
  }

  /** A reconcile pass metric. */
  reconcile(name: ReconcileMetricName, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: name,
      dimensionsMap: { service: METRICS_SERVICE_NAME },
      period: Duration.minutes(15),
      statistic: cloudwatch.Stats.SUM,
      ...options,
    });
  }

  /** A metric taken from the function's log lines. */
  fromLogs(name: LogMetricName, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: name,
      period: Duration.minutes(15),
      statistic: cloudwatch.Stats.SUM,
      ...options,
    });
  }
}
