/**
 * createSecret: start a rotation at Stytch and store its new secret as AWSPENDING. The new secret is
 * shown once, so the order matters: whatever Stytch holds that the store does not is discarded
 * before a new rotation starts, and a secret that cannot be stored is cancelled at Stytch.
 */
import { RotationStateError, StagingError } from '../../errors.ts';
import {
  type ClientSecretValue,
  lastFour,
  serializeSecretValue,
  withClientSecret,
} from '../../secrets/secret-value.ts';
import type { CallOptions } from '../../stytch/client.ts';
import { CLIENT_KINDS } from '../../stytch/kinds.ts';
import { mayBeInOpenOverlap, refuseUnlessDue } from '../open-overlap.ts';
import type { StepDeps, StepInput, StepResult } from '../step-context.ts';
import {
  completeRotation,
  discardNextSecret,
  discardQuietly,
  isStytchErrorType,
  mayHaveApplied,
} from '../stytch-rotation.ts';
import { readCurrentValue, readPendingValue } from '../versions.ts';

export async function createSecret(deps: StepDeps, input: StepInput): Promise<StepResult> {
  const { store, stytch, log } = deps;
  const { arn } = input.metadata;
  const call: CallOptions = { deadline: input.deadline };
  const current = await readCurrentValue(store, input.metadata);
  const { clientId } = current;

  const pending = await readPendingValue(store, input.metadata, input.token);
  if (pending !== undefined) return confirmStoredPending(deps, input, current, pending, call);

  const started = await startRotation(deps, input, current, call);
  const newValue = withClientSecret(current, started.nextClientSecret);
  const newLastFour = lastFour(started.nextClientSecret);
  try {
    await store.putPending(arn, input.token, serializeSecretValue(newValue), input.rotationToken);
  } catch (error) {
    // A lost answer may hide a stored value; only a secret the store provably lacks is cancelled,
    // so that no valid credential exists that nobody holds.
    const stored = await readPendingValue(store, input.metadata, input.token).catch(
      () => undefined,
    );
    if (stored?.clientSecret === started.nextClientSecret) {
      log.warn('createSecret: PutSecretValue failed but the pending value is stored', {
        client_id: clientId,
      });
    } else {
      await discardQuietly(
        stytch,
        clientId,
        newLastFour,
        call,
        log,
        'createSecret: could not store the new secret',
      );
      throw error;
    }
  }
  return {
    outcome: 'succeeded',
    clientId,
    detail: `started a Stytch rotation and stored the new secret (last four ${newLastFour}) as AWSPENDING`,
  };
}

/**
 * A repeat of createSecret: the pending value exists; it must still be Stytch's next secret, or
 * Stytch's only secret when its rotation was already completed.
 */
async function confirmStoredPending(
  deps: StepDeps,
  input: StepInput,
  current: ClientSecretValue,
  pending: ClientSecretValue,
  call: CallOptions,
): Promise<StepResult> {
  const { arn } = input.metadata;
  const secret = pending.clientSecret;
  if (pending.clientId !== current.clientId || secret === undefined) {
    throw new RotationStateError(
      `createSecret: version ${input.token} of ${arn} was stored outside this function ` +
        `(client id or client secret does not match); abandon the rotation and rotate again`,
    );
  }
  const state = await deps.stytch.getClient(current.clientId, call);
  if (state.nextClientSecretLastFour === lastFour(secret)) {
    return {
      outcome: 'skipped',
      clientId: current.clientId,
      detail: 'the pending version is already stored and staged at Stytch',
    };
  }
  // Stytch already made the pending secret its only one (an early `rotate`): that is progress, and
  // the rest of the rotation must run so that AWSCURRENT holds the only secret that works.
  if (state.nextClientSecretLastFour === null && state.clientSecretLastFour === lastFour(secret)) {
    deps.log.warn('createSecret: Stytch already made the pending secret its only secret', {
      client_id: current.clientId,
    });
    return {
      outcome: 'skipped',
      clientId: current.clientId,
      detail: 'the pending version is already stored and Stytch already completed its rotation',
    };
  }
  throw new StagingError(
    `createSecret: version ${input.token} of ${arn} holds a secret (last four ${lastFour(secret)}) ` +
      `that Stytch no longer has staged for ${current.clientId} (next secret: ` +
      `${state.nextClientSecretLastFour ?? 'none'}); the rotation cannot finish: abandon it with ` +
      'the cancel command, or let the reconcile abandon it, then rotate again',
  );
}

