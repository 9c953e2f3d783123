/**
 * Lambda may deliver an invocation more than once, and Secrets Manager re-runs steps after a
 * failure. Here every step of a rotation is invoked twice in a row through the real handler, and
 * the end state must equal that of a single clean run: same new secret layout, AWSCURRENT moved
 * once, and no mutating Stytch or Secrets Manager call repeated.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROTATION_STEPS } from '../../lambda/rotation/event.ts';
import {
  LAMBDA_CONTEXT,
  type ManagedClient,
  MUTATING_STYTCH_OPERATION,
  RotationWorld,
} from './rotation-world.ts';

/** Secrets Manager calls that change a secret. */
const MUTATING_STORE_OPERATION = /^(PutSecretValue|UpdateSecretVersionStage|TagResource)$/;

interface Scenario {
  readonly kind: 'connected_app' | 'm2m';
  readonly completionDelaySeconds: number;
}

const SCENARIOS: readonly Scenario[] = [
  { kind: 'connected_app', completionDelaySeconds: 0 },
  { kind: 'm2m', completionDelaySeconds: 0 },
  { kind: 'connected_app', completionDelaySeconds: 3600 },
  { kind: 'm2m', completionDelaySeconds: 3600 },
];

describe.each(SCENARIOS)(
  'a $kind rotation with completion delay $completionDelaySeconds s',
  (scenario) => {
    let world: RotationWorld;

    beforeEach(async () => {
      world = await RotationWorld.start({
        completionDelaySeconds: scenario.completionDelaySeconds,
      });
    });

    afterEach(async () => {
      world.expectNoSecretsLogged();
      await world.close();
    });

    /** The mutating calls both servers saw while `act` ran, in order. */
    async function mutationsDuring(act: () => Promise<void>): Promise<string[]> {
      const stytchMark = world.cloud.stytch.requestLog.length;
      const storeMark = world.cloud.secretsManager.requestLog.length;
      await act();
      const stytch = world.cloud.stytch.requestLog
        .slice(stytchMark)
        .filter((entry) => MUTATING_STYTCH_OPERATION.test(entry.operation))
        .map((entry) => `stytch ${entry.operation} ${entry.status}`);
      const store = world.cloud.secretsManager.requestLog
        .slice(storeMark)
        .filter((entry) => MUTATING_STORE_OPERATION.test(entry.operation))
        .map((entry) => `store ${entry.operation} ${entry.status}`);
      return [...stytch, ...store];
    }

    async function clientAfterOneRotation(): Promise<ManagedClient> {
      const client = await world.addClient(scenario.kind, { region: 'eu-west-1' });
      expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
      // The next rotation starts once the overlap is due; before, it would be deferred.
      world.clock.advance(scenario.completionDelaySeconds * 1000);
      return client;
    }

    it('ends, with every step invoked twice, exactly as a single clean run does', async () => {
      // Prepare: two clients with the same history; one is rotated cleanly as the reference.
      const reference = await clientAfterOneRotation();
      const client = await clientAfterOneRotation();
      const cleanMutations = await mutationsDuring(async () => {
        expect((await world.rotate(reference.secretArn)).outcome).toBe('succeeded');
      });
      const previous = world.secretAt(client.secretArn, 'AWSCURRENT');
      const previousVersion = world
        .versions(client.secretArn)
        .find((v) => v.stages.includes('AWSCURRENT'))?.versionId;
      const event = await world.recordRotationEvent(client.secretArn);

      // Act
      const mutations = await mutationsDuring(async () => {
        for (const step of ROTATION_STEPS) {
          await world.handler({ ...event, Step: step }, LAMBDA_CONTEXT);
          await world.handler({ ...event, Step: step }, LAMBDA_CONTEXT);
        }
      });

      // Assess
      // The reference really started one Stytch rotation and moved AWSCURRENT once (two label
      // moves: AWSCURRENT to the new version, then AWSPENDING off it).
      expect(cleanMutations.filter((m) => m.endsWith('rotate_start 200'))).toHaveLength(1);
      expect(cleanMutations.filter((m) => m.includes('UpdateSecretVersionStage'))).toHaveLength(2);
      expect(mutations).toEqual(cleanMutations);
      const versions = world.versions(client.secretArn);
      const current = versions.find((v) => v.stages.includes('AWSCURRENT'));
      expect(current?.versionId).toBe(event.ClientRequestToken);
      expect(versions.find((v) => v.stages.includes('AWSPREVIOUS'))?.versionId).toBe(
        previousVersion,
      );
      // The other keys are carried over; the secret itself is compared without ever being printed.
      const { client_secret: secret, ...rest } = current?.value ?? {};
      expect(rest).toEqual({ client_id: client.clientId, region: 'eu-west-1' });
      expect(typeof secret === 'string' && secret !== previous, 'a new client secret').toBe(true);
      expect(world.cloud.stytch.isValidSecret(client.clientId, String(secret))).toBe(true);
      // With no delay the old secret is gone at once; with one it stays valid for the overlap.
      expect(world.cloud.stytch.isValidSecret(client.clientId, previous ?? '')).toBe(
        scenario.completionDelaySeconds > 0,
      );
      expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(
        world.cloud.stytch.validSecretCount(reference.clientId),
      );
      world.expectInvariants(client);
    });

    it('changes nothing when the whole finished rotation is delivered again', async () => {
      // Prepare
      const client = await clientAfterOneRotation();
      const event = await world.recordRotationEvent(client.secretArn);
      for (const step of ROTATION_STEPS) {
        await world.handler({ ...event, Step: step }, LAMBDA_CONTEXT);
      }
      const before = world.versions(client.secretArn);
      const stytchBefore = world.cloud.stytch.clientState(client.clientId);

      // Act
      const mutations = await mutationsDuring(async () => {
        for (const step of ROTATION_STEPS) {
          await world.handler({ ...event, Step: step }, LAMBDA_CONTEXT);
        }
      });

      // Assess
      expect(mutations).toEqual([]);
      // Compared as a boolean: a diff would print the stored secrets.
      const unchanged = JSON.stringify(world.versions(client.secretArn)) === JSON.stringify(before);
      expect(unchanged, 'the versions are unchanged').toBe(true);
      expect(world.cloud.stytch.clientState(client.clientId)).toEqual(stytchBefore);
      world.expectInvariants(client);
    });
  },
);
