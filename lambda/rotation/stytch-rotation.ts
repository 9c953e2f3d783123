/**
 * The Stytch-side moves a rotation makes besides rotate_start: completing an open rotation and
 * discarding a next secret. Stytch has no conditional form of either, and each acts on whatever
 * next secret exists when it arrives, so neither is ever repeated blindly: the client does not
 * repeat them after a failure that may have applied (a lost or late answer, a 5xx; see retry.ts),
 * and these functions re-read Stytch's state first and repeat only when the next secret is still
 * the one they were asked to act on. "Not rotating" answers are checked against the state too.
 */
import { RotationStateError, StytchApiError, StytchError } from '../errors.ts';
import type { Log } from '../log.ts';
import type { CallOptions, StytchClient, StytchClientState } from '../stytch/client.ts';
import { CLIENT_KINDS, clientKindOf } from '../stytch/kinds.ts';

/** Attempts of `rotate` / `rotate_cancel`, each after a re-read showed the same next secret. */
const MAX_CHECKED_ATTEMPTS = 3;

/** True when `error` is Stytch's answer with this `error_type`. */
export function isStytchErrorType(error: unknown, errorType: string): boolean {
  return error instanceof StytchApiError && error.errorType === errorType;
}

/**
 * True when a failed call may still have taken effect at Stytch: no answer, a late one, a 5xx or
 * an answer that could not be read. A 4xx (other than 429, which the client retries itself) is
 * Stytch saying it did nothing.
 */
export function mayHaveApplied(error: unknown): boolean {
  if (!(error instanceof StytchError)) return false;
  if (error instanceof StytchApiError) return error.status >= 500;
  return true;
}

/**
 * Calls `rotate`, making Stytch's next secret (last four `expectedLastFour`) the only valid one.
 * "Not rotating" while Stytch's current secret already ends in `expectedLastFour` means an earlier
 * attempt completed it: success. After a failure that may have applied, Stytch's state is read
 * again and `rotate` repeated only while its next secret is still `expectedLastFour`.
 * @returns `completed`, or `already-completed`
 * @throws RotationStateError when Stytch has no rotation open and its current secret is another
 *   one, or its next secret changed meanwhile
 */
export async function completeRotation(
  stytch: StytchClient,
  clientId: string,
  expectedLastFour: string,
  call: CallOptions,
): Promise<'completed' | 'already-completed'> {
  const spec = CLIENT_KINDS[clientKindOf(clientId)];
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    try {
      await stytch.rotate(clientId, call);
      return 'completed';
    } catch (error) {
      const notRotating = isStytchErrorType(error, spec.notRotatingErrorType);
      if (!notRotating && (!mayHaveApplied(error) || attempt >= MAX_CHECKED_ATTEMPTS)) throw error;
      failure = notRotating ? undefined : error;
    }
    const state = await stytch.getClient(clientId, call);
    if (
      state.nextClientSecretLastFour === null &&
      state.clientSecretLastFour === expectedLastFour
    ) {
      return 'already-completed';
    }
    if (failure === undefined || state.nextClientSecretLastFour !== expectedLastFour) {
      throw moved('complete', clientId, expectedLastFour, state, failure);
    }
  }
}

/**
 * Calls `rotate_cancel` to discard Stytch's next secret (last four `expectedNextLastFour`); "not
 * rotating" means there is nothing left to discard. After a failure that may have applied, the
 * state is read again: no next secret means it was discarded; the same one is cancelled again;
 * another one (a rotation that started meanwhile) is left alone.
 * @throws RotationStateError when Stytch's next secret changed meanwhile
 */
export async function discardNextSecret(
  stytch: StytchClient,
  clientId: string,
  expectedNextLastFour: string,
  call: CallOptions,
): Promise<'discarded' | 'nothing-to-discard'> {
  const spec = CLIENT_KINDS[clientKindOf(clientId)];
  for (let attempt = 1; ; attempt++) {
    try {
      await stytch.rotateCancel(clientId, call);
      return 'discarded';
    } catch (error) {
      if (isStytchErrorType(error, spec.notRotatingErrorType)) return 'nothing-to-discard';
      if (!mayHaveApplied(error) || attempt >= MAX_CHECKED_ATTEMPTS) throw error;
      const state = await stytch.getClient(clientId, call);
      if (state.nextClientSecretLastFour === null) return 'discarded';
      if (state.nextClientSecretLastFour !== expectedNextLastFour) {
        throw moved('cancel', clientId, expectedNextLastFour, state, error);
      }
    }
  }
}

/**
 * Best-effort `rotate_cancel` on a failure path: the original error is what the caller throws, so a
 * failure here is only logged.
 */
export async function discardQuietly(
  stytch: StytchClient,
  clientId: string,
  expectedNextLastFour: string,
  call: CallOptions,
  log: Log,
  why: string,
): Promise<void> {
  try {
    const outcome = await discardNextSecret(stytch, clientId, expectedNextLastFour, call);
    log.warn(`${why}: rotate_cancel ${outcome}`, { client_id: clientId });
  } catch (error) {
    log.error(`${why}: rotate_cancel failed too; the reconcile discards the next secret later`, {
      client_id: clientId,
      error: { name: (error as Error).name, message: (error as Error).message },
    });
  }
}

function moved(
  action: 'complete' | 'cancel',
  clientId: string,
  expected: string,
  state: StytchClientState,
  failure: unknown,
): RotationStateError {
  const found = `current ${state.clientSecretLastFour ?? 'none'}, next ${state.nextClientSecretLastFour ?? 'none'}`;
  const after = failure instanceof Error ? ` after ${failure.name} (${failure.message})` : '';
  return new RotationStateError(
    action === 'complete'
      ? `Stytch has no rotation of ${clientId} open to the next secret ${expected} any more ` +
          `(${found})${after}: the rotation was cancelled or replaced outside this function, so ` +
          '`rotate` is not repeated; run the status command and rotate again'
      : `Stytch's next secret of ${clientId} is no longer ${expected} (${found})${after}: another ` +
          'rotation started meanwhile, so `rotate_cancel` is not repeated; run the status command',
  );
}
