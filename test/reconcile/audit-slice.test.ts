import { describe, expect, it } from 'vitest';
import { auditSlice, auditSlot, slotsPerPeriod } from '../../lambda/reconcile/audit-slice.ts';

const INTERVAL_MS = 15 * 60_000;
const DAILY = { intervalMs: INTERVAL_MS, periodMs: 24 * 3_600_000 };

function arns(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:stytch/prod/client-${i}-AbCdEf`,
  );
}

describe('the drift audit slice', () => {
  it('has 96 slots a day at a 15-minute interval', () => {
    expect(slotsPerPeriod(DAILY)).toBe(96);
    expect(slotsPerPeriod({ intervalMs: INTERVAL_MS, periodMs: INTERVAL_MS })).toBe(1);
  });

  it.each([1, 5, 95, 96, 97, 1_000, 10_000])(
    'audits each of %i secrets exactly once in 96 consecutive passes, at most ⌈N/96⌉ a pass',
    (count) => {
      // Prepare: passes every 15 minutes, each a little late as a schedule fires
      const all = arns(count);
      const start = Date.UTC(2026, 0, 1, 7, 30) + 40_000;

      // Act
      const audited = new Map<string, number>();
      const sizes: number[] = [];
      for (let pass = 0; pass < 96; pass++) {
        const at = new Date(start + pass * INTERVAL_MS + (pass % 3) * 25_000);
        const slice = auditSlice(all, auditSlot(at, DAILY), DAILY);
        sizes.push(slice.size);
        for (const arn of slice) audited.set(arn, (audited.get(arn) ?? 0) + 1);
      }

      // Assess
      expect(audited.size).toBe(count);
      expect(new Set(audited.values())).toEqual(new Set([1]));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.ceil(count / 96));
    },
  );

  it('does not depend on the order the listing returns the secrets in', () => {
    const all = arns(500);
    const slot = auditSlot(new Date(Date.UTC(2026, 5, 1, 12)), DAILY);
    expect([...auditSlice([...all].reverse(), slot, DAILY)].sort()).toEqual(
      [...auditSlice(all, slot, DAILY)].sort(),
    );
  });

  it('puts a pass fired a little early or late in its own slot', () => {
    const boundary = Date.UTC(2026, 0, 1, 3, 15);
    const slot = auditSlot(new Date(boundary), DAILY);
    expect(auditSlot(new Date(boundary - 90_000), DAILY)).toBe(slot);
    expect(auditSlot(new Date(boundary + 90_000), DAILY)).toBe(slot);
    expect(auditSlot(new Date(boundary + INTERVAL_MS), DAILY)).toBe((slot + 1) % 96);
  });
});
