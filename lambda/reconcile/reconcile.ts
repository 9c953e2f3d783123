/**
 * One reconcile pass: every secret carrying the managed tag is observed, judged (inspect-secret.ts)
 * and moved toward a clean state (actions.ts), a bounded number at a time. One log line per secret
 * says what was done and why; one summary line and one set of metrics close the pass. Anything that
 * needs a person makes the pass fail at the end, after every secret had its turn.
 */
import type { Log } from '../log.ts';
import { errorFields } from '../log.ts';
import { AWSCURRENT, AWSPENDING, type SecretMetadata } from '../secrets/store.ts';
import type { CallOptions } from '../stytch/client.ts';
import {
  type ActionDeps,
  type ActionOutcome,
  abandonRotation,
  completeOverlap,
  discardStray,
  markOverlap,
} from './actions.ts';
import { redriveAfterPlan } from './deferred-rotation.ts';
import { ReconcileAttentionError, type ReconcileFinding } from './errors.ts';
import { type Plan, planReconcile } from './inspect-secret.ts';
import {
  type MetricsSink,
  oldestRotationAgeHours,
  publishPassMetrics,
  type ReconcileMetric,
} from './metrics.ts';
import { observeSecret } from './observe.ts';
import { forEachConcurrently } from './pacing.ts';
import { tidyBeforePlan } from './stale-pending.ts';
import { DEFERRED_TAG } from './tags.ts';

export interface ReconcileDeps extends ActionDeps {
  readonly log: Log;
  readonly metrics: MetricsSink;
}

export interface ReconcileOptions {
  readonly managedTag: { readonly key: string; readonly value: string };
  readonly completionDelaySeconds: number;
  readonly stuckRotationHours: number;
  /** Secrets inspected at once. */
  readonly concurrency: number;
  /** Epoch ms (on `deps.clock`) by which the pass must be done. */
  readonly deadline: number;
}

/** What the summary line counts. */
export interface ReconcileSummary {
  readonly secrets: number;
  readonly counts: Readonly<Record<PassCount, number>>;
  readonly findings: readonly ReconcileFinding[];
}

type PassCount =
  | 'ok'
  | 'notRotated'
  | 'rotating'
  | 'overlapOpen'
  | 'overlapsMarked'
  | 'overlapsCompleted'
  | 'abandoned'
  | 'strayDiscarded'
  | 'drift'
  | 'stateMoved'
  | 'errors'
  | 'deferred';

/** A secret is not started with less time than this left: its calls may need retries. */
const MIN_MS_PER_SECRET = 5_000;

/**
 * Runs one pass.
 * @throws ReconcileAttentionError after the pass, when a rotation was abandoned, drift was found,
 *   a secret could not be inspected, or secrets were left for lack of time
 * @throws SecretStoreError when the managed secrets cannot be listed
 */
export async function runReconcilePass(
  deps: ReconcileDeps,
  options: ReconcileOptions,
): Promise<ReconcileSummary> {
  const { log, clock } = deps;
  const startedAt = clock.now().getTime();
  const { key, value } = options.managedTag;
  const secrets: SecretMetadata[] = [];
  for await (const secret of deps.store.listTagged(key, value)) secrets.push(secret);
  log.info(`reconcile: started for ${secrets.length} secrets tagged ${key}=${value}`);

  const counts = Object.fromEntries(COUNT_NAMES.map((n) => [n, 0])) as Record<PassCount, number>;
  const findings: ReconcileFinding[] = [];
  let credentialsRefused = false;
  const call: CallOptions = { deadline: options.deadline };

  await forEachConcurrently(
    visitingOrder(secrets, clock.now()),
    options.concurrency,
    async (secret) => {
      const fields = { secret_id: secret.arn };
      if (credentialsRefused) {
        // Every secret would meet the same 401; the one finding already says what to fix.
        counts.deferred += 1;
        return;
      }
      if (options.deadline - clock.now().getTime() < MIN_MS_PER_SECRET) {
        counts.deferred += 1;
        findings.push({
          secret: secret.name,
          kind: 'deferred',
          detail: 'not inspected: the pass ran out of time',
        });
        return;
      }
      try {
        const observed = await tidyBeforePlan(
          deps,
          await observeSecret(deps, secret.arn, call),
          call,
        );
        const plan = planReconcile(observed, { ...options, now: clock.now() });
        if (plan.action === 'report-drift' && plan.drift === 'credentials-refused') {
          // Several secrets in flight may meet the 401 at once: report it once.
          if (credentialsRefused) {
            counts.deferred += 1;
            return;
          }
          credentialsRefused = true;
        }
        const outcome = await act(deps, plan, observed, options, call);
        tally(counts, findings, secret.name, plan, outcome);
        const line =
          outcome === undefined
            ? `reconcile: ${secret.name}: ${plan.health}: ${plan.why}`
            : `reconcile: ${plan.action} ${secret.name}: ${outcome.outcome}: ${outcome.detail} (because ${plan.why})`;
        const attributes = {
          ...fields,
          client_id: observed.clientId,
          action: plan.action,
          health: plan.health,
          why: plan.why,
          outcome: outcome?.outcome ?? 'none',
        };
        if (plan.action === 'report-drift' || plan.action === 'abandon')
          log.error(line, attributes);
        else if (plan.action === 'discard-stray') log.warn(line, attributes);
        else log.info(line, attributes);
        if (secret.tags[DEFERRED_TAG] !== undefined) {
          await redriveAfterPlan(deps, observed.arn, observed.clientId, secret.name, call);
        }
      } catch (error) {
        counts.errors += 1;
        const detail = error instanceof Error ? error.message : String(error);
        findings.push({ secret: secret.name, kind: 'error', detail });
        log.error(`reconcile: could not reconcile ${secret.name}`, {
          ...fields,
          ...errorFields(error),
        });
      }
    },
  );

  const summary = { secrets: secrets.length, counts, findings };
  log.info(
    `reconcile: done: ${secrets.length} secrets, ${counts.overlapsCompleted} overlaps completed, ` +
      `${counts.abandoned} rotations abandoned, ${counts.strayDiscarded} stray secrets discarded, ` +
      `${counts.drift} drift, ${counts.errors} errors, ${counts.deferred} deferred`,
    { counts },
  );
  publishPassMetrics(deps.metrics, toMetrics(summary), {
    durationMs: clock.now().getTime() - startedAt,
    oldestRotationAgeHours: oldestRotationAgeHours(secrets, clock.now()),
  });
  if (findings.length > 0) throw new ReconcileAttentionError(findings);
  return summary;
}

