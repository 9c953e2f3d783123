/**
 * A rotation that meets an open overlap that is not yet due never ends it. createSecret defers it
 * with OVERLAP_OPEN: no Stytch mutation, the deferral recorded in the deferred tag, the pending
 * label given up, no failed invocation (nothing for the Errors alarm or the RotationFailed rule),
 * one `RotationsDeferred` count. Once the overlap is due the reconcile completes it and starts the
 * deferred rotation again, exactly once, and removes the tag.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redriveTokenFor } from '../../lambda/reconcile/deferred-rotation.ts';
import { DEFERRED_TAG, parseDeferred } from '../../lambda/reconcile/tags.ts';
import { ReconcileDriver } from '../reconcile/reconcile-driver.ts';
import { type ManagedClient, MUTATING_STYTCH_OPERATION, RotationWorld } from './rotation-world.ts';

const DELAY_SECONDS = 3600;
const MINUTE_MS = 60_000;

describe('a rotation that meets an open overlap', () => {
  let world: RotationWorld;
  let client: ManagedClient;
  let oldSecret: string;
  let overlapSecret: string;

  beforeEach(async () => {
    // Prepare: two rotations a full delay apart; the second one's overlap is open.
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    client = await world.addClient('connected_app');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    oldSecret = world.secretAt(client.secretArn, 'AWSPREVIOUS') ?? '';
    overlapSecret = world.secretAt(client.secretArn, 'AWSCURRENT') ?? '';
    world.clock.advance(10 * MINUTE_MS);
  });

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  function stytchMutationsSince(mark: number): string[] {
    return world.cloud.stytch.requestLog
      .slice(mark)
      .filter((entry) => MUTATING_STYTCH_OPERATION.test(entry.operation))
      .map((entry) => `${entry.operation} ${entry.status}`);
  }

  it('is deferred without ending it, failing no invocation, counted once', async () => {
    // Act
    const stytchMark = world.cloud.stytch.requestLog.length;
    const invocationsMark = world.cloud.secretsManager.invocations.length;
    const outcome = await world.rotate(client.secretArn);

    // Assess: both secrets still work; Stytch was asked, never changed
    expect(world.cloud.stytch.isValidSecret(client.clientId, oldSecret)).toBe(true);
    expect(world.cloud.stytch.isValidSecret(client.clientId, overlapSecret)).toBe(true);
    expect(world.secretAt(client.secretArn, 'AWSCURRENT') === overlapSecret).toBe(true);
    expect(stytchMutationsSince(stytchMark)).toEqual([]);
    // No invocation failed, so neither the Errors alarm nor RotationFailed sees anything.
    const invocations = world.cloud.secretsManager.invocations.slice(invocationsMark);
    expect(invocations.map((i) => `${i.step} ${i.ok}`)).toEqual([
      'createSecret true',
      'setSecret true',
      'testSecret true',
      'finishSecret true',
    ]);
    expect(outcome.outcome).toBe('succeeded');
    expect(world.cloud.secretsManager.events.some((e) => e.type === 'RotationFailed')).toBe(false);
    // The deferral names the rotation and the due time, and no AWSPENDING is left behind.
    const snapshot = world.cloud.secretsManager.inspect(client.secretArn);
    const deferred = parseDeferred(snapshot.tags[DEFERRED_TAG]);
    expect(deferred?.dueAt.toISOString()).toBe('2026-01-01T02:00:00.000Z');
    expect(world.versions(client.secretArn).some((v) => v.stages.includes('AWSPENDING'))).toBe(
      false,
    );
    expect(world.metrics.totals.RotationsDeferred).toBe(1);
    expect(world.log.text()).toContain('OVERLAP_OPEN');
    expect(world.log.text()).toContain('2026-01-01T02:00:00.000Z');
  });

  it('is started again by the reconcile once the overlap is due, and only then', async () => {
    // Prepare
    await world.rotate(client.secretArn);
    const deferred = parseDeferred(
      world.cloud.secretsManager.inspect(client.secretArn).tags[DEFERRED_TAG],
    );
    const reconcile = new ReconcileDriver(world);

    // Act: a pass before the due time
    await reconcile.run();

    // Assess: nothing changed
    expect(reconcile.writes()).toEqual([]);
    expect(world.cloud.stytch.isValidSecret(client.clientId, oldSecret)).toBe(true);

    // Act: the first pass after the due time, then the rotation it started, then another pass
    world.clock.advance(DELAY_SECONDS * 1000);
    const due = await reconcile.run();
    const redriven = redriveTokenFor(deferred?.token ?? '');
    const outcome = await world.cloud.secretsManager.waitForRotation(client.secretArn, redriven);
    const again = await reconcile.run();

    // Assess: completed (and recorded complete), rotated once with the derived token, tag gone
    expect([due.attention, again.attention]).toEqual([undefined, undefined]);
    expect(outcome.outcome).toBe('succeeded');
    expect(reconcile.writes()).toEqual([
      'stytch.rotate',
      'store.tag',
      'store.startRotation',
      'store.untag',
    ]);
    expect(world.cloud.stytch.isValidSecret(client.clientId, oldSecret)).toBe(false);
    const current = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
    expect(current?.versionId).toBe(redriven);
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags[DEFERRED_TAG]).toBeUndefined();
    expect(world.currentAuthenticates(client)).toBe(true);
    world.expectInvariants(client);
  });

  it('is started once when a pass repeats the re-drive after a crash before removing the tag', async () => {
    // Prepare: the pass's UntagResource is lost, as after a crash right after RotateSecret
    await world.rotate(client.secretArn);
    world.clock.advance(DELAY_SECONDS * 1000);
    const crashing = new ReconcileDriver(world);
    crashing.beforeCall = async (call) => {
      if (call === 'store.untag') throw new Error('the container died');
    };
    const started = () =>
      world.cloud.secretsManager.events.filter((e) => e.type === 'RotationStarted').length;
    const before = started();
    await crashing.run();
    await world.cloud.secretsManager.idle();
    const startedOnce = started();
    expect(startedOnce).toBe(before + 1);

    // Act
    await new ReconcileDriver(world).run();
    await world.cloud.secretsManager.idle();

    // Assess
    expect(started()).toBe(startedOnce);
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags[DEFERRED_TAG]).toBeUndefined();
    world.expectInvariants(client);
  });
});
