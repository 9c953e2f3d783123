/**
 * One writer per client: every actor that changes a Stytch client's state (a rotation step, a
 * reconcile move, a CLI command) holds the client's lease while it reads and acts. Each test forces
 * the interleaving that broke the promises before the lease, with gates on the actors' calls, and
 * checks that AWSCURRENT's secret keeps authenticating.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLease } from '../../lambda/lease/client-lease.ts';
import { createLeaseTable } from '../../lambda/lease/lease-table.ts';
import { localAwsClientConfig } from '../../local/seed.ts';
import { LAMBDA_CONTEXT, type ManagedClient, RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver, SCHEDULED_EVENT } from '../reconcile/reconcile-driver.ts';
import { gatedContainer, runToEnd, Signal } from './gated-container.ts';

const HOUR_MS = 3_600_000;

describe('one writer per client', () => {
  let world: RotationWorld;
  let client: ManagedClient;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  it('lets only one of two createSecret runs of the same rotation act; AWSCURRENT keeps working', async () => {
    // Prepare: an overlap that is due but not yet completed (Stytch's next secret is AWSCURRENT's),
    // then a new rotation whose createSecret two containers run at once, as after a retry that
    // overlaps the first attempt. Each completes the overlap itself before rotate_start.
    world = await RotationWorld.start({ completionDelaySeconds: 3600 });
    client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(3600 * 1000);
    const event = await world.recordRotationEvent(client.secretArn);
    const createEvent = { ...event, Step: 'createSecret' };
    const bReadState = new Signal('B read Stytch');
    const bEnded = new Signal('B ended');
    const aStored = new Signal('A stored its new secret');
    const aEnded = new Signal('A ended');
    // A completes the overlap only after B has read the same state; B completes only after A
    // started and stored a new secret: the schedule of the report.
    const a = gatedContainer(world, {
      'stytch.rotate': { before: () => Signal.any(bReadState, bEnded) },
      'store.putPending': { after: aStored },
    });
    const b = gatedContainer(world, {
      'stytch.getClient': { after: bReadState },
      'stytch.rotate': { before: () => Signal.any(aStored, aEnded) },
    });

    // Act
    const [errorA, errorB] = await Promise.all([
      runToEnd(() => a(createEvent, LAMBDA_CONTEXT), aEnded),
      runToEnd(() => b(createEvent, LAMBDA_CONTEXT), bEnded),
    ]);

    // Assess
    expect(world.currentAuthenticates(client)).toBe(true);
    expect(errorA).toBeUndefined();
    expect(errorB).toMatchObject({ code: 'LEASE_BUSY' });
    const rotateStarts = world.cloud.stytch.requestLog.filter(
      (entry) => entry.operation === 'm2m.rotate_start' && entry.status === 200,
    );
    expect(rotateStarts).toHaveLength(2); // the bootstrap's and A's, none of B's
    world.expectInvariants(client);
  });

  it("keeps the reconcile's abandon from cancelling the secret a finishSecret in flight promotes", async () => {
    // Prepare: a rotation through testSecret whose pending version is past the stuck age, so the
    // reconcile abandons it, while its finishSecret (retried by Secrets Manager) is past its checks.
    world = await RotationWorld.start({ completionDelaySeconds: 0 });
    client = await world.addClient('connected_app');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    const event = await world.recordRotationEvent(client.secretArn);
    for (const Step of ['createSecret', 'setSecret', 'testSecret']) {
      await world.handler({ ...event, Step }, LAMBDA_CONTEXT);
    }
    world.clock.advance(25 * HOUR_MS);
    const finishChecked = new Signal('finishSecret read Stytch');
    const finishEnded = new Signal('finishSecret ended');
    const cancelled = new Signal('the reconcile cancelled at Stytch');
    const reconcileEnded = new Signal('the reconcile ended');
    const finish = gatedContainer(world, {
      'stytch.getClient': { after: finishChecked },
      'store.promote': { before: () => Signal.any(cancelled, reconcileEnded) },
    });
    const reconcile = gatedContainer(world, {
      'store.removePending': { before: () => Signal.any(finishChecked, finishEnded) },
      'stytch.rotateCancel': { after: cancelled },
    });

    // Act
    const [finishError] = await Promise.all([
      runToEnd(() => finish({ ...event, Step: 'finishSecret' }, LAMBDA_CONTEXT), finishEnded),
      runToEnd(() => reconcile(SCHEDULED_EVENT, LAMBDA_CONTEXT), reconcileEnded),
    ]);

    // Assess: the pending secret was promoted and stays valid; nothing was cancelled under it
    expect(world.currentAuthenticates(client)).toBe(true);
    expect(finishError).toBeUndefined();
    expect(cancelled.reached).toBe(false);
    expect(
      world.versions(client.secretArn).find((v) => v.versionId === event.ClientRequestToken),
    ).toMatchObject({ stages: expect.arrayContaining(['AWSCURRENT']) });
    world.expectInvariants(client);
    // The next rotation starts clean.
    const next = await world.sm.send(new RotateSecretCommand({ SecretId: client.secretArn }));
    expect(
      (await world.cloud.secretsManager.waitForRotation(client.secretArn, next.VersionId)).outcome,
    ).toBe('succeeded');
  });

  it('makes a reconcile pass that meets a held lease stand down without alarming, and act next pass', async () => {
    // Prepare: a due overlap, and another actor holding the client's lease
    world = await RotationWorld.start({ completionDelaySeconds: 3600 });
    client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(3600 * 1000);
    const dynamodb = new DynamoDBClient(
      localAwsClientConfig(world.cloud, world.cloud.dynamodb.url),
    );
    const table = createLeaseTable(dynamodb, world.cloud.leaseTable);
    const held = await acquireLease(
      { table, clock: world.clock, log: world.log },
      { clientId: client.clientId, secretArn: client.secretArn, actor: 'cli complete' },
      { expiresAt: world.clock.now().getTime() + 60_000, callAllowanceMs: 5_000 },
    );
    const reconcile = new ReconcileDriver(world);

    // Act
    const busy = await reconcile.run();
    const writesWhileHeld = reconcile.writes();
    await table.release(client.clientId, held.holder);
    const next = await reconcile.run();
    dynamodb.destroy();

    // Assess
    expect(busy.attention).toBeUndefined();
    expect(writesWhileHeld).toEqual([]);
    expect(reconcile.writes().filter((call) => call.startsWith('stytch.'))).toEqual([
      'stytch.rotate',
    ]);
    expect(reconcile.metrics.totals.OverlapsCompleted).toBe(1);
    expect(next.attention).toBeUndefined();
    expect(world.log.lines.map((line) => line.message)).toContainEqual(
      expect.stringContaining("another actor holds the client's lease (cli complete #"),
    );
  });
});
