/**
 * The reconcile acts on the client a secret's value names only when the secret's client-id tag (if
 * any) names the same client: otherwise it reports the secret and changes nothing at Stytch.
 */
import { TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_ID_TAG } from '../../lambda/reconcile/tags.ts';
import { RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

describe('the reconcile and the client-id tag', () => {
  let world: RotationWorld;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  it('refuses a secret whose value names another client than its tag, touching neither', async () => {
    // Prepare: an overlap that is due, on a secret whose tag names another client
    world = await RotationWorld.start({ completionDelaySeconds: 3600 });
    const client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    const other = world.cloud.stytch.createClient(world.projectId, { kind: 'm2m' });
    world.knownSecrets.push(other.clientSecret);
    await world.sm.send(
      new TagResourceCommand({
        SecretId: client.secretArn,
        Tags: [{ Key: CLIENT_ID_TAG, Value: other.clientId }],
      }),
    );
    world.clock.advance(3600 * 1000);
    const reconcile = new ReconcileDriver(world);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention?.message).toContain(other.clientId);
    expect(reconcile.writes()).toEqual([]);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
  });
});
