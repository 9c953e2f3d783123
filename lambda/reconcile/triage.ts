/**
 * What a secret needs, judged from the ListSecrets entry alone (its tags, its version-to-label map and
 * its rotation dates), so an idle secret costs nothing beyond its share of the listing. Pure: no
 * calls. A secret that needs something is then observed (observe.ts), only as deeply as its need
 * requires, and judged again by the planner on what is true now.
 */
import { AWSCURRENT, AWSPENDING, type SecretMetadata, versionWithStage } from '../secrets/store.ts';
import { pendingVersionOf } from './observe.ts';
import {
  DEFERRED_TAG,
  LAST_ERROR_TAG,
  OVERLAP_COMPLETED_TAG,
  OVERLAP_SINCE_TAG,
  parseLastError,
  parseOverlapSince,
} from './tags.ts';

/** Why a secret is touched this pass (`idle`: it is not). */
export type Need =
  /** The overlap of AWSCURRENT is marked, not recorded complete, and its delay has passed. */
  | 'due-overlap'
  /** AWSPENDING on a version that carries no other label: a rotation in progress or stuck. */
  | 'pending'
  /** AWSPENDING left on an older version that also carries another label (AWSPREVIOUS). */
  | 'stale-pending'
  /** A rotation createSecret deferred because an overlap was open, and that overlap is gone. */
  | 'deferred'
  /** AWSCURRENT was promoted (AWSPREVIOUS exists) but no overlap mark names it. */
  | 'unmarked-promotion'
  /** Never rotated: AWSCURRENT is the only version and no rotation was ever recorded. */
  | 'never-rotated'
  /** A failed step's tag names a rotation that is neither AWSCURRENT nor pending any more. */
  | 'last-error'
  /** Nothing shows in the listing, but it is this secret's turn in the drift audit. */
  | 'audit'
  | 'idle';

/** The judgement of one listing entry. */
export interface Triage {
  readonly need: Need;
  /** When the open overlap of AWSCURRENT falls (or fell) due; undefined when none is open. */
  readonly overlapDueAt: Date | undefined;
  /**
   * Which values the visit must read: `current` (AWSCURRENT's only) or `all` labelled versions, for
   * the needs whose judgement compares the stored secrets with Stytch's.
   */
  readonly reads: 'none' | 'current' | 'all';
}

export interface TriagePolicy {
  readonly now: Date;
  readonly completionDelaySeconds: number;
  /** The drift audit picked this secret for this pass. */
  readonly auditTurn: boolean;
}

/** Judges one ListSecrets entry. */
export function triage(listed: SecretMetadata, policy: TriagePolicy): Triage {
  const currentId = versionWithStage(listed, AWSCURRENT);
  const since = parseOverlapSince(listed.tags[OVERLAP_SINCE_TAG]);
  const completed = parseOverlapSince(listed.tags[OVERLAP_COMPLETED_TAG]);
  const settled = currentId !== undefined && completed?.versionId === currentId;
  const open = !settled && currentId !== undefined && since?.versionId === currentId;
  const overlapDueAt =
    open && since !== undefined
      ? new Date(since.since.getTime() + policy.completionDelaySeconds * 1000)
      : undefined;
  const deep = (need: Need): Triage => ({ need, overlapDueAt, reads: 'all' });
  const shallow = (need: Need): Triage =>
    policy.auditTurn ? deep(need) : { need, overlapDueAt, reads: 'current' };

  // No AWSCURRENT: the planner reports it; it cannot wait for the audit.
  if (currentId === undefined) return deep('never-rotated');
  const pendingId = pendingVersionOf(listed);
  if (pendingId !== undefined) {
    const others = (listed.versionStages[pendingId] ?? []).filter((s) => s !== AWSPENDING);
    return deep(others.length > 0 ? 'stale-pending' : 'pending');
  }
  if (overlapDueAt !== undefined && overlapDueAt.getTime() <= policy.now.getTime()) {
    // A rotation deferred by this overlap is re-driven by the same visit, once it is complete.
    return shallow('due-overlap');
  }
  // While its overlap is open and not due, a deferred rotation can only wait.
  if (listed.tags[DEFERRED_TAG] !== undefined && !open) return deep('deferred');
  if (!settled && !open) {
    const promoted = Object.values(listed.versionStages).some((s) => s.includes('AWSPREVIOUS'));
    if (promoted || listed.lastRotatedDate !== undefined) return shallow('unmarked-promotion');
    return shallow('never-rotated');
  }
  const lastError = parseLastError(listed.tags[LAST_ERROR_TAG]);
  if (lastError !== undefined && lastError.token !== currentId) return deep('last-error');
  if (policy.auditTurn) return deep('audit');
  return { need: 'idle', overlapDueAt, reads: 'none' };
}