/**
 * rotate_start, first settling a rotation Stytch already has open. The previous rotation's overlap
 * (Stytch's next secret is AWSCURRENT's) is completed only once it is due; before that the rotation
 * is deferred with OVERLAP_OPEN and nothing changes at Stytch. Any other next secret is one the
 * store does not hold (a lost answer, a crash, someone else's rotate_start) and is discarded.
 */
async function startRotation(
  deps: StepDeps,
  input: StepInput,
  current: ClientSecretValue,
  call: CallOptions,
) {
  const { stytch, log, config, clock } = deps;
  const { clientId } = current;
  const held = current.clientSecret;
  const inOverlap = (next: string | null) =>
    next !== null && held !== undefined && lastFour(held) === next;
  const delay = config.completionDelaySeconds;
  // Inside the marked overlap window Stytch is asked first, so a deferral attempts no mutation.
  if (mayBeInOpenOverlap(input.metadata, delay, clock.now())) {
    const state = await stytch.getClient(clientId, call);
    if (inOverlap(state.nextClientSecretLastFour)) {
      refuseUnlessDue(input.metadata, delay, clock.now(), clientId);
    }
  }
  try {
    return await stytch.rotateStart(clientId, call);
  } catch (error) {
    if (!isStytchErrorType(error, CLIENT_KINDS[current.kind].alreadyRotatingErrorType)) {
      await discardUnanswered(deps, clientId, inOverlap, call, error);
      throw error;
    }
  }
  const state = await stytch.getClient(clientId, call);
  const next = state.nextClientSecretLastFour;
  if (next !== null && inOverlap(next)) {
    refuseUnlessDue(input.metadata, delay, clock.now(), clientId);
    log.warn(
      "createSecret: the previous rotation's overlap is due; completing it so a new one can start",
      { client_id: clientId },
    );
    await completeRotation(stytch, clientId, next, call);
  } else if (next !== null) {
    log.warn(
      `createSecret: discarding a next secret (last four ${next}) that the store does not hold`,
      { client_id: clientId },
    );
    await discardNextSecret(stytch, clientId, next, call);
  }
  try {
    return await stytch.rotateStart(clientId, call);
  } catch (error) {
    await discardUnanswered(deps, clientId, inOverlap, call, error);
    throw error;
  }
}

/**
 * After a rotate_start whose answer was lost (a timeout, a dropped connection, a 5xx), Stytch may
 * hold a next secret that was shown only in that answer: nobody holds it, yet it authenticates.
 * Stytch is read once and such a secret discarded at once, rather than left valid until the next
 * attempt or the reconcile's abandonment of a stuck rotation (which may be hours away when every
 * later attempt fails too, e.g. under a rate limit). Best effort: the caller throws the original
 * error, and a start that applies only after this read is the reconcile's to discard.
 */
async function discardUnanswered(
  deps: StepDeps,
  clientId: string,
  inOverlap: (next: string | null) => boolean,
  call: CallOptions,
  failure: unknown,
): Promise<void> {
  if (!mayHaveApplied(failure)) return;
  const { stytch, log } = deps;
  const why = 'createSecret: rotate_start may have applied without an answer';
  let next: string | null;
  try {
    next = (await stytch.getClient(clientId, call)).nextClientSecretLastFour;
  } catch (error) {
    log.error(`${why}; Stytch could not be read, so the reconcile discards any next secret later`, {
      client_id: clientId,
      error: { name: (error as Error).name, message: (error as Error).message },
    });
    return;
  }
  if (next === null || inOverlap(next)) return;
  await discardQuietly(stytch, clientId, next, call, log, why);
}
