/** One rotation step, end to end: describe, guard, dispatch, and one log line for how it ended. */
import { logStepOutcome, logStepStart } from '../log.ts';
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
    throw error;
  }
}
