/**
 * What a rotation does when it meets the previous rotation's overlap still open (Stytch's next
 * secret is AWSCURRENT's, the old secret still valid for consumers that cached it). Ending that
 * overlap early would kill the secret consumers are still moving off, so before it is due the new
 * rotation is deferred with OVERLAP_OPEN; once it is due, completing it is what the reconcile
 * would do anyway, so the rotation may do it itself and go on.
 */
import { OverlapOpenError } from '../errors.ts';
import { OVERLAP_SINCE_TAG, parseOverlapSince } from '../reconcile/tags.ts';
import { AWSCURRENT, type SecretMetadata, versionWithStage } from '../secrets/store.ts';

/**
 * When AWSCURRENT's overlap may be completed: its overlap-since mark plus the completion delay, or
 * `undefined` when the mark does not name AWSCURRENT's version (the start is then unknown, and the
 * reconcile marks it when it meets it, so it is due a full delay from now at the earliest).
 */
export function overlapDueAt(
  metadata: SecretMetadata,
  completionDelaySeconds: number,
): Date | undefined {
  const mark = parseOverlapSince(metadata.tags[OVERLAP_SINCE_TAG]);
  if (mark === undefined || mark.versionId !== versionWithStage(metadata, AWSCURRENT)) {
    return undefined;
  }
  return new Date(mark.since.getTime() + completionDelaySeconds * 1000);
}

/**
 * True when the marks say an overlap may still be open and not due: only then is Stytch asked
 * before rotate_start, so that a rotation outside any overlap makes no extra call.
 */
export function mayBeInOpenOverlap(
  metadata: SecretMetadata,
  completionDelaySeconds: number,
  now: Date,
): boolean {
  const due = overlapDueAt(metadata, completionDelaySeconds);
  return due !== undefined && now.getTime() < due.getTime();
}

/**
 * Refuses to end an open overlap before it is due.
 * @throws OverlapOpenError naming the due time (or a full delay from now when the start is unmarked)
 */
export function refuseUnlessDue(
  metadata: SecretMetadata,
  completionDelaySeconds: number,
  now: Date,
  clientId: string,
): void {
  const due =
    overlapDueAt(metadata, completionDelaySeconds) ??
    new Date(now.getTime() + completionDelaySeconds * 1000);
  if (now.getTime() >= due.getTime()) return;
  throw new OverlapOpenError(
    due,
    `createSecret: ${metadata.arn} is in the overlap of its previous rotation until ` +
      `${due.toISOString()}: Stytch still accepts the old secret of ${clientId} for consumers that ` +
      'cached it. The rotation is deferred, not failed: the reconcile completes the overlap once it ' +
      'is due and then starts this rotation again. To end the overlap now (a leaked secret), run ' +
      '`stytch-rotation complete`',
  );
}
