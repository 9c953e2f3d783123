/**
 * The deferral and its re-drive, failed at every call that changes state or talks to Stytch, every
 * way the e2e interceptor fails a call: the overlap must never end before it is due, AWSCURRENT
 * must always authenticate, and once the reconcile has run after the due time the deferred rotation
 * must have happened exactly as in a clean run (a new AWSCURRENT, the old secret gone, the tag gone).
 */
import { describe, expect, it } from 'vitest';
import { DEFERRED_TAG } from '../../lambda/reconcile/tags.ts';
import { ReconcileDriver } from '../reconcile/reconcile-driver.ts';
import { CALL_FAULTS } from './call-interceptor.ts';
import { type ManagedClient, RotationWorld } from './rotation-world.ts';

const DELAY_SECONDS = 3600;
/** The calls worth failing: state changes and Stytch calls; reads fail like any other read. */
const EXPLORED = /^(store\.(tag|removePending|untag|startRotation|promote|putPending)|stytch\.)/;

interface Prepared {
  readonly world: RotationWorld;
  readonly client: ManagedClient;
  readonly oldSecret: string;
  readonly overlapSecret: string;
}

/** Two rotations a full delay apart: the second one's overlap is open, due in 50 minutes. */
async function prepare(): Promise<Prepared> {
  const world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
  const client = await world.addClient('m2m');
  expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
  world.clock.advance(DELAY_SECONDS * 1000);
  expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
  world.clock.advance(10 * 60_000);
  return {
    world,
    client,
    oldSecret: world.secretAt(client.secretArn, 'AWSPREVIOUS') ?? '',
    overlapSecret: world.secretAt(client.secretArn, 'AWSCURRENT') ?? '',
  };
}

/** The reconcile after the due time, until the deferred rotation has run (at most three passes). */
async function reconcileUntilRedriven(world: RotationWorld, driver: ReconcileDriver, arn: string) {
  world.clock.advance(DELAY_SECONDS * 1000);
  for (let pass = 0; pass < 3; pass++) {
    await driver.run();
    await world.cloud.secretsManager.idle();
    if (world.cloud.secretsManager.inspect(arn).tags[DEFERRED_TAG] === undefined) return;
  }
}

function settledProblems(prepared: Prepared, label: string): string[] {
  const { world, client, oldSecret, overlapSecret } = prepared;
  const problems: string[] = [];
  const current = world.secretAt(client.secretArn, 'AWSCURRENT') ?? '';
  if (current === overlapSecret) problems.push(`${label}: the deferred rotation never ran`);
  if (world.cloud.stytch.isValidSecret(client.clientId, oldSecret)) {
    problems.push(`${label}: the old secret is still valid after the re-drive`);
  }
  if (world.cloud.secretsManager.inspect(client.secretArn).tags[DEFERRED_TAG] !== undefined) {
    problems.push(`${label}: the deferred tag is still there`);
  }
  return problems;
}

describe('crash points of a deferred rotation', () => {
  it('never ends the overlap early and rotates once due, whichever deferral call fails', {
    timeout: 120_000,
  }, async () => {
    // Prepare: the clean deferral's calls
    const clean = await prepare();
    const start = clean.world.interceptor.calls.length;
    await clean.world.rotate(clean.client.secretArn);
    const sequence = clean.world.interceptor.calls.slice(start);
    await clean.world.close();
    const points = [...sequence.entries()].filter(([, call]) => EXPLORED.test(call));
    expect(points.map(([, call]) => call)).toEqual(
      expect.arrayContaining(['stytch.getClient', 'store.tag', 'store.removePending']),
    );
    const problems: string[] = [];

    for (const [index, call] of points) {
      for (const fault of CALL_FAULTS) {
        const prepared = await prepare();
        const { world, client, oldSecret } = prepared;
        const label = `${fault} at deferral call ${index + 1} (${call})`;
        try {
          world.interceptor.afterEachCall = (after) => {
            if (!world.cloud.stytch.isValidSecret(client.clientId, oldSecret)) {
              problems.push(`${label}: the overlap ended early, after ${after}`);
            }
            if (!world.currentAuthenticates(client)) {
              problems.push(`${label}: AWSCURRENT did not authenticate after ${after}`);
            }
          };
          world.interceptor.arm(world.interceptor.calls.length + index + 1, fault);

          // Act
          await world.rotate(client.secretArn);
          world.interceptor.afterEachCall = undefined;
          await reconcileUntilRedriven(world, new ReconcileDriver(world), client.secretArn);

          // Assess
          problems.push(...settledProblems(prepared, label));
          world.expectInvariants(client);
        } finally {
          await world.close();
        }
      }
    }
    console.log(
      `deferral: ${points.length} calls x ${CALL_FAULTS.length} faults, ${problems.length} problems`,
    );
    expect(problems).toEqual([]);
  });

  it('rotates once due, whichever call of the re-driving pass fails', {
    timeout: 120_000,
  }, async () => {
    // Prepare: the clean re-driving pass's calls
    const clean = await prepare();
    await clean.world.rotate(clean.client.secretArn);
    clean.world.clock.advance(DELAY_SECONDS * 1000);
    const cleanDriver = new ReconcileDriver(clean.world);
    await cleanDriver.run();
    const sequence = [...cleanDriver.calls.calls];
    await clean.world.close();
    const points = [...sequence.entries()].filter(([, call]) => EXPLORED.test(call));
    expect(points.map(([, call]) => call)).toEqual(
      expect.arrayContaining(['stytch.rotate', 'store.startRotation', 'store.untag']),
    );
    const problems: string[] = [];

    for (const [index, call] of points) {
      for (const fault of CALL_FAULTS) {
        const prepared = await prepare();
        const { world, client } = prepared;
        const label = `${fault} at pass call ${index + 1} (${call})`;
        try {
          await world.rotate(client.secretArn);
          const driver = new ReconcileDriver(world);
          driver.calls.arm(index + 1, fault);

          // Act
          await reconcileUntilRedriven(world, driver, client.secretArn);

          // Assess
          problems.push(...settledProblems(prepared, label));
          if (!world.currentAuthenticates(client)) problems.push(`${label}: AWSCURRENT is dead`);
          world.expectInvariants(client);
        } finally {
          await world.close();
        }
      }
    }
    console.log(
      `re-drive: ${points.length} calls x ${CALL_FAULTS.length} faults, ${problems.length} problems`,
    );
    expect(problems).toEqual([]);
  });
});
