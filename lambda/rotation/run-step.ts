/**
 * One rotation step, end to end: describe, guard, take the client's lease, describe and guard again,
 * dispatch, release, and one log line for how it ended. Every step passes the same guards here
 * (guards.ts), before anything is read or any Stytch call is made. The client id is known only from
 * the secret, so the order is read → lease → re-read → act: what the step acts on is read while no
 * other actor can change the client. A failure is also recorded on the secret as the last-error tag,
 * so the operator CLI can say why a rotation failed without access to the function's logs; a
 * deferral (OVERLAP_OPEN) is not a failure and is recorded as such (deferral.ts).
 */
import { OverlapOpenError, RotationError, RotationStateError } from '../errors.ts';
import type { LeaseTerms } from '../lease/client-lease.ts';
import { clientIdOfSecret } from '../lease/client-of-secret.ts';
import type { LeaseTable } from '../lease/lease-table.ts';
import { withClientLease } from '../lease/with-client-lease.ts';
import { errorFields, type Log, logStepOutcome, logStepStart } from '../log.ts';
import {
  DEFERRED_TAG,
  formatLastError,
  LAST_ERROR_TAG,
  OVERLAP_SINCE_TAG,
} from '../reconcile/tags.ts';
import {
  AWSCURRENT,
  type SecretMetadata,
  type SecretStore,
  versionWithStage,
} from '../secrets/store.ts';
import { deferRotation, deferredStepResult } from './deferral.ts';
import type { RotationEvent, RotationStep } from './event.ts';
import { checkManagedSecret, checkRotationGuards, checkTagRoom, isStalePending } from './guards.ts';
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

/** The client's lease, as the handler sets it up for this invocation. */
export interface StepLease {
  readonly table: LeaseTable;
  readonly terms: LeaseTerms;
}

export async function runRotationStep(
  deps: StepDeps,
  event: RotationEvent,
  deadline: number,
  lease: StepLease,
): Promise<StepResult> {
  const started = performance.now();
  const fields = { step: event.step, secretId: event.secretId, clientRequestToken: event.token };
  logStepStart(deps.log, fields);
  try {
    const result = await leasedStep(deps, event, deadline, lease);
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

/**
 * The entry guards on a first read; a step they refuse or find done changes nothing and needs no
 * lease. Otherwise the client's lease is taken (an unmanaged secret never gets that far, so it can
 * never claim a client) and the guards and the step run under it, on labels read again, through the
 * guarded store and Stytch client. A deferral removes AWSPENDING, so it happens under the lease too.
 */
async function leasedStep(
  deps: StepDeps,
  event: RotationEvent,
  deadline: number,
  lease: StepLease,
): Promise<StepResult> {
  const first = await deps.store.describe(event.secretId);
  checkManagedSecret(first, deps.config.managedTag);
  const early = deferredStepResult(first, event) ?? skipped(event, first);
  if (early !== undefined) return early;
  const clientId = await clientIdOfSecret(deps.store, first);
  return withClientLease(
    { table: lease.table, clock: deps.clock, log: deps.log, terms: lease.terms },
    { clientId, secretArn: first.arn, actor: `${event.step} ${event.token}` },
    deps,
    ({ store, stytch }) => {
      const leased = { ...deps, store, stytch };
      return guardedStep(leased, event, deadline).catch((error: unknown) => {
        if (error instanceof OverlapOpenError && event.step === 'createSecret') {
          deps.log.warn(`${event.step}: deferred for ${event.secretId}`, errorFields(error));
          return deferRotation(leased, event, error);
        }
        throw error;
      });
    },
  );
}

/**
 * AWS's template returns at once for a version that is already current; finishSecret alone still
 * has work then (completing Stytch's rotation after a crash), so it decides itself.
 * @throws RotationStateError when a guard refuses the step
 */
function skipped(event: RotationEvent, metadata: SecretMetadata): StepResult | undefined {
  const verdict = checkRotationGuards(metadata, event.token);
  return verdict === 'already-current' && event.step !== 'finishSecret'
    ? { outcome: 'skipped', detail: 'the version is already AWSCURRENT' }
    : undefined;
}

/** The guards, in order, then the step. Nothing is read or called at Stytch before they pass. */
async function guardedStep(
  deps: StepDeps,
  event: RotationEvent,
  deadline: number,
): Promise<StepResult> {
  const metadata = await deps.store.describe(event.secretId);
  checkManagedSecret(metadata, deps.config.managedTag);
  const deferred = deferredStepResult(metadata, event);
  if (deferred !== undefined) return deferred;
  const done = skipped(event, metadata);
  if (done !== undefined) return done;
  const verdict = checkRotationGuards(metadata, event.token);
  if (verdict === 'run' && (event.step === 'createSecret' || event.step === 'finishSecret')) {
    await refuseStalePending(deps.store, metadata, event);
  }
  if (verdict === 'run' && event.step === 'createSecret') {
    checkTagRoom(
      metadata,
      deps.config.completionDelaySeconds > 0 ? [OVERLAP_SINCE_TAG, DEFERRED_TAG] : [],
    );
  }
  return STEPS[event.step](deps, {
    metadata,
    token: event.token,
    rotationToken: event.rotationToken,
    alreadyCurrent: verdict === 'already-current',
    deadline,
  });
}

/**
 * The two steps that change state refuse a stale AWSPENDING (guards.ts, isStalePending): the label
 * is removed, so the secret can rotate again, and the step fails without touching Stytch. The
 * newer AWSCURRENT (a person's edit) is left exactly as it is.
 */
async function refuseStalePending(
  store: SecretStore,
  metadata: SecretMetadata,
  event: RotationEvent,
): Promise<void> {
  const currentId = versionWithStage(metadata, AWSCURRENT);
  const versions = await store.listVersions(metadata.arn);
  if (!isStalePending(versions, event.token, currentId)) return;
  await store.removePending(metadata.arn, event.token);
  throw new RotationStateError(
    `${event.step}: version ${event.token} of ${metadata.arn} is older than AWSCURRENT (version ` +
      `${currentId}, stored later, e.g. by a PutSecretValue), so its AWSPENDING label is stale; ` +
      'it was removed and nothing was changed at Stytch or in AWSCURRENT. Rotate again to rotate ' +
      'the newer value',
  );
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
