/**
 * Stytch in a state the store does not know about: a rotation someone else started, and a
 * rotate_start whose answer (holding the only copy of the new secret) never arrived. Either way the
 * rotation must discard the secret nobody holds and end with only stored secrets valid.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../local/http-server.ts';
import { type ManagedClient, RotationWorld } from './rotation-world.ts';

const KINDS = [
  { kind: 'connected_app', prefix: 'connected_apps' },
  { kind: 'm2m', prefix: 'm2m' },
] as const;

const HISTORIES = [
  { history: 'a bootstrap rotation', priorRotations: 0 },
  { history: 'a later rotation', priorRotations: 1 },
] as const;

describe.each(KINDS)('$kind', ({ kind, prefix }) => {
  let world: RotationWorld;

  beforeEach(async () => {
    world = await RotationWorld.start({ completionDelaySeconds: 0, maxAttempts: 3 });
  });

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  async function prepareClient(priorRotations: number): Promise<ManagedClient> {
    const client = await world.addClient(kind);
    for (let i = 0; i < priorRotations; i++) {
      expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    }
    return client;
  }

  /** The Stytch calls of `operation` (e.g. `rotate_start`) since `mark`, as `status[/fault]`. */
  function callsOf(operation: string, mark: number): string[] {
    return world.cloud.stytch.requestLog
      .slice(mark)
      .filter((entry: RequestLogEntry) => entry.operation === `${prefix}.${operation}`)
      .map((entry) => (entry.fault ? `${entry.status}/${entry.fault}` : `${entry.status}`));
  }

  describe.each(HISTORIES)('in $history', ({ priorRotations }) => {
    it('discards a pending rotation started behind the store’s back, then rotates', async () => {
      // Prepare
      const client = await prepareClient(priorRotations);
      const previous = world.secretAt(client.secretArn, 'AWSCURRENT') ?? client.originalSecret;
      const foreign = world.cloud.stytch.startRotation(client.clientId);
      world.knownSecrets.push(foreign);
      const mark = world.cloud.stytch.requestLog.length;

      // Act
      const outcome = await world.rotate(client.secretArn);

      // Assess
      expect(outcome).toMatchObject({ outcome: 'succeeded', attempts: 1 });
      expect(callsOf('rotate_cancel', mark)).toEqual(['200']);
      expect(callsOf('rotate_start', mark)).toEqual(['400', '200']);
      expect(world.cloud.stytch.isValidSecret(client.clientId, foreign)).toBe(false);
      const current = world.secretAt(client.secretArn, 'AWSCURRENT');
      expect(current !== foreign && current !== previous, 'a new secret of our own').toBe(true);
      expect(world.cloud.stytch.isValidSecret(client.clientId, current ?? '')).toBe(true);
      expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
      world.expectInvariants(client);
    });

    it('recovers from a lost rotate_start answer: the failed attempt cancels the orphan, the retry rotates', async () => {
      // Prepare
      const client = await prepareClient(priorRotations);
      const previous = world.secretAt(client.secretArn, 'AWSCURRENT') ?? client.originalSecret;
      world.cloud.stytch.faults.add({
        operation: `${prefix}.rotate_start`,
        nth: world.cloud.stytch.faults.callCount(`${prefix}.rotate_start`) + 1,
        action: { kind: 'lost-response' },
      });
      const mark = world.cloud.stytch.requestLog.length;
      const invocationMark = world.cloud.secretsManager.invocations.length;

      // Act
      const outcome = await world.rotate(client.secretArn);

      // Assess: the first attempt failed in createSecret without repeating rotate_start itself, but
      // read Stytch and cancelled the orphan it left; the second started a fresh rotation.
      expect(outcome).toMatchObject({ outcome: 'succeeded', attempts: 2 });
      const firstAttempt = world.cloud.secretsManager.invocations.slice(invocationMark)[0];
      expect(firstAttempt).toMatchObject({ step: 'createSecret', attempt: 1, ok: false });
      expect(firstAttempt?.errorName).toMatch(/^Stytch(Network|Timeout)Error$/);
      expect(callsOf('rotate_start', mark)).toEqual(['0/lost-response', '200']);
      expect(callsOf('rotate_cancel', mark)).toEqual(['200']);
      const current = world.secretAt(client.secretArn, 'AWSCURRENT');
      expect(current !== previous, 'a new secret').toBe(true);
      expect(world.cloud.stytch.isValidSecret(client.clientId, current ?? '')).toBe(true);
      expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
      world.expectInvariants(client);
    });
  });
});
