import { describe, expect, it } from 'vitest';
import { loadReconcileSettings } from '../../lambda/config.ts';
import { ConfigError } from '../../lambda/errors.ts';

describe('loadReconcileSettings', () => {
  it('defaults to 4 secrets at once, 10 Stytch calls a second and a daily audit every 15 minutes', () => {
    // Act / Assess
    expect(loadReconcileSettings({})).toEqual({
      concurrency: 4,
      stytchCallsPerSecond: 10,
      intervalMinutes: 15,
      auditPeriodHours: 24,
      maxContinuations: 8,
    });
  });

  it('reads both variables', () => {
    // Act
    const settings = loadReconcileSettings({
      STYTCH_RECONCILE_CONCURRENCY: '8',
      STYTCH_RECONCILE_CALLS_PER_SECOND: '2.5',
      STYTCH_RECONCILE_INTERVAL_MINUTES: '5',
      STYTCH_RECONCILE_AUDIT_HOURS: '6',
      STYTCH_RECONCILE_MAX_CONTINUATIONS: '0',
    });

    // Assess
    expect(settings).toEqual({
      concurrency: 8,
      stytchCallsPerSecond: 2.5,
      intervalMinutes: 5,
      auditPeriodHours: 6,
      maxContinuations: 0,
    });
  });

  it('reports every bad value at once, each with the value', () => {
    // Act
    const attempt = () =>
      loadReconcileSettings({
        STYTCH_RECONCILE_CONCURRENCY: '0',
        STYTCH_RECONCILE_CALLS_PER_SECOND: 'fast',
        STYTCH_RECONCILE_INTERVAL_MINUTES: '60',
        STYTCH_RECONCILE_AUDIT_HOURS: '0.5',
      });

    // Assess
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'STYTCH_RECONCILE_CONCURRENCY must be a whole number >= 1, got "0"',
        'STYTCH_RECONCILE_CALLS_PER_SECOND must be a number > 0, got "fast"',
        'STYTCH_RECONCILE_AUDIT_HOURS must be at least one reconcile interval (60 minutes), got "0.5"',
      ]);
    }
  });
});
