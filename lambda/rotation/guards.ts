/**
 * The entry checks of AWS's rotation template, in AWS's order: rotation enabled, the token is a
 * version of the secret, the token already AWSCURRENT means the step is done, and otherwise the
 * token must be AWSPENDING.
 */
import { RotationStateError } from '../errors.ts';
import { AWSCURRENT, AWSPENDING, type SecretMetadata } from '../secrets/store.ts';

export type GuardVerdict =
  /** The token's version is AWSPENDING and not yet AWSCURRENT: run the step. */
  | 'run'
  /** The token's version is already AWSCURRENT: the rotation has been promoted. */
  | 'already-current';

/** @throws RotationStateError when a guard fails; the message says what to do */
export function checkRotationGuards(metadata: SecretMetadata, token: string): GuardVerdict {
  if (!metadata.rotationEnabled) {
    throw new RotationStateError(
      `rotation is not enabled for ${metadata.arn}; enable it with RotateSecret or the stack's schedule`,
    );
  }
  const stages = metadata.versionStages[token];
  if (stages === undefined) {
    throw new RotationStateError(
      `version ${token} is not a version of ${metadata.arn}; Secrets Manager attaches AWSPENDING ` +
        'to it before the first step, so this event does not belong to a rotation of this secret',
    );
  }
  if (stages.includes(AWSCURRENT)) return 'already-current';
  if (!stages.includes(AWSPENDING)) {
    throw new RotationStateError(
      `version ${token} of ${metadata.arn} is not AWSPENDING (stages: ${stages.join(', ') || 'none'}); ` +
        'the rotation was abandoned, so start a new one',
    );
  }
  return 'run';
}
