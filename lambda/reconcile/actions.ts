/**
 * The moves the reconcile (and the operator CLI's `complete` and `cancel`) make. Each re-reads the
 * state right before it changes anything and acts only if the observation it was planned on still
 * holds, so two passes at once, or a pass next to a rotation, repeat or skip moves but never undo
 * each other's work. Every move is idempotent; Stytch's "not rotating" answers are checked against
 * Stytch's state (see rotation/stytch-rotation.ts) instead of being taken as failures.
 */
import type { Clock } from '../clock.ts';
import { completeRotation, discardNextSecret } from '../rotation/stytch-rotation.ts';
import { AWSCURRENT, AWSPENDING, type SecretStore, versionWithStage } from '../secrets/store.ts';
import type { CallOptions, StytchClient } from '../stytch/client.ts';
import { overlapUntil, shouldCancelAtStytch } from './inspect-secret.ts';
import type { ObservedSecret } from './observe.ts';
import { pendingVersionOf } from './observe.ts';
import { sameMark } from './overlap-mark.ts';
import { formatOverlapSince, OVERLAP_SINCE_TAG, parseOverlapSince } from './tags.ts';

export interface ActionDeps {
  readonly store: SecretStore;
  readonly stytch: StytchClient;
  readonly clock: Clock;
}

/** `done`: this call changed the state; `already-done`: someone else had; `skipped`: the state moved on. */
export interface ActionOutcome {
  readonly outcome: 'done' | 'already-done' | 'skipped';
  readonly detail: string;
}

const skipped = (detail: string): ActionOutcome => ({ outcome: 'skipped', detail });

/**
 * Completes the open overlap of AWSCURRENT at Stytch (`rotate`), making AWSCURRENT's secret the only
 * valid one. With `requireDue` (the reconcile), only once the completion delay has passed since the
 * overlap-since tag; without (the CLI's `complete`), at once.
 *
 * Remaining race, narrowed but not closed: Stytch has no conditional `rotate`. If a rotation starts
 * between the re-checks below and our `rotate` call, its createSecret may complete this overlap
 * itself and call rotate_start; our `rotate` would then complete the *new* next secret before it is
 * stored and promoted, and AWSCURRENT's secret stops working until that rotation finishes (its
 * setSecret and finishSecret accept "Stytch already completed"). The window is the time of one
 * Stytch `get`: both re-reads run immediately before the `rotate`.
 */
export async function completeOverlap(
  deps: ActionDeps,
  observed: ObservedSecret,
  call: CallOptions,
  options: { readonly requireDue?: { readonly completionDelaySeconds: number } } = {},
): Promise<ActionOutcome> {
  const { store, stytch } = deps;
  const expected = observed.current;
  const lastFour = expected.secretLastFour;
  if (lastFour === null) return skipped('AWSCURRENT holds no client secret');
  const metadata = await store.describe(observed.arn);
  if (versionWithStage(metadata, AWSCURRENT) !== expected.versionId) {
    return skipped('AWSCURRENT moved to another version meanwhile (a rotation finished)');
  }
  if (pendingVersionOf(metadata) !== undefined) {
    return skipped('a rotation started meanwhile; its createSecret completes the overlap first');
  }
  if (options.requireDue) {
    const overlapSince = parseOverlapSince(metadata.tags[OVERLAP_SINCE_TAG]);
    // A carried-over mark still holds while it is the one observed: a version's value never changes.
    const marked = {
      current: expected,
      overlapSince,
      overlapSinceCarriesOver:
        observed.overlapSinceCarriesOver === true && sameMark(overlapSince, observed.overlapSince),
    };
    const until = overlapUntil(marked, options.requireDue.completionDelaySeconds);
    if (until === undefined || deps.clock.now().getTime() < until.getTime()) {
      return skipped('the overlap is not due any more (its start mark changed)');
    }
  }
  const state = await stytch.getClient(observed.clientId, call);
  if (state.nextClientSecretLastFour === null && state.clientSecretLastFour === lastFour) {
    return { outcome: 'already-done', detail: 'Stytch had already completed the rotation' };
  }
  if (state.nextClientSecretLastFour !== lastFour) {
    return skipped(
      `Stytch's next secret ends in ${state.nextClientSecretLastFour ?? 'nothing'}, not in ` +
        `AWSCURRENT's ${lastFour}`,
    );
  }
  const result = await completeRotation(stytch, observed.clientId, lastFour, call);
  return result === 'completed'
    ? { outcome: 'done', detail: `completed the Stytch rotation: only ${lastFour} is valid now` }
    : { outcome: 'already-done', detail: 'Stytch had already completed the rotation' };
}

/**
 * Abandons the pending rotation: removes AWSPENDING (which stops the rotation: its next step's guard
 * refuses a version that is not AWSPENDING, and lets a new RotateSecret start), then `rotate_cancel`
 * at Stytch when Stytch's next secret is the pending one or one the store does not hold.
 *
 * The label goes first so that a step still in flight cannot promote a secret we are about to cancel
 * unnoticed: after removing it we re-read, and cancel only if the version did not become AWSCURRENT
 * and no new rotation has attached AWSPENDING elsewhere. Remaining race: a RotateSecret whose
 * createSecret calls rotate_start between that re-read and our `rotate_cancel` loses its new secret;
 * its setSecret then fails (Stytch has nothing staged), AWSCURRENT keeps working, and the rotation is
 * retried or abandoned later. No consumer-facing secret is ever cancelled.
 */
