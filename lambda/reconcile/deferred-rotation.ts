/**
 * The reconcile's side of a deferred rotation (rotation/deferral.ts): once the overlap that blocked
 * it is complete, start the rotation again and remove the deferred tag.
 *
 * The pass first does what the secret's plan says (completing the overlap once it is due), then
 * calls {@link redriveDeferredRotation}, which acts only when Stytch has no rotation open: never
 * while the overlap is still open. The new rotation gets a token derived from the deferred one, so a
 * pass that crashes after RotateSecret and before removing the tag, or two passes at once, start it
 * once: the second RotateSecret with that token starts nothing, and the version it named tells the
 * next pass that the re-drive happened.
 */
import { createHash } from 'node:crypto';
import type { Log } from '../log.ts';
import { AWSCURRENT, type SecretStore, versionWithStage } from '../secrets/store.ts';
import type { CallOptions, StytchClient } from '../stytch/client.ts';
import { type ActionDeps, type ActionOutcome, withActionLease } from './actions.ts';
import { pendingVersionOf } from './observe.ts';
import { DEFERRED_TAG, parseDeferred } from './tags.ts';

/** The token of the rotation that re-drives the deferred rotation `token`: a UUID derived from it. */
export function redriveTokenFor(token: string): string {
  const hex = createHash('sha256').update(`stytch-secret-rotation:redrive:${token}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Starts the deferred rotation of `secretArn` again once Stytch has no rotation open, then removes
 * the deferred tag. `undefined` when the secret has no deferred rotation.
 */
export async function redriveDeferredRotation(
  deps: { readonly store: SecretStore; readonly stytch: StytchClient },
  secretArn: string,
  clientId: string,
  call: CallOptions,
): Promise<ActionOutcome | undefined> {
  const { store, stytch } = deps;
  const metadata = await store.describe(secretArn);
  const deferred = parseDeferred(metadata.tags[DEFERRED_TAG]);
  if (deferred === undefined) return undefined;
  const token = redriveTokenFor(deferred.token);
  if (metadata.versionStages[token] !== undefined) {
    await store.untag(secretArn, [DEFERRED_TAG]);
    return {
      outcome: 'already-done',
      detail: `the rotation was started again as version ${token}`,
    };
  }
  const pending = pendingVersionOf(metadata);
  if (pending !== undefined) {
    // Another rotation runs: it rotates (and the deferral is moot) or is deferred itself, which
    // rewrites the tag; either way this one is not started twice.
    return { outcome: 'skipped', detail: `a rotation (version ${pending}) is in progress` };
  }
  if (versionWithStage(metadata, AWSCURRENT) === undefined) {
    return { outcome: 'skipped', detail: 'the secret has no AWSCURRENT version' };
  }
  const state = await stytch.getClient(clientId, call);
  if (state.nextClientSecretLastFour !== null) {
    return {
      outcome: 'skipped',
      detail:
        `Stytch still has a rotation open (next secret ${state.nextClientSecretLastFour}); the ` +
        `deferred rotation starts once the overlap (due ${deferred.dueAt.toISOString()}) is completed`,
    };
  }
  await store.startRotation(secretArn, token);
  await store.untag(secretArn, [DEFERRED_TAG]);
  return {
    outcome: 'done',
    detail: `started the rotation deferred by the overlap again (version ${token})`,
  };
}

const NOTHING_DEFERRED: ActionOutcome = { outcome: 'skipped', detail: 'no deferred rotation' };

/** The pass's call after the plan's move: re-drive a deferred rotation and log what happened. */
export async function redriveAfterPlan(
  deps: ActionDeps & { readonly log: Log },
  arn: string,
  clientId: string,
  name: string,
  call: CallOptions,
): Promise<void> {
  // Under the client's lease, like every move: Stytch's state is read and the rotation started
  // while no other actor can change the client.
  const outcome = await withActionLease(
    deps,
    { clientId, arn },
    'redrive-deferred',
    async (leased) =>
      (await redriveDeferredRotation(leased, arn, clientId, call)) ?? NOTHING_DEFERRED,
  );
  if (outcome === NOTHING_DEFERRED) return;
  deps.log.info(`reconcile: redrive-deferred ${name}: ${outcome.outcome}: ${outcome.detail}`, {
    secret_id: arn,
    client_id: clientId,
    action: 'redrive-deferred',
    outcome: outcome.outcome,
  });
}
