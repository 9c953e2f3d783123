/**
 * A rotate_start whose answer is lost (the connection drops after Stytch started the rotation)
 * leaves Stytch with a next secret that only the lost answer showed. When the rotation then fails
 * for good (every attempt used up, as under Stytch's rate limit), that secret must not stay valid
 * with nobody holding it: createSecret reads Stytch after such a failure and discards it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RotationWorld } from './rotation-world.ts';

const KINDS = [
  { kind: 'connected_app', prefix: 'connected_apps' },
  { kind: 'm2m', prefix: 'm2m' },
] as const;

describe.each(KINDS)('$kind', ({ kind, prefix }) => {
  let world: RotationWorld;

  beforeAll(async () => {
    // One attempt: the failed createSecret is the rotation's last word, as when every retry fails.
    world = await RotationWorld.start({ completionDelaySeconds: 0, maxAttempts: 1 });
  });

  afterAll(async () => {
    await world?.close();
  });

  it('discards the next secret of a rotate_start whose answer was lost', async () => {
    // Prepare
    const client = await world.addClient(kind);
    world.cloud.stytch.faults.clear();
    world.cloud.stytch.faults.add({
      operation: `${prefix}.rotate_start`,
      action: { kind: 'lost-response' },
    });

    // Act
    const outcome = await world.rotate(client.secretArn);

    // Assess
    expect(outcome.outcome).toBe('failed');
    expect(world.cloud.stytch.clientState(client.clientId).nextLastFour).toBeNull();
    expect(world.cloud.stytch.isValidSecret(client.clientId, client.originalSecret)).toBe(true);
    world.expectInvariants(client);
    world.expectNoSecretsLogged();
  });

  it('discards it too when the lost rotate_start followed the discard of a stray next secret', async () => {
    // Prepare: someone else's rotation is open, so the first rotate_start says "already rotating"
    const client = await world.addClient(kind);
    world.knownSecrets.push(world.cloud.stytch.startRotation(client.clientId));
    world.cloud.stytch.faults.clear();
    world.cloud.stytch.faults.add({
      operation: `${prefix}.rotate_start`,
      nth: 2,
      action: { kind: 'lost-response' },
    });

    // Act
    const outcome = await world.rotate(client.secretArn);

    // Assess
    expect(outcome.outcome).toBe('failed');
    expect(world.cloud.stytch.clientState(client.clientId).nextLastFour).toBeNull();
    expect(world.cloud.stytch.isValidSecret(client.clientId, client.originalSecret)).toBe(true);
    world.expectInvariants(client);
    world.expectNoSecretsLogged();
  });
});
