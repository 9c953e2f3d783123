/**
 * What one pass counts, and how the counts become its summary line's figures and its metrics.
 */
import type { ActionOutcome } from './actions.ts';
import type { ReconcileFinding } from './errors.ts';
import type { Plan } from './inspect-secret.ts';
import type { ReconcileMetric } from './metrics.ts';
import type { VisitResult } from './visit.ts';
import type { ListingGauges } from './visiting-order.ts';

export type PassCount =
  | 'ok'
  | 'notRotated'
  | 'rotating'
  | 'overlapOpen'
  | 'overlapsMarked'
  | 'overlapsCompleted'
  | 'completionsRecorded'
  | 'bootstrapped'
  | 'audited'
  | 'abandoned'
  | 'strayDiscarded'
  | 'drift'
  | 'stateMoved'
  | 'errors'
  | 'deferred';

export const COUNT_NAMES: readonly PassCount[] = [
  'ok',
  'notRotated',
  'rotating',
  'overlapOpen',
  'overlapsMarked',
  'overlapsCompleted',
  'completionsRecorded',
  'bootstrapped',
  'audited',
  'abandoned',
  'strayDiscarded',
  'drift',
  'stateMoved',
  'errors',
  'deferred',
];

/** Zero for every count. */
export function zeroCounts(): Record<PassCount, number> {
  return Object.fromEntries(COUNT_NAMES.map((n) => [n, 0])) as Record<PassCount, number>;
}

/** Counts the plan's move, and adds a finding for what needs a person. */
export function tally(
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

/** Counts the bookkeeping moves of one visit. */
export function tallyBookkeeping(counts: Record<PassCount, number>, result: VisitResult): void {
  for (const { move, outcome } of result.bookkeeping) {
    if (outcome.outcome !== 'done') continue;
    if (move === 'record-complete') counts.completionsRecorded += 1;
    if (move === 'bootstrap') counts.bootstrapped += 1;
  }
}

/** The pass's metrics. */
export function toMetrics(summary: {
  readonly secrets: number;
  readonly visited: number;
  readonly handedOver: number;
  readonly counts: Readonly<Record<PassCount, number>>;
  readonly findings: readonly unknown[];
  readonly gauges: ListingGauges;
}): Record<ReconcileMetric, number> {
  const { counts } = summary;
  return {
    SecretsListed: summary.secrets,
    SecretsInspected: summary.visited,
    SecretsAudited: counts.audited,
    RotationsBootstrapped: counts.bootstrapped,
    SecretsHandedOver: summary.handedOver,
    OverlapsCompleted: counts.overlapsCompleted,
    RotationsAbandoned: counts.abandoned,
    StraySecretsDiscarded: counts.strayDiscarded,
    DriftDetected: counts.drift,
    ReconcileErrors: counts.errors,
    SecretsDeferred: counts.deferred,
    OverlapsOpen: summary.gauges.overlapsOpen,
    SecretsNotRotated: summary.gauges.notRotated,
    SecretsNeedingAttention: summary.findings.length,
  };
}
