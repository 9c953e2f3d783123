/**
 * The reconcile's judgement, as a pure function: what one observed secret needs, and why. No calls
 * are made here; the actions re-check the state right before they change anything, because the
 * observation may be old by then.
 */
import type { ObservedSecret } from './observe.ts';
import { heldLastFours } from './observe.ts';

/** What the operator CLI shows as a secret's health. */
export type Health = 'ok' | 'not-rotated' | 'rotating' | 'overlap' | 'stuck' | 'drift';

/** Drift that no automatic move fixes. */
export type DriftKind =
  | 'credentials-refused'
  | 'client-deleted'
  | 'current-unknown'
  | 'current-not-valid'
  | 'pending-completed-at-stytch';

/** What one secret needs. `why` is one sentence for logs and the CLI, with the remedy for drift. */
export type Plan =
  | {
      readonly action: 'none';
      readonly health: 'ok' | 'not-rotated' | 'rotating' | 'overlap';
      readonly why: string;
      readonly overlapUntil?: Date;
    }
  | { readonly action: 'mark-overlap'; readonly health: 'overlap'; readonly why: string }
  | {
      readonly action: 'complete-overlap';
      readonly health: 'overlap';
      readonly why: string;
      readonly overlapUntil: Date;
    }
  | {
      readonly action: 'abandon';
      readonly health: 'stuck';
      readonly why: string;
      readonly pendingVersionId: string;
    }
  | {
      readonly action: 'discard-stray';
      readonly health: 'drift';
      readonly why: string;
      readonly nextLastFour: string;
    }
  | {
      readonly action: 'report-drift';
      readonly health: 'drift';
      readonly drift: DriftKind;
      readonly why: string;
    };

export interface PlanPolicy {
  readonly now: Date;
  /** STYTCH_COMPLETION_DELAY_SECONDS. */
  readonly completionDelaySeconds: number;
  /** STYTCH_STUCK_ROTATION_HOURS. */
  readonly stuckRotationHours: number;
}

const HOUR_MS = 3_600_000;

/** Decides what the reconcile does with one secret. */
export function planReconcile(observed: ObservedSecret, policy: PlanPolicy): Plan {
  const { stytch, clientId, name } = observed;
  if (stytch.kind === 'unauthorized') {
    return drift(
      'credentials-refused',
      `Stytch refused the project credentials (401, request ${stytch.requestId ?? 'unknown'}): ` +
        'the credentials parameter holds a wrong or revoked project secret; write the right one ' +
        'with `stytch-rotation credentials set`',
    );
  }
  if (stytch.kind === 'not-found') {
    return drift(
      'client-deleted',
      `Stytch has no client ${clientId} (request ${stytch.requestId ?? 'unknown'}): it was deleted ` +
        `or belongs to another project; create the client again and store its id as client_id in ` +
        `${name}, or stop managing this secret`,
    );
  }
  const cur = observed.current.secretLastFour;
  const held = heldLastFours(observed);
  const pending = observed.pending;

  if (pending !== undefined) {
    const ageMs = policy.now.getTime() - (pending.createdDate ?? policy.now).getTime();
    const stuck = ageMs >= policy.stuckRotationHours * HOUR_MS;
    const age =
      ageMs < HOUR_MS ? `${Math.round(ageMs / 60_000)} min` : `${(ageMs / HOUR_MS).toFixed(1)} h`;
    const p = pending.secretLastFour;
    const abandon = (why: string): Plan => ({
      action: 'abandon',
      health: 'stuck',
      why,
      pendingVersionId: pending.versionId,
    });
    if (p === null) {
      if (!stuck)
        return none('rotating', `a rotation started ${age} ago and is creating its secret`);
      return abandon(
        `the rotation of version ${pending.versionId} started ${age} ago and never stored a secret`,
      );
    }
    if (stytch.next !== p && stytch.current !== p) {
      return abandon(
        `the pending secret (last four ${p}) of version ${pending.versionId} is no longer valid at ` +
          `Stytch (current ${stytch.current ?? 'none'}, next ${stytch.next ?? 'none'}), so its ` +
          'rotation cannot finish',
      );
    }
    if (!stuck) return none('rotating', `a rotation is in progress (started ${age} ago)`);
    if (stytch.next === p) {
      return abandon(`the rotation of version ${pending.versionId} started ${age} ago and stalled`);
    }
    return drift(
      'pending-completed-at-stytch',
      `Stytch made the pending secret (last four ${p}) of version ${pending.versionId} its only ` +
        `secret, but the rotation stalled ${age} ago before promoting it, so AWSCURRENT's secret no ` +
        `longer works; finish that rotation: aws secretsmanager rotate-secret --secret-id ${name} ` +
        `--client-request-token ${pending.versionId}`,
    );
  }

  if (stytch.next !== null) {
    if (cur !== null && stytch.next === cur) return planOverlap(observed, policy);
    return {
      action: 'discard-stray',
      health: 'drift',
      nextLastFour: stytch.next,
      why:
        `Stytch has a next secret (last four ${stytch.next}) that is not AWSCURRENT's and no ` +
        'rotation is running: it was started outside this function or by a crashed attempt',
    };
  }
  if (cur === null) {
    return none('not-rotated', "not rotated yet: Stytch's current secret is the client's original");
  }
  if (stytch.current === cur) return none('ok', "AWSCURRENT's secret is Stytch's only secret");
  const remedy = `rotate now (\`stytch-rotation rotate ${name}\`) to issue and store a new secret`;
  if (stytch.current !== null && held.has(stytch.current)) {
    return drift(
      'current-not-valid',
      `Stytch's only secret for ${clientId} ends in ${stytch.current}, an older stored version, ` +
        `not AWSCURRENT's ${cur}: the overlap was cancelled outside this function and consumers ` +
        `reading AWSCURRENT fail; ${remedy}`,
    );
  }
  return drift(
    'current-unknown',
    `Stytch's current secret for ${clientId} ends in ${stytch.current ?? 'nothing'}, which no ` +
      `stored version holds (AWSCURRENT ends in ${cur}): it was rotated outside this function and ` +
      `consumers reading AWSCURRENT fail; ${remedy}, and find who rotated it`,
  );
}

