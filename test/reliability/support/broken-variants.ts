/**
 * Deliberately broken versions of the rotation, built from the container's `decorate` hooks, that
 * the crash matrix must catch: proof that each invariant check can fail. Each one is a mistake a
 * plausible implementation could make.
 */
import type { StytchClient } from '../../../lambda/stytch/client.ts';
import type { BrokenVariant, VariantContext } from './reliability-world.ts';

function callOptions(context: VariantContext) {
  return { deadline: context.clock.now().getTime() + 10_000 };
}

/**
 * Completes Stytch's rotation before AWSCURRENT moves: `promote` first calls `rotate`, so until the
 * label moves, consumers reading AWSCURRENT hold a secret Stytch no longer accepts (invariant 1).
 */
export const rotateBeforePromote: BrokenVariant = {
  name: 'rotate before moving AWSCURRENT',
  store: (store, context) => ({
    ...store,
    promote: async (secretId, token, currentVersionId) => {
      const pending = await store.readValue(secretId, { versionId: token });
      const clientId = String((JSON.parse(pending ?? '{}') as { client_id?: unknown }).client_id);
      await context.stytch()?.rotate(clientId, callOptions(context));
      return store.promote(secretId, token, currentVersionId);
    },
  }),
};

/**
 * Retries rotate_start blindly after any error, clearing the way with rotate_cancel first. During
 * an open overlap Stytch's next secret is AWSCURRENT's, so the cancel revokes it (invariant 1).
 */
export const blindRotateStartRetry: BrokenVariant = {
  name: 'retry rotate_start blindly after an error',
  stytch: (client, context) => ({
    ...client,
    rotateStart: async (clientId, call) => {
      try {
        return await client.rotateStart(clientId, call);
      } catch {
        await client.rotateCancel(clientId, callOptions(context)).catch(() => undefined);
        return client.rotateStart(clientId, call);
      }
    },
  }),
};

/**
 * Never discards a next secret the store does not hold: `rotate_cancel` answers as if it had
 * worked. A lost rotate_start answer then leaves a valid secret nobody holds (invariant 2), and the
 * rotation can never start again (invariant 3).
 */
export const skipCancelOfUnheldSecret: BrokenVariant = {
  name: 'skip the cancel of an unheld next secret',
  stytch: (client: StytchClient) => ({
    ...client,
    rotateCancel: (clientId, call) => client.getClient(clientId, call),
  }),
};

/** Logs the secret rotate_start returns, "for debugging" (invariant 4). */
export const logIssuedSecret: BrokenVariant = {
  name: 'log the new secret',
  stytch: (client, context) => ({
    ...client,
    rotateStart: async (clientId, call) => {
      const started = await client.rotateStart(clientId, call);
      context.log.info('createSecret: Stytch issued a new secret', {
        client_id: clientId,
        next_client_secret: started.nextClientSecret,
      });
      return started;
    },
  }),
};

/**
 * "Cleans up" after a failed `rotate` by cancelling Stytch's rotation. By then AWSCURRENT already
 * holds the next secret, so the cancel revokes the secret consumers are moving to (invariant 1).
 */
export const cancelAfterFailedRotate: BrokenVariant = {
  name: 'cancel after a failed rotate',
  stytch: (client, context) => ({
    ...client,
    rotate: async (clientId, call) => {
      try {
        return await client.rotate(clientId, call);
      } catch (error) {
        await client.rotateCancel(clientId, callOptions(context)).catch(() => undefined);
        throw error;
      }
    },
  }),
};
