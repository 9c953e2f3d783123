/**
 * The overlap, end to end, in compressed real time: consumers that cache the secret for T keep
 * authenticating through several rotations when the completion delay D is longer than T, and fail
 * when it is 0 (which shows the simulation can see an outage at all). Counts, not timings, are
 * asserted; the times only need D > T with a margin for a busy machine.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { type LiveClient, LiveWorld } from '../cli/live-world.ts';
import { Consumer } from './consumer.ts';

const CONSUMERS = 5;
const CACHE_TTL_MS = 500;
const RECONCILE_EVERY_MS = 250;
const ROTATIONS = 3;

interface SimulationResult {
  readonly succeeded: number;
  readonly failed: number;
  readonly secretsUsed: number;
  readonly reconcileProblems: readonly string[];
}

describe('consumers that cache the secret', () => {
  let world: LiveWorld;

  afterEach(async () => {
    await world.close();
  });

  async function simulate(completionDelaySeconds: number): Promise<SimulationResult> {
    world = await LiveWorld.start({ completionDelaySeconds });
    const client = await world.addClient('m2m');
    let running = true;
    const reconcileProblems: string[] = [];
    const scheduler = (async () => {
      while (running) {
        const attention = await world.reconcile();
        if (attention) reconcileProblems.push(attention.message);
        await sleep(RECONCILE_EVERY_MS);
      }
    })();
    // The bootstrap; its overlap with the original secret (which no consumer reads) is completed
    // by the reconcile before the consumers start (a rotation meeting it earlier would be deferred).
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    await untilOverlapClosed(client);

    const sm = new SecretsManagerClient({
      endpoint: world.cloud.secretsManager.url,
      region: world.cloud.region,
      credentials: { accessKeyId: 'app', secretAccessKey: 'app' },
    });
    const tokenUrl = `${world.cloud.stytch.url}/v1/public/${world.projectId}/oauth2/token`;
    const consumers = Array.from(
      { length: CONSUMERS },
      (_, i) =>
        new Consumer({
          sm,
          secretArn: client.secretArn,
          tokenUrl,
          cacheTtlMs: CACHE_TTL_MS,
          intervalMs: 60 + 37 * i,
        }),
    );
    const runs = consumers.map((consumer) => consumer.run(() => running));

    try {
      await sleep(CACHE_TTL_MS); // every consumer has read the secret before the first rotation
      for (let i = 0; i < ROTATIONS; i++) {
        expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
        await untilOverlapClosed(client);
      }
      await sleep(2 * CACHE_TTL_MS); // a stale cache would still show up now
    } finally {
      running = false;
      await Promise.all([scheduler, ...runs]);
      sm.destroy();
    }
    const totals = consumers.map((c) => c.counts);
    return {
      succeeded: totals.reduce((sum, c) => sum + c.succeeded, 0),
      failed: totals.reduce((sum, c) => sum + c.failed, 0),
      secretsUsed: Math.max(...totals.map((c) => c.secretsUsed)),
      reconcileProblems,
    };
  }

  /** Waits until Stytch holds one secret: the reconcile (or finishSecret, with D = 0) completed. */
  async function untilOverlapClosed(client: LiveClient): Promise<void> {
    while (world.cloud.stytch.validSecretCount(client.clientId) > 1) await sleep(25);
  }

  it('never fail while the overlap outlasts their cache (D = 2 s > T = 0.5 s)', async () => {
    // Act
    const result = await simulate(2);

    // Assess
    const summary = `${result.failed} of ${result.succeeded + result.failed} authentications failed over ${ROTATIONS} rotations`;
    expect(result.failed, summary).toBe(0);
    expect(result.succeeded, summary).toBeGreaterThan(0);
    expect(result.secretsUsed, 'a consumer moved through every new secret').toBe(ROTATIONS + 1);
    expect(result.reconcileProblems).toEqual([]);
    // Every rotation's overlap, and the bootstrap's, completed by the reconcile.
    expect(world.metrics.totals.OverlapsCompleted).toBe(ROTATIONS + 1);
  });

  it('do fail when the old secret dies at once (D = 0), so the simulation can fail', async () => {
    // Act
    const result = await simulate(0);

    // Assess
    const summary = `${result.failed} of ${result.succeeded + result.failed} authentications failed over ${ROTATIONS} rotations`;
    expect(result.failed, summary).toBeGreaterThan(0);
    expect(result.reconcileProblems).toEqual([]);
  });
});
