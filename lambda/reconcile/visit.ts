/**
 * One secret's turn in a pass: observe it as deeply as its need requires, judge it (inspect-secret.ts),
 * make the move (actions.ts), then the bookkeeping that lets the listing leave it alone next time
 * (settle.ts). A shallow look (AWSCURRENT's value only) is deepened before any judgement that compares
 * the stored secrets with Stytch's: drift is never reported from a partial observation.
 */
import type { Log } from '../log.ts';
import type { SecretMetadata } from '../secrets/store.ts';
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
import { type Plan, type PlanPolicy, planReconcile } from './inspect-secret.ts';
import { type ObservedSecret, observeSecret } from './observe.ts';
import {
  bootstrapRotation,
  clearStaleLastError,
  overlapRecordedComplete,
  recordOverlapComplete,
} from './settle.ts';
import { tidyBeforePlan } from './stale-pending.ts';
import { DEFERRED_TAG, LAST_ERROR_TAG, parseLastError } from './tags.ts';
import type { Triage } from './triage.ts';

/** One secret to visit. */
export interface Visit {
  readonly listed: SecretMetadata;
  readonly triage: Triage;
}

export interface VisitPolicy extends PlanPolicy {
  /** Which interval of the schedule this pass belongs to (the bootstrap token depends on it). */
  readonly turn: number;
}

/** What the visit found and did. */
export interface VisitResult {
  readonly observed: ObservedSecret;
  readonly plan: Plan;
  /** The plan's move, when it had one. */
  readonly outcome: ActionOutcome | undefined;
  /** The bookkeeping moves made after it. */
  readonly bookkeeping: readonly { readonly move: Bookkeeping; readonly outcome: ActionOutcome }[];
}

export type Bookkeeping = 'record-complete' | 'bootstrap' | 'clear-last-error';

/** Plans a shallow observation may be acted on; anything else is looked at again in full. */
function shallowSuffices(plan: Plan): boolean {
  if (plan.action === 'complete-overlap' || plan.action === 'mark-overlap') return true;
  return plan.action === 'none' && plan.health !== 'rotating';
}

/**
 * Visits one secret. Throws what observing or moving throws; the pass records it. A stale AWSPENDING
 * is removed before judging (stale-pending.ts), and a deferred rotation is re-driven after the move
 * (deferred-rotation.ts), which acts only once its overlap is complete.
 */
export async function visitSecret(
  deps: ActionDeps & { readonly log: Log },
  visit: Visit,
  policy: VisitPolicy,
  call: CallOptions,
): Promise<VisitResult> {
  const { listed, triage } = visit;
  const reads = triage.reads === 'current' ? 'current' : 'all';
  let observed = await observeSecret(deps, listed.arn, call, { reads, listed });
  let plan = planReconcile(observed, policy);
  if (observed.partial && !shallowSuffices(plan)) {
    observed = await observeSecret(deps, listed.arn, call);
    plan = planReconcile(observed, policy);
  }
  if (!observed.partial) {
    const tidied = await tidyBeforePlan(deps, observed, call);
    if (tidied !== observed) {
      observed = tidied;
      plan = planReconcile(observed, policy);
    }
  }
  const outcome = await act(deps, plan, observed, policy, call);
  const bookkeeping: VisitResult['bookkeeping'][number][] = [];
  const note = async (move: Bookkeeping, run: () => Promise<ActionOutcome>) => {
    bookkeeping.push({ move, outcome: await run() });
  };

  const completedNow =
    plan.action === 'complete-overlap' &&
    (outcome?.outcome === 'done' || outcome?.outcome === 'already-done');
  const settledBefore = overlapRecordedComplete(listed.tags, observed.current.versionId);
  if (completedNow) {
    // completeOverlap saw Stytch's next secret become (or already be) AWSCURRENT's only one.
    const settledView = { ...observed, stytch: settledStytch(observed) };
    await note('record-complete', () => recordOverlapComplete(deps, settledView));
  } else if (plan.action === 'none' && plan.health === 'ok' && !settledBefore) {
    await note('record-complete', () => recordOverlapComplete(deps, observed));
  } else if (plan.action === 'none' && plan.health === 'not-rotated') {
    await note('bootstrap', () => bootstrapRotation(deps, observed, policy.turn));
  }
  const lastError = parseLastError(listed.tags[LAST_ERROR_TAG]);
  const quiet = plan.action === 'none' && (plan.health === 'ok' || plan.health === 'overlap');
  if (triage.need === 'last-error' && lastError !== undefined && (quiet || completedNow)) {
    await note('clear-last-error', () => clearStaleLastError(deps, observed, lastError.token));
  }
  if (listed.tags[DEFERRED_TAG] !== undefined) {
    await redriveAfterPlan(deps, observed.arn, observed.clientId, observed.name, call);
  }
  return { observed, plan, outcome, bookkeeping };
}

function settledStytch(observed: ObservedSecret): ObservedSecret['stytch'] {
  return {
    kind: 'found',
    current: observed.current.secretLastFour,
    next: null,
    requestId: undefined,
  };
}

async function act(
  deps: ActionDeps,
  plan: Plan,
  observed: ObservedSecret,
  policy: PlanPolicy,
  call: CallOptions,
): Promise<ActionOutcome | undefined> {
  switch (plan.action) {
    case 'complete-overlap':
      return completeOverlap(deps, observed, call, { requireDue: policy });
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
