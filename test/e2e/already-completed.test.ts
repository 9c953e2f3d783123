/**
 * "Stytch already completed this pending secret" is progress, never an error. When Stytch makes the
 * pending secret its only one before the promotion (a `rotate` that ran early: someone's, or a lost
 * answer's), AWSCURRENT's secret no longer works; the only way back is to finish the rotation, so
 * every step, run again in that state, must carry it to the end.
 */
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROTATION_STEPS } from '../../lambda/rotation/event.ts';
import { LAMBDA_CONTEXT, RotationWorld } from './rotation-world.ts';

describe.each([0, 3600])('with completion delay %i s', (completionDelaySeconds) => {
  let world: RotationWorld;

  beforeEach(async () => {
    world = await RotationWorld.start({ completionDelaySeconds });
  });

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  it.each(['connected_app', 'm2m'] as const)(
    'a %s rotation whose pending secret Stytch completed early still finishes, createSecret repeated',
    async (kind) => {
      // Prepare: createSecret stored the pending secret, then Stytch completed it at once.
      const client = await world.addClient(kind);
      const event = await world.recordRotationEvent(client.secretArn);
      await world.handler({ ...event, Step: 'createSecret' }, LAMBDA_CONTEXT);
      world.cloud.stytch.completeRotation(client.clientId);
      expect(world.cloud.stytch.clientState(client.clientId).nextLastFour).toBeNull();

      // Act: Secrets Manager's retry runs the whole rotation again, createSecret first.
      for (const step of ROTATION_STEPS) {
        await world.handler({ ...event, Step: step }, LAMBDA_CONTEXT);
      }

      // Assess
      const current = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
      expect(current?.versionId).toBe(event.ClientRequestToken);
      expect(world.currentAuthenticates(client)).toBe(true);
      world.expectInvariants(client);
    },
  );

  it('the remedy the reconcile and cancel give (RotateSecret with the pending token) finishes it', async () => {
    // Prepare
    const client = await world.addClient('m2m');
    const event = await world.recordRotationEvent(client.secretArn);
    await world.handler({ ...event, Step: 'createSecret' }, LAMBDA_CONTEXT);
    world.cloud.stytch.completeRotation(client.clientId);

    // Act: `aws secretsmanager rotate-secret --client-request-token <pending version>`
    await world.sm.send(
      new RotateSecretCommand({
        SecretId: client.secretArn,
        ClientRequestToken: event.ClientRequestToken,
      }),
    );
    const outcome = await world.cloud.secretsManager.waitForRotation(
      client.secretArn,
      event.ClientRequestToken,
    );

    // Assess
    expect(outcome.outcome).toBe('succeeded');
    expect(world.currentAuthenticates(client)).toBe(true);
    world.expectInvariants(client);
  });
});
