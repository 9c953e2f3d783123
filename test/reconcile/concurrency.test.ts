import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

const HOUR_MS = 3_600_000;
const DELAY_SECONDS = 3600;

describe('the reconcile is safe to run concurrently', () => {
  let world: RotationWorld;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  it('with itself: two passes at once make each move once and nothing else', async () => {
    // Prepare: one due overlap, one stuck rotation, one stray next secret
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    const due = await world.addClient('m2m');
    const stuck = await world.addClient('connected_app');
    const stray = await world.addClient('m2m');
    for (const client of [due, stuck, stray]) {
      expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    }
    world.clock.advance(DELAY_SECONDS * 1000);
    await new ReconcileDriver(world).run(); // completes the bootstrap overlaps
    expect((await world.rotate(due.secretArn)).outcome).toBe('succeeded');
    world.cloud.stytch.faults.add({
      operation: 'oauth2.token',
      nth: 1,
      times: 1_000,
      action: { kind: 'status', status: 500 },
    });
    expect((await world.rotate(stuck.secretArn)).outcome).toBe('failed');
    world.cloud.clearFaults();
    world.knownSecrets.push(world.cloud.stytch.startRotation(stray.clientId));
    world.clock.advance(25 * HOUR_MS);
    const [a, b] = [new ReconcileDriver(world), new ReconcileDriver(world)];
    const mark = world.cloud.stytch.requestLog.length;

    // Act
    const passes = await Promise.all([a.run(), b.run()]);

    // Assess: each Stytch move took effect exactly once
    const applied = world.cloud.stytch.requestLog
      .slice(mark)
      .filter((e) => e.status === 200 && /\.(rotate|rotate_cancel|rotate_start)$/.test(e.operation))
      .map((e) => e.operation)
      .sort();
    expect(applied).toEqual(['connected_apps.rotate_cancel', 'm2m.rotate', 'm2m.rotate_cancel']);
    const abandoned = passes.flatMap((p) => p.attention?.findings ?? []);
    expect(abandoned.map((f) => `${f.kind} ${f.secret}`)).toEqual([
      `abandoned stytch/e2e/${stuck.clientId}`,
    ]);
    for (const client of [due, stuck, stray]) {
      world.expectInvariants(client);
      expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
      const pendingElsewhere = world
        .versions(client.secretArn)
        .some((v) => v.stages.includes('AWSPENDING') && !v.stages.includes('AWSCURRENT'));
      expect(pendingElsewhere).toBe(false);
    }
  });

  it('with a rotation: passes during every step of it change nothing', async () => {
    // Prepare: an overlap that is due, and a rotation whose Stytch calls are slow
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    const client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    const reconcile = new ReconcileDriver(world);
    world.cloud.stytch.faults.setLatency(40);

    // Act: passes back to back for as long as the rotation runs
    const started = await world.sm.send(new RotateSecretCommand({ SecretId: client.secretArn }));
    let rotating = true;
    const rotation = world.cloud.secretsManager
      .waitForRotation(client.secretArn, started.VersionId)
      .finally(() => {
        rotating = false;
      });
    const outcomes: string[] = [];
    while (rotating) {
      const pass = await reconcile.run();
      outcomes.push(pass.attention?.message ?? 'ok');
    }
    const outcome = await rotation;

    // Assess: the rotation succeeded; the passes wrote at most the overlap mark, and no pass failed
    expect(outcome.outcome).toBe('succeeded');
    expect(outcomes.length).toBeGreaterThan(3);
    const sawRotation = world.log.lines.some((l) =>
      l.message.includes('a rotation is in progress'),
    );
    expect(sawRotation).toBe(true);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    expect(reconcile.writes().filter((call) => call !== 'store.tag')).toEqual([]);
    world.clock.advance(DELAY_SECONDS * 1000);
    world.cloud.stytch.faults.setLatency(0);
    await reconcile.run();
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    world.expectInvariants(client);
  });
});
