/**
 * The Stytch-side moves a rotation makes besides rotate_start: completing an open rotation and
 * discarding a next secret. Both are safe to repeat: "not rotating" after a lost answer is checked
 * against Stytch's state instead of being taken as a failure.
 */
import { RotationStateError, StytchApiError } from '../errors.ts';
import type { Log } from '../log.ts';
import type { CallOptions, StytchClient } from '../stytch/client.ts';
import { CLIENT_KINDS, clientKindOf } from '../stytch/kinds.ts';

/** True when `error` is Stytch's answer with this `error_type`. */
export function isStytchErrorType(error: unknown, errorType: string): boolean {
  return error instanceof StytchApiError && error.errorType === errorType;
}

/**
 * Calls `rotate`, making Stytch's next secret (last four `expectedLastFour`) the only valid one.
 * "Not rotating" while Stytch's current secret already ends in `expectedLastFour` means an earlier
 * attempt completed it: success.
 * @returns `completed`, or `already-completed`
 * @throws RotationStateError when Stytch has no rotation open and its current secret is another one
 */
export async function completeRotation(
  stytch: StytchClient,
  clientId: string,
  expectedLastFour: string,
  call: CallOptions,
): Promise<'completed' | 'already-completed'> {
  const spec = CLIENT_KINDS[clientKindOf(clientId)];
  try {
    await stytch.rotate(clientId, call);
    return 'completed';
  } catch (error) {
    if (!isStytchErrorType(error, spec.notRotatingErrorType)) throw error;
  }
  const state = await stytch.getClient(clientId, call);
  if (state.clientSecretLastFour === expectedLastFour) return 'already-completed';
  throw new RotationStateError(
    `Stytch has no rotation open for ${clientId} and its current secret ends in ` +
      `${state.clientSecretLastFour ?? 'nothing'}, not in ${expectedLastFour}: the rotation was ` +
      'cancelled or replaced outside this function; run the status command and rotate again',
  );
}

/** Calls `rotate_cancel`; "not rotating" means there is nothing left to discard. */
export async function discardNextSecret(
  stytch: StytchClient,
  clientId: string,
  call: CallOptions,
): Promise<'discarded' | 'nothing-to-discard'> {
  const spec = CLIENT_KINDS[clientKindOf(clientId)];
  try {
    await stytch.rotateCancel(clientId, call);
    return 'discarded';
  } catch (error) {
    if (isStytchErrorType(error, spec.notRotatingErrorType)) return 'nothing-to-discard';
    throw error;
  }
}

/**
 * Best-effort `rotate_cancel` on a failure path: the original error is what the caller throws, so a
 * failure here is only logged.
 */
export async function discardQuietly(
  stytch: StytchClient,
  clientId: string,
  call: CallOptions,
  log: Log,
  why: string,
): Promise<void> {
  try {
    const outcome = await discardNextSecret(stytch, clientId, call);
    log.warn(`${why}: rotate_cancel ${outcome}`, { client_id: clientId });
  } catch (error) {
    log.error(`${why}: rotate_cancel failed too; the reconcile discards the next secret later`, {
      client_id: clientId,
      error: { name: (error as Error).name, message: (error as Error).message },
    });
  }
}
