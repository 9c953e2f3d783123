import { afterEach, describe, expect, it } from 'vitest';
import { type ManagedClient, RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

const HOUR_MS = 3_600_000;
/** Every call of the operation fails with this status, for the rest of the test. */
const ALWAYS = { nth: 1, times: 1_000 } as const;

describe('the reconcile abandons a stuck rotation', () => {
  let world: RotationWorld;
  let client: ManagedClient;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  async function start(): Promise<void> {
    world = await RotationWorld.start({ completionDelaySeconds: 0 });
    client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
  }

  function pendingVersion(): string | undefined {
    return world.versions(client.secretArn).find((v) => v.stages.includes('AWSPENDING'))?.versionId;
  }

  it('once it is older than the stuck age, after which the next rotation succeeds', async () => {
    // Prepare: testSecret fails on every attempt, so the rotation stalls with its secret staged
    await start();
    world.cloud.stytch.faults.add({
      operation: 'oauth2.token',
      ...ALWAYS,
      action: { kind: 'status', status: 500 },
    });
    expect((await world.rotate(client.secretArn)).outcome).toBe('failed');
    const stuck = pendingVersion();
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
    const reconcile = new ReconcileDriver(world);

    // Act: a pass while the rotation is younger than the stuck age
    world.clock.advance(23 * HOUR_MS);
    const young = await reconcile.run();

    // Assess: a rotation that may still be retried is never touched
    expect(young.attention).toBeUndefined();
    expect(reconcile.writes()).toEqual([]);
    expect(pendingVersion()).toBe(stuck);

    // Act: a pass after the stuck age
    world.clock.advance(HOUR_MS);
    const old = await reconcile.run();

    // Assess: abandoned at both ends, reported, and counted
    expect(old.attention?.findings).toEqual([
      expect.objectContaining({ kind: 'abandoned', secret: `stytch/e2e/${client.clientId}` }),
    ]);
    expect(old.attention?.message).toContain('stalled');
    expect(reconcile.writes()).toEqual(['store.removePending', 'stytch.rotateCancel']);
    expect(pendingVersion()).toBeUndefined();
    expect(world.cloud.stytch.clientState(client.clientId).nextLastFour).toBeNull();
    expect(reconcile.metrics.totals.RotationsAbandoned).toBe(1);
    world.expectInvariants(client);

    // Act: the next scheduled rotation
    world.cloud.clearFaults();
    const next = await world.rotate(client.secretArn);

    // Assess
    expect(next.outcome).toBe('succeeded');
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    world.expectInvariants(client);
  });

  it('at once when Stytch no longer holds the pending secret', async () => {
    // Prepare: finishSecret cannot promote, then someone cancels the rotation at Stytch
    await start();
    world.cloud.secretsManager.faults.add({
      operation: 'UpdateSecretVersionStage',
      ...ALWAYS,
      action: { kind: 'status', status: 400, errorType: 'InvalidRequestException' },
    });
    expect((await world.rotate(client.secretArn)).outcome).toBe('failed');
    world.cloud.clearFaults();
    world.cloud.stytch.cancelRotation(client.clientId);
    const reconcile = new ReconcileDriver(world);

    // Act: no time has passed
    const pass = await reconcile.run();

    // Assess: only the label is removed; Stytch has nothing to cancel
    expect(pass.attention?.findings.map((f) => f.kind)).toEqual(['abandoned']);
    expect(pass.attention?.message).toContain('no longer valid at Stytch');
    expect(reconcile.writes()).toEqual(['store.removePending']);
    expect(pendingVersion()).toBeUndefined();
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.expectInvariants(client);
  });

  it('that never stored its secret, cancelling the next secret Stytch issued for it', async () => {
    // Prepare: PutSecretValue fails and the cancel of the new secret fails too, so Stytch keeps a
    // next secret that no version holds
    await start();
    world.cloud.clearFaults(); // fault rules count calls from here
    world.cloud.secretsManager.faults.add({
      operation: 'PutSecretValue',
      ...ALWAYS,
      action: { kind: 'status', status: 500 },
    });
    world.cloud.stytch.faults.add({
      operation: 'm2m.rotate_cancel',
      ...ALWAYS,
      action: { kind: 'status', status: 500 },
    });
    world.cloud.stytch.faults.add({
      operation: 'm2m.rotate_start',
      nth: 2,
      times: 1_000,
      action: { kind: 'status', status: 500 },
    });
    expect((await world.rotate(client.secretArn)).outcome).toBe('failed');
    world.cloud.clearFaults();
    expect(world.cloud.stytch.clientState(client.clientId).nextLastFour).not.toBeNull();
    const reconcile = new ReconcileDriver(world);
    world.clock.advance(25 * HOUR_MS);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention?.message).toContain('never stored a secret');
    expect(reconcile.writes()).toEqual(['store.removePending', 'stytch.rotateCancel']);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.expectInvariants(client);
  });

  it('started by a foreign caller that never ran a step', async () => {
    // Prepare: RotateSecret attached AWSPENDING to an empty version, and nothing ever filled it
    await start();
    await world.recordRotationEvent(client.secretArn);
    const reconcile = new ReconcileDriver(world);
    world.clock.advance(25 * HOUR_MS);

    // Act
    const pass = await reconcile.run();

    // Assess: the label goes, Stytch is left alone
    expect(pass.attention?.findings.map((f) => f.kind)).toEqual(['abandoned']);
    expect(reconcile.writes()).toEqual(['store.removePending']);
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.expectInvariants(client);
  });
});
