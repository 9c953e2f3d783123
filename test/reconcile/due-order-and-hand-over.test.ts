/**
 * Due overlaps are completed first, oldest due first, and a pass that runs out of invocation time
 * hands the rest to a continuation instead of failing. Time runs on the world's manual clock: each
 * completion (its record, written right after Stytch's `rotate`) takes 10 s of it, so a 30 s
 * invocation fits three.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ManagedClient, RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

const DELAY_SECONDS = 3600;

describe('due overlaps under a deadline', () => {
  let world: RotationWorld;
  let clients: ManagedClient[];

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  /** Five clients created a..e, rotated e first: their overlaps fall due e, d, c, b, a. */
  async function fiveDueOverlaps(): Promise<void> {
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    clients = [];
    for (let i = 0; i < 5; i++) clients.push(await world.addClient('m2m'));
    for (const client of [...clients].reverse()) {
      expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
      world.clock.advance(60_000);
    }
    world.clock.advance(DELAY_SECONDS * 1000);
  }

  function slowCompletions(reconcile: ReconcileDriver): void {
    reconcile.beforeCall = async (call) => {
      if (call === 'store.tag') world.clock.advance(10_000);
    };
  }

  const completionOrder = (reconcile: ReconcileDriver) =>
    reconcile.aimed.filter((c) => c.call === 'stytch.rotate').map((c) => c.target);

  it('completes them in due order and hands the rest over to one continuation', async () => {
    // Prepare
    await fiveDueOverlaps();
    const reconcile = new ReconcileDriver(world, {
      STYTCH_RECONCILE_CONCURRENCY: '1',
      STYTCH_RECONCILE_AUDIT_HOURS: '24',
    });
    slowCompletions(reconcile);

    // Act: the scheduled pass, then the continuation it asked for
    const first = await reconcile.run();
    const doneFirst = completionOrder(reconcile).length;
    const [event] = reconcile.continuations;
    const second = await reconcile.run(event);

    // Assess: no pass failed; all five completed, in due order, across two invocations
    expect([first.attention, second.attention]).toEqual([undefined, undefined]);
    expect(doneFirst).toBe(3);
    expect(reconcile.continuations).toHaveLength(1);
    expect(event).toMatchObject({
      source: 'stytch-secret-rotation',
      'detail-type': 'Reconcile Continuation',
      detail: { generation: 1 },
    });
    expect(completionOrder(reconcile)).toEqual([...clients].reverse().map((c) => c.clientId));
    expect(reconcile.metrics.totals.SecretsHandedOver).toBe(2);
    for (const client of clients) {
      expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
      world.expectInvariants(client);
    }
  });

  it('reports what it could not reach when it may not continue', async () => {
    // Prepare
    await fiveDueOverlaps();
    const reconcile = new ReconcileDriver(world, {
      STYTCH_RECONCILE_CONCURRENCY: '1',
      STYTCH_RECONCILE_MAX_CONTINUATIONS: '0',
    });
    slowCompletions(reconcile);

    // Act
    const pass = await reconcile.run();

    // Assess: the two latest-due (b, then a) are left, each reported, for the next scheduled pass
    expect(reconcile.continuations).toEqual([]);
    expect(pass.attention?.findings.map((f) => `${f.kind} ${f.secret}`)).toEqual(
      [clients[1], clients[0]].map((c) => `deferred stytch/e2e/${c?.clientId}`),
    );
    expect(pass.attention?.message).toContain('due-overlap');
  });

  it('refuses a malformed continuation event without any call', async () => {
    // Prepare
    await fiveDueOverlaps();
    const reconcile = new ReconcileDriver(world);

    // Act / Assess
    await expect(
      reconcile.run({
        source: 'stytch-secret-rotation',
        'detail-type': 'Reconcile Continuation',
        detail: { generation: 0, scheduledAt: 'yesterday' },
      }),
    ).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    expect(reconcile.aimed).toEqual([]);
  });
});
