/**
 * The reconcile's side of a stale AWSPENDING (rotation/guards.ts, isStalePending): a label left on a
 * version created before AWSCURRENT's is not a rotation in progress. Left alone it would be judged
 * "rotating" and then "stuck", block every RotateSecret, and a retry of its rotation would promote
 * the older value over the newer one. Only the label is removed: nothing at Stytch belongs to it
 * that the store does not also hold, and the newer AWSCURRENT (a person's edit) stays as it is.
 */
import type { Log } from '../log.ts';
import { isStalePending } from '../rotation/guards.ts';
import { AWSCURRENT, AWSPENDING, type SecretStore, versionWithStage } from '../secrets/store.ts';
import type { CallOptions } from '../stytch/client.ts';
import { type ActionDeps, type ActionOutcome, withActionLease } from './actions.ts';
import { type ObservedSecret, observeSecret } from './observe.ts';

/** True when the observed pending version is older than AWSCURRENT's. */
export function hasStalePending(observed: ObservedSecret): boolean {
  const { pending, current } = observed;
  if (pending === undefined) return false;
  const versions = [pending, current].map((v) => ({
    versionId: v.versionId,
    stages: v.stages,
    createdDate: v.createdDate,
  }));
  return isStalePending(versions, pending.versionId, current.versionId);
}

/** Removes the stale AWSPENDING after re-reading that it is still where it was observed. */
export async function removeStalePending(
  deps: { readonly store: SecretStore },
  observed: ObservedSecret,
): Promise<ActionOutcome> {
  const { store } = deps;
  const pending = observed.pending;
  if (pending === undefined) return { outcome: 'skipped', detail: 'no pending version' };
  const metadata = await store.describe(observed.arn);
  if (versionWithStage(metadata, AWSCURRENT) !== observed.current.versionId) {
    return { outcome: 'skipped', detail: 'AWSCURRENT moved meanwhile' };
  }
  if (!metadata.versionStages[pending.versionId]?.includes(AWSPENDING)) {
    return {
      outcome: 'already-done',
      detail: `version ${pending.versionId} is no longer AWSPENDING`,
    };
  }
  await store.removePending(observed.arn, pending.versionId);
  return {
    outcome: 'done',
    detail:
      `removed a stale AWSPENDING from version ${pending.versionId}, which is older than ` +
      `AWSCURRENT (version ${observed.current.versionId}); it was no rotation in progress`,
  };
}

/**
 * What the reconcile pass does before judging a secret: a stale AWSPENDING is removed and the
 * secret observed again; otherwise the observation is returned as it is.
 */
export async function tidyBeforePlan(
  deps: ActionDeps & { readonly log: Log },
  observed: ObservedSecret,
  call: CallOptions,
): Promise<ObservedSecret> {
  if (!hasStalePending(observed)) return observed;
  const outcome = await withActionLease(deps, observed, 'remove-stale-pending', (leased) =>
    removeStalePending(leased, observed),
  );
  deps.log.warn(
    `reconcile: remove-stale-pending ${observed.name}: ${outcome.outcome}: ${outcome.detail}`,
    {
      secret_id: observed.arn,
      client_id: observed.clientId,
      action: 'remove-stale-pending',
      outcome: outcome.outcome,
    },
  );
  return observeSecret(deps, observed.arn, call);
}
