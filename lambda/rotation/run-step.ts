/**
 * One rotation step, end to end: describe, guard, dispatch, and one log line for how it ended. A
 * failure is also recorded on the secret as the last-error tag, so the operator CLI can say why a
 * rotation failed without access to the function's logs.
 */
import { RotationError } from '../errors.ts';
import { errorFields, type Log, logStepOutcome, logStepStart } from '../log.ts';
import { formatLastError, LAST_ERROR_TAG } from '../reconcile/tags.ts';
import type { SecretStore } from '../secrets/store.ts';
import type { RotationEvent, RotationStep } from './event.ts';
import { checkRotationGuards } from './guards.ts';
import type { StepDeps, StepInput, StepResult } from './step-context.ts';
import { createSecret } from './steps/create-secret.ts';
import { finishSecret } from './steps/finish-secret.ts';
import { setSecret } from './steps/set-secret.ts';
import { testSecret } from './steps/test-secret.ts';

const STEPS: Readonly<
  Record<RotationStep, (deps: StepDeps, input: StepInput) => Promise<StepResult>>
> = {
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
};

export async function runRotationStep(
  deps: StepDeps,
  event: RotationEvent,
  deadline: number,
): Promise<StepResult> {
  const started = performance.now();
  const fields = { step: event.step, secretId: event.secretId, clientRequestToken: event.token };
  logStepStart(deps.log, fields);
  try {
    const metadata = await deps.store.describe(event.secretId);
    const verdict = checkRotationGuards(metadata, event.token);
    // AWS's template returns at once for a version that is already current; finishSecret alone
    // still has work then (completing Stytch's rotation after a crash), so it decides itself.
    const result: StepResult =
      verdict === 'already-current' && event.step !== 'finishSecret'
        ? { outcome: 'skipped', detail: 'the version is already AWSCURRENT' }
        : await STEPS[event.step](deps, {
            metadata,
            token: event.token,
            rotationToken: event.rotationToken,
            alreadyCurrent: verdict === 'already-current',
            deadline,
          });
    logStepOutcome(deps.log, {
      ...fields,
      clientId: result.clientId,
      outcome: result.outcome,
      detail: result.detail,
      durationMs: performance.now() - started,
    });
    return result;
  } catch (error) {
    logStepOutcome(deps.log, {
      ...fields,
      outcome: 'failed',
      error,
      durationMs: performance.now() - started,
    });
    await recordLastError(deps, event, error);
    throw error;
  }
}

/** Best effort: the step's own error is what matters, so a failure to tag is only logged. */
async function recordLastError(
  deps: { readonly store: SecretStore; readonly log: Log },
  event: RotationEvent,
  error: unknown,
): Promise<void> {
  const code =
    error instanceof RotationError ? error.code : error instanceof Error ? error.name : 'Unknown';
  const message = error instanceof Error ? error.message : `non-error thrown (${typeof error})`;
  const value = formatLastError({ token: event.token, step: event.step, code, message });
  try {
    await deps.store.tag(event.secretId, { [LAST_ERROR_TAG]: value });
  } catch (tagError) {
    deps.log.warn(`${event.step}: could not record the failure in the ${LAST_ERROR_TAG} tag`, {
      secret_id: event.secretId,
      ...errorFields(tagError),
    });
  }
}
