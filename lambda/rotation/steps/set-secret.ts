/**
 * setSecret: Stytch "sets" the new secret itself at rotate_start, so this step confirms that Stytch's
 * next secret is exactly the pending one before anything depends on it.
 */
import { StagingError } from '../../errors.ts';
import { lastFour } from '../../secrets/secret-value.ts';
import type { StepDeps, StepInput, StepResult } from '../step-context.ts';
import { requirePendingSecret } from '../versions.ts';

export async function setSecret(deps: StepDeps, input: StepInput): Promise<StepResult> {
  const { arn } = input.metadata;
  const { value, secret } = await requirePendingSecret(
    deps.store,
    input.metadata,
    input.token,
    'setSecret',
  );
  const { clientId } = value;
  const ours = lastFour(secret);
  const state = await deps.stytch.getClient(clientId, { deadline: input.deadline });
  if (state.nextClientSecretLastFour === ours) {
    return {
      outcome: 'succeeded',
      clientId,
      detail: `Stytch has staged the pending secret (last four ${ours})`,
    };
  }
  if (state.nextClientSecretLastFour === null && state.clientSecretLastFour === ours) {
    deps.log.warn('setSecret: Stytch already made the pending secret its only secret', {
      client_id: clientId,
    });
    return { outcome: 'succeeded', clientId, detail: 'Stytch already completed the rotation' };
  }
  const found =
    state.nextClientSecretLastFour === null
      ? 'Stytch has no rotation in progress'
      : `Stytch's next secret ends in ${state.nextClientSecretLastFour}, so another rotation was started outside this function`;
  throw new StagingError(
    `setSecret: the pending secret of ${arn} (last four ${ours}) is not staged at Stytch for ` +
      `${clientId}: ${found}. The current secret keeps working. Abandon this rotation with the ` +
      'cancel command (or let the reconcile do it), then rotate again',
  );
}
