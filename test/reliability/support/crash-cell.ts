/**
 * One cell of the crash matrix: a fresh world in the scenario's state, a rotation whose k-th call
 * fails one way, Secrets Manager's retries, the reconcile if needed, and the invariants checked
 * after every call and once settled.
 */
import type { FaultAction } from '../../../local/faults.ts';
import { currentAuthenticates, leakViolations, settledViolations } from './invariants.ts';
import { type BrokenVariant, type ReliabilityWorld, TIMEOUTS } from './reliability-world.ts';
import { type CallPoint, prepare, type Scenario } from './scenarios.ts';

/**
 * How the k-th call fails. The first three are server-side faults on every attempt the call makes
 * (SDK and Stytch-client retries included); the last kills the process right after the call.
 * - `error`: a 5xx answer; the operation has no effect.
 * - `timeout`: the effect applies, the answer comes after the client's timeout.
 * - `lost-response`: the effect applies, the connection drops without an answer.
 * - `crash-after`: the call succeeds, then the container dies (the next invocation starts cold).
 */
export const FAILURE_MODES = ['error', 'timeout', 'lost-response', 'crash-after'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

/** How the rotation ended (invariant 3). */
export type Convergence = 'converged' | 'recovered-by-reconcile' | 'not-converged';

/** What a cell shows: `violated` whenever an invariant broke, else how the rotation ended. */
export type CellStatus = Convergence | 'violated';

export interface CellResult {
  readonly point: CallPoint;
  readonly mode: FailureMode;
  readonly status: CellStatus;
  readonly convergence: Convergence;
  readonly violations: readonly string[];
  /** Attempts Secrets Manager made at the rotation under test (1 = no step failed). */
  readonly rotationAttempts: number;
  /** Server requests the k-th call made under the fault (retries included); 0 for crash-after. */
  readonly faultedRequests: number;
}

const SERVER_FAULTS: Readonly<Record<Exclude<FailureMode, 'crash-after'>, FaultAction>> = {
  error: { kind: 'status', status: 500 },
  timeout: { kind: 'slow-headers', ms: TIMEOUTS.holdMs },
  'lost-response': { kind: 'lost-response' },
};

export async function runCell(
  scenario: Scenario,
  point: CallPoint,
  mode: FailureMode,
  variant?: BrokenVariant,
): Promise<CellResult> {
  const { world, client } = await prepare(scenario, variant);
  const violations = new Set<string>();
  try {
    const armed = arm(world, point, mode, violations);
    world.tracer.onAfter = (call) => {
      armed.after(call.index);
      if (!currentAuthenticates(world, client)) {
        violations.add(
          `1: AWSCURRENT stopped authenticating after call ${call.index} ${call.name}`,
        );
      }
    };
    const previous = world.currentSecret(client);
    const outcome = await world.rotate(client.secretArn);
    armed.check();
    const rotated = outcome.outcome === 'succeeded' && world.currentSecret(client) !== previous;
    const convergence = rotated ? 'converged' : await recoverByReconcile(world, client.secretArn);
    for (const v of settledViolations(world, client, scenario.completionDelaySeconds)) {
      violations.add(v);
    }
    for (const v of leakViolations(world, [client])) violations.add(v);
    return {
      point,
      mode,
      status: violations.size > 0 ? 'violated' : convergence,
      convergence,
      violations: [...violations],
      rotationAttempts: outcome.attempts,
      faultedRequests: armed.requests(),
    };
  } finally {
    await world.close();
  }
}

/**
 * Arms the failure at call `point.index`. A server fault is added just before that call leaves,
 * at the server's next occurrence of the operation and for as many attempts as the call makes, and
 * removed when the call settles, so retries of the rotation meet a healthy server.
 */
function arm(
  world: ReliabilityWorld,
  point: CallPoint,
  mode: FailureMode,
  violations: Set<string>,
): { after(index: number): void; check(): void; requests(): number } {
  if (mode === 'crash-after') {
    world.tracer.reset(point.index);
    return {
      after: () => {},
      check: () => checkSameCall(world, point, violations),
      requests: () => 0,
    };
  }
  world.tracer.reset();
  const plan = world.server(point.server).faults;
  let first = 0;
  let attempts = 0;
  world.tracer.onBefore = (call) => {
    if (call.index !== point.index) return;
    first = plan.callCount(point.operation) + 1;
    plan.add({ operation: point.operation, nth: first, times: 1_000, action: SERVER_FAULTS[mode] });
  };
  return {
    after: (index) => {
      if (index !== point.index) return;
      attempts = plan.callCount(point.operation) - first + 1;
      plan.clear();
    },
    check: () => {
      checkSameCall(world, point, violations);
      if (attempts < 1)
        violations.add(`harness: call ${point.index} never reached ${point.operation}`);
    },
    requests: () => attempts,
  };
}

/** The fault run must meet the clean run's call at index k, or the cell tested something else. */
function checkSameCall(world: ReliabilityWorld, point: CallPoint, violations: Set<string>): void {
  const seen = world.tracer.calls[point.index - 1];
  if (seen !== point.name) {
    violations.add(`harness: call ${point.index} was ${seen ?? 'never made'}, not ${point.name}`);
  }
}

/**
 * Invariant 3's second chance: the scheduled reconcile (a day later, past the stuck-rotation age)
 * abandons what the retries left behind, and the next rotation must succeed.
 */
async function recoverByReconcile(
  world: ReliabilityWorld,
  secretArn: string,
): Promise<Convergence> {
  await world.runReconcile();
  try {
    const next = await world.rotate(secretArn);
    return next.outcome === 'succeeded' ? 'recovered-by-reconcile' : 'not-converged';
  } catch {
    // RotateSecret refuses while the failed rotation's AWSPENDING is still in place.
    return 'not-converged';
  }
}
