/**
 * The scheduled reconcile as the handler runs it: settings, pacing and metrics built once per
 * container, then one pass per EventBridge event.
 */

import { loadReconcileSettings } from '../config.ts';
import type { Container } from '../rotation/container.ts';
import { createMetrics, type MetricsSink } from './metrics.ts';
import { createRateLimiter, pacedStytchClient } from './pacing.ts';
import { runReconcilePass } from './reconcile.ts';

/** What tests and the sandbox may replace. */
export interface ScheduledReconcileOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the pass's counters go. @default Powertools metrics (EMF on stdout) */
  readonly metrics?: MetricsSink;
}

/** Runs one pass with the invocation's deadline. */
export type ScheduledReconcile = (deadline: number) => Promise<void>;

/**
 * Builds the per-container reconcile.
 * @throws ConfigError when the pacing settings are invalid
 */
export function createScheduledReconcile(
  container: Container,
  options: ScheduledReconcileOptions = {},
): ScheduledReconcile {
  const env = options.env ?? process.env;
  const settings = loadReconcileSettings(env);
  const metrics = options.metrics ?? createMetrics(env);
  const limiter = createRateLimiter(settings.stytchCallsPerSecond);
  return async (deadline) => {
    const { config, log, store, clock } = container;
    if (config.managedTag === undefined) {
      log.warn('reconcile: STYTCH_MANAGED_TAG is not set, so there are no secrets to reconcile');
      return;
    }
    // The credentials are read once per pass. A 401 is reported as drift by the pass; the cached
    // credentials expire (STYTCH_CREDENTIALS_CACHE_SECONDS) long before the next scheduled pass.
    const stytch = pacedStytchClient(await container.stytchClient(), limiter);
    await runReconcilePass(
      { store, stytch, clock, log, metrics },
      {
        managedTag: config.managedTag,
        completionDelaySeconds: config.completionDelaySeconds,
        stuckRotationHours: config.stuckRotationHours,
        concurrency: settings.concurrency,
        deadline,
      },
    );
  };
}
