/**
 * Pacing for a pass over hundreds of secrets: a bounded number of secrets in flight, and a cap on how
 * many Stytch calls start per second across all of them. Stytch publishes no rate limits for the
 * client endpoints and the client retries a 429 after its Retry-After, but a pass that never meets a
 * 429 also never delays the rotations that share the project's limit.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { StytchClient } from '../stytch/client.ts';

/** Hands out start slots at most `perSecond` a second. */
export interface RateLimiter {
  /** Resolves when the caller may start one call. */
  acquire(): Promise<void>;
}

/** Real time and real sleeps, overridable so tests need not wait. */
export interface PacingTime {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTime: PacingTime = { now: () => performance.now(), sleep: (ms) => sleepFor(ms) };

/**
 * Evenly spaced slots: each caller reserves the next free slot, `1000 / perSecond` ms after the
 * previous one, and sleeps until it. Measured on a monotonic clock, not the injected `Clock`, because
 * this paces real requests (a test's manual clock never moves by itself).
 */
export function createRateLimiter(perSecond: number, time: PacingTime = realTime): RateLimiter {
  if (!(perSecond > 0)) throw new RangeError(`perSecond must be > 0, got ${perSecond}`);
  const spacingMs = 1000 / perSecond;
  let nextSlot = Number.NEGATIVE_INFINITY;
  return {
    async acquire() {
      const now = time.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + spacingMs;
      if (slot > now) await time.sleep(slot - now);
    },
  };
}

/** The Stytch management calls go through `limiter`; the token endpoint is not used by a pass. */
export function pacedStytchClient(client: StytchClient, limiter: RateLimiter): StytchClient {
  return {
    getClient: async (clientId, call) => {
      await limiter.acquire();
      return client.getClient(clientId, call);
    },
    rotateStart: async (clientId, call) => {
      await limiter.acquire();
      return client.rotateStart(clientId, call);
    },
    rotate: async (clientId, call) => {
      await limiter.acquire();
      return client.rotate(clientId, call);
    },
    rotateCancel: async (clientId, call) => {
      await limiter.acquire();
      return client.rotateCancel(clientId, call);
    },
    requestToken: async (clientId, secret, form, call) => {
      await limiter.acquire();
      return client.requestToken(clientId, secret, form, call);
    },
  };
}

/**
 * Runs `work` over every item with at most `concurrency` in flight, in order of the items. `work`
 * must not throw: a pass records each secret's failure itself and goes on with the others.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  const workers = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
}
