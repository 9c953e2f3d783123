/**
 * The one way an actor changes a Stytch client's state: take the client's lease, act through a store
 * and a Stytch client that check the lease before every mutating call, and give the lease back. The
 * rotation step runner, every reconcile action and the mutating CLI commands go through here.
 */
import type { SecretStore } from '../secrets/store.ts';
import type { StytchClient } from '../stytch/client.ts';
import {
  acquireLease,
  type HeldLease,
  type LeaseDeps,
  type LeaseSubject,
  type LeaseTerms,
  releaseLease,
} from './client-lease.ts';

/** The store's calls that change nothing; every other call (present or future) is checked. */
const STORE_READS: ReadonlySet<string> = new Set([
  'describe',
  'readValue',
  'listTagged',
  'listVersions',
]);
/** The Stytch client's calls that change no secret at Stytch. */
const STYTCH_READS: ReadonlySet<string> = new Set(['getClient', 'requestToken']);

/** What an actor works with while it holds the lease. */
export interface Leased {
  readonly lease: HeldLease;
  /** The actor's store; its mutating calls first check the lease. */
  readonly store: SecretStore;
  /** The actor's Stytch client; its mutating calls first check the lease and the client id. */
  readonly stytch: StytchClient;
}

/** Everything {@link withClientLease} needs. */
export interface ClientLeaseContext extends LeaseDeps {
  readonly terms: LeaseTerms;
}

/**
 * Runs `act` holding the lease of `subject.clientId`, and releases it however `act` ends.
 * @throws ClientClaimedError, LeaseBusyError, LeaseUnavailableError before `act` runs;
 *   LeaseLostError from a guarded call; whatever `act` throws
 */
export async function withClientLease<T>(
  context: ClientLeaseContext,
  subject: LeaseSubject,
  surfaces: { readonly store: SecretStore; readonly stytch: StytchClient },
  act: (leased: Leased) => Promise<T>,
): Promise<T> {
  const lease = await acquireLease(context, subject, context.terms);
  try {
    return await act({
      lease,
      store: guardMutations('store', surfaces.store, STORE_READS, (call) =>
        lease.assertValid(call),
      ),
      stytch: guardMutations('stytch', surfaces.stytch, STYTCH_READS, (call, args) =>
        lease.assertValid(call, typeof args[0] === 'string' ? args[0] : undefined),
      ),
    });
  } finally {
    await releaseLease(context, lease);
  }
}

/**
 * A view of `target` whose methods outside `reads` run `check` first. Async generators (paged
 * listings) are reads and pass through bound.
 */
export function guardMutations<T extends object>(
  surface: string,
  target: T,
  reads: ReadonlySet<string>,
  check: (call: string, args: readonly unknown[]) => void,
): T {
  return new Proxy(target, {
    get: (object, property, receiver) => {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (reads.has(property)) return value.bind(object);
      return async (...args: unknown[]) => {
        check(`${surface}.${property}`, args);
        return value.apply(object, args);
      };
    },
  });
}
