/**
 * A rotation deferred by an open overlap (OVERLAP_OPEN), end to end on the rotation side.
 *
 * Why the invocation succeeds: Lambda's Errors metric, and so the function's Errors alarm, counts
 * every invocation that throws, and a rotation that Secrets Manager sees fail raises the
 * `RotationFailed` event the stack also pages on. A rotation that waits for an overlap is expected
 * (a schedule or a deploy that fires inside one), so it must do neither. Secrets Manager's contract
 * leaves one clean way: createSecret records the deferral in the `stytch-secret-rotation:deferred`
 * tag, removes AWSPENDING from its own still-empty version (after a successful rotation AWSPENDING
 * is on AWSCURRENT's version or on none; an empty pending version would make every later
 * RotateSecret answer "a previous rotation isn't complete") and returns; the three later steps of
 * that token find the tag and return at once, touching nothing. Secrets Manager then records the
 * attempt as a rotation that changed nothing. The rotation is not lost: the reconcile completes the
 * overlap once it is due and starts a new rotation (deferred-rotation.ts in reconcile/), which
 * removes the tag. The deferral is logged at warn with its code and counted as `RotationsDeferred`.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OverlapOpenError } from '../errors.ts';
import { DEFERRED_TAG, formatDeferred, parseDeferred } from '../reconcile/tags.ts';
import { AWSCURRENT, AWSPENDING, type SecretMetadata } from '../secrets/store.ts';
import type { RotationEvent } from './event.ts';
import type { StepDeps, StepResult } from './step-context.ts';

/** The metric a deferral is counted in (namespace `POWERTOOLS_METRICS_NAMESPACE`). */
export const ROTATIONS_DEFERRED_METRIC = 'RotationsDeferred';

/**
 * Records the deferral and gives up the pending label. The tag goes first: if removing the label
 * then fails, the step fails, Secrets Manager retries createSecret and it defers again; the other
 * order could leave a rotation nobody re-drives.
 */
export async function deferRotation(
  deps: StepDeps,
  event: RotationEvent,
  error: OverlapOpenError,
): Promise<StepResult> {
  const { store } = deps;
  await store.tag(event.secretId, {
    [DEFERRED_TAG]: formatDeferred({ token: event.token, dueAt: error.dueAt }),
  });
  await store.removePending(event.secretId, event.token);
  if (deps.metrics !== undefined) {
    deps.metrics.addMetric(ROTATIONS_DEFERRED_METRIC, MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
  }
  return {
    outcome: 'deferred',
    detail:
      `${error.code}: an overlap is open until ${error.dueAt.toISOString()}; the reconcile ` +
      'completes it then and starts the rotation again',
  };
}

/**
 * The later steps (and a repeated createSecret) of a deferred rotation: the deferred tag names the
 * token and its version is no longer AWSPENDING. `undefined` when the step must run as usual.
 */
export function deferredStepResult(
  metadata: SecretMetadata,
  event: RotationEvent,
): StepResult | undefined {
  const deferred = parseDeferred(metadata.tags[DEFERRED_TAG]);
  if (deferred?.token !== event.token) return undefined;
  const stages = metadata.versionStages[event.token] ?? [];
  if (stages.includes(AWSPENDING) || stages.includes(AWSCURRENT)) return undefined;
  return {
    outcome: 'skipped',
    detail: `the rotation is deferred until the overlap due at ${deferred.dueAt.toISOString()} is completed`,
  };
}
