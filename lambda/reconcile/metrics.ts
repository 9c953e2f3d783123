/**
 * The reconcile's CloudWatch metrics, written as EMF lines through Powertools. The pass depends only
 * on the narrow {@link MetricsSink}, so tests pass a recorder instead of printing EMF.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFAULT_SERVICE_NAME } from '../log.ts';

/** The counters one pass publishes, each once per pass (zeros included, so alarms see data). */
export const RECONCILE_METRICS = [
  'SecretsListed',
  'SecretsInspected',
  'SecretsAudited',
  'RotationsBootstrapped',
  'SecretsHandedOver',
  'OverlapsCompleted',
  'RotationsAbandoned',
  'StraySecretsDiscarded',
  'DriftDetected',
  'ReconcileErrors',
  'SecretsDeferred',
  'OverlapsOpen',
  'SecretsNotRotated',
  // The secrets listed in RECONCILE_NEEDS_ATTENTION: the stack's needs-attention alarm watches it.
  'SecretsNeedingAttention',
] as const;

export type ReconcileMetric = (typeof RECONCILE_METRICS)[number];

/**
 * What one pass measured besides counting, for the dashboard and the overdue alarm. Published only
 * when known: an age needs at least one secret that has rotated.
 */
export interface PassMeasurements {
  /** How long the pass took, listing included. */
  readonly durationMs: number;
  /** Hours since the least recently rotated secret's last rotation (never-rotated ones excluded). */
  readonly oldestRotationAgeHours: number | undefined;
}

/** What the pass needs of a metrics library; Powertools' `Metrics` satisfies it. */
export interface MetricsSink {
  addMetric(
    name: string,
    unit: typeof MetricUnit.Count | typeof MetricUnit.Milliseconds,
    value: number,
  ): void;
  publishStoredMetrics(): void;
}

/** The namespace when POWERTOOLS_METRICS_NAMESPACE is unset. */
export const DEFAULT_METRICS_NAMESPACE = 'StytchSecretRotation';

/**
 * Powertools metrics: namespace from POWERTOOLS_METRICS_NAMESPACE (default
 * `StytchSecretRotation`), service from POWERTOOLS_SERVICE_NAME. Create once per container.
 */
export function createMetrics(
  env: Readonly<Record<string, string | undefined>> = process.env,
): MetricsSink {
  return new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE?.trim() || DEFAULT_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
  });
}

/**
 * Adds every counter and measurement of one pass and publishes them as one EMF line:
 * `ReconcileDuration` (ms) and `OldestRotationAgeHours` (a Count-unit gauge, since EMF has no hour
 * unit) besides the counters.
 */
export function publishPassMetrics(
  sink: MetricsSink,
  counts: Readonly<Record<ReconcileMetric, number>>,
  measured?: PassMeasurements,
): void {
  for (const name of RECONCILE_METRICS) sink.addMetric(name, MetricUnit.Count, counts[name]);
  if (measured !== undefined) {
    sink.addMetric('ReconcileDuration', MetricUnit.Milliseconds, Math.round(measured.durationMs));
    if (measured.oldestRotationAgeHours !== undefined) {
      sink.addMetric('OldestRotationAgeHours', MetricUnit.Count, measured.oldestRotationAgeHours);
    }
  }
  sink.publishStoredMetrics();
}

/** Hours since the oldest `lastRotatedDate` among the secrets, to 0.01 h; undefined when none rotated. */
export function oldestRotationAgeHours(
  secrets: readonly { readonly lastRotatedDate: Date | undefined }[],
  now: Date,
): number | undefined {
  const times = secrets.flatMap((s) => (s.lastRotatedDate ? [s.lastRotatedDate.getTime()] : []));
  if (times.length === 0) return undefined;
  return Math.round(((now.getTime() - Math.min(...times)) / 3_600_000) * 100) / 100;
}
