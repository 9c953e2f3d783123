/**
 * The scheduled reconcile as the handler runs it: settings, pacing and metrics built once per
 * container, then one pass per EventBridge event or continuation.
 */

import { loadReconcileSettings } from '../config.ts';
import type { LeaseTerms } from '../lease/client-lease.ts';
import type { Container } from '../rotation/container.ts';
import {
  type Continuation,
  continuationEvent,
  lambdaContinuation,
  type StartContinuation,
} from './continuation.ts';
import { createMetrics, type MetricsSink } from './metrics.ts';
import { createRateLimiter, pacedStytchClient } from './pacing.ts';
import { type HandOver, runReconcilePass } from './reconcile.ts';

/** What tests and the sandbox may replace. */
export interface ScheduledReconcileOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the pass's counters go. @default Powertools metrics (EMF on stdout) */
  readonly metrics?: MetricsSink;
  /**
   * How a pass that ran out of time starts its continuation.
   * @default - an asynchronous Invoke of this function (AWS_LAMBDA_FUNCTION_NAME); none without it
   */
  readonly startContinuation?: StartContinuation;
}

/**
 * Runs one pass with the invocation's deadline, holding each client's lease for its move;
 * `continuation` when it continues an earlier one.
 */
export type ScheduledReconcile = (
  deadline: number,
  leaseTerms: LeaseTerms,
  continuation?: Continuation,
) => Promise<void>;

/** A continuation is not started this close to the next scheduled pass, which takes over. */
const NEXT_PASS_MARGIN_MS = 60_000;

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
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME?.trim();
  const start =
    options.startContinuation ?? (functionName ? lambdaContinuation(functionName) : undefined);
  const audit = {
    intervalMs: settings.intervalMinutes * 60_000,
    periodMs: settings.auditPeriodHours * 3_600_000,
  };
  return async (deadline, leaseTerms, continuation) => {
    const { config, log, store, clock } = container;
    if (config.managedTag === undefined) {
      log.warn('reconcile: STYTCH_MANAGED_TAG is not set, so there are no secrets to reconcile');
      return;
    }
    const scheduledAt = continuation?.scheduledAt ?? clock.now();
    const generation = continuation?.generation ?? 0;
    const handOver: HandOver = async ({ secrets }) => {
      const nextPassAt = scheduledAt.getTime() + audit.intervalMs;
      if (start === undefined || generation >= settings.maxContinuations) return false;
      if (clock.now().getTime() > nextPassAt - NEXT_PASS_MARGIN_MS) return false;
      log.info(`reconcile: continuing with ${secrets} secrets in invocation ${generation + 1}`);
      await start(continuationEvent({ scheduledAt, generation: generation + 1 }));
      return true;
    };
    // The credentials are read once per pass. A 401 is reported as drift by the pass; the cached
    // credentials expire (STYTCH_CREDENTIALS_CACHE_SECONDS) long before the next scheduled pass.
    const stytch = pacedStytchClient(await container.stytchClient(), limiter);
    await runReconcilePass(
      {
        store,
        stytch,
        clock,
        log,
        metrics,
        lease: { table: container.leaseTable, terms: leaseTerms, log, actor: 'reconcile' },
      },
      {
        managedTag: config.managedTag,
        completionDelaySeconds: config.completionDelaySeconds,
        stuckRotationHours: config.stuckRotationHours,
        concurrency: settings.concurrency,
        deadline,
        audit,
        scheduledAt,
        handOver,
      },
    );
  };
}
