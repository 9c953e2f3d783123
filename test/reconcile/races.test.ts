/**
 * A rotation that starts after the pass looked at a secret but before it moves: each move re-reads
 * the state first and stands down. The rotation is started by a stand-in that attaches AWSPENDING
 * the way RotateSecret does, at the exact call where the move re-reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ManagedClient, RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

const DELAY_SECONDS = 3600;
const HOUR_MS = 3_600_000;

describe('a rotation that starts between the look and the move', () => {
  let world: RotationWorld;
  let client: ManagedClient;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  async function start(completionDelaySeconds: number): Promise<ReconcileDriver> {
    world = await RotationWorld.start({ completionDelaySeconds });
    client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    return new ReconcileDriver(world);
  }

  /** Starts a rotation right before the reconcile's `nth` DescribeSecret. */
  function rotationStartsBefore(reconcile: ReconcileDriver, nth: number): void {
    reconcile.beforeCall = async (call, count) => {
      if (call === 'store.describe' && count === nth) {
        await world.recordRotationEvent(client.secretArn);
      }
    };
  }

  it('keeps a due overlap open for the new rotation to complete', async () => {
    // Prepare
    const reconcile = await start(DELAY_SECONDS);
    world.clock.advance(DELAY_SECONDS * 1000);
    rotationStartsBefore(reconcile, 2);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention).toBeUndefined();
    expect(reconcile.writes()).toEqual([]);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
  });

  it('leaves a next secret alone once a rotation is running', async () => {
    // Prepare
    const reconcile = await start(0);
    world.knownSecrets.push(world.cloud.stytch.startRotation(client.clientId));
    rotationStartsBefore(reconcile, 2);

    // Act
    await reconcile.run();

    // Assess
    expect(reconcile.writes()).toEqual([]);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
  });

  it('removes the stuck label but cancels nothing at Stytch once a new rotation has started', async () => {
    // Prepare: a stuck rotation with its secret staged at Stytch
    const reconcile = await start(0);
    world.cloud.clearFaults();
    world.cloud.stytch.faults.add({
      operation: 'oauth2.token',
      nth: 1,
      times: 1_000,
      action: { kind: 'status', status: 500 },
    });
    expect((await world.rotate(client.secretArn)).outcome).toBe('failed');
    world.cloud.clearFaults();
    world.clock.advance(25 * HOUR_MS);
    // The third DescribeSecret is the re-read after the label was removed.
    rotationStartsBefore(reconcile, 3);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention?.message).toContain(
      'a new rotation started, so nothing is cancelled at Stytch',
    );
    expect(reconcile.writes()).toEqual(['store.removePending']);
  });
});