/**
 * When the open overlap of AWSCURRENT may be completed: the overlap-since tag's time plus the delay,
 * or `undefined` when the tag dates another secret's overlap (it names neither AWSCURRENT's version
 * nor an older version holding the same client secret, see overlap-mark.ts).
 */
export function overlapUntil(
  observed: Pick<ObservedSecret, 'overlapSince' | 'overlapSinceCarriesOver' | 'current'>,
  completionDelaySeconds: number,
): Date | undefined {
  const tag = observed.overlapSince;
  if (tag === undefined) return undefined;
  if (tag.versionId !== observed.current.versionId && observed.overlapSinceCarriesOver !== true) {
    return undefined;
  }
  return new Date(tag.since.getTime() + completionDelaySeconds * 1000);
}

/**
 * Whether abandoning the pending rotation must also `rotate_cancel` at Stytch: when Stytch's next
 * secret is the pending one, or one the store does not hold. Never when it is AWSCURRENT's: that is
 * an open overlap, and cancelling it would invalidate what consumers use.
 */
export function shouldCancelAtStytch(
  observed: Pick<ObservedSecret, 'versions' | 'current' | 'pending'>,
  stytchNext: string | null,
): boolean {
  if (stytchNext === null || stytchNext === observed.current.secretLastFour) return false;
  return (
    stytchNext === observed.pending?.secretLastFour || !heldLastFours(observed).has(stytchNext)
  );
}

function planOverlap(observed: ObservedSecret, policy: PlanPolicy): Plan {
  const until = overlapUntil(observed, policy.completionDelaySeconds);
  if (until === undefined) {
    return {
      action: 'mark-overlap',
      health: 'overlap',
      why: 'the overlap of AWSCURRENT has no start mark (a crash after the promotion, or a rotation by an older version); marking it now, so it completes after the full delay',
    };
  }
  const due = policy.now.getTime() >= until.getTime();
  if (!due && observed.overlapSince?.versionId !== observed.current.versionId) {
    return {
      action: 'mark-overlap',
      health: 'overlap',
      why: `AWSCURRENT holds the client secret promoted at ${observed.overlapSince?.since.toISOString()} (an edit stored it again); moving the start mark to AWSCURRENT with that time, so the old secret stays valid until ${until.toISOString()}`,
    };
  }
  if (due) {
    return {
      action: 'complete-overlap',
      health: 'overlap',
      overlapUntil: until,
      why: `the overlap was due at ${until.toISOString()}`,
    };
  }
  return {
    action: 'none',
    health: 'overlap',
    overlapUntil: until,
    why: `the old secret stays valid until ${until.toISOString()}`,
  };
}

function none(health: 'ok' | 'not-rotated' | 'rotating' | 'overlap', why: string): Plan {
  return { action: 'none', health, why };
}

function drift(kind: DriftKind, why: string): Plan {
  return { action: 'report-drift', health: 'drift', drift: kind, why };
}
