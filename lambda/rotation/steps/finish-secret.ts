/**
 * finishSecret: promote the pending secret to AWSCURRENT, then either complete Stytch's rotation at
 * once (completion delay 0) or leave it open so consumers' caches move to the new secret while the old
 * one still works; the reconcile completes it once the delay has passed, counted from the
 * overlap-since tag written here (see reconcile/tags.ts).
 */
import { RotationStateError, StagingError } from '../../errors.ts';
import { formatOverlapSince, OVERLAP_SINCE_TAG, parseOverlapSince } from '../../reconcile/tags.ts';
import { lastFour } from '../../secrets/secret-value.ts';
import { AWSCURRENT, AWSPENDING, versionWithStage } from '../../secrets/store.ts';
import type { CallOptions } from '../../stytch/client.ts';
import type { StepDeps, StepInput, StepResult } from '../step-context.ts';
import { completeRotation } from '../stytch-rotation.ts';
import { readCurrentValue, requirePendingSecret } from '../versions.ts';

export async function finishSecret(deps: StepDeps, input: StepInput): Promise<StepResult> {
  if (input.alreadyCurrent) return finishPromoted(deps, input);
  const { store, stytch, config } = deps;
  const { arn } = input.metadata;
  const call: CallOptions = { deadline: input.deadline };
  const { value, secret } = await requirePendingSecret(
    store,
    input.metadata,
    input.token,
    'finishSecret',
  );
  const { clientId } = value;
  const ours = lastFour(secret);

  // Consumers start using whatever AWSCURRENT holds, so promote only a secret Stytch accepts now.
  const state = await stytch.getClient(clientId, call);
  const staged = state.nextClientSecretLastFour === ours;
  if (
    !staged &&
    !(state.nextClientSecretLastFour === null && state.clientSecretLastFour === ours)
  ) {
    throw new StagingError(
      `finishSecret: the pending secret of ${arn} (last four ${ours}) is no longer valid at Stytch ` +
        `for ${clientId} (next: ${state.nextClientSecretLastFour ?? 'none'}, current: ` +
        `${state.clientSecretLastFour ?? 'none'}), so it is not promoted and the current secret keeps ` +
        'working; abandon this rotation with the cancel command and rotate again',
    );
  }
  await promote(deps, input);
  await releasePendingLabel(deps, input);

  if (config.completionDelaySeconds === 0) {
    const outcome = staged
      ? await completeRotation(stytch, clientId, ours, call)
      : 'already-completed';
    return {
      outcome: 'succeeded',
      clientId,
      detail: `promoted to AWSCURRENT; Stytch rotation ${outcome}`,
    };
  }
  const since = await markOverlapStart(deps, arn, input.token);
  const until = new Date(since.getTime() + config.completionDelaySeconds * 1000);
  return {
    outcome: 'succeeded',
    clientId,
    detail:
      `promoted to AWSCURRENT; the previous secret stays valid until about ${until.toISOString()} ` +
      'for consumers that cached it, then the reconcile completes the Stytch rotation',
  };
}

/** Moves AWSCURRENT to the token. After a lost answer the move may already be done: check first. */
async function promote(deps: StepDeps, input: StepInput): Promise<void> {
  const { store } = deps;
  const { arn } = input.metadata;
  const currentVersion = versionWithStage(input.metadata, AWSCURRENT);
  if (currentVersion === undefined) {
    throw new RotationStateError(`finishSecret: ${arn} has no AWSCURRENT version to move from`);
  }
  try {
    await store.promote(arn, input.token, currentVersion);
  } catch (error) {
    const now = await store.describe(arn);
    if (versionWithStage(now, AWSCURRENT) !== input.token) throw error;
  }
}

/**
 * Removes AWSPENDING from the version just promoted. Secrets Manager allows leaving it there, but a
 * later PutSecretValue (a person's edit) would leave it on what becomes AWSPREVIOUS, where it looks
 * like a rotation in progress: every RotateSecret would be refused, and a retry of that rotation
 * would promote the old value over the edit. A failure fails the step; Secrets Manager's retry
 * (finishSecret on a version that is already current) removes it then.
 */
async function releasePendingLabel(deps: StepDeps, input: StepInput): Promise<void> {
  const { arn } = input.metadata;
  try {
    await deps.store.removePending(arn, input.token);
  } catch (error) {
    const now = await deps.store.describe(arn);
    if (now.versionStages[input.token]?.includes(AWSPENDING)) throw error;
  }
}

/**
 * Tags the secret with the overlap's start. The time is read after the promotion, so it is never
 * earlier than the moment consumers could first see the new secret: the reconcile, counting the
 * completion delay from it, cannot complete early. A failure fails the step, and Secrets Manager's
 * retry (finishSecret on a version that is already current) writes the tag again.
 */
async function markOverlapStart(deps: StepDeps, arn: string, versionId: string): Promise<Date> {
  const since = deps.clock.now();
  await deps.store.tag(arn, { [OVERLAP_SINCE_TAG]: formatOverlapSince(versionId, since) });
  return since;
}

/**
 * finishSecret again after the promotion: with no overlap, Stytch's rotation must still be completed
 * (a crash between the label move and `rotate` leaves it open). With an overlap, the reconcile does it.
 */
async function finishPromoted(deps: StepDeps, input: StepInput): Promise<StepResult> {
  const { store, stytch, config } = deps;
  const { arn } = input.metadata;
  if (input.metadata.versionStages[input.token]?.includes(AWSPENDING)) {
    await releasePendingLabel(deps, input);
  }
  if (config.completionDelaySeconds > 0) {
    // A crash between the promotion and the tag leaves the overlap unmarked; mark it now. A tag that
    // already names this version keeps its earlier time, so a repeat never extends the overlap.
    const marked = parseOverlapSince(input.metadata.tags[OVERLAP_SINCE_TAG]);
    if (marked?.versionId === input.token) {
      return {
        outcome: 'skipped',
        detail: 'already AWSCURRENT; the overlap is left to the reconcile',
      };
    }
    await markOverlapStart(deps, arn, input.token);
    return {
      outcome: 'succeeded',
      detail: 'already AWSCURRENT; marked the start of the overlap for the reconcile',
    };
  }
  const current = await readCurrentValue(store, input.metadata);
  const { clientId } = current;
  const secret = current.clientSecret;
  if (secret === undefined) {
    throw new RotationStateError(`finishSecret: AWSCURRENT of ${arn} holds no client secret`);
  }
  const ours = lastFour(secret);
  const call: CallOptions = { deadline: input.deadline };
  const state = await stytch.getClient(clientId, call);
  if (state.nextClientSecretLastFour === ours) {
    await completeRotation(stytch, clientId, ours, call);
    return {
      outcome: 'succeeded',
      clientId,
      detail: 'already AWSCURRENT; completed the Stytch rotation',
    };
  }
  if (state.nextClientSecretLastFour === null && state.clientSecretLastFour === ours) {
    return { outcome: 'skipped', clientId, detail: 'already AWSCURRENT and completed at Stytch' };
  }
  throw new RotationStateError(
    `finishSecret: AWSCURRENT of ${arn} (last four ${ours}) is neither Stytch's current nor next ` +
      `secret for ${clientId} (current: ${state.clientSecretLastFour ?? 'none'}, next: ` +
      `${state.nextClientSecretLastFour ?? 'none'}); run the status command to see the drift`,
  );
}
