/**
 * A schedule created without an immediate rotation (RotateImmediately=false, what the stack
 * deploys) makes Secrets Manager run testSecret once on an empty AWSPENDING version. The function
 * must pass that test without touching Stytch or the secret, and the secret must still be
 * rotated normally afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RotationWorld } from './rotation-world.ts';

let world: RotationWorld;

afterEach(async () => {
  world.expectNoSecretsLogged();
  await world.close();
});

describe("Secrets Manager's configuration test", () => {
  it('passes without a Stytch call or a change to the secret, and the first rotation still works', async () => {
    // Prepare
    world = await RotationWorld.start({ completionDelaySeconds: 0 });
    const stytchBefore = world.cloud.stytch.requestLog.length;

    // Act: creating the secret configures its rotation with RotateImmediately=false
    const client = await world.addClient('m2m');

    // Assess
    const invocations = world.cloud.secretsManager.invocations.filter(
      (i) => i.secretArn === client.secretArn,
    );
    expect(invocations.map((i) => [i.step, i.ok, i.errorName])).toEqual([
      ['testSecret', true, undefined],
    ]);
    expect(world.cloud.stytch.requestLog.length).toBe(stytchBefore);
    expect(world.versions(client.secretArn)).toEqual([
      expect.objectContaining({ stages: ['AWSCURRENT'], value: { client_id: client.clientId } }),
    ]);
    expect(
      world.log.lines.some((line) => /testSecret: skipped .*configuration test/.test(line.message)),
    ).toBe(true);

    // Act: the bootstrap rotation
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.expectInvariants(client);
  });
});
