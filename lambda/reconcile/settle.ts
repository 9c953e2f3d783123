/**
 * The reconcile's bookkeeping moves: they change no credential, only what the listing shows, so the
 * next pass can leave a settled secret alone, and they start the bootstrap rotation of a secret that
 * was never rotated. Like the moves in actions.ts, each is safe to repeat and to interrupt.
 */
import { createHash } from 'node:crypto';
import { AWSCURRENT, versionWithStage } from '../secrets/store.ts';
import type { ActionDeps, ActionOutcome } from './actions.ts';
import type { ObservedSecret } from './observe.ts';
import { pendingVersionOf } from './observe.ts';
import {
  formatOverlapSince,
  LAST_ERROR_TAG,
  OVERLAP_COMPLETED_TAG,
  parseLastError,
  parseOverlapSince,
} from './tags.ts';

const skipped = (detail: string): ActionOutcome => ({ outcome: 'skipped', detail });

/**
 * Records that the overlap of AWSCURRENT's version is complete (the overlap-completed tag), on the
 * evidence that Stytch's only secret is that version's. No re-read is needed before the write: that
 * evidence never goes stale, because once a version's secret is Stytch's only one its overlap cannot
 * open again (a new rotation issues a new next secret). If AWSCURRENT has moved on meanwhile, the tag
 * names an older version and the listing simply sees the new one as not yet settled. A crash before
 * the write leaves the secret looking due or unmarked, and the next pass finds the overlap complete
 * and writes the tag then: it costs a visit, never an early or a missed completion.
 */
export async function recordOverlapComplete(
  deps: ActionDeps,
  observed: ObservedSecret,
): Promise<ActionOutcome> {
  const { stytch, current } = observed;
  const lastFour = current.secretLastFour;
  if (stytch.kind !== 'found' || lastFour === null) return skipped('Stytch state unknown');
  if (stytch.next !== null || stytch.current !== lastFour) {
    return skipped("AWSCURRENT's secret is not Stytch's only secret");
  }
  const at = deps.clock.now();
  await deps.store.tag(observed.arn, {
    [OVERLAP_COMPLETED_TAG]: formatOverlapSince(current.versionId, at),
  });
  return { outcome: 'done', detail: `recorded the overlap of ${current.versionId} as complete` };
}

/** Whether the listing already shows AWSCURRENT's overlap as complete. */
export function overlapRecordedComplete(
  tags: Readonly<Record<string, string>>,
  currentVersionId: string,
): boolean {
  return parseOverlapSince(tags[OVERLAP_COMPLETED_TAG])?.versionId === currentVersionId;
}

/**
 * Starts the first rotation of a secret whose AWSCURRENT holds no client secret yet (RotateSecret).
 * The stack no longer rotates on deploy, so this is what rotates a new secret within one interval.
 * Re-checks that AWSCURRENT is still the version observed and that no rotation is running. The token
 * is derived from that version and `turn` (the pass's interval), so two passes at once start one
 * rotation: Secrets Manager treats a repeated token as the same request.
 */
export async function bootstrapRotation(
  deps: ActionDeps,
  observed: ObservedSecret,
  turn: number,
): Promise<ActionOutcome> {
  if (observed.current.secretLastFour !== null) return skipped('AWSCURRENT holds a client secret');
  if (observed.rotationEnabled === false) return skipped('rotation is not configured');
  const metadata = await deps.store.describe(observed.arn);
  if (versionWithStage(metadata, AWSCURRENT) !== observed.current.versionId) {
    return skipped('AWSCURRENT moved meanwhile');
  }
  if (pendingVersionOf(metadata) !== undefined) return skipped('a rotation started meanwhile');
  const token = bootstrapToken(observed.current.versionId, turn);
  await deps.store.startRotation(observed.arn, token);
  return { outcome: 'done', detail: `started the first rotation (version ${token})` };
}

/** A version id (UUID-shaped, 36 characters) that is the same for one version and one interval. */
export function bootstrapToken(currentVersionId: string, turn: number): string {
  const hex = createHash('sha256').update(`bootstrap:${currentVersionId}:${turn}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Removes a last-error tag whose rotation is gone (neither AWSCURRENT nor pending) once a visit found
 * nothing left to do, so the listing stops showing it. Only the same failure is removed: a newer one
 * written meanwhile stays. What the tag said is in the failed step's own log lines.
 */
export async function clearStaleLastError(
  deps: ActionDeps,
  observed: ObservedSecret,
  token: string,
): Promise<ActionOutcome> {
  const metadata = await deps.store.describe(observed.arn);
  if (parseLastError(metadata.tags[LAST_ERROR_TAG])?.token !== token) {
    return skipped('the last-error tag changed meanwhile');
  }
  if (versionWithStage(metadata, 'AWSPENDING') === token)
    return skipped('that rotation is pending');
  await deps.store.untag(observed.arn, [LAST_ERROR_TAG]);
  return { outcome: 'done', detail: `removed the last-error tag of rotation ${token}` };
}
