import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ManagedClient, RotationWorld } from './rotation-world.ts';

describe('rotation over the local cloud', () => {
  let world: RotationWorld;

  beforeEach(async () => {
    world = await RotationWorld.start({ completionDelaySeconds: 0 });
  });

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  for (const kind of ['connected_app', 'm2m'] as const) {
    it(`bootstraps a ${kind} secret that holds only a client id`, async () => {
      // Prepare
      const client = await world.addClient(kind);

      // Act
      const outcome = await world.rotate(client.secretArn);

      // Assess
      expect(outcome.outcome).toBe('succeeded');
      const current = world.secretAt(client.secretArn, 'AWSCURRENT');
      expect(current).toBeDefined();
      expect(world.cloud.stytch.isValidSecret(client.clientId, current ?? '')).toBe(true);
      // Delay 0: the rotation is completed, so the original secret no longer works.
      expect(world.cloud.stytch.isValidSecret(client.clientId, client.originalSecret)).toBe(false);
      expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
      world.expectInvariants(client);
    });
  }

  it('rotates three times in a row with AWSPREVIOUS correct and other keys preserved', async () => {
    // Prepare
    const client: ManagedClient = await world.addClient('m2m', { audience: 'billing', retries: 3 });
    const seen: string[] = [];

    for (let i = 0; i < 3; i++) {
      // Act
      const outcome = await world.rotate(client.secretArn);

      // Assess
      expect(outcome.outcome).toBe('succeeded');
      const current = world.secretAt(client.secretArn, 'AWSCURRENT');
      expect(current).toBeDefined();
      if (seen.length > 0)
        expect(world.secretAt(client.secretArn, 'AWSPREVIOUS')).toBe(seen.at(-1));
      seen.push(current ?? '');
      const currentVersion = world
        .versions(client.secretArn)
        .find((v) => v.stages.includes('AWSCURRENT'));
      expect(currentVersion?.value).toMatchObject({
        client_id: client.clientId,
        audience: 'billing',
        retries: 3,
      });
      world.expectInvariants(client);
    }
    expect(new Set(seen).size).toBe(3);
  });
});