const COUNT_NAMES: readonly PassCount[] = [
  'ok',
  'notRotated',
  'rotating',
  'overlapOpen',
  'overlapsMarked',
  'overlapsCompleted',
  'abandoned',
  'strayDiscarded',
  'drift',
  'stateMoved',
  'errors',
  'deferred',
];

async function act(
  deps: ReconcileDeps,
  plan: Plan,
  observed: Parameters<typeof completeOverlap>[1],
  options: ReconcileOptions,
  call: CallOptions,
): Promise<ActionOutcome | undefined> {
  switch (plan.action) {
    case 'complete-overlap':
      return completeOverlap(deps, observed, call, { requireDue: options });
    case 'mark-overlap':
      return markOverlap(deps, observed);
    case 'abandon':
      return abandonRotation(deps, observed, call);
    case 'discard-stray':
      return discardStray(deps, observed, plan.nextLastFour, call);
    default:
      return undefined;
  }
}

function tally(
  counts: Record<PassCount, number>,
  findings: ReconcileFinding[],
  secret: string,
  plan: Plan,
  outcome: ActionOutcome | undefined,
): void {
  if (outcome?.outcome === 'skipped') {
    counts.stateMoved += 1;
    return;
  }
  const done = outcome?.outcome === 'done';
  switch (plan.action) {
    case 'none':
      counts[HEALTH_COUNT[plan.health]] += 1;
      return;
    case 'mark-overlap':
      counts.overlapsMarked += done ? 1 : 0;
      return;
    case 'complete-overlap':
      counts.overlapsCompleted += done ? 1 : 0;
      return;
    case 'discard-stray':
      counts.strayDiscarded += done ? 1 : 0;
      return;
    case 'abandon':
      if (!done) return;
      counts.abandoned += 1;
      findings.push({ secret, kind: 'abandoned', detail: `${plan.why}; ${outcome.detail}` });
      return;
    case 'report-drift':
      counts.drift += 1;
      findings.push({ secret, kind: 'drift', detail: plan.why });
      return;
  }
}

const HEALTH_COUNT = {
  ok: 'ok',
  'not-rotated': 'notRotated',
  rotating: 'rotating',
  overlap: 'overlapOpen',
} as const satisfies Record<string, PassCount>;

function toMetrics(summary: ReconcileSummary): Record<ReconcileMetric, number> {
  const { counts } = summary;
  return {
    SecretsInspected: summary.secrets - counts.deferred,
    OverlapsCompleted: counts.overlapsCompleted,
    RotationsAbandoned: counts.abandoned,
    StraySecretsDiscarded: counts.strayDiscarded,
    DriftDetected: counts.drift,
    ReconcileErrors: counts.errors,
    SecretsDeferred: counts.deferred,
    OverlapsOpen: counts.overlapOpen,
    SecretsNotRotated: counts.notRotated,
    SecretsNeedingAttention: summary.findings.length,
  };
}

/**
 * The order a pass visits secrets in: those with a rotation pending first, then the rest starting
 * at an offset that moves with each pass (one step a minute). When a pass runs short of time, the
 * secrets it leaves differ from pass to pass instead of always being the same tail of the list.
 */
export function visitingOrder(secrets: readonly SecretMetadata[], now: Date): SecretMetadata[] {
  const pending = (secret: SecretMetadata) =>
    Object.values(secret.versionStages).some(
      (stages) => stages.includes(AWSPENDING) && !stages.includes(AWSCURRENT),
    );
  const rest = secrets.filter((secret) => !pending(secret));
  const offset = rest.length === 0 ? 0 : Math.floor(now.getTime() / 60_000) % rest.length;
  return [...secrets.filter(pending), ...rest.slice(offset), ...rest.slice(0, offset)];
}
