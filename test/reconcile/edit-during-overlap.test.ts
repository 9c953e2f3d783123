/**
 * A person's PutSecretValue during an open overlap (an added key, the same client secret) moves
 * AWSCURRENT to a new version while the overlap-since mark still names the promoted one. The overlap
 * is the client secret's, not the version's: it still completes a full delay after the original
 * promotion, never earlier and never later, and afterwards only AWSCURRENT's secret is valid.
 */
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { OVERLAP_SINCE_TAG, parseOverlapSince } from '../../lambda/reconcile/tags.ts';
import { type ManagedClient, RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

const DELAY_SECONDS = 3600;
const EDIT_AFTER_MS = 10 * 60 * 1000;

describe("a person's edit of AWSCURRENT during an open overlap", () => {
  let world: RotationWorld;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  /** Two rotations: the second one's overlap is open and marked at the returned time. */
  async function rotatedClient(): Promise<{ client: ManagedClient; promotedAt: Date }> {
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    const client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    const mark = parseOverlapSince(
      world.cloud.secretsManager.inspect(client.secretArn).tags[OVERLAP_SINCE_TAG],
    );
    if (mark === undefined) throw new Error('test setup: the rotation left no overlap mark');
    return { client, promotedAt: mark.since };
  }

  async function personAddsAKey(client: ManagedClient): Promise<void> {
    const current = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
    await world.sm.send(
      new PutSecretValueCommand({
        SecretId: client.secretArn,
        SecretString: JSON.stringify({ ...current?.value, note: 'edited' }),
      }),
    );
  }

  it('completes the overlap a full delay after the original promotion', async () => {
    // Prepare: an open overlap, then the edit ten minutes into it
    const { client, promotedAt } = await rotatedClient();
    const previous = world.secretAt(client.secretArn, 'AWSPREVIOUS') ?? '';
    world.clock.advance(EDIT_AFTER_MS);
    await personAddsAKey(client);
    const current = world.secretAt(client.secretArn, 'AWSCURRENT') ?? '';
    const reconcile = new ReconcileDriver(world);

    // Act: a pass right after the edit
    await reconcile.run();

    // Assess: the start mark moved to the edited version and kept the promotion's time
    const editedId = world
      .versions(client.secretArn)
      .find((v) => v.stages.includes('AWSCURRENT'))?.versionId;
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags[OVERLAP_SINCE_TAG]).toBe(
      `${editedId}@${promotedAt.toISOString()}`,
    );

    // Act: a pass a second before the delay ends
    world.clock.advance(DELAY_SECONDS * 1000 - EDIT_AFTER_MS - 1000);
    const early = await reconcile.run();

    // Assess: the consumers that cached the old secret still work
    expect(early.attention).toBeUndefined();
    expect(world.cloud.stytch.isValidSecret(client.clientId, previous)).toBe(true);
    expect(world.cloud.stytch.isValidSecret(client.clientId, current)).toBe(true);

    // Act: the pass when the delay from the original promotion has passed
    world.clock.advance(1000);
    expect(world.clock.now().getTime()).toBe(promotedAt.getTime() + DELAY_SECONDS * 1000);
    const due = await reconcile.run();

    // Assess: only AWSCURRENT's (the edited version's) secret is valid; the edit is kept
    expect(due.attention).toBeUndefined();
    expect(world.cloud.stytch.isValidSecret(client.clientId, previous)).toBe(false);
    expect(world.cloud.stytch.isValidSecret(client.clientId, current)).toBe(true);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    const edited = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
    expect(edited?.value?.note).toBe('edited');
    world.expectInvariants(client);
  });

  it('completes it at the first pass when that pass comes after the overlap was due', async () => {
    // Prepare: the edit, then no pass until long after the overlap was due
    const { client } = await rotatedClient();
    world.clock.advance(EDIT_AFTER_MS);
    await personAddsAKey(client);
    world.clock.advance(25 * DELAY_SECONDS * 1000);
    const reconcile = new ReconcileDriver(world);

    // Act
    const pass = await reconcile.run();

    // Assess: one pass completes it, nothing is pending at Stytch
    expect(pass.attention).toBeUndefined();
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    expect(world.currentAuthenticates(client)).toBe(true);
    expect(world.cloud.stytch.clientState(client.clientId).nextLastFour).toBeNull();
    world.expectInvariants(client);
  });
});
