/**
 * A step whose AWSPENDING is gone (the reconcile or the cancel command abandoned the rotation) stops
 * with a typed error before it touches Stytch: no get, no token request, no rotate, whatever step
 * it is and whether or not createSecret had stored a secret.
 */
import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROTATION_STEPS } from '../../lambda/rotation/event.ts';
import { LAMBDA_CONTEXT, RotationWorld } from './rotation-world.ts';

describe('a step of an abandoned rotation', () => {
  let world: RotationWorld;

  beforeEach(async () => {
    world = await RotationWorld.start({ completionDelaySeconds: 3600 });
  });

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  it.each([
    ['before createSecret stored a secret', 0],
    ['after createSecret stored one', 1],
  ])('stops without touching Stytch, %s', async (_, stepsBefore) => {
    // Prepare
    const client = await world.addClient('connected_app');
    const event = await world.recordRotationEvent(client.secretArn);
    for (const step of ROTATION_STEPS.slice(0, stepsBefore)) {
      await world.handler({ ...event, Step: step }, LAMBDA_CONTEXT);
    }
    await world.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: client.secretArn,
        VersionStage: 'AWSPENDING',
        RemoveFromVersionId: event.ClientRequestToken,
      }),
    );
    const stytchMark = world.cloud.stytch.requestLog.length;

    // Act
    const errors = [];
    for (const step of ROTATION_STEPS) {
      errors.push(
        await world.handler({ ...event, Step: step }, LAMBDA_CONTEXT).then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
    }

    // Assess
    expect(errors.map((e) => (e as { code?: string } | undefined)?.code)).toEqual([
      'ROTATION_STATE',
      'ROTATION_STATE',
      'ROTATION_STATE',
      'ROTATION_STATE',
    ]);
    expect(world.cloud.stytch.requestLog.slice(stytchMark)).toEqual([]);
    world.expectInvariants(client);
  });
});