export async function abandonRotation(
  deps: ActionDeps,
  observed: ObservedSecret,
  call: CallOptions,
): Promise<ActionOutcome> {
  const { store, stytch } = deps;
  const pending = observed.pending;
  if (pending === undefined) return skipped('no rotation is in progress');
  const before = await store.describe(observed.arn);
  const stagesBefore = before.versionStages[pending.versionId] ?? [];
  if (stagesBefore.includes(AWSCURRENT)) return skipped('the rotation finished meanwhile');
  if (!stagesBefore.includes(AWSPENDING)) {
    return {
      outcome: 'already-done',
      detail: `version ${pending.versionId} is no longer AWSPENDING`,
    };
  }
  try {
    await store.removePending(observed.arn, pending.versionId);
  } catch (error) {
    // A concurrent pass or a lost answer: the label being gone is what we wanted.
    const now = await store.describe(observed.arn);
    if (now.versionStages[pending.versionId]?.includes(AWSPENDING)) throw error;
  }
  const after = await store.describe(observed.arn);
  const removed = `removed AWSPENDING from version ${pending.versionId}`;
  if (versionWithStage(after, AWSCURRENT) !== observed.current.versionId) {
    return {
      outcome: 'done',
      detail: `${removed}; AWSCURRENT moved meanwhile, so nothing is cancelled at Stytch`,
    };
  }
  if (pendingVersionOf(after) !== undefined) {
    return {
      outcome: 'done',
      detail: `${removed}; a new rotation started, so nothing is cancelled at Stytch`,
    };
  }
  const state = await stytch.getClient(observed.clientId, call);
  const next = state.nextClientSecretLastFour;
  if (!shouldCancelAtStytch(observed, next)) {
    return {
      outcome: 'done',
      detail: `${removed}; Stytch's next secret (${next ?? 'none'}) is kept`,
    };
  }
  const result =
    next === null
      ? 'nothing-to-discard'
      : await discardNextSecret(stytch, observed.clientId, next, call);
  return {
    outcome: 'done',
    detail: `${removed}; rotate_cancel at Stytch ${result === 'discarded' ? `discarded the next secret (last four ${next})` : 'found nothing to discard'}`,
  };
}

/**
 * Discards Stytch's next secret when it is stray: not AWSCURRENT's, held by no version, and no
 * rotation running. Acts only if Stytch's next secret is still the one observed: a different one may
 * belong to a rotation that started after the re-read. Remaining race as in {@link abandonRotation}:
 * a createSecret between our `get` and `rotate_cancel` discards the stray itself, calls rotate_start,
 * and loses its new secret to our cancel; that rotation fails in setSecret, AWSCURRENT keeps working.
 */
export async function discardStray(
  deps: ActionDeps,
  observed: ObservedSecret,
  strayLastFour: string,
  call: CallOptions,
): Promise<ActionOutcome> {
  const { store, stytch } = deps;
  const metadata = await store.describe(observed.arn);
  if (pendingVersionOf(metadata) !== undefined) return skipped('a rotation started meanwhile');
  if (versionWithStage(metadata, AWSCURRENT) !== observed.current.versionId) {
    return skipped('AWSCURRENT moved meanwhile');
  }
  const state = await stytch.getClient(observed.clientId, call);
  const next = state.nextClientSecretLastFour;
  if (next === null)
    return { outcome: 'already-done', detail: 'Stytch has no next secret any more' };
  if (next !== strayLastFour) {
    return skipped(
      `Stytch's next secret changed to one ending in ${next}; a rotation may have started`,
    );
  }
  const result = await discardNextSecret(stytch, observed.clientId, next, call);
  return result === 'discarded'
    ? {
        outcome: 'done',
        detail: `rotate_cancel discarded the stray next secret (last four ${next})`,
      }
    : { outcome: 'already-done', detail: 'Stytch had no next secret any more' };
}

/**
 * Writes the overlap-since tag for AWSCURRENT when it is missing or names another version. When the
 * mark names an older version holding AWSCURRENT's client secret (and is still the one observed), it
 * moves to AWSCURRENT with its original time: the overlap is that secret's and began at its
 * promotion. Otherwise the overlap completes a full delay from now, which can only be later than
 * from the promotion.
 */
export async function markOverlap(
  deps: ActionDeps,
  observed: ObservedSecret,
): Promise<ActionOutcome> {
  const metadata = await deps.store.describe(observed.arn);
  const currentId = observed.current.versionId;
  if (versionWithStage(metadata, AWSCURRENT) !== currentId)
    return skipped('AWSCURRENT moved meanwhile');
  const mark = parseOverlapSince(metadata.tags[OVERLAP_SINCE_TAG]);
  if (mark?.versionId === currentId) {
    return { outcome: 'already-done', detail: 'the overlap was marked meanwhile' };
  }
  const carried =
    observed.overlapSinceCarriesOver === true && sameMark(mark, observed.overlapSince);
  const since = carried && mark !== undefined ? mark.since : deps.clock.now();
  await deps.store.tag(observed.arn, { [OVERLAP_SINCE_TAG]: formatOverlapSince(currentId, since) });
  return {
    outcome: 'done',
    detail:
      `marked the overlap of version ${currentId} as open since ${since.toISOString()}` +
      (carried
        ? ` (carried over from version ${mark?.versionId}, which holds the same secret)`
        : ''),
  };
}
