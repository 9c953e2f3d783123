import { UntagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { OVERLAP_COMPLETED_TAG, OVERLAP_SINCE_TAG } from '../../lambda/reconcile/tags.ts';
import { type ManagedClient, RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

const DELAY_SECONDS = 3600;
const INTERVAL_MS = 15 * 60 * 1000;

describe('the reconcile completes an overlap', () => {
  let world: RotationWorld;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  async function rotatedClient(): Promise<ManagedClient> {
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    const client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    // The bootstrap's overlap is due, so the second rotation completes it and goes on.
    world.clock.advance(DELAY_SECONDS * 1000);
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    return client;
  }

  it('not one second before the delay has passed, and at the first pass after it', async () => {
    // Prepare
    const client = await rotatedClient();
    const previous = world.secretAt(client.secretArn, 'AWSPREVIOUS') ?? '';
    const current = world.secretAt(client.secretArn, 'AWSCURRENT') ?? '';
    const reconcile = new ReconcileDriver(world);

    // Act: a pass one second before the delay ends
    world.clock.advance(DELAY_SECONDS * 1000 - 1000);
    const early = await reconcile.run();

    // Assess: both secrets still work, nothing was written
    expect(early.attention).toBeUndefined();
    expect(world.cloud.stytch.isValidSecret(client.clientId, previous)).toBe(true);
    expect(world.cloud.stytch.isValidSecret(client.clientId, current)).toBe(true);
    expect(reconcile.writes()).toEqual([]);

    // Act: the next scheduled pass, one interval later
    world.clock.advance(INTERVAL_MS);
    const due = await reconcile.run();

    // Assess: only AWSCURRENT's secret works now
    expect(due.attention).toBeUndefined();
    expect(world.cloud.stytch.isValidSecret(client.clientId, previous)).toBe(false);
    expect(world.cloud.stytch.isValidSecret(client.clientId, current)).toBe(true);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    expect(reconcile.writes()).toEqual(['stytch.rotate', 'store.tag']);
    const currentVersion = world
      .versions(client.secretArn)
      .find((v) => v.stages.includes('AWSCURRENT'))?.versionId;
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags[OVERLAP_COMPLETED_TAG]).toBe(
      `${currentVersion}@${world.clock.now().toISOString()}`,
    );
    expect(reconcile.metrics.totals.OverlapsCompleted).toBe(1);
    world.expectInvariants(client);
  });

  it('exactly when the delay has passed', async () => {
    // Prepare
    const client = await rotatedClient();
    const reconcile = new ReconcileDriver(world);

    // Act
    world.clock.advance(DELAY_SECONDS * 1000);
    await reconcile.run();

    // Assess
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    expect(world.currentAuthenticates(client)).toBe(true);
  });

  it('a full delay after marking an overlap whose start mark was lost', async () => {
    // Prepare: the tag is gone, as after a crash between the promotion and the tag
    const client = await rotatedClient();
    await world.sm.send(
      new UntagResourceCommand({ SecretId: client.secretArn, TagKeys: [OVERLAP_SINCE_TAG] }),
    );
    const reconcile = new ReconcileDriver(world);
    world.clock.advance(5 * DELAY_SECONDS * 1000);

    // Act: the first pass only marks the overlap
    await reconcile.run();
    const tag = world.cloud.secretsManager.inspect(client.secretArn).tags[OVERLAP_SINCE_TAG];
    world.clock.advance(DELAY_SECONDS * 1000 - 1000);
    await reconcile.run();

    // Assess: marked with the pass's time, still open a second before a full delay from it
    expect(tag).toBe(
      `${world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'))?.versionId}@2026-01-01T06:00:00.000Z`,
    );
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);

    // Act: a second later
    world.clock.advance(1000);
    await reconcile.run();

    // Assess
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    expect(reconcile.writes()).toEqual(['store.tag', 'stytch.rotate', 'store.tag']);
    world.expectInvariants(client);
  });

  it('completes the newest overlap once, after a later rotation completed the earlier one itself', async () => {
    // Prepare: the third rotation's createSecret completes the second one's (due) overlap itself
    const client = await rotatedClient();
    world.clock.advance(DELAY_SECONDS * 1000);
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    const reconcile = new ReconcileDriver(world);

    // Act
    const first = await reconcile.run();
    const second = await reconcile.run();

    // Assess: one completion of the open overlap and its record, then nothing
    expect([first.attention, second.attention]).toEqual([undefined, undefined]);
    expect(reconcile.writes()).toEqual(['stytch.rotate', 'store.tag']);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    world.expectInvariants(client);
  });
});
