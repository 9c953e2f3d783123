/**
 * The moves the reconcile (and the operator CLI's `complete` and `cancel`) make. Each takes the
 * client's lease, re-reads the state while holding it and acts only if the observation it was
 * planned on still holds. Every other actor that changes the client (a rotation step, another pass,
 * the CLI) holds the same lease while it reads and acts, so nothing changes Stytch's state between
 * a move's re-read and its call: two passes at once, or a pass next to a rotation, repeat or skip
 * moves but never undo each other's work. Every move is idempotent; Stytch's "not rotating" answers
 * are checked against Stytch's state (see rotation/stytch-rotation.ts) instead of being taken as
 * failures.
 */
import type { Clock } from '../clock.ts';
import type { LeaseTerms } from '../lease/client-lease.ts';
import { LeaseBusyError } from '../lease/errors.ts';
import type { LeaseTable } from '../lease/lease-table.ts';
import { withClientLease } from '../lease/with-client-lease.ts';
import type { Log } from '../log.ts';
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
  /** The lease every move takes before it re-reads and acts. */
  readonly lease: ActionLease;
}

/** How an actor (the reconcile, the CLI) takes a client's lease. */
export interface ActionLease {
  readonly table: LeaseTable;
  readonly terms: LeaseTerms;
  readonly log: Log;
  /** Who acts, for the lease's holder: `reconcile`, `cli`. */
  readonly actor: string;
}

/** `done`: this call changed the state; `already-done`: someone else had; `skipped`: the state moved on. */
export interface ActionOutcome {
  readonly outcome: 'done' | 'already-done' | 'skipped';
  readonly detail: string;
}

const skipped = (detail: string): ActionOutcome => ({ outcome: 'skipped', detail });

/** Options of {@link completeOverlap}. */
export interface CompleteOptions {
  /** Only once the completion delay has passed since the overlap-since tag (the reconcile). */
  readonly requireDue?: { readonly completionDelaySeconds: number };
}

type Move<A extends unknown[]> = (
  deps: ActionDeps,
  observed: ObservedSecret,
  ...rest: A
) => Promise<ActionOutcome>;

/**
 * Runs `move` holding the client's lease, with the store and Stytch client it guards. Another actor
 * holding it means the client is being changed right now: the move stands down (`skipped`) and the
 * next pass looks again.
 */
export async function withActionLease(
  deps: ActionDeps,
  subject: { readonly clientId: string; readonly arn: string },
  name: string,
  move: (leased: ActionDeps) => Promise<ActionOutcome>,
): Promise<ActionOutcome> {
  const { table, terms, log, actor } = deps.lease;
  try {
    return await withClientLease(
      { table, terms, log, clock: deps.clock },
      { clientId: subject.clientId, secretArn: subject.arn, actor: `${actor} ${name}` },
      deps,
      ({ store, stytch }) => move({ ...deps, store, stytch }),
    );
  } catch (error) {
    if (!(error instanceof LeaseBusyError)) throw error;
    return skipped(`another actor holds the client's lease (${error.holder})`);
  }
}

/** The move, run holding the client's lease (see {@link withActionLease}). */
function leased<A extends unknown[]>(name: string, move: Move<A>): Move<A> {
  return (deps, observed, ...rest) =>
    withActionLease(deps, observed, name, (leasedDeps) => move(leasedDeps, observed, ...rest));
}

/**
 * Completes the open overlap of AWSCURRENT at Stytch (`rotate`), making AWSCURRENT's secret the only
 * valid one. With `requireDue` (the reconcile), only once the completion delay has passed since the
 * overlap-since tag; without (the CLI's `complete`), at once.
 *
 * Stytch has no conditional `rotate`; the lease makes one unnecessary. A rotation that starts
 * (RotateSecret attaches AWSPENDING) after the re-checks below cannot call Stytch before we are
 * done: its createSecret waits for the lease and then reads the state our `rotate` left. So our
 * `rotate` can only complete the next secret we just read, which is AWSCURRENT's.
 */
async function completeOverlapNow(
  deps: ActionDeps,
  observed: ObservedSecret,
  call: CallOptions,
  options: CompleteOptions = {},
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
 * The label goes first, and the re-read after it decides whether to cancel at Stytch: cancel only if
 * the version did not become AWSCURRENT and no new rotation has attached AWSPENDING elsewhere. While
 * this runs we hold the client's lease, so no step is past its checks at the same time (a finishSecret
 * either promoted before we took the lease, which the re-read sees, or takes the lease after us and
 * finds its version no longer AWSPENDING), and no createSecret can call rotate_start between our
 * re-read and our `rotate_cancel`. No consumer-facing secret and no other rotation's secret is ever
 * cancelled.
 */
async function abandonRotationNow(
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
 * rotation running. Acts only if Stytch's next secret is still the one observed. Under the client's
 * lease no createSecret can call rotate_start between our `get` and our `rotate_cancel`, so the
 * cancel discards exactly the stray we read.
 */
async function discardStrayNow(
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
async function markOverlapNow(deps: ActionDeps, observed: ObservedSecret): Promise<ActionOutcome> {
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

/** {@link completeOverlapNow}, holding the client's lease. */
export const completeOverlap: Move<[call: CallOptions, options?: CompleteOptions]> = leased(
  'complete-overlap',
  completeOverlapNow,
);

/** {@link abandonRotationNow}, holding the client's lease. */
export const abandonRotation: Move<[call: CallOptions]> = leased('abandon', abandonRotationNow);

/** {@link discardStrayNow}, holding the client's lease. */
export const discardStray: Move<[strayLastFour: string, call: CallOptions]> = leased(
  'discard-stray',
  discardStrayNow,
);

/** {@link markOverlapNow}, holding the client's lease. */
export const markOverlap: Move<[]> = leased('mark-overlap', markOverlapNow);
