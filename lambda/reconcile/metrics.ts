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
] as const;

export type ReconcileMetric = (typeof RECONCILE_METRICS)[number];

/** What the pass needs of a metrics library; Powertools' `Metrics` satisfies it. */
export interface MetricsSink {
  addMetric(name: string, unit: typeof MetricUnit.Count, value: number): void;
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

/** Adds every counter of one pass and publishes them as one EMF line. */
export function publishPassMetrics(
  sink: MetricsSink,
  counts: Readonly<Record<ReconcileMetric, number>>,
): void {
  for (const name of RECONCILE_METRICS) sink.addMetric(name, MetricUnit.Count, counts[name]);
  sink.publishStoredMetrics();
}
