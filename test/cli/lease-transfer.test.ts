/**
 * Two secrets naming one Stytch client: the first to rotate owns it, the second is refused with
 * CLIENT_CLAIMED and changes nothing, and `lease transfer` moves the client once the first is gone;
 * the refused rotation is then cancelled and the next one succeeds.
 */
import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { createManagedSecret } from '../../local/seed.ts';
import { LIVE_FUNCTION_ARN, LIVE_TAG, LiveWorld } from './live-world.ts';
import { runCli } from './run-cli.ts';

describe('stytch-rotation lease transfer', () => {
  let world: LiveWorld;

  afterEach(async () => {
    await world.close();
  });

  it('moves a client to a second secret only once the owner is gone, which then rotates it', async () => {
    // Prepare: the owner rotates; a second secret names the same client
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const owner = await world.addClient('m2m');
    expect((await world.rotate(owner.secretArn)).outcome).toBe('succeeded');
    const second = await createManagedSecret(world.sm, {
      name: 'stytch/live/replacement',
      value: JSON.stringify({ client_id: owner.clientId }),
      tag: LIVE_TAG,
      rotationFunctionArn: LIVE_FUNCTION_ARN,
    });
    const stytchCallsBefore = world.cloud.stytch.requestLog.length;

    // Act
    const claimed = await world.rotate(second);
    const stytchCallsOfClaimed = world.cloud.stytch.requestLog.length - stytchCallsBefore;
    const whileOwnerExists = await runCli(world, ['lease', 'transfer', second, '--yes']);
    await world.sm.send(
      new DeleteSecretCommand({ SecretId: owner.secretArn, ForceDeleteWithoutRecovery: true }),
    );
    const transferred = await runCli(world, ['lease', 'transfer', second, '--yes']);
    // The refused rotation left AWSPENDING behind; now the secret owns its client it may abandon it.
    const cancelled = await runCli(world, ['cancel', second, '--yes']);
    const rotated = await world.rotate(second);

    // Assess
    expect(claimed.outcome).toBe('failed');
    expect(claimed.lastError?.message).toContain(`which ${owner.secretArn} already manages`);
    expect(stytchCallsOfClaimed).toBe(0);
    expect(whileOwnerExists).toMatchObject({ code: 4 });
    expect(whileOwnerExists.stderr).toContain('still names');
    expect(transferred).toMatchObject({ code: 0, stderr: '' });
    expect(transferred.stdout).toContain(`owns ${owner.clientId}`);
    expect(cancelled).toMatchObject({ code: 0, stderr: '' });
    expect(rotated.outcome).toBe('succeeded');
  });
});
