/**
 * Every external call of a rotation, failed every way a call can fail, in each starting state: the
 * rotation must converge within Secrets Manager's retries with nothing lost. The clean sequence of
 * calls is recorded first, so the points explored are exactly the calls a rotation makes.
 */
import { describe, expect, it } from 'vitest';
import { CALL_FAULTS } from './call-interceptor.ts';
import { type ManagedClient, RotationWorld } from './rotation-world.ts';

interface Scenario {
  readonly name: string;
  readonly completionDelaySeconds: number;
  /** Rotations run before the one under test. */
  readonly priorRotations: number;
  /** The clock passes the completion delay after the prior rotations, so their overlap is due. */
  readonly overlapDue?: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'the bootstrap rotation', completionDelaySeconds: 0, priorRotations: 0 },
  { name: 'a normal rotation', completionDelaySeconds: 0, priorRotations: 1 },
  // A rotation that meets the previous overlap once it is due completes it itself and goes on; one
  // that meets it before it is due is deferred (test/e2e/overlap-open.test.ts explores that one).
  {
    name: 'a rotation that meets a due overlap',
    completionDelaySeconds: 3600,
    priorRotations: 1,
    overlapDue: true,
  },
];

async function prepare(
  scenario: Scenario,
): Promise<{ world: RotationWorld; client: ManagedClient }> {
  const world = await RotationWorld.start({
    completionDelaySeconds: scenario.completionDelaySeconds,
    maxAttempts: 3,
  });
  const client = await world.addClient('connected_app', { note: 'kept' });
  for (let i = 0; i < scenario.priorRotations; i++) {
    const prior = await world.rotate(client.secretArn);
    expect(prior.outcome).toBe('succeeded');
  }
  if (scenario.overlapDue) world.clock.advance(scenario.completionDelaySeconds * 1000);
  return { world, client };
}

async function recordCleanSequence(scenario: Scenario): Promise<string[]> {
  const { world, client } = await prepare(scenario);
  try {
    const start = world.interceptor.calls.length;
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    return world.interceptor.calls.slice(start);
  } finally {
    await world.close();
  }
}

describe.each(SCENARIOS)('crash points of $name', (scenario) => {
  it('converges after a fault at every call, of every kind', async () => {
    // Prepare
    const sequence = await recordCleanSequence(scenario);
    expect(sequence.length).toBeGreaterThan(5);
    const failures: string[] = [];

    for (const [index, call] of sequence.entries()) {
      for (const fault of CALL_FAULTS) {
        const { world, client } = await prepare(scenario);
        try {
          const previous = world.secretAt(client.secretArn, 'AWSCURRENT');
          const label = `${fault} at call ${index + 1} (${call})`;
          world.interceptor.afterEachCall = (after) => {
            if (!world.currentAuthenticates(client)) {
              failures.push(`${label}: AWSCURRENT did not authenticate after ${after}`);
            }
          };
          world.interceptor.arm(world.interceptor.calls.length + index + 1, fault);

          // Act
          const outcome = await world.rotate(client.secretArn);

          // Assess
          if (outcome.outcome !== 'succeeded')
            failures.push(`${label}: ${outcome.lastError?.message}`);
          // Compared as a boolean so a failure never prints a secret.
          const moved = world.secretAt(client.secretArn, 'AWSCURRENT') !== previous;
          expect(moved, `${label}: AWSCURRENT moved to a new secret`).toBe(true);
          world.expectInvariants(client);
          world.expectNoSecretsLogged();
        } finally {
          await world.close();
        }
      }
    }
    expect(failures).toEqual([]);
    // About a hundred fresh worlds, one per cell: well inside a minute alone, minutes on a busy
    // machine.
  }, 240_000);
});
