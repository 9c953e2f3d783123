import { afterEach, describe, expect, it } from 'vitest';
import { oldestRotationAgeHours } from '../../lambda/reconcile/metrics.ts';
import { RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

const DELAY_SECONDS = 3600;

describe('the metrics a reconcile pass publishes for the dashboard and the alarms', () => {
  let world: RotationWorld;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  it('counts open overlaps and never-rotated secrets, and measures the oldest rotation and the pass', async () => {
    // Prepare: one secret rotated (its overlap open), one never rotated
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    const rotated = await world.addClient('m2m');
    await world.addClient('connected_app');
    expect((await world.rotate(rotated.secretArn)).outcome).toBe('succeeded');
    const reconcile = new ReconcileDriver(world);

    // Act: a pass half an hour later, inside the overlap
    world.clock.advance(30 * 60 * 1000);
    await reconcile.run();

    // Assess
    expect(reconcile.metrics.totals).toMatchObject({
      SecretsInspected: 2,
      OverlapsOpen: 1,
      SecretsNotRotated: 1,
      SecretsNeedingAttention: 0,
    });
    expect(reconcile.metrics.totals.OldestRotationAgeHours).toBeGreaterThanOrEqual(0.5);
    expect(reconcile.metrics.totals.OldestRotationAgeHours).toBeLessThan(0.75);
    expect(reconcile.metrics.totals.ReconcileDuration).toBeGreaterThanOrEqual(0);
  });
});

describe('oldestRotationAgeHours', () => {
  it('is the age of the least recently rotated secret, ignoring never-rotated ones', () => {
    // Prepare
    const now = new Date('2026-03-01T12:00:00Z');
    const secrets = [
      { lastRotatedDate: new Date('2026-03-01T00:00:00Z') },
      { lastRotatedDate: undefined },
      { lastRotatedDate: new Date('2026-02-28T12:00:00Z') },
    ];

    // Act / Assess
    expect(oldestRotationAgeHours(secrets, now)).toBe(24);
    expect(oldestRotationAgeHours([{ lastRotatedDate: undefined }], now)).toBeUndefined();
  });
});
