/**
 * A smaller sample of fuzzed secret values through the whole path: Secrets Manager stores the value
 * and runs the four steps against the deployed handler, over real sockets to the local cloud. Half
 * the cases name a real Stytch client, so good values must rotate (keeping every other key) and bad
 * ones must fail typed with the stored value, the pending version and the client at Stytch untouched.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RotationError } from '../../lambda/errors.ts';
import { isUsableSecretValue, secretObject, secretValue } from './support/arbitraries.ts';
import { FUZZ_RUNS, fuzzParameters } from './support/fuzz-settings.ts';
import { leakViolations } from './support/invariants.ts';
import { errorText, plantedIn } from './support/planted.ts';
import { ReliabilityWorld } from './support/reliability-world.ts';

const MAX_SECRET_BYTES = 65_536;

interface StoredValue {
  /** Any fuzzed text, stored as is. */
  readonly raw?: string;
  /** Or: fuzzed keys around the id of a new client of this kind at Stytch. */
  readonly kind?: 'connected_app' | 'm2m';
  readonly extra?: Record<string, unknown>;
}

const storedValue: fc.Arbitrary<StoredValue> = fc.oneof(
  secretValue
    .filter((raw): raw is string => raw !== undefined && raw !== '')
    .map((raw) => ({ raw })),
  fc.record({
    kind: fc.constantFrom('connected_app' as const, 'm2m' as const),
    extra: secretObject,
  }),
);

/** Whether the value, once rotated, still fits Secrets Manager's limit. */
function fitsOnceRotated(raw: string): boolean {
  const rotated = { ...(JSON.parse(raw) as object), client_secret: 'x'.repeat(43) };
  return Buffer.byteLength(JSON.stringify(rotated)) <= MAX_SECRET_BYTES;
}

describe('fuzzed secret values through the deployed handler over the local cloud', () => {
  let world: ReliabilityWorld;

  beforeAll(async () => {
    world = await ReliabilityWorld.start({ maxAttempts: 1 });
  });

  afterAll(async () => {
    await world.close();
  });

  it('rotate a usable value keeping its keys and refuse any other with nothing changed', async () => {
    await fc.assert(
      fc.asyncProperty(storedValue, async (input) => {
        // Prepare
        const { stytch } = world.cloud;
        const real = input.kind && stytch.createClient(world.base.projectId, { kind: input.kind });
        if (real) world.base.knownSecrets.push(real.clientSecret);
        const raw = real
          ? JSON.stringify({ ...input.extra, client_id: real.clientId })
          : (input.raw ?? '');
        if (Buffer.byteLength(raw) > MAX_SECRET_BYTES) return;
        const secretArn = await world.addRawSecret(raw);
        const errorsBefore = world.errors.length;

        // Act
        const outcome = await world.rotateRaw(secretArn);

        // Assess
        const versions = world.cloud.secretsManager.inspect(secretArn).versions;
        const current = versions.find((version) => version.stages.includes('AWSCURRENT'))?.value;
        const error = world.errors.slice(errorsBefore).at(-1);
        if (real && isUsableSecretValue(raw) && fitsOnceRotated(raw)) {
          expect(outcome.outcome).toBe('succeeded');
          const rotated = JSON.parse(current ?? '{}') as Record<string, unknown>;
          const secret = String(rotated.client_secret);
          world.base.knownSecrets.push(secret);
          expect(stytch.isValidSecret(real.clientId, secret)).toBe(true);
          const { client_secret: _, ...kept } = JSON.parse(raw) as Record<string, unknown>;
          expect(rotated).toMatchObject(kept);
        } else {
          expect(outcome.outcome).toBe('failed');
          expect(error).toBeInstanceOf(RotationError);
          expect(versions.filter((v) => v.value !== undefined).map((v) => v.value)).toEqual([raw]);
          if (real) {
            expect(stytch.clientState(real.clientId).nextLastFour).toBeNull();
            expect(stytch.isValidSecret(real.clientId, real.clientSecret)).toBe(true);
          }
        }
        expect(plantedIn([errorText(error), world.base.log.text()])).toEqual([]);
        expect(leakViolations(world, [])).toEqual([]);
      }),
      fuzzParameters(FUZZ_RUNS.handlerOverLocalCloud, 20_000),
    );
  }, 120_000);
});
